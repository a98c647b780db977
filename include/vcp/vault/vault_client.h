// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Vault's HTTP API as the provider uses it: log in with a Kubernetes or JWT
// auth mount, renew and revoke a token, and send a request with a token.
// Every call is asynchronous: it returns at once and its callback runs when
// Vault has answered (on the transport's thread), so waiting for Vault holds
// no thread. Retries back off on the injected clock, never by sleeping.
// Turns Vault's envelopes and error bodies into absl::Status values whose
// messages say what was asked, of which server, and what Vault answered.
// Tokens and JWTs never appear in a message.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/http/http_transport.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/address_list.h"
#include "vcp/vault/address_policy.h"
#include "vcp/vault/connection_config.h"
#include "vcp/vault/secret_path.h"

namespace vcp::vault {

// When and how failed requests are tried again: connection failures, 412,
// 429 and 5xx except 501, with jittered exponential backoff that honours
// Retry-After, never past the deadline. A 4xx denial is never retried.
struct RetryPolicy {
  int max_retries = 2;                                    // VAULT_MAX_RETRIES; 0 disables
  std::chrono::milliseconds initial_backoff{200};         // doubled per retry, +-25% jitter
  std::chrono::milliseconds max_backoff{5000};
};

// What every Vault client of the process shares. Everything pointed to must
// outlive the clients and every call in flight.
struct VaultContext {
  http::HttpTransport* transport = nullptr;
  Clock* clock = nullptr;
  Metrics* metrics = nullptr;
  HealthyAddressMemory* memory = nullptr;  // may be null: then the first address is always tried first
  const AddressPolicy* policy = nullptr;   // may be null: redirects may go to any origin
  RetryPolicy retry;
};

// A successful login.
struct LoginResult {
  std::string client_token;
  int64_t lease_duration_seconds = 0;
  bool renewable = false;
  // auth.metadata's string values, e.g. Kubernetes auth's
  // service_account_name and service_account_namespace.
  std::map<std::string, std::string> metadata;
};

class VaultClient {
 public:
  // Checks `config` (address scheme of every address in the comma-separated
  // list, client certificate and key given together, TLS files present) and
  // returns a client. InvalidArgument with the offending setting named
  // otherwise. Clients are cheap to copy; calls in flight keep what they
  // need alive.
  //
  // Every request goes to one address of the list, starting with the one
  // `context.memory` says answered last. A connection failure, a 503
  // (sealed, no active node) or a standby that cannot serve (a redirect it
  // cannot complete) moves on to the next address. One 301/302/307 redirect
  // is followed, re-sending the body, unless it would downgrade https to
  // http, leave the /v1/ API, or go to an origin `context.policy` does not
  // allow. Connection failures, 412, 429 and 5xx but 501 are retried
  // (context.retry) with jittered exponential back-off that honours
  // Retry-After, never past the deadline.
  static absl::StatusOr<VaultClient> Create(const VaultContext& context, ConnectionConfig config);

  // POST /v1/auth/<auth_mount>/login {"jwt","role"}. Errors: Vault's status
  // mapped to a code (403 PermissionDenied, 400 InvalidArgument, ...) with
  // Vault's own error text; a response without auth.client_token is Internal.
  void Login(const std::string& auth_mount, const std::string& role, const std::string& jwt, Deadline deadline,
             Callback<LoginResult> done) const;

  // POST /v1/auth/token/renew-self with `token`; the result carries the new
  // TTL (the token itself is unchanged). Errors as for Login.
  void RenewSelf(const std::string& token, Deadline deadline, Callback<LoginResult> done) const;

  // POST /v1/auth/token/revoke-self with `token`: Vault revokes the token
  // and every lease created with it. OK on 204 (or any 2xx); errors as for
  // Login. An already expired or revoked token answers 403: also an error.
  void RevokeSelf(const std::string& token, Deadline deadline, StatusCallback done) const;

  // Sends `method` to `path` with `token` and an optional JSON body and
  // yields the response envelope (a JSON object with at least "data").
  // Errors: 403 PermissionDenied, 404 NotFound (with Vault's warnings), 400
  // InvalidArgument, 429 ResourceExhausted, 503/412 and connection failures
  // Unavailable, timeouts DeadlineExceeded; an empty or non-JSON body, or
  // `data: null`, is Internal. Messages start with "<METHOD> <url>".
  // Response bytes are taken from `response_budget` (may be null; must live
  // until `done` has run) as they arrive, retries included; when it refuses:
  // ResourceExhausted with the budget's text, not retried.
  void Request(const std::string& method, const SecretPath& path, const std::optional<nlohmann::json>& body,
               const std::string& token, Deadline deadline, ByteBudget* response_budget,
               Callback<nlohmann::json> done) const;

  // The same client for another Vault namespace (X-Vault-Namespace): a
  // token from a parent namespace reads a child's with it.
  VaultClient InNamespace(const std::string& ns) const;

  // "<address><path>" for messages and logs, with the address tried first
  // (no query values are secret, but they are left out all the same).
  std::string DisplayUrl(const std::string& path) const;

  const ConnectionConfig& config() const;

  // The state every call of this client shares (defined in the .cc).
  struct State;

 private:
  explicit VaultClient(std::shared_ptr<const State> state) : state_(std::move(state)) {}

  std::shared_ptr<const State> state_;
};

// Vault's `errors` array as plain texts: go-multierror's
// "1 error occurred:\n\t* permission denied\n\n" becomes "permission denied".
std::vector<std::string> VaultErrorTexts(const nlohmann::json& errors);

// The texts of VaultErrorTexts joined with "; ".
std::string FlattenVaultErrors(const nlohmann::json& errors);

// Whether `status`, an error from VaultClient, is Vault saying the token
// itself is no longer valid (revoked or expired: a 403 whose errors include
// "invalid token"). A fresh login fixes that; a bare "permission denied" is a
// policy decision that a fresh token does not change. OpenBao never says
// "invalid token", so for it this is always false.
bool IsInvalidToken(const absl::Status& status);

// The status payload that marks an invalid-token error (see IsInvalidToken).
inline constexpr char kInvalidTokenPayload[] = "type.vcp/vault.invalid_token";

// Whether `status`, an error from VaultClient, is Vault's 404 for a KV v2
// path written without /data/ (its warning "Invalid path for a versioned K/V
// secrets engine"): the same read at <mount>/data/<path> may succeed.
bool IsKvV2PathWithoutData(const absl::Status& status);

// The status payload that marks that 404 (see IsKvV2PathWithoutData).
inline constexpr char kKvV2PathPayload[] = "type.vcp/vault.kv_v2_path";

}  // namespace vcp::vault
