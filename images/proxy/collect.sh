#!/bin/sh
# Runs inside the base rootfs: gathers iptables (nft and legacy), conntrack and
# the libraries they load into /out, the userland kube-proxy's image needs.
set -e
rm -rf /out && mkdir -p /out
# Paths are copied under their canonical directory (merged /usr: /lib is
# usr/lib), the compatibility links are added at the end.
copy() {
  for p in "$@"; do
    d=$(readlink -f "$(dirname "$p")")
    cp -a --parents "$d/$(basename "$p")" /out/
  done
}
bins="/usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi /usr/sbin/conntrack /usr/sbin/nft"
for b in $bins; do
  [ -e "$b" ] || continue
  copy "$b"
  ldd "$b" | awk '/=>/ {print $3} /^\t\// {print $1}' | while read -r lib; do
    [ -n "$lib" ] && copy "$lib" "$(readlink -f "$lib")"
  done
done
copy /usr/lib/x86_64-linux-gnu/xtables
for lib in /usr/lib/x86_64-linux-gnu/xtables/*.so; do
  ldd "$lib" | awk '/=>/ {print $3}' | while read -r dep; do [ -n "$dep" ] && copy "$dep" "$(readlink -f "$dep")"; done
done
copy /lib64/ld-linux-x86-64.so.2 "$(readlink -f /lib64/ld-linux-x86-64.so.2)"
for l in lib lib64 bin sbin; do [ -L "/$l" ] && ln -s "usr/$l" "/out/$l"; done
for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sf xtables-nft-multi "/out/usr/sbin/$t"
  ln -sf xtables-legacy-multi "/out/usr/sbin/${t%%-*}-legacy${t#${t%%-*}}"
done
mkdir -p /out/etc /out/tmp /out/run /out/var/run
cp -a /etc/protocols /etc/services /out/etc/ 2>/dev/null || true
