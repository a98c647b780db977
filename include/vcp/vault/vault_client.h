// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Vault's HTTP API as the provider uses it: log in with a Kubernetes or JWT
// auth mount, and send a request with a token. Turns Vault's envelopes and
// error bodies into absl::Status values whose messages say what was asked,
// of which server, and what Vault answered. Tokens and JWTs never appear in
// a message.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/vault/address_list.h"
#include "vcp/vault/address_policy.h"
#include "vcp/vault/connection_config.h"
#include "vcp/http/http_transport.h"
#include "vcp/vault/secret_path.h"

namespace vcp::vault {

using Deadline = std::chrono::steady_clock::time_point;

// When and how failed requests are tried again: connection failures, 412,
// 429 and 5xx except 501, with jittered exponential backoff that honours
// Retry-After, never past the deadline. A 4xx denial is never retried.
struct RetryPolicy {
  int max_retries = 2;                                    // VAULT_MAX_RETRIES; 0 disables
  std::chrono::milliseconds initial_backoff{200};         // doubled per retry, +-25% jitter
  std::chrono::milliseconds max_backoff{5000};
  std::function<void(std::chrono::milliseconds)> sleep;   // empty: std::this_thread::sleep_for
};

// A successful login.
struct LoginResult {
  std::string client_token;
  int64_t lease_duration_seconds = 0;
  bool renewable = false;
};

class VaultClient {
 public:
  // A response and where it came from (used by the request helpers).
  struct Answer {
    http::HttpResponse response;
    std::string where;  // "<METHOD> <url>" of the request that was answered
  };

  // Checks `config` (address scheme of every address in the comma-separated
  // list, client certificate and key given together, TLS files present) and
  // returns a client. InvalidArgument with the offending setting named
  // otherwise. `transport` and `memory` (may be null: then the first address
  // is always tried first) must outlive the client.
  //
  // Every request goes to one address of the list, starting with the one
  // `memory` says answered last. A connection failure, a 503 (sealed, no
  // active node) or a standby that cannot serve (a redirect it cannot
  // complete) moves on to the next address. One 301/302/307 redirect is
  // followed, re-sending the body, unless it would downgrade https to http,
  // leave the /v1/ API, or go to an origin `policy` (may be null: any) does
  // not allow. `policy` must outlive the client.
  static absl::StatusOr<VaultClient> Create(http::HttpTransport& transport, ConnectionConfig config,
                                            RetryPolicy retry = RetryPolicy(),
                                            HealthyAddressMemory* memory = nullptr,
                                            const AddressPolicy* policy = nullptr);

  // POST /v1/auth/<auth_mount>/login {"jwt","role"}. Errors: Vault's status
  // mapped to a code (403 PermissionDenied, 400 InvalidArgument, ...) with
  // Vault's own error text; a response without auth.client_token is Internal.
  absl::StatusOr<LoginResult> Login(const std::string& auth_mount, const std::string& role,
                                    const std::string& jwt, Deadline deadline) const;

  // POST /v1/auth/token/renew-self with `token`; the result carries the new
  // TTL (the token itself is unchanged). Errors as for Login.
  absl::StatusOr<LoginResult> RenewSelf(const std::string& token, Deadline deadline) const;

  // POST /v1/auth/token/revoke-self with `token`: Vault revokes the token
  // and every lease created with it. OK on 204 (or any 2xx); errors as for
  // Login. An already expired or revoked token answers 403: also an error.
  absl::Status RevokeSelf(const std::string& token, Deadline deadline) const;

  // Sends `method` to `path` with `token` and an optional JSON body and
  // returns the response envelope (a JSON object with at least "data").
  // Errors: 403 PermissionDenied, 404 NotFound (with Vault's warnings), 400
  // InvalidArgument, 429 ResourceExhausted, 503/412 and connection failures
  // Unavailable, timeouts DeadlineExceeded; an empty or non-JSON body, or
  // `data: null`, is Internal. Messages start with "<METHOD> <url>".
  // Response bytes are taken from `response_budget` (may be null) as they
  // arrive, retries included; when it refuses: ResourceExhausted with the
  // budget's text, not retried.
  absl::StatusOr<nlohmann::json> Request(const std::string& method, const SecretPath& path,
                                         const std::optional<nlohmann::json>& body,
                                         const std::string& token, Deadline deadline,
                                         ByteBudget* response_budget = nullptr) const;

  // "<address><path>" for messages and logs, with the address tried first
  // (no query values are secret, but they are left out all the same).
  std::string DisplayUrl(const std::string& path) const;

  const ConnectionConfig& config() const { return config_; }

 private:
  VaultClient(http::HttpTransport& transport, ConnectionConfig config, RetryPolicy retry,
              std::vector<VaultEndpoint> endpoints, HealthyAddressMemory* memory, const AddressPolicy* policy);

  // Sends with retries, failover and redirects. `operation` labels the
  // request in metrics: login, read, renew, revoke.
  absl::StatusOr<Answer> Send(const std::string& operation, const std::string& method,
                              const std::string& target, const std::optional<std::string>& body,
                              const std::string& token, Deadline deadline,
                              ByteBudget* response_budget = nullptr) const;

  // One round over the address list: each address in turn (from the
  // remembered one) until one can serve.
  absl::StatusOr<Answer> SendToCluster(const std::string& operation, http::HttpRequest request,
                                       const std::string& target, Deadline deadline) const;

  // One address: the request, and one redirect when the answer is one.
  absl::StatusOr<Answer> SendFollowingRedirect(const std::string& operation, http::HttpRequest request,
                                               const VaultEndpoint& endpoint) const;

  // One HTTP exchange, with its metric.
  absl::StatusOr<http::HttpResponse> SendOnce(const std::string& operation, const http::HttpRequest& request,
                                        const VaultEndpoint& endpoint) const;

  // Parses a login or renew response's auth block.
  absl::StatusOr<LoginResult> ParseAuth(const std::string& where, const http::HttpResponse& response) const;

  http::HttpTransport* transport_;
  ConnectionConfig config_;
  RetryPolicy retry_;
  std::vector<VaultEndpoint> endpoints_;  // at least one
  HealthyAddressMemory* memory_;          // may be null
  const AddressPolicy* policy_;           // may be null: redirects to any origin
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

}  // namespace vcp::vault
