#!/usr/bin/env bash
# The API servers' load balancer's root filesystem: Debian's haproxy with
# every library it loads (resolved by the loader itself, so transitive ones
# come too), nothing else.
#   build.sh OUTDIR  -> OUTDIR/rootfs.tar
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
work=$(mktemp -d /var/tmp/dind-lb.XXXXXX)
chmod 755 "$work"  # apt-get download runs as _apt
trap 'rm -rf "$work"' EXIT
# haproxy's own library packages; the rest (libc, libssl, ...) are the host's,
# the same Debian release as the packages
(cd "$work" && apt-get download -qq haproxy liblua5.3-0 libopentracing-c-wrapper0 libopentracing1)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
libs=$(find "$work/x" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
root=$work/root
mkdir -p "$root/usr/sbin" "$root/usr/local/etc/haproxy" "$root/tmp" "$root/run"
chmod 1777 "$root/tmp"
cp "$work/x/usr/sbin/haproxy" "$root/usr/sbin/"
LD_LIBRARY_PATH=$libs ldd "$work/x/usr/sbin/haproxy" | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' |
  while read -r lib; do
    mkdir -p "$root$(dirname "${lib#"$work/x"}")"
    cp -L "$lib" "$root${lib#"$work/x"}"
  done
# the loader, where the binary asks for it
interp=$(LD_LIBRARY_PATH=$libs ldd "$work/x/usr/sbin/haproxy" | awk '/ld-linux/ {print $1}')
[ -e "$root$interp" ] || { mkdir -p "$root$(dirname "$interp")"; cp -L "$interp" "$root$interp"; }
# (sed reads it all: `head -1` closing the pipe early failed the build with SIGPIPE, exit 141)
"$root$interp" --library-path "$(find "$root" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)" "$root/usr/sbin/haproxy" -v | sed -n 1p
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$out/rootfs.tar" .
