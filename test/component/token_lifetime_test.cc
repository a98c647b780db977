// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Token lifetimes through the real Mounter, pod sessions and libcurl against
// the in-process Vault double, on a fake clock: the provider's sense of time
// moves only when the test says so, so a 3-second token's renewal and expiry
// are tested without sleeping (the daemon's e2e tests cannot reach its
// clock). Vault's side of expiry is played by the double (ExpireAllTokens).
#include <curl/curl.h>
#include <gmock/gmock.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "support/driver.h"
#include "support/fake_clock.h"
#include "support/jwt.h"
#include "vault_double/vault_double.h"
#include "vcp/http/curl_transport.h"
#include "vcp/mount/mounter.h"

namespace vcp::testing {
namespace {

class TokenLifetimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  TokenLifetimeTest() {
    key_ = GenerateRsaKeyPem();
    VaultDoubleOptions options;
    options.jwt_key_pem = key_;
    vault_ = std::make_unique<VaultDouble>(options);
  }
  void SetUp() override {
    ASSERT_TRUE(vault_->Start().ok());
    mount::MounterOptions options;
    options.default_connection.address = vault_->address();
    options.version_key = [](Deadline, Callback<std::string> done) { done(std::string(32, 'k')); };
    mounter_ = std::make_unique<mount::Mounter>(mount::MounterServices{&transport_, &clock_, &metrics_}, options);
  }
  void TearDown() override {
    transport_.Shutdown();  // before the Mounter goes
    vault_->Stop();
  }

  // A Mount of pod `name` with role "short-ttl" (tokens of 3 s), answered.
  absl::StatusOr<mount::MountResult> MountPod(const std::string& name = "app-0") {
    DriverMount mount;
    mount.pod = {name, "default", "uid-" + name, "app"};
    mount.parameters = {{"roleName", "short-ttl"},
                        {"objects", "- {objectName: a, secretPath: secret/data/app, secretKey: username}"}};
    mount.tokens["vault"] = SignJwt(key_, ServiceAccountClaims("default", "app", name, "uid-" + name, "vault")).value();
    const v1alpha1::MountRequest request = BuildMountRequest(mount);
    std::promise<absl::StatusOr<mount::MountResult>> answered;
    mounter_->Mount(mount::MountRequest{request.attributes(), request.secrets(), request.target_path(),
                                        request.permission()},
                    clock_.Now() + std::chrono::seconds(30),
                    [&](absl::StatusOr<mount::MountResult> result, mount::MountReport) {
                      answered.set_value(std::move(result));
                    });
    return answered.get_future().get();
  }

  std::string key_;
  std::unique_ptr<VaultDouble> vault_;
  FakeClock clock_;
  Metrics metrics_;
  http::CurlTransport transport_{clock_};
  std::unique_ptr<mount::Mounter> mounter_;
};

TEST_F(TokenLifetimeTest, ATokenIsRenewedBeforeItExpiresAndMountsNeverSeeItExpire) {
  ASSERT_TRUE(MountPod().ok());
  clock_.Advance(std::chrono::milliseconds(1900));  // before two thirds of the 3 s TTL
  ASSERT_TRUE(MountPod().ok());
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/renew-self"), 0);
  clock_.Advance(std::chrono::milliseconds(200));  // past two thirds
  ASSERT_TRUE(MountPod().ok());
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/renew-self"), 1);
  clock_.Advance(std::chrono::milliseconds(2100));  // the original TTL has run out; the renewed one has not
  auto out = MountPod();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(vault_->Count("login"), 1);
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/renew-self"), 2);
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 4) << "no read was refused for an expired token";
}

TEST_F(TokenLifetimeTest, ATokenLeftToExpireIsReplacedByALoginNotAFailedRead) {
  ASSERT_TRUE(MountPod().ok());
  clock_.Advance(std::chrono::seconds(4));  // nobody mounted: the token ran out, here and in Vault
  vault_->ExpireAllTokens();
  auto out = MountPod("app-1");  // another replica of the service account
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(vault_->Count("login"), 2);
  EXPECT_EQ(vault_->Count("POST /v1/auth/token/renew-self"), 0) << "an expired token is not renewed";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 2) << "the read went out with the new token only";
}

}  // namespace
}  // namespace vcp::testing
