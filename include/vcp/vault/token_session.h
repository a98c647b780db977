// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// One Vault login and the token it gave, owned by one type: when to log in,
// when to renew or log in again (at two thirds of the TTL), when a denial
// earns a new login, and handing the token over for revocation. Its state is
// private.
//
// A login or renewal is a flight: concurrent callers share it, each waiting
// with its own deadline, and no lock is held while Vault is asked. While a
// valid token is being renewed, callers keep using it and do not wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/util/flight.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/vault_client.h"

namespace vcp::vault {

// How to log in.
struct LoginSpec {
  VaultClient client;           // where (the connection and its address list)
  std::string auth_mount;       // e.g. "kubernetes"
  std::string role;
  std::string service_account;  // "namespace/name", for messages
  // Yields the JWT to log in with (the driver's token, or one made through
  // the TokenRequest API); called once per login, by the caller that leads it.
  std::function<void(Deadline, Callback<std::string>)> jwt;
};

// A token to use, and where it came from.
struct TokenGrant {
  std::string token;
  // Which login gave the token: unique in the process, so leases obtained
  // with a token (which end with it: Vault revokes them together) are told
  // apart even when a pod moves between a token of its own and a shared one.
  uint64_t generation = 0;
  // The token comes from a login that finished during this call: a denial
  // of it is the role's policy, not a stale token.
  bool fresh = false;
  // Logins this call performed itself (0 or 1), for the audit line.
  int logins = 0;
  // The auth.metadata of the login that gave the token (null before any
  // login): Kubernetes auth names the service account there.
  std::shared_ptr<const std::map<std::string, std::string>> metadata;
};

// How long after a denial-triggered re-login another one may happen: a
// policy that denies a path denies it for a fresh token too.
inline constexpr std::chrono::minutes kDenialReloginInterval(5);

class TokenSession : public std::enable_shared_from_this<TokenSession> {
 public:
  // Sessions are shared with the calls in flight: create them with
  // std::make_shared. `clock` and `metrics` must outlive the session.
  TokenSession(Clock& clock, Metrics& metrics);
  // Hands the token to the RevokeWhenReleased hook, if one was set.
  ~TokenSession();

  TokenSession(const TokenSession&) = delete;
  TokenSession& operator=(const TokenSession&) = delete;

  // Yields the token to use now: the current one while it is fresh; else
  // after a renewal (when renewable and still worth it) or a login. One
  // caller leads the login; the others wait for it until their own deadline
  // (DeadlineExceeded). A failed login is PermissionDenied, InvalidArgument,
  // ... with "failed to login to Vault with role ..." and Vault's reason; a
  // failure to get the JWT is passed through unchanged. Thread-safe.
  void Get(const LoginSpec& login, Deadline deadline, Callback<TokenGrant> done);

  // After Vault answered 403 to a read made with `denied`: yields a new
  // token when a new login may help, and nullopt when it cannot (a policy
  // denial). A new login may help when Vault said the token is invalid
  // (`invalid_token`: revoked or expired early), or when the denied token was
  // a cached one and no denial-triggered login happened in the last
  // kDenialReloginInterval. Callers denied the same token share one login;
  // when another caller has already replaced it, its token is yielded.
  // An invalid token is replaced by the new one at once. A token that was
  // only denied stays the session's: the new one is a probe, which replaces
  // it only when a read retried with it succeeds (RetrySucceeded), so that a
  // path the role may not read does not change the token (and with it every
  // lease) of all the pods that share it. A probe never used again is left
  // to expire. REQUIRES: !denied.fresh || invalid_token. Thread-safe.
  void Relogin(const LoginSpec& login, const TokenGrant& denied, bool invalid_token, Deadline deadline,
               Callback<std::optional<TokenGrant>> done);

  // A read retried with `retried`'s token (from Relogin) succeeded: the old
  // token was the problem, not a policy, so a probe token replaces it (unless
  // the session has moved on to another token since), and the next denial
  // may log in again at once.
  void RetrySucceeded(const TokenGrant& retried);

  // A read retried with `retried`'s token was denied too: when that was the
  // probe, the denial is the role's policy, and later denials of the token
  // it would have replaced are not given the probe to try (until then they
  // are, without a login of their own).
  void RetryDenied(const TokenGrant& retried);

  // The token and the client to revoke it with.
  struct Revocable {
    VaultClient client;
    std::string token;
  };

  // Hands the token over for revocation: the session forgets it, so no
  // caller uses it afterwards. nullopt when there is none or a login is in
  // flight. Thread-safe.
  std::optional<Revocable> TakeForRevocation();

  // Marks a session that nobody will look up again (dropped from the cache):
  // when the last Mount still using it lets go, whatever token it holds then
  // (even one from a login that happened after the drop) goes to `revoke`.
  // Thread-safe.
  void RevokeWhenReleased(std::function<void(Revocable)> revoke);

  // Whether the session holds a token.
  bool has_token() const;

 private:
  // Logs in (or renews `renewing`, when not empty) and completes `leader`.
  void Refresh(LoginSpec login, Deadline deadline, std::string renewing, bool denial_relogin,
               FlightLeader<TokenGrant> leader);
  void Login(LoginSpec login, Deadline deadline, bool denial_relogin, FlightLeader<TokenGrant> leader);
  TokenGrant CurrentLocked() const;  // REQUIRES: mu_ held
  // What a login gave, as the session keeps it.
  struct IssuedToken {
    VaultClient client;
    std::string token;
    uint64_t generation = 0;
    bool renewable = false;
    int64_t ttl_seconds = 0;
    std::shared_ptr<const std::map<std::string, std::string>> metadata;
    TimePoint logged_in_at;
  };
  // Makes `issued` the session's token, renewed and expiring by its TTL.
  // REQUIRES: mu_ held.
  void InstallLocked(IssuedToken issued);
  // Starts a login or renewal that this caller leads: `done` waits on it
  // like any other waiter, and the returned leader completes it.
  // REQUIRES: `lock` holds mu_; it is released.
  FlightLeader<TokenGrant> LeadLocked(std::unique_lock<std::mutex>& lock, const LoginSpec& login, const char* doing,
                                      Deadline deadline, Callback<TokenGrant> done);

  Clock* const clock_;
  Metrics* const metrics_;
  mutable std::mutex mu_;
  std::optional<VaultClient> client_;        // the login's client (to revoke); guarded by mu_
  std::string token_;                        // empty until the first login; guarded by mu_
  uint64_t generation_ = 0;                  // guarded by mu_
  bool renewable_ = false;                   // guarded by mu_
  int64_t login_ttl_seconds_ = 0;            // TTL the login granted; guarded by mu_
  std::shared_ptr<const std::map<std::string, std::string>> metadata_;  // the login's; guarded by mu_
  TimePoint refresh_at_ = TimePoint::max();  // renew or log in again from here on; guarded by mu_
  TimePoint expires_at_ = TimePoint::max();  // past it the token is dead: log in, never renew; guarded by mu_
  // When a denial last caused a login (limits re-logins on policy denials); guarded by mu_.
  std::optional<TimePoint> denial_relogin_at_;
  // The last denial-triggered login's token, not yet shown to be better than
  // the one it would replace (`replaces_generation`); guarded by mu_.
  std::optional<IssuedToken> probe_;
  uint64_t probe_replaces_generation_ = 0;  // guarded by mu_
  bool probe_denied_ = false;                // a read retried with the probe was denied; guarded by mu_
  std::shared_ptr<Flight<TokenGrant>> flight_;  // the login or renewal in flight; guarded by mu_
  std::function<void(Revocable)> revoke_when_released_;  // guarded by mu_
};

}  // namespace vcp::vault
