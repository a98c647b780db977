#!/usr/bin/env bash
# The benchmark: builds the release binaries and runs bench/mount_bench, which
# prints one table (docs/benchmarks.md explains it). Extra arguments go to
# mount_bench, e.g. -clients=1,8,64 -objects=1,5,10 -latency-ms=0,1,5.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_DEPS:-0}" != 1 ]]; then bash scripts/install-deps.sh; fi
cmake --preset release >/dev/null
cmake --build --preset release --target vault-csi-provider mount_bench
exec build/release/bench/mount_bench -provider=build/release/src/vault-csi-provider "$@"
