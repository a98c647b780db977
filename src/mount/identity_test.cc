// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/identity.h"

#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "support/fake_clock.h"
#include "vcp/util/encoding.h"

namespace vcp::mount {
namespace {

class IdentityTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  Metrics metrics_;
  Identity identity_{clock_, metrics_};
};

TEST_F(IdentityTest, TheFirstMountLeadsTheLoginAndTheOthersWaitForItsDecision) {
  Identity::Next first = identity_.Begin();
  ASSERT_TRUE(first.lead);
  ASSERT_NE(first.tokens, nullptr);
  Identity::Next second = identity_.Begin();
  EXPECT_FALSE(second.lead) << "one login per identity, not one per pod";
  ASSERT_NE(second.wait, nullptr);
  std::optional<absl::StatusOr<TokenSharing>> decided;
  second.wait->Wait(clock_, clock_.Now() + std::chrono::seconds(5), "waited too long",
                    [&](absl::StatusOr<TokenSharing> d) { decided = std::move(d); });
  EXPECT_FALSE(decided.has_value());
  identity_.Decide(first.tokens, /*shareable=*/true);
  ASSERT_TRUE(decided.has_value() && decided->ok());
  EXPECT_EQ(**decided, TokenSharing::kShared);
  Identity::Next later = identity_.Begin();
  EXPECT_EQ(later.sharing, TokenSharing::kShared);
  EXPECT_EQ(later.tokens, first.tokens) << "every later Mount uses the one token";
}

TEST_F(IdentityTest, ALoginThatCannotBeSharedStaysWithItsPodAndTheIdentityGoesPerPod) {
  Identity::Next first = identity_.Begin();
  ASSERT_TRUE(first.lead);
  identity_.Decide(first.tokens, /*shareable=*/false);
  EXPECT_NE(identity_.tokens(), first.tokens) << "nobody else may use the token: it is its pod's";
  Identity::Next later = identity_.Begin();
  EXPECT_EQ(later.sharing, TokenSharing::kPerPod);
  EXPECT_EQ(later.tokens, nullptr);
  EXPECT_FALSE(later.lead);
}

TEST_F(IdentityTest, AFailedFirstLoginLeavesTheIdentityUndecidedAndTheNextMountLeads) {
  Identity::Next first = identity_.Begin();
  Identity::Next waiting = identity_.Begin();
  std::optional<absl::StatusOr<TokenSharing>> decided;
  waiting.wait->Wait(clock_, clock_.Now() + std::chrono::seconds(5), "waited too long",
                     [&](absl::StatusOr<TokenSharing> d) { decided = std::move(d); });
  identity_.Undecided();
  ASSERT_TRUE(decided.has_value() && decided->ok());
  EXPECT_EQ(**decided, TokenSharing::kUndecided);
  EXPECT_TRUE(identity_.Begin().lead);
}

TEST_F(IdentityTest, AWaiterGivesUpAtItsDeadline) {
  (void)identity_.Begin();
  Identity::Next waiting = identity_.Begin();
  std::optional<absl::StatusOr<TokenSharing>> decided;
  waiting.wait->Wait(clock_, clock_.Now() + std::chrono::seconds(2), "the first login took too long",
                     [&](absl::StatusOr<TokenSharing> d) { decided = std::move(d); });
  clock_.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(decided.has_value());
  EXPECT_EQ(decided->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(decided->status().message(), "the first login took too long");
}

std::string JwtWithClaims(const std::string& claims) {
  return absl::StrCat(EncodeBase64RawUrl(R"({"alg":"RS256"})"), ".", EncodeBase64RawUrl(claims), ".sig");
}

TEST(JwtServiceAccountTest, ReadsTheServiceAccountFromTheSubClaim) {
  auto account = JwtServiceAccount(JwtWithClaims(R"({"sub":"system:serviceaccount:prod:web","aud":["vault"]})"));
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(account->first, "prod");
  EXPECT_EQ(account->second, "web");
}

TEST(JwtServiceAccountTest, AnythingElseNamesNoServiceAccount) {
  for (const std::string& jwt : {
           JwtWithClaims(R"({"sub":"system:serviceaccount:prod"})"),
           JwtWithClaims(R"({"sub":"system:serviceaccount:prod:web:extra"})"),
           JwtWithClaims(R"({"sub":"system:serviceaccount::web"})"),
           JwtWithClaims(R"({"sub":"system:serviceaccount:prod:"})"),
           JwtWithClaims(R"({"sub":"user:alice"})"),
           JwtWithClaims(R"({"sub":7})"),
           JwtWithClaims(R"({"iss":"k8s"})"),
           JwtWithClaims("[1,2]"),
           JwtWithClaims(std::string(100'000, '[')),  // nesting beyond any parser's depth limit
           std::string("not-a-jwt"),
           std::string("a.b.c.d"),
           std::string("a.%%%.c"),
       }) {
    EXPECT_FALSE(JwtServiceAccount(jwt).has_value()) << jwt.substr(0, 80);
  }
}

TEST(IsKubernetesLoginForTest, NeedsBothNamesToMatch) {
  const std::map<std::string, std::string> metadata = {{"service_account_namespace", "prod"},
                                                       {"service_account_name", "web"},
                                                       {"role", "app"}};
  EXPECT_TRUE(IsKubernetesLoginFor(metadata, "prod", "web"));
  EXPECT_FALSE(IsKubernetesLoginFor(metadata, "prod", "worker"));
  EXPECT_FALSE(IsKubernetesLoginFor(metadata, "dev", "web"));
  EXPECT_FALSE(IsKubernetesLoginFor({{"role", "app"}}, "prod", "web")) << "JWT auth names no service account";
}

}  // namespace
}  // namespace vcp::mount
