// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The Mount use-case: from validated parameters to files and versions.
// Logs in (once per pod, token cached, renewed or replaced at two thirds of
// its TTL), reads every distinct Vault request
// once and concurrently, renders each object, signs versions. All or
// nothing: any failing object fails the Mount and no file is returned.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vcp/mount/mount_params.h"
#include "vcp/mount/token_revoker.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/concurrency.h"
#include "vcp/mount/object_version.h"
#include "vcp/vault/address_list.h"
#include "vcp/vault/connection_config.h"
#include "vcp/http/http_transport.h"
#include "vcp/vault/token_cache.h"
#include "vcp/vault/vault_client.h"

namespace vcp::mount {

struct MounterOptions {
  vault::ConnectionConfig default_connection;  // environment < flags
  std::string default_auth_mount = "kubernetes";
  size_t max_parallel_reads = 8;  // per Mount
  int max_concurrent_mounts = 32;  // -max-concurrent-mounts: more wait for a slot; <= 0: no limit
  // -max-concurrent-mounts-per-vault: Mounts of one Vault address (list) that
  // hold or wait for a slot; more wait for one of their address's, so a Vault
  // that hangs cannot take every slot. 0: max(1, max_concurrent_mounts / 4);
  // < 0, or not below max_concurrent_mounts: no limit.
  int max_concurrent_mounts_per_vault = 0;
  // -max-mount-response-bytes: Vault response bytes one Mount may receive, all
  // its reads and retries together, counted as they arrive; 0: no limit.
  size_t max_mount_response_bytes = 8 << 20;
  // -max-total-response-bytes: the same over every Mount in flight; 0: no limit.
  size_t max_total_response_bytes = 32 << 20;
  vault::RetryPolicy retry;       // for every Vault request
  bool lease_reuse = true;        // -lease-reuse: reuse leased responses across Mounts of a pod
  bool revoke_tokens = false;     // -revoke-tokens: revoke tokens evicted from the cache, and at shutdown
  // -allowed-vault-addrs (with -vault-addr's own): the Vault addresses a
  // SecretProviderClass may name, and where redirects may go. Default: any.
  vault::AddressPolicy address_policy;
  // -allow-class-tls-settings: whether a SecretProviderClass may set the TLS
  // parameters (vaultSkipTLSVerify, vaultCACertPath, ...), which read files on
  // the node and can weaken TLS.
  bool allow_class_tls_settings = true;
  // The HMAC key for object versions now (required).
  std::function<std::string()> version_key;
  // Creates a token for the pod when the driver passed none for the class's
  // audience (the TokenRequest fallback); empty outside a cluster or when the
  // fallback is switched off.
  std::function<absl::StatusOr<std::string>(const MountParams&, vault::Deadline)> request_token;
  // Why `request_token` is empty, for the error of a Mount that has no token,
  // e.g. "the TokenRequest fallback is off (-token-request-fallback=false)".
  std::string no_token_request_reason = "the provider runs outside a cluster";
  // The clock for token lifetimes; empty means std::chrono::steady_clock (tests inject one).
  std::function<std::chrono::steady_clock::time_point()> now;
};

struct MountedFile {
  std::string path;
  uint32_t mode = 0;
  std::string contents;
};

struct MountedVersion {
  std::string id;
  std::string version;
};

struct MountResult {
  std::vector<MountedFile> files;         // one per object, in SecretProviderClass order
  std::vector<MountedVersion> versions;   // one per object, same order
  std::vector<std::string> vault_reads;   // "GET /v1/secret/data/x" per distinct read (audit)
  int logins = 0;                         // logins this Mount performed
  int reused = 0;                         // distinct reads served from a still-valid lease
};

class Mounter {
 public:
  // All references must outlive the Mounter.
  Mounter(http::HttpTransport& transport, vault::TokenCache& tokens, MounterOptions options);

  // Performs one Mount. Thread-safe; Mounts run concurrently. Every Vault
  // call ends by `deadline`. Errors carry a code that says what went wrong
  // (InvalidArgument: the SecretProviderClass; FailedPrecondition: driver or
  // provider setup; PermissionDenied: Vault said no; Unavailable: Vault
  // unreachable or sealed; DeadlineExceeded, also when no Mount slot (or
  // none of its Vault address's share) freed up in time; ResourceExhausted:
  // the responses went over max_mount_response_bytes or
  // max_total_response_bytes) and a message that names the
  // object and the Vault path. No message contains a token or secret value.
  absl::StatusOr<MountResult> Mount(const MountParams& params, vault::Deadline deadline) const;

  // With `revoke_tokens`: empties the token cache and revokes every token in
  // it by `deadline` (at shutdown, after the last Mount). Returns how many
  // were revoked; 0 without `revoke_tokens`.
  int RevokeCachedTokens(vault::Deadline deadline) const;

 private:
  http::HttpTransport* transport_;
  vault::TokenCache* tokens_;
  MounterOptions options_;
  mutable vault::HealthyAddressMemory addresses_;  // which Vault address answered last
  // The per-address share of Mount slots, from max_concurrent_mounts_per_vault.
  static int VaultSlotLimit(const MounterOptions& options);

  mutable ConcurrencyLimit mount_slots_;           // max_concurrent_mounts
  mutable KeyedConcurrencyLimit vault_slots_;      // VaultSlotLimit, by Vault address list
  mutable ByteBudget total_responses_;             // max_total_response_bytes
  std::unique_ptr<TokenRevoker> revoker_;          // with revoke_tokens only
};

}  // namespace vcp::mount
