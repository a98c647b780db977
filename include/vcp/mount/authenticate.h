// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The authenticate step of a Mount: the pod's session (its Vault token and
// its leases, kept between Mounts) and a token to read with. Sessions live in
// a bounded map keyed by every connection and auth setting plus the pod's
// name, UID, namespace and service account (never the JWT, which the driver
// renews on every Mount); a session dropped from it has its token revoked
// when -revoke-tokens asks for it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "vcp/mount/lease_cache.h"
#include "vcp/mount/mount_params.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/util/expiring_lru.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/token_revoker.h"
#include "vcp/vault/token_session.h"
#include "vcp/vault/vault_client.h"

namespace vcp::mount {

// What the provider keeps for one pod between its Mounts.
struct PodSession {
  PodSession(std::shared_ptr<vault::TokenSession> tokens_in, ByteBudget* lease_budget)
      : tokens(std::move(tokens_in)), leases(lease_budget) {}

  const std::shared_ptr<vault::TokenSession> tokens;
  LeaseCache leases;
};

// The outcome of the step: what the later steps read with.
struct Authenticated {
  std::shared_ptr<PodSession> pod;
  vault::LoginSpec login;  // for a new login when a read is denied
  vault::TokenGrant grant;
};

// Creates a token with `audience` (empty: the API server's) for a pod that
// the driver passed none for (the TokenRequest fallback).
using TokenRequestFallback =
    std::function<void(const PodInfo& pod, const std::string& audience, Deadline, Callback<std::string>)>;

struct AuthenticateOptions {
  int cache_size = 1000;                              // -cache-size: pod sessions kept; <= 0: none
  std::chrono::nanoseconds idle_timeout{std::chrono::hours(1)};  // -session-idle-timeout; <= 0: never
  bool revoke_tokens = false;                         // -revoke-tokens: revoke dropped sessions' tokens
  // Empty outside a cluster or with -token-request-fallback=false.
  TokenRequestFallback request_token;
  // Why `request_token` is empty, for the error of a Mount without a token.
  std::string no_token_request_reason = "the provider runs outside a cluster";
};

class Authenticator {
 public:
  // `clock`, `metrics` and `lease_budget` (bytes of leases over every pod;
  // may be null) must outlive the authenticator and every Mount in flight.
  Authenticator(Clock& clock, Metrics& metrics, ByteBudget* lease_budget, AuthenticateOptions options);

  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Finds or makes the session of the pod in `params` for `client`'s
  // connection and `auth_mount`, and yields a token: the cached one, or
  // after a renewal or login with the pod's JWT (the driver's token for the
  // audience, else one from the TokenRequest fallback). Errors: the login's
  // (see TokenSession::Get), FailedPrecondition when there is no JWT and no
  // way to make one, DeadlineExceeded. Thread-safe.
  void Authenticate(const MountParams& params, const vault::VaultClient& client, const std::string& auth_mount,
                    Deadline deadline, Callback<Authenticated> done);

  // Empties the session map and revokes every token in it by `deadline`
  // (at shutdown, after the last Mount); yields how many Vault revoked, 0
  // without revoke_tokens.
  void RevokeAll(Deadline deadline, absl::AnyInvocable<void(int)> done);

  // Sessions held now.
  size_t sessions() const { return sessions_.size(); }

 private:
  vault::LoginSpec LoginFor(const MountParams& params, const vault::VaultClient& client,
                            const std::string& auth_mount) const;

  Clock* const clock_;
  Metrics* const metrics_;
  ByteBudget* const lease_budget_;
  const AuthenticateOptions options_;
  ExpiringLru<PodSession> sessions_;
  vault::TokenRevoker revoker_;
};

}  // namespace vcp::mount
