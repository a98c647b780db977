// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: metrics, JSON logs, and the promise that no secret value or
// token ever leaves through a log line, an error or a metric.
#include <gmock/gmock.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Scrape(const std::string& host_port) { return ScrapeMetrics(host_port); }
double Sample(const std::string& metrics, const std::string& series) { return MetricSample(metrics, series); }

class ObservabilityE2eTest : public E2eTest {};

TEST_F(ObservabilityE2eTest, MetricsAreExposedAndMove) {
  auto& provider = StartProvider();
  const std::string before = Scrape(provider.health_address());
  EXPECT_THAT(before, HasSubstr("vault_csi_provider_build_info{version=\""));
  const auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  ASSERT_TRUE(Send(mount).status.ok());
  ASSERT_TRUE(Send(mount).status.ok());
  auto denied = Mount("- {objectName: a, secretPath: secret/metadata/app}");
  EXPECT_FALSE(Send(denied).status.ok());
  const std::string after = Scrape(provider.health_address());
  EXPECT_THAT(after, HasSubstr("# TYPE vault_csi_provider_mount_duration_seconds histogram"));
  // The denied read used the pod's cached token: one re-login and one retry, both denied.
  EXPECT_EQ(Sample(after, R"(vault_csi_provider_mount_requests_total{result="OK"})"), 2);
  EXPECT_EQ(Sample(after, R"(vault_csi_provider_mount_requests_total{result="PERMISSION_DENIED"})"), 1);
  EXPECT_EQ(Sample(after, R"(vault_csi_provider_vault_requests_total{code="200",operation="login"})"), 2);
  EXPECT_EQ(Sample(after, R"(vault_csi_provider_vault_requests_total{code="200",operation="read"})"), 2);
  EXPECT_EQ(Sample(after, R"(vault_csi_provider_vault_requests_total{code="403",operation="read"})"), 2);
  EXPECT_EQ(Sample(after, "vault_csi_provider_token_cache_hits_total"), 2);
  EXPECT_EQ(Sample(after, "vault_csi_provider_token_cache_misses_total"), 1);
  EXPECT_EQ(Sample(after, R"(vault_csi_provider_logins_total{result="ok"})"), 2);
  EXPECT_EQ(Sample(after, "vault_csi_provider_mounts_in_flight"), 0);
  EXPECT_EQ(Sample(after, "vault_csi_provider_mount_duration_seconds_count"), 3);
}

TEST_F(ObservabilityE2eTest, JsonLogLinesParse) {
  auto& provider = StartProvider({"-log-format=json", "-log-level=trace"});
  ASSERT_TRUE(Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}")).status.ok());
  EXPECT_FALSE(Send(Mount("- {objectName: \"quote\\\"d\", secretPath: secret/data/app, secretKey: nope}")).status.ok());
  std::istringstream lines(provider.Log());
  int parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(json.is_object()) << line;
    EXPECT_TRUE(json.contains("time") && json.contains("level") && json.contains("msg")) << line;
    ++parsed;
  }
  EXPECT_GE(parsed, 3);
  EXPECT_THAT(provider.Log(), HasSubstr("mount ok: pod=default/app-7d9c"));
}

TEST_F(ObservabilityE2eTest, CanarySecretAndTokensNeverLeak) {
  const std::string canary = "CANARY-VALUE-7f3a9c";
  WriteKv2("secret/data/canary", {{"value", canary}, {"other", canary + "-2"}});
  auto& provider = StartProvider({"-log-level=trace"});
  auto mount = Mount(R"(
- {objectName: ok, secretPath: secret/data/canary, secretKey: value}
- {objectName: whole, secretPath: secret/data/canary}
)");
  const std::string jwt = mount.tokens["vault"];
  auto ok = Send(mount);
  ASSERT_TRUE(ok.status.ok());
  ASSERT_EQ(ok.File("ok"), canary);
  vault_->ExpireAllTokens();  // a re-login, and its log lines, too
  auto failing = Send(Mount(R"(
- {objectName: ok, secretPath: secret/data/canary, secretKey: value}
- {objectName: missing, secretPath: secret/data/canary, secretKey: nope, encoding: base64}
)"));
  ASSERT_FALSE(failing.status.ok());
  auto bad_decode = Send(Mount("- {objectName: b, secretPath: secret/data/canary, secretKey: value, encoding: hex}"));
  ASSERT_FALSE(bad_decode.status.ok());
  const std::string everything = provider.Log() + failing.status.error_message() +
                                 bad_decode.status.error_message() + Scrape(provider.health_address());
  EXPECT_THAT(everything, Not(HasSubstr(canary)));
  EXPECT_THAT(everything, Not(HasSubstr(jwt)));
  EXPECT_THAT(everything, Not(HasSubstr(jwt.substr(jwt.rfind('.')))));  // not even the signature
  EXPECT_FALSE(std::regex_search(everything, std::regex("hvs\\.[A-Za-z0-9]"))) << "a Vault token leaked";
}

}  // namespace
}  // namespace vcp::testing
