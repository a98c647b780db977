// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/hmac_key_store.h"

#include <gmock/gmock.h>
#include <stdlib.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/pending.h"

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
    client_ = std::make_unique<KubeClient>(transport_, clock_,
                                           KubeConfig{"https://k8s:443", dir_ + "/ca.crt", dir_ + "/token", "csi"});
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::unique_ptr<HmacKeyStore> Store() {
    return std::make_unique<HmacKeyStore>(client_.get(), clock_, "hmac", "fallback", std::chrono::minutes(1));
  }
  // The key a caller gets now (the fake transport answers at once).
  std::string KeyNow(HmacKeyStore& store) {
    testing::Pending<std::string> key;
    store.Key(clock_.Now() + std::chrono::seconds(10), key.Callback());
    return key.get().value();
  }
  std::string dir_;
  testing::FakeTransport transport_;
  testing::FakeClock clock_;
  std::unique_ptr<KubeClient> client_;
};

TEST_F(HmacKeyStoreTest, ReadsAnExistingKeyAndCachesItForTheInterval) {
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LW9uZQ=="));  // "key-one"
  auto store = Store();
  EXPECT_EQ(KeyNow(*store), "key-one");
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(KeyNow(*store), "key-one");
  EXPECT_EQ(transport_.requests().size(), 1u) << "no API call within the interval";
}

TEST_F(HmacKeyStoreTest, CreatesAnImmutableKeyWhenAbsentAndPicksUpARotation) {
  transport_.Script("GET", kSecretPath, 404, R"({"kind":"Status","code":404})");
  transport_.Script("POST", "/api/v1/namespaces/csi/secrets", 201, "{}");
  auto store = Store();
  const std::string created = KeyNow(*store);
  EXPECT_EQ(created.size(), 32u);
  auto body = nlohmann::json::parse(*transport_.requests().back().body);
  EXPECT_EQ(body["immutable"], true);
  EXPECT_EQ(body["metadata"]["name"], "hmac");
  // An admin deletes the Secret and another node re-creates it: seen after the interval.
  transport_.Reset("GET", kSecretPath);
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LXR3bw=="));  // "key-two"
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(KeyNow(*store), "key-two");
}

TEST_F(HmacKeyStoreTest, LosingTheCreateRaceTakesTheWinnersKey) {
  transport_.Script("GET", kSecretPath, 404, "{}");
  transport_.Script("GET", kSecretPath, 200, SecretBody("d2lubmVy"));  // "winner"
  transport_.Script("POST", "/api/v1/namespaces/csi/secrets", 409, R"({"reason":"AlreadyExists"})");
  EXPECT_EQ(KeyNow(*Store()), "winner");
}

TEST_F(HmacKeyStoreTest, UnusableSecretGivesTheIncumbentsTextAndFallsBack) {
  transport_.Script("GET", kSecretPath, 200, R"({"kind":"Secret","data":{"other":"eA=="}})");
  auto store = Store();
  testing::Pending<std::string> fetched;
  store->FetchOrCreate(clock_.Now() + std::chrono::seconds(5), fetched.Callback());
  EXPECT_THAT(std::string(fetched.get().status().message()),
              HasSubstr("expected secret \"hmac\" to have a key \"key\"; delete the kubernetes secret to trigger an automatic regeneration"));
  EXPECT_EQ(KeyNow(*store), "fallback");
}

TEST_F(HmacKeyStoreTest, ApiOutageKeepsTheLastGoodKey) {
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LW9uZQ=="));
  auto store = Store();
  EXPECT_EQ(KeyNow(*store), "key-one");
  transport_.Fail("GET", kSecretPath, absl::UnavailableError("connection refused"));
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(KeyNow(*store), "key-one");
}

TEST_F(HmacKeyStoreTest, ASlowApiDoesNotHoldUpOtherCallers) {
  // The refresh hangs in the API until released; other callers must not wait for it.
  transport_.Script("GET", kSecretPath, 200, SecretBody("a2V5LXR3bw=="));  // "key-two"
  transport_.Hold(kSecretPath);
  auto store = Store();
  testing::Pending<std::string> refreshing, other;
  store->Key(clock_.Now() + std::chrono::seconds(10), refreshing.Callback());
  store->Key(clock_.Now() + std::chrono::seconds(10), other.Callback());
  EXPECT_FALSE(refreshing.ready()) << "the caller that refreshes waits for the Secret";
  ASSERT_TRUE(other.ready()) << "blocked behind the API call";
  EXPECT_EQ(other.get().value(), "fallback") << "no key read yet: the per-process key";
  transport_.Release();
  EXPECT_EQ(refreshing.get().value(), "key-two");
  EXPECT_EQ(KeyNow(*store), "key-two");
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(HmacKeyStoreTest, OutsideAClusterAlwaysTheFallback) {
  HmacKeyStore store(nullptr, clock_, "hmac", "fallback", std::chrono::minutes(1));
  EXPECT_EQ(KeyNow(store), "fallback");
  EXPECT_TRUE(transport_.requests().empty());
}

}  // namespace
}  // namespace vcp::kube
