// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: Vault token lifetimes are invisible to Mounts, and a policy
// denial does not turn into a login storm.
#include <gmock/gmock.h>

#include <thread>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

class TokenLifecycleE2eTest : public E2eTest {};

TEST_F(TokenLifecycleE2eTest, TokenIsRenewedBeforeItExpires) {
  StartProvider();
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["roleName"] = "short-ttl";  // tokens live 3 s
  ASSERT_TRUE(Send(mount).status.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // past two thirds of the TTL
  ASSERT_TRUE(Send(mount).status.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // the original TTL has run out
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(vault_->Count("login"), 1);
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/renew-self"), 2);
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 3) << "no read was refused for an expired token";
}

TEST_F(TokenLifecycleE2eTest, PolicyDenialDoesNotCauseALoginStorm) {
  StartProvider();
  const auto mount = Mount("- {objectName: a, secretPath: secret/metadata/app}");  // the app policy denies it
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(Send(mount).status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_LE(vault_->Count("login"), 2);
}

}  // namespace
}  // namespace vcp::testing
