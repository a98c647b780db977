// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Concurrency under load, below the gRPC adapter: many threads run Mounts
// for many pods through the real Mounter, token cache, revoker and libcurl
// transport against the in-process Vault double, while tokens expire, a
// node of the address list is dead and the cache evicts. Every Mount must
// return exactly its own pod's files. Built and run in every CI build,
// including the ThreadSanitizer one (the daemon binary itself links
// Debian's uninstrumented gRPC, whose internal locking TSan cannot see).
#include <curl/curl.h>
#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "support/jwt.h"
#include "vault_double/vault_double.h"
#include "vcp/mount/mounter.h"
#include "vcp/http/curl_transport.h"

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

  mount::MountParams Pod(int index) const {
    mount::MountParams p;
    p.role_name = "any";
    p.pod = {absl::StrCat("pod-", index), absl::StrCat("uid-", index), "default", "app"};
    p.sa_tokens["vault"] =
        SignJwt(key_, ServiceAccountClaims("default", "app", p.pod.name, p.pod.uid, "vault")).value();
    p.objects = mount::ParseObjects(R"(
- {objectName: user, secretPath: secret/data/app, secretKey: username}
- {objectName: api, secretPath: kv/app, secretKey: api-key}
- {objectName: db, secretPath: database/creds/app}
)").value();
    return p;
  }

  // Runs kThreads x kMountsPerThread Mounts over kPods pods; returns the failures' messages.
  std::vector<std::string> Hammer(const mount::Mounter& mounter, const std::function<void(int)>& between = {}) {
    std::vector<mount::MountParams> pods;
    for (int i = 0; i < kPods; ++i) pods.push_back(Pod(i));
    std::mutex mu;
    std::vector<std::string> failures;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kMountsPerThread; ++i) {
          if (between && t == 0) between(i);
          const mount::MountParams& pod = pods[(t * 7 + i) % kPods];
          auto result = mounter.Mount(pod, std::chrono::steady_clock::now() + std::chrono::seconds(30));
          std::string problem;
          if (!result.ok()) {
            problem = std::string(result.status().message());
          } else if (result->files.size() != 3 || result->files[0].contents != "app-user" ||
                     result->files[1].contents != "kv1-api-key-value" ||
                     result->files[2].contents.find("\"username\"") == std::string::npos) {
            problem = absl::StrCat(pod.pod.name, ": wrong files");
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
    options.version_key = [] { return std::string(32, 'k'); };
    return options;
  }

  std::string key_;
  std::unique_ptr<VaultDouble> vault_;
  http::CurlTransport transport_;
};

TEST_F(MountConcurrencyTest, ManyPodsAtOnceLogInOncePerPodAndGetTheirOwnFiles) {
  vault::TokenCache tokens(1000);
  const mount::Mounter mounter(transport_, tokens, Options());
  EXPECT_THAT(Hammer(mounter), ::testing::IsEmpty());
  EXPECT_EQ(vault_->Count("login"), kPods) << "one login per pod, however many Mounts raced";
  EXPECT_EQ(vault_->Count("lease:new"), kPods) << "one database credential per pod, reused after";
}

TEST_F(MountConcurrencyTest, TokensExpiringMidLoadAreReplacedWithoutFailedMounts) {
  vault::TokenCache tokens(1000);
  const mount::Mounter mounter(transport_, tokens, Options());
  EXPECT_THAT(Hammer(mounter, [this](int i) {
                if (i == kMountsPerThread / 2) vault_->ExpireAllTokens();  // once, mid-run
              }),
              ::testing::IsEmpty());
  EXPECT_GT(vault_->Count("login"), kPods);
}

TEST_F(MountConcurrencyTest, EvictionWithRevocationAndFailoverUnderLoad) {
  vault::TokenCache tokens(kPods / 3);  // constant eviction
  mount::MounterOptions options = Options();
  options.revoke_tokens = true;
  options.default_connection.address = absl::StrCat("http://127.0.0.1:9,", vault_->address());
  {
    const mount::Mounter mounter(transport_, tokens, options);
    EXPECT_THAT(Hammer(mounter), ::testing::IsEmpty());
    EXPECT_GT(mounter.RevokeCachedTokens(std::chrono::steady_clock::now() + std::chrono::seconds(10)), 0);
  }
  EXPECT_GT(vault_->Count("POST /v1/auth/token/revoke-self"), 0);
}

}  // namespace
}  // namespace vcp::testing
