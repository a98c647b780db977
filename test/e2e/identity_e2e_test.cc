// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: Vault identities shared by the pods of a service account
// (issue #11) — one login per identity, coalesced and cached static reads —
// and the limits of sharing: other accounts, a mismatched token, JWT auth,
// dynamic credentials, and denials stay apart.
#include <gmock/gmock.h>

#include <future>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::HasSubstr;

class IdentityE2eTest : public E2eTest {
 protected:
  static Pod Replica(int i, const std::string& account = "app") {
    Pod pod;
    pod.name = absl::StrCat(account, "-replica-", i);
    pod.uid = absl::StrCat("uid-", account, "-", i);
    pod.service_account = account;
    return pod;
  }
};

TEST_F(IdentityE2eTest, FiftyConcurrentMountsOfADeploymentCostOneLoginAndOneReadPerObject) {
  StartProvider({"-max-concurrent-mounts=0"});
  vault_->SetLatency(std::chrono::milliseconds(300));  // every Mount arrives while the first is still reading
  std::vector<std::future<MountOutcome>> mounts;
  for (int i = 0; i < 50; ++i) {
    auto mount = Mount(R"(
- {objectName: user, secretPath: secret/data/app, secretKey: username}
- {objectName: key, secretPath: kv/app, secretKey: api-key}
)",
                       Replica(i));
    mounts.push_back(std::async(std::launch::async, [this, mount] { return Send(mount, std::chrono::seconds(20)); }));
  }
  for (auto& m : mounts) {
    MountOutcome out = m.get();
    ASSERT_TRUE(out.status.ok()) << out.status.error_message();
    EXPECT_EQ(out.File("user"), "app-user");
  }
  EXPECT_EQ(vault_->Count("login"), 1) << "the replicas waited for their service account's first login";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 1) << "one read per object for the whole Deployment";
  EXPECT_EQ(vault_->Count("GET /v1/kv/app"), 1);
}

TEST_F(IdentityE2eTest, DynamicCredentialsAreNeverSharedBetweenPods) {
  StartProvider({"-max-concurrent-mounts=0"});
  vault_->SetLatency(std::chrono::milliseconds(200));
  std::vector<std::future<MountOutcome>> mounts;
  for (int i = 0; i < 10; ++i) {
    auto mount = Mount("- {objectName: user, secretPath: database/creds/app, secretKey: username}", Replica(i));
    mounts.push_back(std::async(std::launch::async, [this, mount] { return Send(mount, std::chrono::seconds(20)); }));
  }
  std::set<std::string> users;
  for (auto& m : mounts) {
    MountOutcome out = m.get();
    ASSERT_TRUE(out.status.ok()) << out.status.error_message();
    users.insert(out.File("user"));
  }
  EXPECT_EQ(users.size(), 10u) << "each pod its own database credential, though they read together";
  EXPECT_EQ(vault_->Count("lease:new"), 10);
  EXPECT_EQ(vault_->Count("login"), 1);
}

TEST_F(IdentityE2eTest, ATokenThatNamesAnotherAccountLogsInPerPod) {
  auto& provider = StartProvider();
  auto honest = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", Replica(0));
  honest.parameters["roleName"] = "any";
  ASSERT_TRUE(Send(honest).status.ok());
  // Pod info says "app", but the driver's token is another account's: no
  // shared token for it, whatever the attributes say.
  auto mismatched = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", Replica(1));
  mismatched.parameters["roleName"] = "any";
  mismatched.tokens["vault"] = Jwt(Replica(1, "intruder"));
  ASSERT_TRUE(Send(mismatched).status.ok()) << "Vault lets the role log in the token's own account";
  EXPECT_EQ(vault_->Count("login"), 2);
  EXPECT_THAT(provider.Log(), HasSubstr("is for default/intruder, not for the pod's service account default/app"));
  EXPECT_THAT(provider.Log(), HasSubstr("pod=default/app-replica-1 spc=vault-app objects=1 token=per-pod"));
}

TEST_F(IdentityE2eTest, JwtAuthIsPerPodByDefaultAndSharedWithTheFlag) {
  for (const bool share : {false, true}) {
    SCOPED_TRACE(share ? "-share-jwt-tokens" : "default");
    StartProvider(share ? std::vector<std::string>{"-share-jwt-tokens"} : std::vector<std::string>{});
    vault_->ResetCounters();
    for (int i = 0; i < 3; ++i) {
      auto mount = Mount("- {objectName: user, secretPath: secret/data/app, secretKey: username}", Replica(i));
      mount.parameters["vaultAuthMountPath"] = "jwt";
      mount.parameters["audience"] = "https://vault.example.com";
      mount.tokens = {{"https://vault.example.com", Jwt(mount.pod, "https://vault.example.com")}};
      auto out = Send(mount);
      ASSERT_TRUE(out.status.ok()) << out.status.error_message();
    }
    EXPECT_EQ(vault_->Count("login:jwt"), share ? 1 : 3)
        << "a JWT login names no service account: per pod unless the operator shares it";
  }
}

TEST_F(IdentityE2eTest, AnotherRoleOrAccountIsAnotherIdentity) {
  auto& provider = StartProvider();
  const char objects[] = "- {objectName: user, secretPath: secret/data/app, secretKey: username}";
  ASSERT_TRUE(Send(Mount(objects, Replica(0))).status.ok());
  ASSERT_TRUE(Send(Mount(objects, Replica(1))).status.ok());
  EXPECT_EQ(vault_->Count("login"), 1);
  auto other_role = Mount(objects, Replica(2));
  other_role.parameters["roleName"] = "any";  // same account, another role: other policies
  ASSERT_TRUE(Send(other_role).status.ok());
  EXPECT_EQ(vault_->Count("login"), 2);
  auto other_account = Mount(objects, Replica(0, "worker"));
  other_account.parameters["roleName"] = "any";
  ASSERT_TRUE(Send(other_account).status.ok());
  EXPECT_EQ(vault_->Count("login"), 3);
  EXPECT_EQ(MetricSample(ScrapeMetrics(provider.health_address()), "vault_csi_provider_identities"), 3);
  EXPECT_EQ(MetricSample(ScrapeMetrics(provider.health_address()),
                         "vault_csi_provider_token_logins_total{sharing=\"shared\"}"),
            3);
}

TEST_F(IdentityE2eTest, TheReadCacheServesWithinItsTtlAndReadsAgainAfter) {
  auto& provider = StartProvider({"-read-cache-ttl=2s"});
  const char objects[] = "- {objectName: user, secretPath: secret/data/app, secretKey: username}";
  ASSERT_TRUE(Send(Mount(objects, Replica(0))).status.ok());
  // The secret rotates in Vault; within the TTL the pods see the cached answer.
  vault_->Handle("POST", "/v1/secret/data/app", {}, {{"x-vault-token", "root"}},
                 R"({"data":{"username":"rotated","password":"p"}})");
  auto cached = Send(Mount(objects, Replica(1)));
  ASSERT_TRUE(cached.status.ok());
  EXPECT_EQ(cached.File("user"), "app-user") << "the documented trade-off: up to the TTL late";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 1);
  EXPECT_THAT(provider.Log(), HasSubstr("vault_reads=[GET /v1/secret/data/app (cached)]"));
  EXPECT_EQ(MetricSample(ScrapeMetrics(provider.health_address()),
                         "vault_csi_provider_read_cache_requests_total{result=\"hit\"}"),
            1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto fresh = Send(Mount(objects, Replica(2)));
  ASSERT_TRUE(fresh.status.ok());
  EXPECT_EQ(fresh.File("user"), "rotated") << "past the TTL, Vault's current answer";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 2);
}

TEST_F(IdentityE2eTest, ADenialForOneIdentityDoesNotAffectAnother) {
  auto& provider = StartProvider();
  const char denied[] = "- {objectName: a, secretPath: secret/metadata/app}";  // the app policy denies it
  const char allowed[] = "- {objectName: a, secretPath: secret/data/app, secretKey: username}";
  ASSERT_TRUE(Send(Mount(allowed, Replica(0))).status.ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Send(Mount(denied, Replica(i))).status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(vault_->Count("login"), 2) << "the app identity: its login, and one second chance for the denial";
  // Another service account (role "any", same policy) has its own token and
  // its own second chance.
  auto other = Mount(allowed, Replica(0, "worker"));
  other.parameters["roleName"] = "any";
  ASSERT_TRUE(Send(other).status.ok());
  auto other_denied = Mount(denied, Replica(0, "worker"));
  other_denied.parameters["roleName"] = "any";
  EXPECT_EQ(Send(other_denied).status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(vault_->Count("login"), 4) << "its login, and its own second chance";
  EXPECT_EQ(MetricSample(ScrapeMetrics(provider.health_address()),
                         "vault_csi_provider_token_logins_total{sharing=\"shared\"}"),
            4)
      << "the second chances are logins Mounts made too";
}

}  // namespace
}  // namespace vcp::testing
