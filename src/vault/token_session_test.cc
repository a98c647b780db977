// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_session.h"

#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/pending.h"

namespace vcp::vault {
namespace {

using ::testing::HasSubstr;
using testing::FakeTransport;
using testing::Pending;

// A login answer with a token, TTL and renewability of our choosing.
std::string Login(const std::string& token, int ttl, bool renewable) {
  return absl::StrCat(R"({"auth":{"client_token":")", token, R"(","lease_duration":)", ttl,
                      R"(,"renewable":)", renewable ? "true" : "false", "}}");
}

class TokenSessionTest : public ::testing::Test {
 protected:
  TokenSessionTest() {
    login_.jwt = [this](Deadline, Callback<std::string> done) {
      ++jwts_asked_;
      done(std::string("pod-jwt"));
    };
    session_ = std::make_shared<TokenSession>(clock_, metrics_);
  }

  absl::StatusOr<TokenGrant> GetNow() {
    Pending<TokenGrant> grant;
    session_->Get(login_, clock_.Now() + std::chrono::seconds(30), grant.Callback());
    EXPECT_TRUE(grant.ready());
    return grant.get();
  }
  int Logins() const { return transport_.CountOf("POST", "/v1/auth/kubernetes/login"); }

  FakeTransport transport_;
  testing::FakeClock clock_;
  Metrics metrics_;
  VaultClient MakeClient() {
    ConnectionConfig c;
    c.address = "https://vault:8200";
    return VaultClient::Create(VaultContext{&transport_, &clock_, &metrics_, nullptr, nullptr, RetryPolicy()}, c)
        .value();
  }
  LoginSpec login_{MakeClient(), "kubernetes", "app", "prod/web", nullptr};
  std::shared_ptr<TokenSession> session_;
  int jwts_asked_ = 0;
};

TEST_F(TokenSessionTest, LogsInOnceAndReusesTheTokenUntilTwoThirdsOfItsTtl) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-1", 30, false));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-2", 30, false));
  auto first = GetNow();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->token, "tok-1");
  EXPECT_EQ(first->logins, 1);
  EXPECT_TRUE(first->fresh);
  clock_.Advance(std::chrono::seconds(19));
  auto cached = GetNow();
  EXPECT_EQ(cached->token, "tok-1");
  EXPECT_EQ(cached->logins, 0);
  EXPECT_FALSE(cached->fresh) << "a cached token's denial may be a stale token";
  EXPECT_EQ(Logins(), 1);
  clock_.Advance(std::chrono::seconds(2));  // 21 s: past two thirds of 30 s
  auto replaced = GetNow();
  EXPECT_EQ(replaced->token, "tok-2") << "not renewable: a new login";
  EXPECT_GT(replaced->generation, first->generation);
  EXPECT_EQ(Logins(), 2);
}

TEST_F(TokenSessionTest, ConcurrentCallersShareOneLoginAndOnlyTheLeaderCountsIt) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok", 3600, true));
  transport_.Hold("/v1/auth/");  // Vault is slow to answer the login
  std::vector<Pending<TokenGrant>> grants(3);
  for (auto& grant : grants) session_->Get(login_, clock_.Now() + std::chrono::seconds(30), grant.Callback());
  for (auto& grant : grants) EXPECT_FALSE(grant.ready()) << "callers wait, holding no thread and no lock";
  EXPECT_EQ(transport_.held(), 1u) << "one login for all of them";
  transport_.Release();
  int leaders = 0;
  for (auto& grant : grants) {
    ASSERT_TRUE(grant.ready());
    EXPECT_EQ(grant.get()->token, "tok");
    EXPECT_TRUE(grant.get()->fresh);
    leaders += grant.get()->logins;
  }
  EXPECT_EQ(leaders, 1);
  EXPECT_EQ(jwts_asked_, 1);
}

TEST_F(TokenSessionTest, AWaiterGivesUpAtItsOwnDeadlineWhileTheLoginGoesOn) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok", 3600, true));
  transport_.Hold("/v1/auth/");
  Pending<TokenGrant> patient, hurried;
  session_->Get(login_, clock_.Now() + std::chrono::seconds(60), patient.Callback());
  session_->Get(login_, clock_.Now() + std::chrono::seconds(1), hurried.Callback());
  clock_.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(hurried.ready());
  EXPECT_EQ(hurried.get().status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(hurried.get().status().message(), HasSubstr("waiting for another Mount's Vault login with role \"app\""));
  EXPECT_FALSE(patient.ready());
  transport_.Release();
  EXPECT_EQ(patient.get()->token, "tok");
}

TEST_F(TokenSessionTest, ARenewableTokenIsRenewedAndCallersKeepUsingItMeanwhile) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok", 30, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, Login("tok", 30, true));
  ASSERT_TRUE(GetNow().ok());
  clock_.Advance(std::chrono::seconds(21));
  transport_.Hold("/v1/auth/token/renew-self");
  Pending<TokenGrant> renewing;
  session_->Get(login_, clock_.Now() + std::chrono::seconds(30), renewing.Callback());
  EXPECT_FALSE(renewing.ready());
  auto meanwhile = GetNow();  // during the renewal: the still-valid token, at once
  EXPECT_EQ(meanwhile->token, "tok");
  transport_.Release();
  EXPECT_EQ(renewing.get()->token, "tok");
  EXPECT_EQ(renewing.get()->logins, 0) << "a renewal is not a login";
  EXPECT_EQ(Logins(), 1);
  clock_.Advance(std::chrono::seconds(19));
  EXPECT_EQ(GetNow()->token, "tok");
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 1) << "the renewal's TTL counts from the renewal";
}

TEST_F(TokenSessionTest, ATokenPastItsTtlIsReplacedByALoginNeverRenewed) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-1", 30, true));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-2", 30, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, Login("tok-1", 30, true));
  ASSERT_TRUE(GetNow().ok());
  clock_.Advance(std::chrono::seconds(30));  // nobody asked while it could be renewed: Vault revoked it
  transport_.Hold("/v1/auth/");
  Pending<TokenGrant> refreshing;
  session_->Get(login_, clock_.Now() + std::chrono::seconds(30), refreshing.Callback());
  Pending<TokenGrant> meanwhile;
  session_->Get(login_, clock_.Now() + std::chrono::seconds(30), meanwhile.Callback());
  EXPECT_FALSE(meanwhile.ready()) << "a dead token is not handed out while its replacement is on the way";
  transport_.Release();
  EXPECT_EQ(refreshing.get()->token, "tok-2");
  EXPECT_EQ(meanwhile.get()->token, "tok-2");
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 0);
}

TEST_F(TokenSessionTest, ARenewalCappedNearTheMaxTtlIsReplacedByALogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-1", 30, true));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-2", 30, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, Login("tok-1", 5, true));  // capped: 5 s left
  ASSERT_TRUE(GetNow().ok());
  clock_.Advance(std::chrono::seconds(21));
  auto refreshed = GetNow();
  EXPECT_EQ(refreshed->token, "tok-2");
  EXPECT_EQ(refreshed->logins, 1);
}

TEST_F(TokenSessionTest, LoginFailuresNameTheRoleAndMountButAJwtFailurePassesThrough) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 403, R"({"errors":["service account name not authorized"]})");
  auto denied = GetNow();
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.status().message(),
              HasSubstr("failed to login to Vault with role \"app\" at auth mount \"kubernetes\" for service account "
                        "prod/web: POST https://vault:8200/v1/auth/kubernetes/login: Vault answered 403"));
  EXPECT_THAT(denied.status().message(), ::testing::Not(HasSubstr("pod-jwt")));
  login_.jwt = [](Deadline, Callback<std::string> done) { done(absl::FailedPreconditionError("no token for you")); };
  auto no_jwt = GetNow();
  EXPECT_EQ(no_jwt.status().message(), "no token for you");
}

class TokenSessionReloginTest : public TokenSessionTest {
 protected:
  TokenSessionReloginTest() {
    for (int i = 1; i <= 9; ++i) {
      transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login(absl::StrCat("tok-", i), 3600, true));
    }
  }
  absl::StatusOr<std::optional<TokenGrant>> Relogin(const TokenGrant& denied, bool invalid_token) {
    Pending<std::optional<TokenGrant>> renewed;
    session_->Relogin(login_, denied, invalid_token, clock_.Now() + std::chrono::seconds(30), renewed.Callback());
    EXPECT_TRUE(renewed.ready());
    return renewed.get();
  }
};

TEST_F(TokenSessionReloginTest, APlainDenialEarnsOneLoginPerFiveMinutes) {
  TokenGrant cached = *GetNow();
  cached.fresh = false;
  auto first = Relogin(cached, /*invalid_token=*/false);
  ASSERT_TRUE(first.ok() && first->has_value()) << "the cached token may have been revoked: one new login";
  EXPECT_EQ((*first)->token, "tok-2");
  EXPECT_EQ((*first)->logins, 1);
  TokenGrant second = **first;
  second.fresh = false;
  auto refused = Relogin(second, false);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->has_value()) << "denied again right after a fresh token was denied: a policy denial";
  EXPECT_EQ(Logins(), 2) << "no login storm";
  clock_.Advance(std::chrono::minutes(5));
  auto later = Relogin(second, false);
  ASSERT_TRUE(later.ok() && later->has_value()) << "after the interval, another chance";
  EXPECT_EQ(Logins(), 3);
}

TEST_F(TokenSessionReloginTest, ARetryThatSucceedsClearsTheDenialInterval) {
  TokenGrant cached = *GetNow();
  auto renewed = Relogin(cached, false);
  ASSERT_TRUE(renewed.ok() && renewed->has_value());
  session_->RetrySucceeded(**renewed);  // the old token was the problem, not a policy
  TokenGrant again = **renewed;
  auto next = Relogin(again, false);
  ASSERT_TRUE(next.ok() && next->has_value()) << "the next denial may log in again at once";
  EXPECT_EQ(Logins(), 3);
}

TEST_F(TokenSessionReloginTest, AnInvalidTokenAlwaysGetsItsLogin) {
  TokenGrant cached = *GetNow();
  for (int i = 0; i < 3; ++i) {
    auto renewed = Relogin(cached, /*invalid_token=*/true);
    ASSERT_TRUE(renewed.ok() && renewed->has_value()) << i;
    cached = **renewed;
  }
  EXPECT_EQ(Logins(), 4) << "a revoked token is fixed by a login, however often";
}

TEST_F(TokenSessionReloginTest, ReadersDeniedOneTokenShareOneLogin) {
  TokenGrant cached = *GetNow();
  transport_.Hold("/v1/auth/");
  std::vector<Pending<std::optional<TokenGrant>>> renewed(4);
  for (auto& r : renewed) session_->Relogin(login_, cached, false, clock_.Now() + std::chrono::seconds(30), r.Callback());
  EXPECT_EQ(transport_.held(), 1u);
  transport_.Release();
  int logins = 0;
  for (auto& r : renewed) {
    ASSERT_TRUE(r.get().ok() && r.get()->has_value());
    EXPECT_EQ((*r.get())->token, "tok-2");
    logins += (*r.get())->logins;
  }
  EXPECT_EQ(logins, 1);
  // Once a read retried with the new token succeeds, it is the session's, and
  // a reader denied the old token afterwards gets it without a login.
  session_->RetrySucceeded(*renewed[0].get().value());
  auto late = Relogin(cached, false);
  ASSERT_TRUE(late.ok() && late->has_value());
  EXPECT_EQ((*late)->token, "tok-2");
  EXPECT_EQ(Logins(), 2);
}

TEST_F(TokenSessionReloginTest, ADenialKeepsTheTokenUnlessTheRetriedReadSucceeds) {
  TokenGrant cached = *GetNow();
  cached.fresh = false;
  auto probe = Relogin(cached, false);
  ASSERT_TRUE(probe.ok() && probe->has_value());
  EXPECT_EQ((*probe)->token, "tok-2");
  // Another reader denied tok-1 before the probe is judged tries the probe,
  // without a login of its own.
  auto early = Relogin(cached, false);
  ASSERT_TRUE(early.ok() && early->has_value());
  EXPECT_EQ((*early)->token, "tok-2");
  EXPECT_EQ((*early)->logins, 0);
  // The retry with tok-2 was denied too: the session, and every pod sharing
  // it, keeps tok-1 and its leases.
  session_->RetryDenied(**probe);
  TokenGrant current = *GetNow();
  EXPECT_EQ(current.token, "tok-1");
  EXPECT_EQ(current.generation, cached.generation);
  auto late = Relogin(cached, false);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value()) << "within the interval the denial is the policy's";
  // After the interval the next probe succeeds, and replaces tok-1.
  clock_.Advance(std::chrono::minutes(5));
  auto second_probe = Relogin(cached, false);
  ASSERT_TRUE(second_probe.ok() && second_probe->has_value());
  EXPECT_EQ((*second_probe)->token, "tok-3");
  session_->RetrySucceeded(**second_probe);
  EXPECT_EQ(GetNow()->token, "tok-3");
  session_->RetrySucceeded(**probe);
  EXPECT_EQ(GetNow()->token, "tok-3") << "an older probe never replaces a newer token";
  EXPECT_EQ(Logins(), 3);
}

TEST_F(TokenSessionTest, TheTokenIsHandedOverForRevocationExactlyOnce) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-1", 3600, true));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, Login("tok-2", 3600, true));
  EXPECT_FALSE(session_->TakeForRevocation().has_value()) << "no token yet";
  ASSERT_TRUE(GetNow().ok());
  auto revocable = session_->TakeForRevocation();
  ASSERT_TRUE(revocable.has_value());
  EXPECT_EQ(revocable->token, "tok-1");
  EXPECT_FALSE(session_->has_token()) << "nobody uses a token handed over for revocation";
  EXPECT_FALSE(session_->TakeForRevocation().has_value());
  EXPECT_EQ(GetNow()->token, "tok-2") << "the next caller logs in anew";
}

}  // namespace
}  // namespace vcp::vault
