// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/hmac_key_store.h"

#include <gmock/gmock.h>
#include <stdlib.h>

#include <fstream>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/fake_transport.h"

namespace vcp::kube {
namespace {

using ::testing::HasSubstr;
constexpr char kSecretPath[] = "/api/v1/namespaces/csi/secrets/hmac";

// A Secret holding base64 `b64` under "key", as the API server returns it.
std::string SecretBody(const std::string& b64) {
  return R"({"kind":"Secret","data":{"key":")" + b64 + R"("},"immutable":true})";
}

class HmacKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/vcp-hmac-XXXXXX";
    dir_ = mkdtemp(pattern);
    std::ofstream(dir_ + "/token") << "t";
    client_ = std::make_unique<KubeClient>(transport_, KubeConfig{"https://k8s:443", dir_ + "/ca.crt", dir_ + "/token", "csi"});
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::unique_ptr<HmacKeyStore> Store() {
    return std::make_unique<HmacKeyStore>(client_.get(), "hmac", "fallback", std::chrono::minutes(1),
                                          [this] { return now_; });
  }
  std::string dir_;
  testing::FakeTransport transport_;
  std::unique_ptr<KubeClient> client_;
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(HmacKeyStoreTest, ReadsAnExistingKeyAndCachesItForTheInterval) {
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LW9uZQ=="));  // "key-one"
  auto store = Store();
  EXPECT_EQ(store->Key(), "key-one");
  now_ += std::chrono::seconds(59);
  EXPECT_EQ(store->Key(), "key-one");
  EXPECT_EQ(transport_.requests().size(), 1u) << "no API call within the interval";
}

TEST_F(HmacKeyStoreTest, CreatesAnImmutableKeyWhenAbsentAndPicksUpARotation) {
  transport_.Script("GET", kSecretPath, 404, R"({"kind":"Status","code":404})");
  transport_.Script("POST", "/api/v1/namespaces/csi/secrets", 201, "{}");
  auto store = Store();
  const std::string created = store->Key();
  EXPECT_EQ(created.size(), 32u);
  auto body = nlohmann::json::parse(*transport_.requests().back().body);
  EXPECT_EQ(body["immutable"], true);
  EXPECT_EQ(body["metadata"]["name"], "hmac");
  // An admin deletes the Secret and another node re-creates it: seen after the interval.
  transport_.Reset("GET", kSecretPath);
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LXR3bw=="));  // "key-two"
  now_ += std::chrono::seconds(61);
  EXPECT_EQ(store->Key(), "key-two");
}

TEST_F(HmacKeyStoreTest, LosingTheCreateRaceTakesTheWinnersKey) {
  transport_.Script("GET", kSecretPath, 404, "{}");
  transport_.Script("GET", kSecretPath, 200, SecretBody("d2lubmVy"));  // "winner"
  transport_.Script("POST", "/api/v1/namespaces/csi/secrets", 409, R"({"reason":"AlreadyExists"})");
  EXPECT_EQ(Store()->Key(), "winner");
}

TEST_F(HmacKeyStoreTest, UnusableSecretGivesTheIncumbentsTextAndFallsBack) {
  transport_.Script("GET", kSecretPath, 200, R"({"kind":"Secret","data":{"other":"eA=="}})");
  auto store = Store();
  EXPECT_THAT(std::string(store->FetchOrCreate().status().message()),
              HasSubstr("expected secret \"hmac\" to have a key \"key\"; delete the kubernetes secret to trigger an automatic regeneration"));
  EXPECT_EQ(store->Key(), "fallback");
}

TEST_F(HmacKeyStoreTest, ApiOutageKeepsTheLastGoodKey) {
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LW9uZQ=="));
  auto store = Store();
  EXPECT_EQ(store->Key(), "key-one");
  transport_.Fail("GET", kSecretPath, absl::UnavailableError("connection refused"));
  now_ += std::chrono::minutes(2);
  EXPECT_EQ(store->Key(), "key-one");
}

TEST_F(HmacKeyStoreTest, ASlowApiDoesNotHoldUpOtherCallers) {
  // The refresh hangs in the API until released; other callers must not wait for it.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  class SlowTransport final : public http::HttpTransport {
   public:
    explicit SlowTransport(std::shared_future<void> gate) : gate_(std::move(gate)) {}
    absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest&) override {
      gate_.wait();
      return http::HttpResponse{200, SecretBody("a2V5LXR3bw=="), {}};  // "key-two"
    }
   private:
    std::shared_future<void> gate_;
  } slow(released);
  KubeClient slow_client(slow, client_->config());
  HmacKeyStore slow_store(&slow_client, "hmac", "fallback", std::chrono::minutes(1), [this] { return now_; });
  auto refreshing = std::async(std::launch::async, [&] { return slow_store.Key(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it start the fetch
  auto other = std::async(std::launch::async, [&] { return slow_store.Key(); });
  const bool answered = other.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  release.set_value();  // before asserting, so a regression fails instead of hanging
  ASSERT_TRUE(answered) << "blocked behind the API call";
  EXPECT_EQ(other.get(), "fallback") << "no key read yet: the per-process key";
  EXPECT_EQ(refreshing.get(), "key-two");
  EXPECT_EQ(slow_store.Key(), "key-two");
}

TEST_F(HmacKeyStoreTest, OutsideAClusterAlwaysTheFallback) {
  HmacKeyStore store(nullptr, "hmac", "fallback", std::chrono::minutes(1));
  EXPECT_EQ(store.Key(), "fallback");
}

}  // namespace
}  // namespace vcp::kube
