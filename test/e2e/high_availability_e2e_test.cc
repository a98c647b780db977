// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: a Vault cluster of several nodes without a load balancer. A
// standby's 307 is followed to the active node; a comma-separated address
// list fails over from an unreachable, sealed or leaderless node and
// remembers the node that answered.
#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const char kObject[] = "- {objectName: a, secretPath: secret/data/app, secretKey: username}";

class HighAvailabilityE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    VaultDoubleOptions options = VaultOptions();
    options.threads = 8;
    options.keep_alive_seconds = 1;
    other_ = std::make_unique<VaultDouble>(options);
    ASSERT_TRUE(other_->Start().ok());
  }
  void TearDown() override {
    E2eTest::TearDown();
    other_->Stop();
  }

  // A Mount whose vaultAddress is `addresses`.
  DriverMount MountAt(const std::string& addresses, const Pod& pod = Pod()) {
    DriverMount mount = Mount(kObject, pod);
    mount.parameters["vaultAddress"] = addresses;
    return mount;
  }

  std::unique_ptr<VaultDouble> other_;  // a second node; vault_ is the active one
};

TEST_F(HighAvailabilityE2eTest, AStandbysRedirectIsFollowedToTheActiveNode) {
  auto& provider = StartProvider();
  other_->SetStandby(true, vault_->address());
  auto out = Send(MountAt(other_->address()));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
  EXPECT_EQ(other_->Count("redirect"), 2) << "the login and the read were redirected";
  EXPECT_EQ(vault_->Count("POST /v1/auth/kubernetes/login"), 1) << "the login body was re-sent to the active node";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 1);
  EXPECT_EQ(MetricSample(ScrapeMetrics(provider.health_address()), "vault_csi_provider_vault_redirects_total"), 2);
}

TEST_F(HighAvailabilityE2eTest, ARedirectToPlainHttpIsRefused) {
  StartProvider();
  other_->SetStandby(true, absl::StrCat("http://127.0.0.1:", vault_->port()));
  auto out = Send(MountAt(other_->address()));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("redirect would cause protocol downgrade"),
                    HasSubstr(absl::StrCat("http://127.0.0.1:", vault_->port(), "/v1/auth/kubernetes/login"))));
  EXPECT_EQ(vault_->Count("total"), 0) << "nothing was sent over plain HTTP";
  EXPECT_EQ(out.response.files_size(), 0);
}

TEST_F(HighAvailabilityE2eTest, FailsOverFromASealedNodeAndRemembersTheHealthyOne) {
  auto& provider = StartProvider({}, {"VAULT_MAX_RETRIES=0"});
  other_->SetSealed(true);
  const std::string addresses = absl::StrCat(other_->address(), ",", vault_->address());
  auto first = Send(MountAt(addresses));
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.File("a"), "app-user");
  EXPECT_EQ(other_->Count("total"), 1) << "only the first request met the sealed node";

  Pod another;
  another.name = "app-2";
  another.uid = "uid-2";
  auto second = Send(MountAt(addresses, another));
  ASSERT_TRUE(second.status.ok()) << second.status.error_message();
  EXPECT_EQ(other_->Count("total"), 1) << "later Mounts go straight to the node that answered";
  EXPECT_EQ(vault_->Count("POST /v1/auth/kubernetes/login"), 1) << "the pods' service account shares one token";
  EXPECT_EQ(MetricSample(ScrapeMetrics(provider.health_address()), "vault_csi_provider_vault_failovers_total"), 1);
}

TEST_F(HighAvailabilityE2eTest, FailsOverFromAnUnreachableNodeAndALeaderlessStandby) {
  StartProvider({}, {"VAULT_MAX_RETRIES=0"});
  other_->SetStandby(true, "");  // a standby that does not know the active node: 503
  auto out = Send(MountAt(absl::StrCat("https://127.0.0.1:9, ", other_->address(), ", ", vault_->address())));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
}

TEST_F(HighAvailabilityE2eTest, WhenNoNodeCanServeTheErrorNamesEveryAddress) {
  StartProvider({}, {"VAULT_MAX_RETRIES=0"});
  other_->SetSealed(true);
  auto out = Send(MountAt(absl::StrCat("https://127.0.0.1:9,", other_->address())));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("Vault is sealed"), HasSubstr("after trying https://127.0.0.1:9 ("),
                    HasSubstr(other_->address())));
}

TEST_F(HighAvailabilityE2eTest, TheFlagTakesAListToo) {
  StartProvider({absl::StrCat("-vault-addr=https://127.0.0.1:9,", vault_->address())}, {"VAULT_MAX_RETRIES=0"});
  auto out = Send(Mount(kObject));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
}

}  // namespace
}  // namespace vcp::testing
