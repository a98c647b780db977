// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_session.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vcp/util/text.h"
#include "vcp/vault/lease_timing.h"

namespace vcp::vault {
namespace {

// Token generations, unique in the process (see TokenGrant::generation).
std::atomic<uint64_t> next_generation{1};

absl::Status WithPrefix(const absl::Status& status, const std::string& prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

// "POST <address>/v1/auth/<mount>/login", for messages.
std::string LoginRequest(const LoginSpec& login) {
  return absl::StrCat("POST ", login.client.DisplayUrl(absl::StrCat("/v1/auth/", Shorten(login.auth_mount), "/login")));
}

std::string WaitTimeout(const LoginSpec& login) {
  return absl::StrCat("the Mount's deadline passed while waiting for another Mount's Vault login with role ",
                      QuoteShortened(login.role), " at auth mount ", QuoteShortened(login.auth_mount), " (",
                      LoginRequest(login), ")");
}

// When a token granted `ttl_seconds` at `granted` dies in Vault: never for
// 0 (no expiry) or a TTL out of range (treated as unknown).
TimePoint ExpiresAt(TimePoint granted, int64_t ttl_seconds) {
  if (ttl_seconds <= 0 || ttl_seconds > kMaxLeaseSeconds) return TimePoint::max();
  return granted + std::chrono::seconds(ttl_seconds);
}

// A waiter's view of a flight's result: it did not log in itself.
Callback<TokenGrant> AsFollower(Callback<TokenGrant> done) {
  return [done = std::move(done)](absl::StatusOr<TokenGrant> grant) mutable {
    if (grant.ok()) grant->logins = 0;
    std::move(done)(std::move(grant));
  };
}

}  // namespace

TokenSession::TokenSession(Clock& clock, Metrics& metrics) : clock_(&clock), metrics_(&metrics) {}

TokenSession::~TokenSession() {
  if (revoke_when_released_ && !token_.empty() && client_.has_value()) {
    revoke_when_released_(Revocable{*client_, std::move(token_)});
  }
}

void TokenSession::RevokeWhenReleased(std::function<void(Revocable)> revoke) {
  std::lock_guard<std::mutex> lock(mu_);
  revoke_when_released_ = std::move(revoke);
}

TokenGrant TokenSession::CurrentLocked() const {
  TokenGrant grant;
  grant.token = token_;
  grant.generation = generation_;
  grant.metadata = metadata_;
  return grant;
}

void TokenSession::Get(const LoginSpec& login, Deadline deadline, Callback<TokenGrant> done) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool refreshing = flight_ != nullptr && !flight_->completed();
  // A fresh token, or a valid one whose renewal is already under way.
  const TimePoint now = clock_->Now();
  if (!token_.empty() && (now < refresh_at_ || (refreshing && now < expires_at_))) {
    TokenGrant grant = CurrentLocked();
    lock.unlock();
    std::move(done)(std::move(grant));
    return;
  }
  if (refreshing) {
    std::shared_ptr<Flight<TokenGrant>> flight = flight_;
    lock.unlock();
    flight->Wait(*clock_, deadline, WaitTimeout(login), AsFollower(std::move(done)));
    return;
  }
  // A token past its TTL cannot be renewed: Vault has revoked it.
  std::string renewing = renewable_ && now < expires_at_ ? token_ : "";
  FlightLeader<TokenGrant> leader = LeadLocked(lock, login, "logging in to Vault", deadline, std::move(done));
  Refresh(login, deadline, std::move(renewing), false, std::move(leader));
}

FlightLeader<TokenGrant> TokenSession::LeadLocked(std::unique_lock<std::mutex>& lock, const LoginSpec& login,
                                                  const char* doing, Deadline deadline, Callback<TokenGrant> done) {
  auto flight = std::make_shared<Flight<TokenGrant>>();
  flight_ = flight;
  lock.unlock();
  // The leader waits on its own flight too, so that its deadline holds even
  // if Vault or the JWT source are slower.
  FlightLeader<TokenGrant> leader(flight, absl::InternalError("the Vault login ended without a result"));
  flight->Wait(*clock_, deadline,
               absl::StrCat("the Mount's deadline passed while ", doing, " with role ", QuoteShortened(login.role),
                            " at auth mount ", QuoteShortened(login.auth_mount), " (", LoginRequest(login),
                            ": Vault did not answer in time)"),
               std::move(done));
  return leader;
}

void TokenSession::Refresh(LoginSpec login, Deadline deadline, std::string renewing, bool denial_relogin,
                           FlightLeader<TokenGrant> leader) {
  if (renewing.empty()) {
    Login(std::move(login), deadline, denial_relogin, std::move(leader));
    return;
  }
  VaultClient client = login.client;
  client.RenewSelf(renewing, deadline,
                   [self = shared_from_this(), login = std::move(login), deadline, renewing,
                    leader = std::move(leader)](absl::StatusOr<LoginResult> renewed) mutable {
                     std::unique_lock<std::mutex> lock(self->mu_);
                     if (renewed.ok() && self->token_ == renewing &&
                         RenewalWorthKeeping(renewed->lease_duration_seconds, self->login_ttl_seconds_)) {
                       const std::optional<std::chrono::seconds> delay =
                           TokenRefreshDelay(renewed->lease_duration_seconds);
                       const TimePoint renewed_at = self->clock_->Now();
                       self->refresh_at_ = delay.has_value() ? renewed_at + *delay : TimePoint::max();
                       self->expires_at_ = ExpiresAt(renewed_at, renewed->lease_duration_seconds);
                       TokenGrant grant = self->CurrentLocked();
                       lock.unlock();
                       leader.Complete(grant);
                       return;
                     }
                     lock.unlock();
                     // Not renewable after all, or capped near its max TTL: a new login.
                     self->Login(std::move(login), deadline, false, std::move(leader));
                   });
}

void TokenSession::Login(LoginSpec login, Deadline deadline, bool denial_relogin, FlightLeader<TokenGrant> leader) {
  auto jwt_source = login.jwt;
  jwt_source(deadline, [self = shared_from_this(), login = std::move(login), deadline, denial_relogin,
                        leader = std::move(leader)](absl::StatusOr<std::string> jwt) mutable {
    if (!jwt.ok()) {
      leader.Complete(jwt.status());
      return;
    }
    VaultClient client = login.client;
    client.Login(login.auth_mount, login.role, *jwt, deadline,
                 [self, login, denial_relogin, leader = std::move(leader)](
                     absl::StatusOr<LoginResult> result) mutable {
                   self->metrics_->Login(result.ok());
                   if (!result.ok()) {
                     leader.Complete(WithPrefix(
                         result.status(),
                         absl::StrCat("failed to login to Vault with role ", QuoteShortened(login.role),
                                      " at auth mount ", QuoteShortened(login.auth_mount), " for service account ",
                                      login.service_account, ": ")));
                     return;
                   }
                   std::unique_lock<std::mutex> lock(self->mu_);
                   const TimePoint now = self->clock_->Now();
                   IssuedToken issued{
                       login.client,
                       result->client_token,
                       next_generation.fetch_add(1),
                       result->renewable,
                       result->lease_duration_seconds,
                       std::make_shared<const std::map<std::string, std::string>>(std::move(result->metadata)),
                       now};
                   TokenGrant grant;
                   grant.token = issued.token;
                   grant.generation = issued.generation;
                   grant.metadata = issued.metadata;
                   grant.fresh = true;
                   grant.logins = 1;
                   if (denial_relogin) self->denial_relogin_at_ = now;
                   if (denial_relogin && !self->token_.empty()) {
                     // A probe: the session keeps its token until a read
                     // retried with this one succeeds.
                     self->probe_ = std::move(issued);
                     self->probe_replaces_generation_ = self->generation_;
                     self->probe_denied_ = false;
                   } else {
                     self->InstallLocked(std::move(issued));
                   }
                   lock.unlock();
                   leader.Complete(grant);
                 });
  });
}

void TokenSession::Relogin(const LoginSpec& login, const TokenGrant& denied, bool invalid_token, Deadline deadline,
                           Callback<std::optional<TokenGrant>> done) {
  // Whatever login yields, as an optional token; a join that brings back the
  // denied token itself cannot help.
  auto deliver = [denied_generation = denied.generation, done = std::move(done)](
                     absl::StatusOr<TokenGrant> grant) mutable {
    if (!grant.ok()) {
      std::move(done)(grant.status());
    } else if (grant->generation == denied_generation) {
      std::move(done)(std::optional<TokenGrant>());
    } else {
      std::move(done)(std::optional<TokenGrant>(*std::move(grant)));
    }
  };
  std::unique_lock<std::mutex> lock(mu_);
  const bool in_flight = flight_ != nullptr && !flight_->completed();
  if (in_flight) {
    std::shared_ptr<Flight<TokenGrant>> flight = flight_;
    lock.unlock();
    flight->Wait(*clock_, deadline, WaitTimeout(login), AsFollower(std::move(deliver)));
    return;
  }
  const bool denied_probe = probe_.has_value() && probe_->generation == denied.generation;
  if (!token_.empty() && generation_ != denied.generation && !denied_probe) {
    // Another caller has replaced the denied token already.
    TokenGrant grant = CurrentLocked();
    lock.unlock();
    deliver(std::move(grant));
    return;
  }
  const TimePoint now = clock_->Now();
  if (!invalid_token && denial_relogin_at_.has_value() && now - *denial_relogin_at_ < kDenialReloginInterval) {
    if (probe_.has_value() && !probe_denied_ && !denied_probe && probe_replaces_generation_ == denied.generation) {
      // Denied the token a probe, not yet judged, may replace: try the probe.
      TokenGrant grant;
      grant.token = probe_->token;
      grant.generation = probe_->generation;
      grant.metadata = probe_->metadata;
      grant.fresh = true;
      lock.unlock();
      deliver(std::move(grant));
      return;
    }
    // Denied again soon after a denial-triggered login (whose probe token, if
    // it had been any better, would have replaced this one): a policy denial.
    lock.unlock();
    deliver(TokenGrant(denied));  // the denied generation: "cannot help"
    return;
  }
  FlightLeader<TokenGrant> leader =
      LeadLocked(lock, login, "logging in to Vault again", deadline, std::move(deliver));
  // A revoked or expired token: a new login fixes that, so it never counts
  // against the denial interval.
  Login(login, deadline, !invalid_token, std::move(leader));
}

void TokenSession::RetrySucceeded(const TokenGrant& retried) {
  std::lock_guard<std::mutex> lock(mu_);
  if (probe_.has_value() && probe_->generation == retried.generation && probe_replaces_generation_ == generation_) {
    InstallLocked(*std::move(probe_));
  }
  if (retried.generation == generation_) denial_relogin_at_.reset();
}

void TokenSession::RetryDenied(const TokenGrant& retried) {
  std::lock_guard<std::mutex> lock(mu_);
  if (probe_.has_value() && probe_->generation == retried.generation) probe_denied_ = true;
}

void TokenSession::InstallLocked(IssuedToken issued) {
  probe_.reset();
  client_ = std::move(issued.client);
  token_ = std::move(issued.token);
  generation_ = issued.generation;
  renewable_ = issued.renewable;
  login_ttl_seconds_ = issued.ttl_seconds;
  metadata_ = std::move(issued.metadata);
  const std::optional<std::chrono::seconds> delay = TokenRefreshDelay(issued.ttl_seconds);
  refresh_at_ = delay.has_value() ? issued.logged_in_at + *delay : TimePoint::max();
  expires_at_ = ExpiresAt(issued.logged_in_at, issued.ttl_seconds);
}

std::optional<TokenSession::Revocable> TokenSession::TakeForRevocation() {
  std::lock_guard<std::mutex> lock(mu_);
  if (token_.empty() || !client_.has_value() || (flight_ != nullptr && !flight_->completed())) return std::nullopt;
  Revocable revocable{*client_, std::move(token_)};
  token_.clear();
  probe_.reset();
  refresh_at_ = TimePoint::max();
  expires_at_ = TimePoint::max();
  return revocable;
}

bool TokenSession::has_token() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !token_.empty();
}

}  // namespace vcp::vault
