#!/usr/bin/env bash
# Builds the provider's image from the repository's Dockerfile, as written, with
# buildah and no registry: a Debian bookworm base made by mmdebstrap from this
# machine's Debian mirror is imported as the Dockerfile's FROM images
# (debian:bookworm and debian:bookworm-slim), then
#   buildah bud --isolation=chroot --network=host --pull=never --layers --jobs=2
# builds the Dockerfile (both stages in parallel until the runtime stage needs the
# binary), labelled with the commit (org.opencontainers.image.revision, which
# image_e2e.sh checks -version against). Run as root.
#   usage: build_image.sh [IMAGE]         (default: localhost/vault-csi-provider:test)
# Environment:
#   VCP_IMAGE_CACHE=DIR     where the base tarball is kept (default /var/cache/vcp-image)
#   VCP_IMAGE_REFRESH=1     remake the base even when the cached one is current
#   VCP_GIT_COMMIT, VCP_GIT_TREE_STATE, VCP_BUILD_DATE   what -version reports
#                           (default: HEAD, its tree state, and HEAD's commit date, so
#                           that an unchanged tree reuses the cached build layers)
#
# The base is the slim variant (minbase, with docs, man pages and locales excluded
# as debian:bookworm-slim does); the same base is tagged for both FROM lines: the
# build stage only needs apt, and a Dockerfile that builds on slim builds on the
# full image. Both the base and buildah's layers are cached, and the build stage's
# ccache lives in a build-cache mount (/var/tmp/buildah-cache), so a rebuild is quick.
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${1:-localhost/vault-csi-provider:test}
cache=${VCP_IMAGE_CACHE:-/var/cache/vcp-image}
suite=bookworm
started=$SECONDS
phase() { echo "-- [$((SECONDS - started))s] $*"; }

for tool in mmdebstrap podman buildah; do
  command -v "$tool" >/dev/null || { echo "build_image.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

# The base's apt sources: this machine's Debian sources (the mirror that works here),
# or the standard ones.
sources=$(mktemp /tmp/vcp-base-XXXXXX.sources)
docker_apt=$(mktemp /tmp/vcp-base-XXXXXX.conf)
trap 'rm -f "$sources" "$docker_apt"' EXIT
if [[ -s /etc/apt/sources.list.d/debian.sources ]]; then
  grep -v '^#' /etc/apt/sources.list.d/debian.sources >"$sources"
else
  cat >"$sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
# The host's apt settings that reaching its mirror may need (a proxy, a snapshot
# mirror whose Release files are past Valid-Until). They stay in the base, so the
# Dockerfile's own apt-get runs work the same way.
aptopts=()
for key in Acquire::http::Proxy Acquire::https::Proxy Acquire::Check-Valid-Until Acquire::Check-Date; do
  value=$(apt-config dump --no-empty "$key" 2>/dev/null | sed -n "s/^$key \"\(.*\)\";$/\1/p" | head -1)
  [[ -n "$value" ]] && aptopts+=("--aptopt=$key \"$value\";")
done
# debian:bookworm-slim's dpkg excludes.
dpkgopts=()
for rule in 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' \
            'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/groff/*' 'path-exclude=/usr/share/info/*' \
            'path-exclude=/usr/share/lintian/*' 'path-exclude=/usr/share/linda/*' \
            'path-exclude=/usr/share/locale/*' 'path-include=/usr/share/locale/locale.alias'; do
  dpkgopts+=("--dpkgopt=$rule")
done
# The apt settings of Debian's official images (debuerreotype's docker-* files): no
# .deb files or package caches left in the layers, compressed indexes, no translations.
cat >"$docker_apt" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "true";
Acquire::Languages "none";
Apt::AutoRemove::SuggestsImportant "false";
EOF
stamp=$( { echo "v4 $suite minbase merged-usr"; cat "$sources" "$docker_apt"; printf '%s\n' "${aptopts[@]}" "${dpkgopts[@]}"; } |
         sha256sum | cut -c1-16)
tarball=$cache/base-$suite-$stamp.tar

phase "base $suite ($stamp)"
if [[ "${VCP_IMAGE_REFRESH:-0}" == 1 || ! -s "$tarball" ]]; then
  mkdir -p "$cache"
  rm -f "$cache"/base-*.tar
  # dpkg's unsafe-io only while the base is made (it is dropped from the result).
  # merged-usr: /usr merged by mmdebstrap and usr-is-merged installed, as in Debian's
  # images (otherwise apt picks usrmerge, which brings perl along).
  mmdebstrap --quiet --variant=minbase --format=tar "${aptopts[@]}" "${dpkgopts[@]}" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --dpkgopt=force-unsafe-io \
    --customize-hook='sed -i "/^force-unsafe-io$/d" "$1/etc/dpkg/dpkg.cfg.d/99mmdebstrap"' \
    --customize-hook="upload $docker_apt /etc/apt/apt.conf.d/docker-clean" \
    --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
    "$suite" "$tarball.part" "$sources"
  mv "$tarball.part" "$tarball"
  phase "made $tarball ($(du -h "$tarball" | cut -f1))"
fi
for tag in "debian:$suite" "debian:$suite-slim"; do
  have=$(podman image inspect --format '{{index .Labels "vcp.base"}}' "localhost/$tag" 2>/dev/null || true)
  if [[ "$have" != "$stamp" || "${VCP_IMAGE_REFRESH:-0}" == 1 ]]; then
    podman import --quiet --change 'CMD ["bash"]' --change "LABEL vcp.base=$stamp" "$tarball" "$tag" >/dev/null
    phase "imported $tag"
  fi
done

# What -version reports (the build context has no .git).
commit=${VCP_GIT_COMMIT-$(git rev-parse HEAD 2>/dev/null || true)}
tree_state=${VCP_GIT_TREE_STATE-}
if [[ -z "${VCP_GIT_TREE_STATE+x}" && -n "$commit" ]]; then
  if [[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then tree_state=clean; else tree_state=dirty; fi
fi
build_date=${VCP_BUILD_DATE-$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || true)}

phase "buildah bud -> $image (commit ${commit:-unknown}, $tree_state, $build_date)"
# The host's compiler cache, lent to the build stage: the release build that the
# tests just ran compiled the same sources with the same flags (scripts/test.sh
# hashes paths relative to the tree, as the Dockerfile does), so the image build
# recompiles almost nothing.
ccache_args=()
if [[ -n "${CCACHE_DIR:-}" && -d "$CCACHE_DIR" ]]; then
  ccache_args=(-v "$CCACHE_DIR:/host-ccache" --build-arg CCACHE_DIR=/host-ccache)
fi
buildah bud --isolation=chroot --network=host --pull=never --layers --jobs=2 "${ccache_args[@]}" \
  --build-arg "VCP_GIT_COMMIT=$commit" --build-arg "VCP_GIT_TREE_STATE=$tree_state" \
  --build-arg "VCP_BUILD_DATE=$build_date" \
  --label "org.opencontainers.image.revision=$commit" --label "org.opencontainers.image.created=$build_date" \
  -f Dockerfile -t "$image" . 2>&1 |
  while IFS= read -r line; do  # each step with the time it starts
    if [[ "$line" == *"STEP "* || "$line" == COMMIT* ]]; then echo "-- [$((SECONDS - started))s] $line"; else echo "$line"; fi
  done
phase "built $image: $(podman images --noheading --format "{{.ID}}, {{.Size}}" "$image"), user $(podman image inspect --format "{{.Config.User}}" "$image")"
