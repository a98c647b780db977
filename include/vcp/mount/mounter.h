// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The Mount use-case, from the driver's request fields to files and
// versions, as a pipeline of small steps, each in its own file:
//
//   parse (mount_params)  →  plan reads (read_plan)  →  admit (admission)
//   →  authenticate (authenticate)  →  fetch (fetch)  →  render and sign (render)
//
// A Mount never blocks a thread: while it waits for a slot, a login or Vault,
// it is a set of callbacks on the transport's event loop and the clock. All
// or nothing: any failing object fails the Mount and no file is returned.
// Every Mount ends by its caller's deadline, whatever Vault does: each wait
// has the deadline, and a watchdog answers for the Mount if a step does not.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "vcp/http/http_transport.h"
#include "vcp/mount/admission.h"
#include "vcp/mount/authenticate.h"
#include "vcp/mount/mount_params.h"
#include "vcp/mount/render.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/address_list.h"
#include "vcp/vault/address_policy.h"
#include "vcp/vault/connection_config.h"
#include "vcp/vault/token_revoker.h"
#include "vcp/vault/vault_client.h"

namespace vcp::mount {

struct MounterOptions {
  vault::ConnectionConfig default_connection;  // environment < flags
  std::string default_auth_mount = "kubernetes";
  size_t max_parallel_reads = 8;  // reads of one Mount in flight at once
  int max_concurrent_mounts = 32;  // -max-concurrent-mounts: more wait for a slot; <= 0: no limit
  // -max-concurrent-mounts-per-vault: Mounts of one Vault address (list) that
  // hold a slot; more wait for one of their address's, so a Vault that hangs
  // cannot take every slot. 0: max(1, max_concurrent_mounts / 4); < 0, or
  // not below max_concurrent_mounts: no limit.
  int max_concurrent_mounts_per_vault = 0;
  // -max-mount-response-bytes: Vault response bytes one Mount may receive, all
  // its reads and retries together, counted as they arrive; 0: no limit.
  size_t max_mount_response_bytes = 8 << 20;
  // -max-total-response-bytes: the same over every Mount in flight; 0: no limit.
  size_t max_total_response_bytes = 32 << 20;
  // Bytes of leased responses kept for reuse over every pod; 0: no limit.
  size_t max_lease_cache_bytes = 16 << 20;
  // -read-cache-ttl: how long a static answer is served to the Mounts of its
  // token scope without asking Vault again; 0: not at all (each Mount reads,
  // identical reads in flight together are still coalesced).
  std::chrono::nanoseconds read_cache_ttl{0};
  // -max-read-cache-bytes: memory for those answers.
  size_t max_read_cache_bytes = 4 << 20;
  vault::RetryPolicy retry;       // for every Vault request
  bool lease_reuse = true;        // -lease-reuse: reuse leased responses across Mounts of a pod
  // -allowed-vault-addrs (with -vault-addr's own): the Vault addresses a
  // SecretProviderClass may name, and where redirects may go. Default: any.
  vault::AddressPolicy address_policy;
  // -allow-class-tls-settings: whether a SecretProviderClass may set the TLS
  // parameters (vaultSkipTLSVerify, vaultCACertPath, ...), which read files on
  // the node and can weaken TLS.
  bool allow_class_tls_settings = true;
  // What a request may make the provider parse (-max-objects-bytes, the objects cache).
  ParseOptions parse;
  // Pod sessions, tokens, the TokenRequest fallback.
  AuthenticateOptions auth;
  // Yields the HMAC key for object versions (required): at once, or after a
  // refresh that the Mount may wait for until its deadline.
  std::function<void(Deadline, Callback<std::string>)> version_key;
  // How long before the caller's deadline a Mount's own work must end, so
  // that a slow Vault gives a clear error from the provider rather than a
  // bare cancellation: min(max_reserve, a tenth of the time the Mount has).
  std::chrono::milliseconds max_reserve{2000};
};

// The driver's MountRequest, as the strings it sends.
struct MountRequest {
  std::string attributes;   // JSON object of strings
  std::string secrets;      // "", "null", "{}" or an object (unused)
  std::string target_path;  // where the driver writes the files
  std::string permission;   // decimal file mode, "420"
};

struct MountResult {
  std::vector<MountedFile> files;        // one per object, in SecretProviderClass order
  std::vector<MountedVersion> versions;  // one per file, same order
};

// What a Mount did, for its audit line: filled as far as it got.
struct MountReport {
  std::string pod = "?";                    // "namespace/name", shortened
  std::string secret_provider_class = "?";  // shortened
  size_t objects = 0;
  // "GET /v1/secret/data/x" per distinct read, marked "(lease reused)",
  // "(coalesced)" or "(cached)" when not this Mount's own request.
  std::vector<std::string> vault_reads;
  int logins = 0;                           // logins this Mount performed
  int reused = 0;                           // distinct reads served from a still-valid lease
  bool shared_token = false;                // read with its identity's token, shared by its service account's pods
};

// Receives a Mount's outcome, exactly once.
using MountCallback = absl::AnyInvocable<void(absl::StatusOr<MountResult>, MountReport)>;

// What the Mounter uses from the process. Everything must outlive the
// Mounter, and the Mounter every Mount in flight: stop the transport and the
// clock (which end or drop their callbacks) before destroying it.
struct MounterServices {
  http::HttpTransport* transport = nullptr;
  Clock* clock = nullptr;
  Metrics* metrics = nullptr;
};

class Mounter {
 public:
  Mounter(MounterServices services, MounterOptions options);
  ~Mounter();

  Mounter(const Mounter&) = delete;
  Mounter& operator=(const Mounter&) = delete;

  // Starts one Mount and returns at once; `done` runs when it ends (on the
  // transport's or the clock's thread, or inside Mount when it fails before
  // any wait), by `caller_deadline` at the latest. Errors carry a code that
  // says what went wrong (InvalidArgument: the SecretProviderClass;
  // FailedPrecondition: driver or provider setup; PermissionDenied: Vault said
  // no; Unavailable: Vault unreachable or sealed; DeadlineExceeded, also when
  // no Mount slot (or none of its Vault address's share) freed up in time;
  // ResourceExhausted: the responses went over max_mount_response_bytes or
  // max_total_response_bytes) and a message that names the object and the
  // Vault path. No message contains a token or secret value. Thread-safe.
  void Mount(MountRequest request, Deadline caller_deadline, MountCallback done);

  // Empties the session map and, with -revoke-tokens, revokes every token in
  // it by `deadline` (at shutdown, after the last Mount); yields how many
  // tokens were held and how many Vault revoked (both 0 without
  // -revoke-tokens).
  void RevokeCachedTokens(Deadline deadline, absl::AnyInvocable<void(vault::RevokeTally)> done);

  // Pod sessions held now.
  size_t sessions() const;

  // Bytes of leased responses kept for reuse now, over every pod.
  size_t lease_cache_bytes() const;

  // The state every Mount in flight shares (defined in the .cc).
  struct Shared;

 private:
  std::unique_ptr<Shared> shared_;
};

}  // namespace vcp::mount
