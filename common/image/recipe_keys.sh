#!/bin/sh
# recipe_keys.sh OUT.hpp NODE-RECIPE-FILES... -- E2E-RECIPE-FILES...
# The keys of the images dind builds by code rather than by script: the hash
# of the sources that make them, so a changed recipe is never served from the
# cache by a key nobody remembered to bump.
set -eu
out=$1; shift
# key before|after: the files before or after "--", concatenated and hashed
key() {
  side=before
  for f in "$@"; do
    if [ "$f" = -- ]; then side=after; elif [ $side = "$want" ]; then cat "$f"; fi
  done | sha256sum | cut -c1-16
}
{
  echo "#pragma once"
  echo "#define DIND_NODE_RECIPE \"$(want=before key "$@")\""
  echo "#define DIND_E2E_RECIPE \"$(want=after key "$@")\""
} > "$out"
