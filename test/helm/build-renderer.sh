#!/usr/bin/env bash
# Builds test/helm/render (helm-render) offline from Debian's Go packages
# (golang-go, golang-github-masterminds-sprig-dev, golang-gopkg-yaml.v3-dev).
# Debian installs Go sources under /usr/share/gocode/src without the /vN
# directories that module paths such as github.com/Masterminds/sprig/v3 use,
# so a throwaway GOPATH overlays symlinks for those paths.
#   usage: build-renderer.sh OUT_DIR   (writes OUT_DIR/helm-render)
set -euo pipefail
out=$(realpath -m "$1")
src=$(cd "$(dirname "$0")/render" && pwd)
gopath="$out/gopath"
mkdir -p "$gopath/src/vcp"
ln -sfn "$src" "$gopath/src/vcp/helm-render"
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/gocache" GOFLAGS=
for _ in $(seq 20); do
  if log=$(cd "$gopath/src/vcp/helm-render" && go build -o "$out/helm-render" . 2>&1); then
    exit 0
  fi
  missing=$(grep -o 'cannot find package "[^"]*/v[0-9]*[^"]*"' <<<"$log" | sed 's/cannot find package "//; s/"$//' | sort -u)
  [[ -n "$missing" ]] || { echo "$log" >&2; exit 1; }
  for pkg in $missing; do
    versioned=$(sed -E 's#^(.*/v[0-9]+)(/.*)?$#\1#' <<<"$pkg")   # e.g. github.com/Masterminds/sprig/v3
    plain=$(sed -E 's#/v[0-9]+$##' <<<"$versioned")
    [[ -d "/usr/share/gocode/src/$plain" ]] || { echo "no Debian source for $pkg" >&2; echo "$log" >&2; exit 1; }
    mkdir -p "$(dirname "$gopath/src/$versioned")"
    ln -sfn "/usr/share/gocode/src/$plain" "$gopath/src/$versioned"
  done
done
echo "could not resolve imports" >&2
exit 1
