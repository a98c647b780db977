// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end with a Kubernetes API double: the TokenRequest fallback and the
// HMAC key Secret behind object versions.
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"
#include "kube_double/kube_double.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kObject[] = "- {objectName: a, secretPath: secret/data/app, secretKey: username}";

class KubernetesE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    KubeDoubleOptions options;
    options.tls_cert_file = dir_ + "/server.pem";
    options.tls_key_file = dir_ + "/server-key.pem";
    options.jwt_key_pem = jwt_key_;
    kube_ = std::make_unique<KubeDouble>(options);
    ASSERT_TRUE(kube_->Start().ok());
    sa_dir_ = dir_ + "/sa";
    mkdir(sa_dir_.c_str(), 0700);
    WriteFile(sa_dir_ + "/token", "provider-sa-token");
    WriteFile(sa_dir_ + "/ca.crt", ca_.cert_pem);
    WriteFile(sa_dir_ + "/namespace", "csi\n");
  }
  void TearDown() override {
    E2eTest::TearDown();
    kube_->Stop();
  }
  std::vector<std::string> InClusterEnv() const {
    return {"KUBERNETES_SERVICE_HOST=127.0.0.1", absl::StrCat("KUBERNETES_SERVICE_PORT=", kube_->port())};
  }
  std::vector<std::string> InClusterArgs(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = VaultFlags();
    args.push_back("-kubernetes-service-account-dir=" + sa_dir_);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // A second provider with its own socket directory.
  std::unique_ptr<ProviderProcess> StartAnother(const std::string& name) {
    const std::string other = dir_ + "/" + name;
    mkdir(other.c_str(), 0700);
    auto started = ProviderProcess::Start(VCP_PROVIDER_BINARY, other, InClusterArgs(), InClusterEnv());
    if (!started.ok()) {
      std::fprintf(stderr, "FATAL: the provider did not start: %s\n", std::string(started.status().message()).c_str());
      std::abort();
    }
    return std::move(*started);
  }
  static MountOutcome MountVia(ProviderProcess& provider, const DriverMount& mount) {
    MountOutcome outcome;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    outcome.status = provider.Stub()->Mount(&context, BuildMountRequest(mount), &outcome.response);
    return outcome;
  }

  std::unique_ptr<KubeDouble> kube_;
  std::string sa_dir_;
};

TEST_F(KubernetesE2eTest, CustomAudienceWithoutDriverTokenMountsThroughTokenRequest) {
  StartProvider(InClusterArgs(), InClusterEnv());
  auto mount = Mount(kObject);
  mount.tokens.clear();  // the driver has no tokenRequests for this audience
  mount.parameters["roleName"] = "custom-audience";
  mount.parameters["audience"] = "https://vault.example.com/custom";  // the Vault role checks it
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
  EXPECT_EQ(kube_->Count("tokenrequest"), 1);
  const auto spec = kube_->LastTokenRequest()["spec"];
  EXPECT_EQ(spec["expirationSeconds"], 900);
  EXPECT_EQ(spec["audiences"], nlohmann::json::array({"https://vault.example.com/custom"}));
  EXPECT_EQ(spec["boundObjectRef"]["name"], mount.pod.name);
  EXPECT_EQ(spec["boundObjectRef"]["uid"], mount.pod.uid);
}

TEST_F(KubernetesE2eTest, WithTheFallbackOffNoTokenRequestIsMadeAndTheErrorSaysWhy) {
  StartProvider(InClusterArgs({"-token-request-fallback=false"}), InClusterEnv());
  auto mount = Mount(kObject);
  mount.tokens.clear();
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("no service account token for audience \"vault\""), HasSubstr("default/app-7d9c"),
                    HasSubstr("the TokenRequest fallback is off (-token-request-fallback=false)"),
                    HasSubstr("tokenRequests")));
  EXPECT_EQ(kube_->Count("tokenrequest"), 0);
  // A Mount that carries the driver's token is unaffected.
  auto with_token = Send(Mount(kObject));
  ASSERT_TRUE(with_token.status.ok()) << with_token.status.error_message();
  EXPECT_EQ(with_token.File("a"), "app-user");
}

TEST_F(KubernetesE2eTest, ForbiddenTokenRequestNamesThePodAndThePermission) {
  kube_->ForbidTokenRequests(true);
  StartProvider(InClusterArgs(), InClusterEnv());
  auto mount = Mount(kObject);
  mount.tokens.clear();
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("requesting pod default/app-7d9c"), HasSubstr("serviceaccounts/token"),
                    HasSubstr("RBAC")));
}

TEST_F(KubernetesE2eTest, VersionsAreTheSameAcrossDaemonsSharingTheSecret) {
  auto first = StartAnother("node-a");
  auto a = MountVia(*first, Mount(kObject));
  first->Stop();
  auto second = StartAnother("node-b");  // another node, or the same one after a restart
  auto b = MountVia(*second, Mount(kObject));
  ASSERT_TRUE(a.status.ok() && b.status.ok()) << a.status.error_message() << b.status.error_message();
  EXPECT_EQ(a.Version("a"), b.Version("a"));
  EXPECT_EQ(kube_->SecretData("csi", "vault-csi-provider-hmac-key").at("key").size(), 32u);
}

TEST_F(KubernetesE2eTest, DeletingTheSecretRotatesVersionsWithinTheCheckInterval) {
  StartProvider(InClusterArgs({"-hmac-key-check-interval=300ms"}), InClusterEnv());
  auto before = Send(Mount(kObject));
  ASSERT_TRUE(before.status.ok());
  kube_->DeleteSecret("csi", "vault-csi-provider-hmac-key");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto after = Send(Mount(kObject));
  ASSERT_TRUE(after.status.ok());
  EXPECT_NE(after.Version("a"), before.Version("a"));
  EXPECT_EQ(after.File("a"), before.File("a"));
  EXPECT_EQ(kube_->Count("secret:create"), 2);
}

TEST_F(KubernetesE2eTest, TwoDaemonsRacingToCreateTheKeyEndUpWithOne) {
  auto a = std::async(std::launch::async, [&] { return StartAnother("race-a"); });
  auto b = std::async(std::launch::async, [&] { return StartAnother("race-b"); });
  auto pa = a.get();
  auto pb = b.get();
  auto va = MountVia(*pa, Mount(kObject));
  auto vb = MountVia(*pb, Mount(kObject));
  ASSERT_TRUE(va.status.ok() && vb.status.ok());
  EXPECT_EQ(va.Version("a"), vb.Version("a"));
  EXPECT_GE(kube_->Count("secret:create"), 1);
}

TEST_F(KubernetesE2eTest, ApiDownStillMountsAndWarnsOnce) {
  kube_->SetDown(true);
  auto& provider = StartProvider(InClusterArgs(), InClusterEnv());
  auto first = Send(Mount(kObject));
  auto second = Send(Mount(kObject));
  ASSERT_TRUE(first.status.ok() && second.status.ok());
  EXPECT_EQ(first.Version("a"), second.Version("a")) << "the fallback key still tracks content";
  const std::string log = provider.Log();
  size_t warnings = 0;
  for (size_t at = log.find("could not get the HMAC key"); at != std::string::npos;
       at = log.find("could not get the HMAC key", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;
}

TEST_F(KubernetesE2eTest, OutsideAClusterOneWarningAtStartup) {
  auto& provider = StartProvider();
  EXPECT_THAT(provider.Log(), HasSubstr("not using the Kubernetes API"));
  EXPECT_TRUE(Send(Mount(kObject)).status.ok());
}

}  // namespace
}  // namespace vcp::testing
