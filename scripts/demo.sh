#!/usr/bin/env bash
# The demo: builds the provider, starts the test Vault seeded with example
# secrets, starts the provider, and mounts docs/examples/demo-secretproviderclass.yaml
# through the provider's real Unix socket, printing the files a pod would get.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_DEPS:-0}" != 1 ]]; then bash scripts/install-deps.sh; fi
cmake --preset release >/dev/null
cmake --build --preset release --target vault-csi-provider test-vault csi-mount

bin=build/release
work=$(mktemp -d /tmp/vcp-demo-XXXXXX)
cleanup() {
  [[ -n "${provider_pid:-}" ]] && kill "$provider_pid" 2>/dev/null && wait "$provider_pid" 2>/dev/null
  [[ -n "${vault_pid:-}" ]] && kill "$vault_pid" 2>/dev/null && wait "$vault_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The key that signs pods' service-account tokens (kube-apiserver's role).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/sa-signer.pem" 2>/dev/null

"$bin/test/test-vault" -listen=127.0.0.1:18200 -jwt-key="$work/sa-signer.pem" >"$work/vault.log" 2>&1 &
vault_pid=$!
"$bin/src/vault-csi-provider" -endpoint="$work/vault.sock" -health-addr=127.0.0.1:18080 \
  -vault-addr=http://127.0.0.1:18200 >"$work/provider.log" 2>&1 &
provider_pid=$!
for _ in $(seq 100); do
  grep -q "serving on" "$work/provider.log" 2>/dev/null && break
  sleep 0.1
done

echo "== test Vault: $(cat "$work/vault.log")"
echo "== provider:   $(grep -m1 "serving on" "$work/provider.log")"
echo
"$bin/test/csi-mount" -endpoint="$work/vault.sock" -jwt-key="$work/sa-signer.pem" \
  -spc=docs/examples/demo-secretproviderclass.yaml
echo
echo "== provider log:"
cat "$work/provider.log"
