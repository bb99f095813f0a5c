#!/usr/bin/env bash
# Remote Docker: plain tcp:// (socat in front of the main daemon); a second,
# real dockerd on loopback TCP with TLS certificates
# made here (DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), and ssh:// through a real
# sshd on loopback running `docker system dial-stdio`. The Docker integration
# suite (import, exec with stdin, archives, volumes, save/load) runs over both;
# wrong certificates, host names and users are refused in one line.
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d /tmp/dind-remote-XXXXXX)
PORT=$((23000 + RANDOM % 1000))
SSH_PORT=$((PORT + 1000))
BRIDGE=dind-rt$((RANDOM % 1000))
daemon_pid="" sshd_pid="" socat_pid=""
cleanup() {
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
  [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 1; done
  fi
  ip link del "$BRIDGE" 2>/dev/null || true
  umount -R "$T/data" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

log "certificates (CA, server for 127.0.0.1, client)"
cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=dind-test-ca 2>/dev/null
issue() { # issue NAME SUBJECT EXTFILE-CONTENT
  openssl req -newkey rsa:2048 -nodes -keyout "$1-key.pem" -out "$1.csr" -subj "$2" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out "$1.pem" -days 2 -extfile "$1.ext" 2>/dev/null
}
issue server /CN=127.0.0.1 "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
issue client /CN=dind-client "extendedKeyUsage=clientAuth"
mkdir -p client other
cp ca.pem client/ca.pem && cp client.pem client/cert.pem && cp client-key.pem client/key.pem
# a CA that did not sign the server
openssl req -x509 -newkey rsa:2048 -nodes -keyout other/ca-key.pem -out other/ca.pem -days 2 -subj /CN=other 2>/dev/null
cp client.pem other/cert.pem && cp client-key.pem other/key.pem

log "second dockerd on tcp://127.0.0.1:$PORT (TLS, client certificates required)"
echo '{}' > "$T/daemon.json"  # not the main daemon's settings
# its own bridge: with --bridge none a daemon deletes docker0, the main daemon's
ip link add "$BRIDGE" type bridge
ip addr add 10.251.$((RANDOM % 250)).1/24 dev "$BRIDGE"
ip link set "$BRIDGE" up
dockerd --config-file "$T/daemon.json" --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/dockerd.pid" -H "tcp://127.0.0.1:$PORT" \
  --tlsverify --tlscacert ca.pem --tlscert server.pem --tlskey server-key.pem \
  --bridge "$BRIDGE" --iptables=false --ip6tables=false --storage-driver vfs >"$T/dockerd.log" 2>&1 &
daemon_pid=$!
remote() { DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/client" "$@"; }
for _ in $(seq 60); do remote docker version >/dev/null 2>&1 && break; sleep 1; done
check "the second daemon answers the docker CLI over TLS" remote docker version
check "it is not the main daemon" bash -c "[ \"\$(DOCKER_HOST=tcp://127.0.0.1:$PORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$T/client docker info -f '{{.DockerRootDir}}')\" = '$T/data' ]"

check "kubectl dind version over TLS" bash -c "$(declare -f remote); T=$T PORT=$PORT remote '$KD' version | grep -q 'Docker engine'"
check "DOCKER_TLS=1 (encrypted, server not verified) with another CA's directory" bash -c \
  "cp '$T/client/cert.pem' '$T/client/key.pem' '$T/other/' && DOCKER_HOST=tcp://127.0.0.1:$PORT DOCKER_TLS=1 DOCKER_CERT_PATH='$T/other' '$KD' version | grep -q 'Docker engine'"
set +e
remote "$KD" status >/dev/null 2>&1; rc=$?
set -e
check "status over TLS: no cluster there, exit 3 ($rc)" test "$rc" = 3
# All but the container-to-container ping: this daemon runs without iptables
# (two daemons must not share Docker's chains), so the main daemon's FORWARD
# DROP policy stops bridged traffic; that is this host, not the transport.
check "Docker integration suite against the TLS daemon" \
  remote "$DIND_BUILD/tests/docker-tests" "~dual-stack network*"

expect_refused() { # expect_refused WHAT EXIT PATTERN env...
  local what=$1 want=$2 pattern=$3; shift 3
  set +e
  env "$@" "$KD" version >/dev/null 2>"$T/err"; local rc=$?
  set -e
  check "$what: exit $want ($rc), one line matching '$pattern'" \
    bash -c "[ $rc = $want ] && [ \$(wc -l < '$T/err') = 1 ] && grep -qi -- '$pattern' '$T/err'"
}
expect_refused "CA that did not sign the server" 1 "TLS with the Docker daemon" \
  DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/other"
expect_refused "host name not in the server certificate" 1 "TLS with the Docker daemon" \
  DOCKER_HOST="tcp://localhost:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/client"
mkdir -p nocert && cp ca.pem nocert/
expect_refused "no client certificate for a --tlsverify daemon" 1 "docker" \
  DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/nocert"
expect_refused "plain HTTP to a TLS daemon" 1 "docker" DOCKER_HOST="tcp://127.0.0.1:$PORT"
expect_refused "DOCKER_TLS_VERIFY without ca.pem (usage)" 2 "ca.pem is missing" \
  DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/empty"

PLAIN_PORT=$((PORT + 2000))
log "plain tcp://127.0.0.1:$PLAIN_PORT (socat in front of the main daemon's socket)"
socat "TCP-LISTEN:$PLAIN_PORT,bind=127.0.0.1,reuseaddr,fork" UNIX-CONNECT:/var/run/docker.sock &
socat_pid=$!
sleep 0.5
check "Docker integration suite over plain tcp://" \
  env DOCKER_HOST="tcp://127.0.0.1:$PLAIN_PORT" "$DIND_BUILD/tests/docker-tests" "engine answers ping and version" \
  "import, create, start, exec, logs, archive, stop, remove"

log "sshd on 127.0.0.1:$SSH_PORT; ssh:// runs docker system dial-stdio there"
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$T/user_key"
cp "$T/user_key.pub" "$T/authorized_keys"
cat > "$T/sshd_config" <<CONF
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $T/host_key
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
StrictModes no
UsePAM no
PidFile $T/sshd.pid
CONF
cat > "$T/ssh_config" <<CONF
Host *
  IdentityFile $T/user_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
CONF
mkdir -p /run/sshd
/usr/sbin/sshd -D -f "$T/sshd_config" -E "$T/sshd.log" &
sshd_pid=$!
sleep 1
user=$(id -un)
via_ssh() { DOCKER_HOST="ssh://$user@127.0.0.1:$SSH_PORT" DIND_SSH_COMMAND="ssh -F $T/ssh_config" "$@"; }
check "kubectl dind version over ssh://" bash -c "$(declare -f via_ssh); T=$T user=$user SSH_PORT=$SSH_PORT via_ssh '$KD' version | grep -q 'Docker engine'"
check "Docker integration suite over ssh://" via_ssh "$DIND_BUILD/tests/docker-tests"
# the shared master connection ends with the command, not ControlPersist's 60 s later
printf '#!/bin/sh\necho "$*" >> %s/ssh-calls\nexec ssh -F %s/ssh_config "$@"\n' "$T" "$T" > "$T/ssh-logged"
chmod +x "$T/ssh-logged"
DOCKER_HOST="ssh://$user@127.0.0.1:$SSH_PORT" DIND_SSH_COMMAND="$T/ssh-logged" XDG_CACHE_HOME="$T/cache" "$KD" version >/dev/null
check "a command's requests share a master under the cache directory" grep -q "ControlPath=$T/cache/dind/ssh-" "$T/ssh-calls"
no_master() { ! pgrep -f "$T/cache/dind/ssh-" >/dev/null && ! ls "$T"/cache/dind/ssh-* >/dev/null 2>&1; }
check "no ssh master is left once the command returned" bash -c \
  "$(declare -f no_master); T=$T; for _ in \$(seq 20); do no_master && exit 0; sleep 0.1; done; exit 1"
# DIND_SSH_COMMAND is read as sh would: a quoted path with a space is one word
cp "$T/ssh_config" "$T/ssh config"
check "DIND_SSH_COMMAND with a quoted path that has a space" bash -c \
  "DOCKER_HOST=ssh://$user@127.0.0.1:$SSH_PORT DIND_SSH_COMMAND=\"ssh -F '$T/ssh config'\" '$KD' version | grep -q 'Docker engine'"
set +e
DOCKER_HOST="ssh://nobody-here@127.0.0.1:$SSH_PORT" DIND_SSH_COMMAND="ssh -F $T/ssh_config" "$KD" version >/dev/null 2>"$T/err"; rc=$?
DOCKER_HOST="ssh://$user@127.0.0.1:$SSH_PORT" DIND_SSH_COMMAND="ssh -F '$T/ssh config" "$KD" version >/dev/null 2>"$T/quote"; qrc=$?
set -e
check "ssh refused: exit 1 ($rc), one line with ssh's reason" \
  bash -c "[ $rc = 1 ] && [ \$(wc -l < '$T/err') = 1 ] && grep -q 'ssh: ' '$T/err'"
check "an unterminated quote in DIND_SSH_COMMAND: exit 1 ($qrc), one line saying so" \
  bash -c "[ $qrc = 1 ] && [ \$(wc -l < '$T/quote') = 1 ] && grep -q 'DIND_SSH_COMMAND: unterminated single quote' '$T/quote'"
finish
