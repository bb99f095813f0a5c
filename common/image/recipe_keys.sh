#!/bin/sh
# recipe_keys.sh OUT.hpp NODE-RECIPE-FILES... -- E2E-RECIPE-FILES...
# The keys of the images dind builds by code rather than by script: the hash
# of the sources that make them, so a changed recipe is never served from the
# cache by a key nobody remembered to bump.
set -eu
out=$1; shift
node=""; e2e=""; side=node
for f in "$@"; do
  if [ "$f" = -- ]; then side=e2e; continue; fi
  if [ $side = node ]; then node="$node $f"; else e2e="$e2e $f"; fi
done
key() { cat "$@" | sha256sum | cut -c1-16; }
{
  echo "#pragma once"
  echo "#define DIND_NODE_RECIPE \"$(key $node)\""
  echo "#define DIND_E2E_RECIPE \"$(key $e2e)\""
} > "$out"
