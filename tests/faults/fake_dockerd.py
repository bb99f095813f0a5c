#!/usr/bin/env python3
"""A Docker daemon that misbehaves on purpose, on a UNIX socket.

fake_dockerd.py MODE SOCKET
  truncate      answers with a Content-Length larger than the body it sends
  chunk-cut     a chunked body that stops mid-chunk
  hang          /_ping answers, every other request never does
  hang-ping     accepts connections and never answers anything
  close-upload  a request with a body (sized or chunked): reads 64 KiB of it, then closes
  new-api       speaks API 1.47 only (refuses < 1.44, as Engine 29 does)
  old-api       speaks API 1.38
"""
import json
import os
import socket
import sys
import threading
import time

mode, path = sys.argv[1], sys.argv[2]


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def answer(conn, status, body, extra=""):
    conn.sendall((f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nApi-Version: "
                  f"{'1.47' if mode == 'new-api' else '1.38' if mode == 'old-api' else '1.41'}\r\n{extra}"
                  f"Content-Length: {len(body)}\r\n\r\n").encode() + body)


def serve(conn):
    try:
        while True:
            head, rest = read_head(conn)
            if head is None:
                return
            if mode == "hang-ping":
                time.sleep(3600)
            target = head.split(" ")[1]
            length = 0
            for line in head.split("\r\n")[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
                if k.strip().lower() == "transfer-encoding" and "chunked" in v:
                    length = -1  # a body of unknown length
            if target == "/_ping":
                answer(conn, 200, b"OK")
                continue
            if mode == "hang":
                time.sleep(3600)
            if mode == "close-upload" and length != 0:
                got = len(rest)
                while got < 65536:
                    got += len(conn.recv(65536))
                conn.close()
                return
            if mode == "new-api":
                version = target.split("/")[1]
                if version < "v1.44":
                    answer(conn, 400, json.dumps({"message": f"client version {version[1:]} is too old. Minimum "
                           "supported API version is 1.44, please upgrade your client to a newer version"}).encode())
                else:
                    answer(conn, 200, json.dumps({"Version": "29.0.0", "ApiVersion": "1.47", "MinAPIVersion": "1.44"}).encode())
                continue
            if mode == "truncate":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" +
                             b'{"Version": "20.10"' + b" " * 1000)
                conn.close()
                return
            if mode == "chunk-cut":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"400\r\n" + b"x" * 100)
                conn.close()
                return
            answer(conn, 200, b"{}")
    except OSError:
        pass


if os.path.exists(path):
    os.unlink(path)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(16)
deadline = time.time() + 600  # never outlives a test run
server.settimeout(1)
while time.time() < deadline:
    try:
        conn, _ = server.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
