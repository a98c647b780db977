// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Concurrency under load, below the gRPC adapter: many threads start Mounts
// for many pods through the real Mounter, pod sessions, revoker and the
// libcurl event loop against the in-process Vault double, while tokens
// expire, a node of the address list is dead and the session map evicts.
// Every Mount must return exactly its own pod's files. Built and run in every CI build,
// including the ThreadSanitizer one (the daemon binary itself links
// Debian's uninstrumented gRPC, whose internal locking TSan cannot see).
#include <curl/curl.h>
#include <gmock/gmock.h>

#include <atomic>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "support/driver.h"
#include "support/jwt.h"
#include "vault_double/vault_double.h"
#include "vcp/http/curl_transport.h"
#include "vcp/mount/mounter.h"

namespace vcp::testing {
namespace {

constexpr int kThreads = 16;
constexpr int kMountsPerThread = 30;
constexpr int kPods = 24;

class MountConcurrencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  MountConcurrencyTest() {
    key_ = GenerateRsaKeyPem();
    VaultDoubleOptions options;
    options.jwt_key_pem = key_;
    options.threads = 32;
    vault_ = std::make_unique<VaultDouble>(options);
  }
  void SetUp() override { ASSERT_TRUE(vault_->Start().ok()); }
  void TearDown() override { vault_->Stop(); }

  mount::MountRequest Pod(int index) const {
    DriverMount mount;
    mount.pod = {absl::StrCat("pod-", index), "default", absl::StrCat("uid-", index), "app"};
    mount.parameters = {{"roleName", "any"}, {"objects", R"(
- {objectName: user, secretPath: secret/data/app, secretKey: username}
- {objectName: api, secretPath: kv/app, secretKey: api-key}
- {objectName: db, secretPath: database/creds/app}
)"}};
    mount.tokens["vault"] =
        SignJwt(key_, ServiceAccountClaims("default", "app", mount.pod.name, mount.pod.uid, "vault")).value();
    const v1alpha1::MountRequest request = BuildMountRequest(mount);
    return mount::MountRequest{request.attributes(), request.secrets(), request.target_path(), request.permission()};
  }

  // Runs kThreads x kMountsPerThread Mounts over kPods pods; returns the failures' messages.
  std::vector<std::string> Hammer(mount::Mounter& mounter, const std::function<void(int)>& between = {}) {
    std::vector<mount::MountRequest> pods;
    for (int i = 0; i < kPods; ++i) pods.push_back(Pod(i));
    std::mutex mu;
    std::vector<std::string> failures;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kMountsPerThread; ++i) {
          if (between && t == 0) between(i);
          const int pod = (t * 7 + i) % kPods;
          std::promise<absl::StatusOr<mount::MountResult>> answered;
          mounter.Mount(pods[static_cast<size_t>(pod)], clock_.Now() + std::chrono::seconds(30),
                        [&](absl::StatusOr<mount::MountResult> result, mount::MountReport) {
                          answered.set_value(std::move(result));
                        });
          absl::StatusOr<mount::MountResult> result = answered.get_future().get();
          std::string problem;
          if (!result.ok()) {
            problem = std::string(result.status().message());
          } else if (result->files.size() != 3 || result->files[0].contents != "app-user" ||
                     result->files[1].contents != "kv1-api-key-value" ||
                     result->files[2].contents.find("\"username\"") == std::string::npos) {
            problem = absl::StrCat("pod-", pod, ": wrong files");
          }
          if (!problem.empty()) {
            std::lock_guard<std::mutex> lock(mu);
            failures.push_back(problem);
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return failures;
  }

  mount::MounterOptions Options() const {
    mount::MounterOptions options;
    options.default_connection.address = vault_->address();
    options.version_key = [](Deadline, Callback<std::string> done) { done(std::string(32, 'k')); };
    return options;
  }

  std::unique_ptr<mount::Mounter> Make(const mount::MounterOptions& options) {
    return std::make_unique<mount::Mounter>(mount::MounterServices{&transport_, &clock_, &metrics_}, options);
  }

  std::string key_;
  std::unique_ptr<VaultDouble> vault_;
  SystemClock clock_;
  Metrics metrics_;
  http::CurlTransport transport_{clock_};
};

TEST_F(MountConcurrencyTest, ManyPodsAtOnceLogInOncePerPodAndGetTheirOwnFiles) {
  auto mounter = Make(Options());
  EXPECT_THAT(Hammer(*mounter), ::testing::IsEmpty());
  EXPECT_EQ(vault_->Count("login"), kPods) << "one login per pod, however many Mounts raced";
  EXPECT_EQ(vault_->Count("lease:new"), kPods) << "one database credential per pod, reused after";
}

TEST_F(MountConcurrencyTest, TokensExpiringMidLoadAreReplacedWithoutFailedMounts) {
  auto mounter = Make(Options());
  EXPECT_THAT(Hammer(*mounter, [this](int i) {
                if (i == kMountsPerThread / 2) vault_->ExpireAllTokens();  // once, mid-run
              }),
              ::testing::IsEmpty());
  EXPECT_GT(vault_->Count("login"), kPods);
}

TEST_F(MountConcurrencyTest, EvictionWithRevocationAndFailoverUnderLoad) {
  mount::MounterOptions options = Options();
  options.auth.cache_size = kPods / 3;  // constant eviction
  options.auth.revoke_tokens = true;
  options.default_connection.address = absl::StrCat("http://127.0.0.1:9,", vault_->address());
  {
    auto mounter = Make(options);
    EXPECT_THAT(Hammer(*mounter), ::testing::IsEmpty());
    std::promise<int> revoked;
    mounter->RevokeCachedTokens(clock_.Now() + std::chrono::seconds(10), [&](int count) { revoked.set_value(count); });
    EXPECT_GT(revoked.get_future().get(), 0);
    transport_.Shutdown();  // background revocations end before the Mounter goes
  }
  EXPECT_GT(vault_->Count("POST /v1/auth/token/revoke-self"), 0);
}

}  // namespace
}  // namespace vcp::testing
