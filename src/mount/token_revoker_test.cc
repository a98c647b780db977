// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/token_revoker.h"

#include <gmock/gmock.h>

#include <thread>

#include "support/fake_transport.h"
#include "vcp/mount/mounter.h"

namespace vcp::mount {
namespace {

using testing::FakeTransport;

// The X-Vault-Token of every revoke-self request sent so far.
std::vector<std::string> RevokedTokens(const FakeTransport& transport) {
  std::vector<std::string> tokens;
  for (const auto& request : transport.requests()) {
    if (request.url.find("/v1/auth/token/revoke-self") == std::string::npos) continue;
    for (const auto& [name, value] : request.headers) {
      if (name == "X-Vault-Token") tokens.push_back(value);
    }
  }
  return tokens;
}

class TokenRevokerTest : public ::testing::Test {
 protected:
  TokenRevokerTest() : tokens_(1) {
    options_.default_connection.address = "https://vault:8200";
    options_.version_key = [] { return std::string(32, 'k'); };
    transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok-a"));
    transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok-b"));
    transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
    transport_.Script("POST", "/v1/auth/token/revoke-self", 204, "");
  }

  MountParams Pod(const std::string& name) {
    MountParams p;
    p.role_name = "app";
    p.pod = {name, "uid-" + name, "prod", "web"};
    p.sa_tokens["vault"] = "jwt";
    p.objects = ParseObjects("- {objectName: a, secretPath: kv/a, secretKey: k}").value();
    return p;
  }
  static vault::Deadline Soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

  FakeTransport transport_;
  vault::TokenCache tokens_;  // room for one pod
  MounterOptions options_;
};

TEST_F(TokenRevokerTest, EvictedTokensAreRevokedInTheBackgroundAndCachedOnesAtShutdown) {
  options_.revoke_tokens = true;
  const Mounter mounter(transport_, tokens_, options_);
  ASSERT_TRUE(mounter.Mount(Pod("one"), Soon()).ok());
  ASSERT_TRUE(mounter.Mount(Pod("two"), Soon()).ok());  // evicts pod one's session
  for (int i = 0; i < 200 && RevokedTokens(transport_).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(RevokedTokens(transport_), std::vector<std::string>{"tok-a"});
  EXPECT_EQ(mounter.RevokeCachedTokens(Soon()), 1);
  EXPECT_EQ(RevokedTokens(transport_), (std::vector<std::string>{"tok-a", "tok-b"}));
  EXPECT_EQ(tokens_.size(), 0u);
}

TEST_F(TokenRevokerTest, OffByDefault) {
  {
    const Mounter mounter(transport_, tokens_, options_);
    ASSERT_TRUE(mounter.Mount(Pod("one"), Soon()).ok());
    ASSERT_TRUE(mounter.Mount(Pod("two"), Soon()).ok());
    EXPECT_EQ(mounter.RevokeCachedTokens(Soon()), 0);
  }
  EXPECT_TRUE(RevokedTokens(transport_).empty());
}

TEST_F(TokenRevokerTest, AFailedRevocationIsNotCountedAndSessionsWithoutTokensAreSkipped) {
  transport_.Reset("POST", "/v1/auth/token/revoke-self");
  transport_.Script("POST", "/v1/auth/token/revoke-self", 403, R"({"errors":["permission denied"]})");
  TokenRevoker revoker(transport_, vault::RetryPolicy());
  auto with_token = std::make_shared<vault::PodSession>();
  with_token->token = "tok-x";
  with_token->connection.address = "https://vault:8200";
  auto without_token = std::make_shared<vault::PodSession>();
  EXPECT_EQ(revoker.RevokeNow({with_token, without_token}, Soon()), 0);
  EXPECT_EQ(RevokedTokens(transport_), std::vector<std::string>{"tok-x"});
}

}  // namespace
}  // namespace vcp::mount
