#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, ASan + UBSan, coverage)
# and runs each one for FUZZ_SECONDS (default 20) on a copy of its seed corpus
# in a temporary directory, so the repository is never modified. Fails on the
# first crash, sanitizer report, leak, timeout (-timeout=5 per input) or
# out-of-memory (-rss_limit_mb=1024) and prints the reproducer's path and the
# command that replays it; the temporary directory is kept then.
#   FUZZ_SECONDS=120 bash test/fuzz/run.sh                  # longer runs
#   FUZZ_TARGETS="objects_yaml" bash test/fuzz/run.sh       # a subset
#   FUZZ_PRESET=asan bash test/fuzz/run.sh                  # reuse the asan build (CI)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-20}"
read -r -a targets <<<"${FUZZ_TARGETS:-mount_request objects_yaml vault_response kube_response command_line template manifest}"

# Per target: the longest input tried and the dictionary. Real inputs are a
# few hundred bytes to a few KiB; size limits on huge inputs have unit tests.
declare -A max_len=([mount_request]=8192 [objects_yaml]=4096 [vault_response]=8192
                    [kube_response]=4096 [command_line]=1024 [template]=4096 [manifest]=8192)
declare -A dict=([mount_request]=mount_request [objects_yaml]=objects_yaml [vault_response]=response
                 [kube_response]=response [command_line]=command_line [template]=template
                 [manifest]=objects_yaml)

# The asan preset builds the targets too (its objects carry the same coverage
# instrumentation), so CI fuzzes without a build of its own: FUZZ_PRESET=asan.
preset="${FUZZ_PRESET:-fuzz}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

work="$(mktemp -d "${TMPDIR:-/tmp}/vcp-fuzz.XXXXXX")"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for target in "${targets[@]}"; do
  binary="build/$preset/test/fuzz/fuzz_${target}"
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  cp test/fuzz/corpus/"fuzz_${target}"/* "$work/$target/corpus/"
  log="$work/$target/fuzz.log"
  started=$SECONDS
  if ! "$binary" -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=5 -rss_limit_mb=1024 \
       -dict="test/fuzz/${dict[$target]}.dict" -artifact_prefix="$work/$target/artifacts/" \
       -print_final_stats=1 "$work/$target/corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "FAIL fuzz_${target}: see $log"
    for reproducer in "$work/$target/artifacts/"*; do
      [[ -e "$reproducer" ]] || continue
      echo "  reproducer: $reproducer"
      echo "  replay:     $binary $reproducer"
    done
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  echo "ok fuzz_${target}: ${runs:-?} inputs in $((SECONDS - started)) s, corpus $(ls "$work/$target/corpus" | wc -l) files"
done
rm -rf "$work"
