#!/usr/bin/env bash
# Mounts a secret through the provider running inside its container image, the way
# the chart runs it: the providers directory is root-owned 0755 (as kubelet's
# DirectoryOrCreate makes it) and bind-mounted at /provider; the chart's init
# container (root, only CAP_CHOWN) gives it to group 65532; the provider then runs
# as the image's default user with every capability dropped and creates
# /provider/vault.sock, the chart's socket path. The Vault double (test-vault) and
# the driver-shaped client (csi-mount) run on the host, as the demo does.
# Containers run with buildah's chroot isolation and the host network.
#   usage: image_e2e.sh [IMAGE]     (default: localhost/vault-csi-provider:test)
#   BIN=build/release: where test-vault and csi-mount are built
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${1:-localhost/vault-csi-provider:test}
bin=${BIN:-build/release}
vault_port=${VCP_E2E_VAULT_PORT:-18230}
health_port=${VCP_E2E_HEALTH_PORT:-18231}
uid=65532
run=(buildah run --isolation=chroot --network=host)

fail() { echo "FAIL: $*" >&2; exit 1; }
for f in "$bin/test/test-vault" "$bin/test/csi-mount"; do [[ -x "$f" ]] || fail "$f is not built"; done

work=$(mktemp -d /tmp/vcp-image-e2e-XXXXXX)
ctr=""
cleanup() {
  local rc=$?
  if [[ -n "${provider_pid:-}" ]]; then kill -TERM -- "-$provider_pid" 2>/dev/null || true; wait "$provider_pid" 2>/dev/null || true; fi
  if [[ -n "${vault_pid:-}" ]]; then kill "$vault_pid" 2>/dev/null || true; wait "$vault_pid" 2>/dev/null || true; fi
  if ((rc != 0)); then
    for log in provider vault; do [[ -s "$work/$log.log" ]] && { echo "== $log log:"; cat "$work/$log.log"; }; done
  fi
  [[ -n "$ctr" ]] && buildah rm "$ctr" >/dev/null 2>&1
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

ctr=$(buildah from --pull=never --quiet --name "vcp-image-e2e-$$" "$image")
user=$(buildah inspect --format '{{.OCIv1.Config.User}}' "$ctr")
[[ "$user" == "$uid:$uid" ]] || fail "the image's default user is '$user', want $uid:$uid"
echo "ok: the image's default user is $user"

version=$("${run[@]}" --cap-drop=ALL "$ctr" -- /bin/vault-csi-provider -version)
echo "ok: -version in the image: $version"
# build_image.sh labels the image with the commit it passed to the build.
want_commit=$(buildah inspect --format '{{index .OCIv1.Config.Labels "org.opencontainers.image.revision"}}' "$ctr")
[[ -z "$want_commit" || "$version" == *"\"gitCommit\":\"$want_commit\""* ]] \
  || fail "-version does not report the commit the image was built from ($want_commit)"
# The chart keeps the image's entrypoint and sets the args; the socket path is CMD's.
entrypoint=$(buildah inspect --format '{{.OCIv1.Config.Entrypoint}}' "$ctr")
cmd=$(buildah inspect --format '{{.OCIv1.Config.Cmd}}' "$ctr")
[[ "$entrypoint" == '[/bin/vault-csi-provider]' && "$cmd" == '[-endpoint=/provider/vault.sock]' ]] \
  || fail "the image's entrypoint $entrypoint and cmd $cmd are not the ones the chart expects"

# The host's providers directory, as kubelet creates it.
sockdir=$work/providers
mkdir "$sockdir"
chown 0:0 "$sockdir"
chmod 0755 "$sockdir"
vol=(-v "$sockdir:/provider")

if "${run[@]}" --cap-drop=ALL "${vol[@]}" "$ctr" -- /bin/sh -c ': >/provider/probe' 2>/dev/null; then
  fail "the image's user could write to a root-owned 0755 directory: it is not an unprivileged user"
fi
echo "ok: before the init container, the provider's user cannot write to the directory"
if "${run[@]}" --user 0:0 --cap-drop=ALL "${vol[@]}" "$ctr" -- /bin/sh -c "chgrp $uid /provider" 2>/dev/null; then
  fail "chgrp worked without CAP_CHOWN: the capability flags are not enforced, so the next step proves nothing"
fi
# The chart's init container: root, every capability dropped but CAP_CHOWN. (buildah
# applies --cap-drop=ALL after --cap-add, leaving none, so every other one is named.)
all_caps="CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
  NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
  SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
  AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
  PERFMON BPF CHECKPOINT_RESTORE"
only_chown=$(for c in $all_caps; do [[ "$c" == CHOWN ]] || printf 'CAP_%s,' "$c"; done)
init=("${run[@]}" --user 0:0 "--cap-drop=${only_chown%,}" "${vol[@]}" "$ctr" --)
init_caps=$("${init[@]}" /bin/sh -c 'grep -E "^Cap(Eff|Bnd):" /proc/self/status' | tr -s '\t' ' ' | tr '\n' ' ')
[[ "$init_caps" == "CapEff: 0000000000000001 CapBnd: 0000000000000001 " ]] \
  || fail "the init container should have CAP_CHOWN alone: $init_caps"
"${init[@]}" /bin/sh -c "chgrp $uid /provider && chmod g+w /provider"
[[ "$(stat -c '%u:%g %a' "$sockdir")" == "0:$uid 775" ]] || fail "after the init container: $(stat -c '%u:%g %a' "$sockdir")"
echo "ok: the init container (root, $init_caps) made the directory root:$uid 0775"

# The Vault double, with secrets unique to this run.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/sa-signer.pem" 2>/dev/null
password=$(openssl rand -hex 16)
api_key=$(openssl rand -hex 16)
cat >"$work/seed.json" <<EOF
{"namespaces": {"": {
  "auth": {"kubernetes": {"type": "kubernetes", "roles": {"app": {
    "bound_service_account_names": ["app"], "bound_service_account_namespaces": ["default"],
    "audience": "vault", "token_policies": ["app"], "token_ttl": 3600}}}},
  "policies": {"app": ["secret/data/*", "kv/*"]},
  "mounts": {"secret": {"type": "kv-v2"}, "kv": {"type": "kv-v1"}},
  "kv": {"secret/image-e2e": {"password": "$password", "username": "image-e2e-user"},
         "kv/image-e2e": {"api-key": "$api_key"}}}}}
EOF
cat >"$work/spc.yaml" <<'EOF'
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: image-e2e
spec:
  provider: vault
  parameters:
    roleName: app
    objects: |
      - objectName: db-password
        secretPath: secret/data/image-e2e
        secretKey: password
        filePermission: 0600
      - objectName: db/username
        secretPath: secret/data/image-e2e
        secretKey: username
      - objectName: api-key
        secretPath: kv/image-e2e
        secretKey: api-key
EOF
"$bin/test/test-vault" -listen="127.0.0.1:$vault_port" -jwt-key="$work/sa-signer.pem" -seed="$work/seed.json" \
  >"$work/vault.log" 2>&1 &
vault_pid=$!

# The provider: the image's entrypoint and CMD (checked above), as the image's user, with the chart's
# socket path and the Vault address in VAULT_ADDR (as the chart passes it). Its own
# process group, so that cleanup stops buildah and the provider together.
setsid "${run[@]}" --cap-drop=ALL --env "VAULT_ADDR=http://127.0.0.1:$vault_port" "${vol[@]}" "$ctr" -- \
  /bin/vault-csi-provider -endpoint=/provider/vault.sock -health-addr="127.0.0.1:$health_port" \
  >"$work/provider.log" 2>&1 &
provider_pid=$!
for _ in $(seq 150); do
  [[ -S "$sockdir/vault.sock" ]] && grep -q "serving on" "$work/provider.log" && break
  kill -0 "$provider_pid" 2>/dev/null || fail "the provider exited"
  sleep 0.1
done
[[ -S "$sockdir/vault.sock" ]] || fail "no socket at $sockdir/vault.sock"
[[ "$(stat -c '%u:%g' "$sockdir/vault.sock")" == "$uid:$uid" ]] || fail "socket owner $(stat -c '%u:%g' "$sockdir/vault.sock")"
echo "ok: the provider created /provider/vault.sock, owned by $uid:$uid"

# The provider process itself: the image's user, no capabilities.
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
pid=""
for p in $(descendants "$provider_pid"); do
  [[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" == /bin/vault-csi-provider* ]] && pid=$p
done
[[ -n "$pid" ]] || fail "cannot find the provider process under buildah run ($provider_pid)"
status=$(grep -E '^(Uid|Gid|CapEff|CapPrm|CapBnd):' "/proc/$pid/status" | tr -s '\t' ' ')
echo "$status" | sed 's/^/   /'
echo "$status" | grep -qx "Uid: $uid $uid $uid $uid" || fail "the provider does not run as uid $uid"
echo "$status" | grep -qx "Gid: $uid $uid $uid $uid" || fail "the provider does not run as gid $uid"
echo "$status" | grep -qx "CapEff: 0000000000000000" || fail "the provider has effective capabilities"
echo "ok: the provider (pid $pid) runs as $uid:$uid with no capabilities"

# A Mount, as the driver sends it, through the socket in the bind-mounted directory.
"$bin/test/csi-mount" -endpoint="$sockdir/vault.sock" -jwt-key="$work/sa-signer.pem" -spc="$work/spc.yaml" \
  >"$work/mount.out" 2>&1 || { cat "$work/mount.out"; fail "Mount through the provider in the image failed"; }
cat "$work/mount.out"
expect() {  # FILE MODE CONTENTS
  grep -A1 -E "^--- $1 \\(mode $2, " "$work/mount.out" | tail -n +2 | grep -qxF "$3" \
    || fail "mounted file $1: want mode $2 and contents '$3'"
}
grep -q '^Mounted 3 file(s) for pod ' "$work/mount.out" || fail "want 3 mounted files"
expect db-password 0600 "$password"
expect db/username 0644 image-e2e-user
expect api-key 0644 "$api_key"
exec 3<>"/dev/tcp/127.0.0.1/$health_port" || fail "cannot reach the provider's health port $health_port"
printf 'GET /health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
ready=$(head -1 <&3 | tr -d '\r')
exec 3<&-
[[ "$ready" == *" 200 "* ]] || fail "/health/ready on the provider in the image: $ready"
echo "ok: /health/ready on the provider in the image: $ready"
echo "PASS: Mount through the provider inside $image (non-root $uid:$uid, socket /provider/vault.sock): 3 files, contents match"
