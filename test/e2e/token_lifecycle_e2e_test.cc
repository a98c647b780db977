// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: a policy denial does not turn into a login storm, and tokens
// are revoked as -revoke-tokens promises. (Token lifetimes, which depend on
// the clock, are tested on a fake one: test/component/token_lifetime_test.cc.)
#include <gmock/gmock.h>

#include <thread>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

class TokenLifecycleE2eTest : public E2eTest {};

// The promise (docs/architecture.md, "Read"): a 403 on a cached token gets one
// re-login and one retry, at most once per pod per 5 minutes; a denial right
// after a fresh login is not retried. So 30 denied Mounts of one pod cost
// exactly 2 logins and 31 reads: the first Mount logs in and is denied (no
// retry), the second is denied on its cached token and gets its second
// chance (a login and a retry, denied too), and the other 28 are denied once
// each without a login. Fewer logins would mean the second chance never
// happens; more, a login storm.
TEST_F(TokenLifecycleE2eTest, PolicyDenialDoesNotCauseALoginStorm) {
  StartProvider();
  const auto mount = Mount("- {objectName: a, secretPath: secret/metadata/app}");  // the app policy denies it
  std::vector<std::string> messages;
  for (int i = 0; i < 30; ++i) {
    auto out = Send(mount);
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << i;
    messages.push_back(out.status.error_message());
  }
  EXPECT_EQ(vault_->Count("login"), 2);
  EXPECT_EQ(vault_->Count("GET /v1/secret/metadata/app"), 31) << "1 + (1 + 1 retry) + 28";
  // Only the Mounts after the second chance know that a fresh token was denied too.
  const char kFreshTokenDenied[] = "a fresh token was denied too";
  EXPECT_THAT(messages[0], ::testing::Not(::testing::HasSubstr(kFreshTokenDenied)));
  EXPECT_THAT(messages[1], ::testing::Not(::testing::HasSubstr(kFreshTokenDenied)));
  for (int i = 2; i < 30; ++i) EXPECT_THAT(messages[i], ::testing::HasSubstr(kFreshTokenDenied)) << i;
}

// The second chance is what makes a token that Vault dropped early (without
// saying "invalid token", as OpenBao does) recover: the same rule, seen from
// the side where the retry succeeds.
TEST_F(TokenLifecycleE2eTest, APlainDenialOfACachedTokenIsRetriedOnceWithAFreshOne) {
  StartProvider();
  const auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  ASSERT_TRUE(Send(mount).status.ok());
  vault_->AddFault({"GET", "/v1/secret/data/app", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})",
                    {}, {}, 1});
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
  EXPECT_EQ(vault_->Count("login"), 2) << "the first login and the second chance's";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 3) << "ok, denied, retried ok";
}

TEST_F(TokenLifecycleE2eTest, WithRevokeTokensEvictedAndRemainingTokensAreRevoked) {
  auto& provider = StartProvider({"-revoke-tokens", "-cache-size=1", "-share-tokens=false"});
  Pod one;
  Pod two;
  two.name = "app-2";
  two.uid = "uid-2";
  const char objects[] = "- {objectName: a, secretPath: database/creds/app, secretKey: username}";
  const int64_t leases_before = vault_->ActiveLeases();
  ASSERT_TRUE(Send(Mount(objects, one)).status.ok());
  ASSERT_TRUE(Send(Mount(objects, two)).status.ok());  // pod one's token leaves the cache
  for (int i = 0; i < 200 && vault_->Count("POST /v1/auth/token/revoke-self") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/revoke-self"), 1);
  EXPECT_EQ(vault_->ActiveLeases(), leases_before + 1) << "pod one's credential went with its token";
  EXPECT_EQ(provider.Stop(), 0);
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/revoke-self"), 2) << "pod two's token, at shutdown";
  EXPECT_EQ(vault_->ActiveLeases(), leases_before) << "and its credential: the trade-off of -revoke-tokens";
  EXPECT_THAT(provider.Log(), ::testing::HasSubstr("revoked 1 of 1 cached Vault tokens"));
}

TEST_F(TokenLifecycleE2eTest, WithRevokeTokensASharedTokenIsRevokedOnceAndTakesEveryPodsLeases) {
  auto& provider = StartProvider({"-revoke-tokens"});
  Pod one;
  Pod two;
  two.name = "app-2";
  two.uid = "uid-2";
  const char objects[] = "- {objectName: a, secretPath: database/creds/app, secretKey: username}";
  const int64_t leases_before = vault_->ActiveLeases();
  ASSERT_TRUE(Send(Mount(objects, one)).status.ok());
  ASSERT_TRUE(Send(Mount(objects, two)).status.ok());
  EXPECT_EQ(vault_->Count("login"), 1) << "the service account's pods share one token";
  EXPECT_EQ(vault_->ActiveLeases(), leases_before + 2) << "each pod has a credential of its own";
  EXPECT_EQ(provider.Stop(), 0);
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/revoke-self"), 1) << "one token, revoked once, at shutdown";
  EXPECT_EQ(vault_->ActiveLeases(), leases_before) << "and both pods' credentials with it";
  EXPECT_THAT(provider.Log(), ::testing::HasSubstr("revoked 1 of"));
}

TEST_F(TokenLifecycleE2eTest, TokensAreNotRevokedByDefault) {
  auto& provider = StartProvider({"-cache-size=1"});
  Pod two;
  two.name = "app-2";
  two.uid = "uid-2";
  const char objects[] = "- {objectName: a, secretPath: secret/data/app, secretKey: username}";
  ASSERT_TRUE(Send(Mount(objects)).status.ok());
  ASSERT_TRUE(Send(Mount(objects, two)).status.ok());
  EXPECT_EQ(provider.Stop(), 0);
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/revoke-self"), 0);
}

}  // namespace
}  // namespace vcp::testing
