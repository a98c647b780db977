#!/usr/bin/env bash
# Checks that the Dockerfile's runtime stage installs the Debian package of every
# shared library the provider binary needs (its ELF NEEDED entries), directly or as
# a dependency of a package it installs (what apt-get would bring along).
#   usage: check_runtime_libraries.sh BINARY DOCKERFILE
set -euo pipefail
binary=$1
dockerfile=$2
listed=$(awk '/^FROM debian:bookworm-slim/{on=1} on' "$dockerfile" | sed -n 's/.*install -y --no-install-recommends//p; /^ *lib/p' | tr -s ' \\\n' ' ')
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
            --no-enhances $listed 2>/dev/null | sed -n 's/^\([a-z0-9][^ <:]*\).*/\1/p' | sort -u | tr '\n' ' ')
runtime=" $listed $closure "
missing=0
while read -r soname; do
  path=$(ldconfig -p | awk -v so="$soname" '$1 == so && !found {print $NF; found=1}')
  [[ -n "$path" ]] || { echo "cannot resolve $soname"; missing=1; continue; }
  package=$( (dpkg -S "$(realpath "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true) | awk -F: 'NR == 1 {print $1}')
  if [[ " $runtime " != *" $package "* ]]; then
    echo "MISSING: $soname is in package $package, which the runtime stage does not install (nor any package it installs depends on)"
    missing=1
  else
    echo "ok: $soname ($package)"
  fi
done < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
exit $missing
