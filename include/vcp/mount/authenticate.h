// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The authenticate step of a Mount: the pod's session (its leases, and its
// own Vault token when it has one) and a token to read with — the token its
// Vault identity shares with the other pods of its service account where
// that keeps Vault's authorization check (mount/identity.h), else its own.
// Pod sessions and identities live in bounded maps, keyed by every
// connection and auth setting plus the pod's name, UID, namespace and service
// account (identities: without the pod's name and UID), never by the JWT,
// which the driver renews on every Mount. A session or identity dropped from
// its map has its token revoked, once no Mount uses it, when -revoke-tokens
// asks for it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "vcp/mount/identity.h"
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
class PodSession {
 public:
  // `clock` and `metrics` must outlive it; `lease_budget` may be null.
  PodSession(Clock& clock, Metrics& metrics, std::shared_ptr<ByteBudget> lease_budget)
      : leases(std::move(lease_budget)), clock_(&clock), metrics_(&metrics) {}

  // The pod's own token session (per-pod tokens), made on first use.
  // Thread-safe.
  std::shared_ptr<vault::TokenSession> OwnTokens();

  // Takes `session` (a login made in the pod's identity's session, whose
  // token turned out to be the pod's alone) as the pod's own. Returns the own
  // session it replaces, if any, for revocation. Thread-safe.
  std::shared_ptr<vault::TokenSession> Adopt(std::shared_ptr<vault::TokenSession> session);

  // The own session, if it was ever made (for revocation).
  std::shared_ptr<vault::TokenSession> own_tokens() const;

  // Whether the mismatch of the pod's JWT and its service account was logged
  // already (once per session).
  bool FirstSubjectMismatch() { return !warned_subject_.exchange(true); }

  LeaseCache leases;

 private:
  Clock* const clock_;
  Metrics* const metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<vault::TokenSession> own_;  // guarded by mu_
  std::atomic<bool> warned_subject_{false};
};

// The outcome of the step: what the later steps read with.
struct Authenticated {
  std::shared_ptr<PodSession> pod;
  std::shared_ptr<vault::TokenSession> tokens;  // the session the grant came from
  vault::LoginSpec login;                       // for a new login when a read is denied
  vault::TokenGrant grant;
  bool shared = false;  // the token is the identity's, shared with the pods of its service account
  // Who the token speaks for, as a key: the identity's when shared, else the
  // pod's. Reads may be shared only between Mounts with the same scope.
  std::string scope;
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
  // -share-tokens: pods of one service account share their identity's token
  // where the login is Kubernetes auth; false: a token per pod, as the
  // incumbent does.
  bool share_tokens = true;
  // -share-jwt-tokens: share JWT auth logins per service account too.
  bool share_jwt_tokens = false;
};

class Authenticator {
 public:
  // `clock`, `metrics` and `lease_budget` (bytes of leases over every pod;
  // may be null) must outlive the authenticator and every Mount in flight.
  Authenticator(Clock& clock, Metrics& metrics, std::shared_ptr<ByteBudget> lease_budget,
                AuthenticateOptions options);

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

  // Empties the session and identity maps and revokes every token in them by
  // `deadline` (at shutdown, after the last Mount); yields how many tokens
  // were held (a shared token once) and how many Vault revoked, both 0
  // without revoke_tokens.
  void RevokeAll(Deadline deadline, absl::AnyInvocable<void(vault::RevokeTally)> done);

  // Pod sessions and identities held now.
  size_t sessions() const { return sessions_.size(); }
  size_t identities() const { return identities_.size(); }

 private:
  // Where a Mount's token comes from, and what the step needs to finish.
  struct Request;

  vault::LoginSpec LoginFor(const MountParams& params, const vault::VaultClient& client,
                            const std::string& auth_mount) const;
  // Whether the pod may use a shared token: sharing is on and the driver's
  // JWT (when there is one) names the pod's service account.
  bool MayShare(const MountParams& params, PodSession& pod) const;
  void PerPod(std::shared_ptr<Request> request);
  void Shared(std::shared_ptr<Request> request, int attempts);
  void Finish(std::shared_ptr<Request> request, const std::shared_ptr<vault::TokenSession>& tokens,
              absl::StatusOr<vault::TokenGrant> grant, bool shared);

  Clock* const clock_;
  Metrics* const metrics_;
  const std::shared_ptr<ByteBudget> lease_budget_;
  const AuthenticateOptions options_;
  ExpiringLru<PodSession> sessions_;
  ExpiringLru<Identity> identities_;
  vault::TokenRevoker revoker_;
};

}  // namespace vcp::mount
