#!/usr/bin/env bash
# The benchmark: builds the release binaries and runs bench/mount_bench, which
# starts its own fixed-answer Vault (nginx), the baseline's hop (noop_provider)
# and the daemon, and prints the tables docs/benchmarks.md explains. It prints
# figures and asserts none. Extra arguments go to mount_bench, e.g.
#   bash scripts/bench.sh -clients=1,8,64 -objects=1,5,10 -latency-ms=0,1,5 -rounds=7
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_DEPS:-0}" != 1 ]]; then bash scripts/install-deps.sh; fi
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release >&2
cmake --build --preset release --target vault-csi-provider mount_bench noop_provider >&2
exec build/release/bench/mount_bench -provider=build/release/src/vault-csi-provider "$@"
