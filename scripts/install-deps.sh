#!/usr/bin/env bash
# Installs every build and test dependency from Debian bookworm's packages.
# Run as root on a fresh machine; safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  ca-certificates cmake ninja-build g++ clang ccache pkg-config git procps \
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
  libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev libssl-dev \
  libgtest-dev libgmock-dev libcpp-httplib-dev prometheus-cpp-dev openssl \
  golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev python3-yaml python3-jsonschema >/dev/null
