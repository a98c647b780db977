// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/kube_client.h"

#include <gmock/gmock.h>
#include <stdlib.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/pending.h"

namespace vcp::kube {
namespace {

using ::testing::HasSubstr;

class KubeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/vcp-kube-XXXXXX";
    dir_ = mkdtemp(pattern);
    Write("token", "provider-sa-token\n");
    Write("ca.crt", "-----BEGIN CERTIFICATE-----\n");
    Write("namespace", "csi\n");
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }
  EnvLookup Env(std::map<std::string, std::string> values) {
    return [values](const std::string& n) -> std::optional<std::string> {
      auto it = values.find(n);
      return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  Deadline Soon() { return clock_.Now() + std::chrono::seconds(5); }
  std::string dir_;
  testing::FakeClock clock_;
};

TEST_F(KubeClientTest, InClusterConfigFromEnvironmentAndServiceAccountDirectory) {
  auto config = LoadInClusterConfig(Env({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), dir_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->api_url, "https://10.0.0.1:443");
  EXPECT_EQ(config->ns, "csi");
  EXPECT_EQ(config->ca_file, dir_ + "/ca.crt");
  auto v6 = LoadInClusterConfig(Env({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), dir_);
  EXPECT_EQ(v6->api_url, "https://[fd00::1]:443");
  EXPECT_THAT(std::string(LoadInClusterConfig(Env({}), dir_).status().message()),
              HasSubstr("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"));
  EXPECT_FALSE(LoadInClusterConfig(Env({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}}), "/nonexistent").ok());
}

TEST_F(KubeClientTest, TokenRequestIsBoundToThePodWithTheAudience) {
  testing::FakeTransport t;
  t.Script("POST", "/api/v1/namespaces/prod/serviceaccounts/web/token", 201,
           R"({"status":{"token":"minted-jwt","expirationTimestamp":"2030-01-01T00:00:00Z"}})");
  KubeClient client(t, clock_, KubeConfig{"https://k8s:443", dir_ + "/ca.crt", dir_ + "/token", "csi"});
  testing::Pending<std::string> pending;
  client.CreateServiceAccountToken("prod", "web", {"vault"}, "web-1", "uid-1", 900, Soon(), pending.Callback());
  auto token = pending.get();
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "minted-jwt");
  const auto request = t.requests().at(0);
  auto body = nlohmann::json::parse(*request.body);
  EXPECT_EQ(body["spec"]["expirationSeconds"], 900);
  EXPECT_EQ(body["spec"]["audiences"], nlohmann::json::array({"vault"}));
  EXPECT_EQ(body["spec"]["boundObjectRef"], nlohmann::json({{"kind", "Pod"}, {"apiVersion", "v1"}, {"name", "web-1"}, {"uid", "uid-1"}}));
  EXPECT_THAT(request.headers, ::testing::Contains(std::make_pair(std::string("Authorization"), std::string("Bearer provider-sa-token"))));
  EXPECT_EQ(request.tls.ca_cert, dir_ + "/ca.crt");
}

TEST_F(KubeClientTest, ApiErrorsCarryTheStatusMessageAndCode) {
  testing::FakeTransport t;
  t.Script("GET", "/api/v1/namespaces/csi/secrets/k", 404,
           R"({"kind":"Status","status":"Failure","message":"secrets \"k\" not found","reason":"NotFound","code":404})");
  t.Script("POST", "/api/v1/namespaces/csi/secrets", 409, R"({"kind":"Status","message":"secrets \"k\" already exists","code":409})");
  KubeClient client(t, clock_, KubeConfig{"https://k8s:443", dir_ + "/ca.crt", dir_ + "/token", "csi"});
  testing::Pending<Secret> get;
  client.GetSecret("csi", "k", Soon(), get.Callback());
  EXPECT_TRUE(absl::IsNotFound(get.get().status()));
  EXPECT_THAT(std::string(get.get().status().message()), HasSubstr("secrets \"k\" not found"));
  absl::Status created;
  client.CreateSecret("csi", "k", Secret{{{"key", "x"}}}, true, Soon(), [&](absl::Status s) { created = s; });
  EXPECT_TRUE(absl::IsAlreadyExists(created));
  auto create_body = nlohmann::json::parse(*t.requests().back().body);
  EXPECT_EQ(create_body["immutable"], true);
  EXPECT_EQ(create_body["data"]["key"], "eA==");
}

}  // namespace
}  // namespace vcp::kube
