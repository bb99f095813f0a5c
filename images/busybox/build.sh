#!/usr/bin/env bash
# busybox for the e2e test images: Debian's source and static configuration,
# plus FEATURE_DI_ENV_HACK, so ash passes on environment variables whose names
# hold '-' or '.' as upstream's busybox 1.37 does (the ConfigMap and Secret
# environment tests set such names).
#   build.sh OUTDIR  -> OUTDIR/busybox
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
work="$out/.src"
"$here/../deb-source.sh" busybox "$work"
cd "$work"
sed 's/^# CONFIG_FEATURE_DI_ENV_HACK is not set$/CONFIG_FEATURE_DI_ENV_HACK=y/' debian/config/pkg/static > .config
grep -qx 'CONFIG_FEATURE_DI_ENV_HACK=y' .config
{ yes '' || :; } | make oldconfig >/dev/null  # yes ends by SIGPIPE
make -j"$(nproc)" >/dev/null
install -m 0755 busybox "$out/busybox"
rm -rf "$work"
