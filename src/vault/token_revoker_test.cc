// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_revoker.h"

#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/pending.h"

namespace vcp::vault {
namespace {

using testing::FakeTransport;

// The X-Vault-Token of every revoke-self request sent so far.
std::vector<std::string> RevokedTokens(const FakeTransport& transport) {
  std::vector<std::string> tokens;
  for (const auto& request : transport.requests()) {
    if (request.url.find("/v1/auth/token/revoke-self") == std::string::npos) continue;
    for (const auto& [name, value] : request.headers) {
      if (name == "X-Vault-Token") tokens.push_back(value);
    }
  }
  return tokens;
}

class TokenRevokerTest : public ::testing::Test {
 protected:
  TokenRevokerTest() {
    transport_.Script("POST", "/v1/auth/token/revoke-self", 204, "");
    ConnectionConfig c;
    c.address = "https://vault:8200";
    login_.client = VaultClient::Create(VaultContext{&transport_, &clock_, &metrics_, nullptr, nullptr, RetryPolicy()}, c)
                        .value();
    login_.jwt = [](Deadline, Callback<std::string> done) { done(std::string("jwt")); };
  }

  // A session holding a token ("tok-<n>").
  std::shared_ptr<TokenSession> WithToken(int n) {
    transport_.Reset("POST", "/v1/auth/kubernetes/login");
    transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody(absl::StrCat("tok-", n)));
    auto session = std::make_shared<TokenSession>(clock_, metrics_);
    testing::Pending<TokenGrant> grant;
    session->Get(login_, clock_.Now() + std::chrono::seconds(5), grant.Callback());
    EXPECT_TRUE(grant.get().ok());
    return session;
  }

  FakeTransport transport_;
  testing::FakeClock clock_;
  Metrics metrics_;
  LoginSpec login_{VaultClient::Create(VaultContext{&transport_, &clock_, &metrics_, nullptr, nullptr, RetryPolicy()},
                                       ConnectionConfig())
                       .value(),
                   "kubernetes", "app", "prod/web", nullptr};
};

TEST_F(TokenRevokerTest, TokensAreRevokedInTheBackgroundEightAtATime) {
  TokenRevoker revoker(clock_);
  transport_.Hold("/v1/auth/token/revoke-self");
  std::vector<std::shared_ptr<TokenSession>> sessions;
  for (int i = 0; i < 20; ++i) sessions.push_back(WithToken(i));
  for (auto& session : sessions) revoker.RevokeLater(*session->TakeForRevocation());  // returns at once
  EXPECT_EQ(transport_.held(), 8u);
  EXPECT_FALSE(sessions[0]->has_token()) << "a token being revoked is handed over: nobody uses it again";
  transport_.Release(8);
  EXPECT_EQ(transport_.held(), 8u) << "each revocation that ends starts the next";
  transport_.Release();
  transport_.Release();
  EXPECT_EQ(RevokedTokens(transport_).size(), 20u);
}

TEST_F(TokenRevokerTest, AQueueThatFallsBehindDropsTheOldestBeyondAThousand) {
  TokenRevoker revoker(clock_);
  transport_.Hold("/v1/auth/token/revoke-self");
  std::vector<std::shared_ptr<TokenSession>> sessions;
  for (int i = 0; i < 1010; ++i) sessions.push_back(WithToken(i));
  // The first 8 start and hang; of the 1002 that wait, the 2 oldest are dropped.
  for (auto& session : sessions) revoker.RevokeLater(*session->TakeForRevocation());
  while (transport_.held() > 0) transport_.Release();
  const auto revoked = RevokedTokens(transport_);
  EXPECT_EQ(revoked.size(), 1008u);
  EXPECT_THAT(revoked, ::testing::Not(::testing::Contains("tok-8"))) << "the oldest waiting were dropped";
  EXPECT_THAT(revoked, ::testing::Contains("tok-1009"));
}

TEST_F(TokenRevokerTest, ADroppedSessionIsRevokedWhenTheLastMountLetsGoEvenAfterALaterLogin) {
  TokenRevoker revoker(clock_);
  std::shared_ptr<TokenSession> in_use = WithToken(1);
  in_use->RevokeWhenReleased(revoker.Later());  // dropped from the cache while a Mount holds it
  EXPECT_TRUE(RevokedTokens(transport_).empty()) << "never revoked under a Mount that still uses it";
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok-after-drop"));
  ASSERT_TRUE(in_use->TakeForRevocation().has_value());  // say Vault revoked it: the Mount logs in again
  testing::Pending<TokenGrant> again;
  in_use->Get(login_, clock_.Now() + std::chrono::seconds(5), again.Callback());
  ASSERT_TRUE(again.get().ok());
  in_use.reset();  // the Mount ends
  EXPECT_EQ(RevokedTokens(transport_), std::vector<std::string>{"tok-after-drop"}) << "no token outlives its session";
}

TEST_F(TokenRevokerTest, TheHookOutlivesTheRevokerHarmlessly) {
  std::shared_ptr<TokenSession> session = WithToken(1);
  {
    TokenRevoker revoker(clock_);
    session->RevokeWhenReleased(revoker.Later());
  }
  session.reset();
  EXPECT_TRUE(RevokedTokens(transport_).empty());
}

TEST_F(TokenRevokerTest, RevokeNowCountsWhatVaultAcceptedAndSkipsSessionsWithoutTokens) {
  TokenRevoker revoker(clock_);
  transport_.Reset("POST", "/v1/auth/token/revoke-self");
  transport_.Script("POST", "/v1/auth/token/revoke-self", 204, "");
  transport_.Script("POST", "/v1/auth/token/revoke-self", 403, R"({"errors":["permission denied"]})");
  auto accepted = WithToken(1);
  auto refused = WithToken(2);
  auto without_token = std::make_shared<TokenSession>(clock_, metrics_);
  RevokeTally tally{-1, -1};
  revoker.RevokeNow({accepted, refused, without_token, accepted}, clock_.Now() + std::chrono::seconds(5),
                    [&](RevokeTally outcome) { tally = outcome; });
  EXPECT_EQ(tally.revoked, 1);
  EXPECT_EQ(tally.held, 2) << "a session without a token, or listed twice, is not a token held";
  EXPECT_EQ(RevokedTokens(transport_), (std::vector<std::string>{"tok-1", "tok-2"}));
  RevokeTally none{-1, -1};
  revoker.RevokeNow({}, clock_.Now(), [&](RevokeTally outcome) { none = outcome; });
  EXPECT_EQ(none.revoked, 0);
  EXPECT_EQ(none.held, 0);
}

}  // namespace
}  // namespace vcp::vault
