// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: a rotation poll of an already-mounted pod costs Vault no login,
// no new lease, and one read per static object.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

class LeaseReuseE2eTest : public E2eTest {};

constexpr char kMixed[] = R"(
- {objectName: db-user, secretPath: database/creds/app, secretKey: username}
- {objectName: db-pass, secretPath: database/creds/app, secretKey: password}
- {objectName: cert.json, secretPath: pki/issue/example-dot-com, method: PUT, secretArgs: {common_name: a.example.com}}
- {objectName: static, secretPath: secret/data/app, secretKey: username}
)";

TEST_F(LeaseReuseE2eTest, RotationPollsReuseLeasesAndReadStaticSecretsFresh) {
  StartProvider();
  auto first = Send(Mount(kMixed));
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  vault_->ResetCounters();
  WriteKv2("secret/data/app", {{"username", "changed"}});
  for (int poll = 0; poll < 3; ++poll) {
    auto out = Send(Mount(kMixed));
    ASSERT_TRUE(out.status.ok()) << out.status.error_message();
    EXPECT_EQ(out.File("db-user"), first.File("db-user"));
    EXPECT_EQ(out.Version("cert.json"), first.Version("cert.json"));
    EXPECT_EQ(out.File("static"), "changed") << "static KV is read fresh on every poll";
  }
  EXPECT_EQ(vault_->Count("login"), 0);
  EXPECT_EQ(vault_->Count("lease:new"), 0);
  EXPECT_EQ(vault_->Count("pki:issue"), 0);
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 3);
}

TEST_F(LeaseReuseE2eTest, ReuseOffMintsPerPollLikeTheIncumbent) {
  StartProvider({"-lease-reuse=false"});
  for (int poll = 0; poll < 3; ++poll) ASSERT_TRUE(Send(Mount(kMixed)).status.ok());
  EXPECT_EQ(vault_->Count("lease:new"), 3);
  EXPECT_EQ(vault_->Count("pki:issue"), 3);
}

}  // namespace
}  // namespace vcp::testing
