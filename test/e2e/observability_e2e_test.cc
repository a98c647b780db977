// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: metrics, JSON logs, and the promise that no secret value or
// token ever leaves through a log line, an error or a metric.
#include <gmock/gmock.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
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

// Every string whose presence in `haystack` means that part of `secret`
// leaked: each 8-byte window of the secret itself and of the forms it takes
// when quoted (JSON with "\"" and "\\" escapes, Go's JSON with \u003c for
// <>&, a text log's escapes), each 12-character window of its base64 and
// base64url (from each of the 3 byte alignments, so that a leak of any 9 or
// more consecutive bytes, encoded, contains one) and each 16-character window
// of its hex (both cases, at byte boundaries). A leak of 8 or more
// consecutive bytes contains one of the raw windows, so a secret that leaked
// with one character changed or cut off is still found.
std::vector<std::string> LeakNeedles(const std::string& secret) {
  std::set<std::string> needles;
  auto windows = [&](const std::string& text, size_t width, size_t step) {
    if (text.size() < width) {
      if (!text.empty()) needles.insert(text);
      return;
    }
    for (size_t at = 0; at + width <= text.size(); at += step) needles.insert(text.substr(at, width));
  };
  const std::string json = nlohmann::json(secret).dump();  // "\"", "\\", "\n" escaped, and quoted
  std::string go_json = json;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"<", "\\u003c"}, {">", "\\u003e"}, {"&", "\\u0026"}}) {
    go_json = absl::StrReplaceAll(go_json, {{from, to}});
  }
  windows(secret, 8, 1);
  windows(json.substr(1, json.size() - 2), 8, 1);
  windows(go_json.substr(1, go_json.size() - 2), 8, 1);
  windows(absl::CHexEscape(secret), 8, 1);
  for (size_t shift = 0; shift < 3 && shift < secret.size(); ++shift) {
    windows(absl::Base64Escape(secret.substr(shift)), 12, 4);
    windows(absl::WebSafeBase64Escape(secret.substr(shift)), 12, 4);
  }
  const std::string hex = absl::BytesToHexString(secret);
  windows(hex, 16, 2);
  windows(absl::AsciiStrToUpper(hex), 16, 2);
  return {needles.begin(), needles.end()};
}

// Success when no needle of `secret` is in `haystack`; else the needles found.
::testing::AssertionResult NoLeakOf(const std::string& secret, const std::string& haystack) {
  std::vector<std::string> found;
  for (const std::string& needle : LeakNeedles(secret)) {
    if (haystack.find(needle) != std::string::npos) found.push_back(absl::CEscape(needle));
  }
  if (found.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << found.size() << " pieces of it were found: " << absl::StrJoin(found, ", ");
}

TEST_F(ObservabilityE2eTest, CanarySecretAndTokensNeverLeak) {
  // Characters that every quoting form changes: a quote, a backslash, a
  // newline, <>& (Go's JSON), so each escaped form is a distinct needle.
  const std::string canary = "CANARY-VALUE-7f3a9c\"q\\b\n<t>&e41d";
  WriteKv2("secret/data/canary", {{"value", canary}, {"other", canary + "-2"}});
  auto& provider = StartProvider({"-log-level=trace"});
  std::vector<MountOutcome> outcomes;
  auto mount = Mount(R"(
- {objectName: ok, secretPath: secret/data/canary, secretKey: value}
- {objectName: whole, secretPath: secret/data/canary}
)");
  std::vector<std::string> jwts = {mount.tokens["vault"]};
  outcomes.push_back(Send(mount));
  ASSERT_TRUE(outcomes.back().status.ok()) << outcomes.back().status.error_message();
  ASSERT_EQ(outcomes.back().File("ok"), canary);
  vault_->ExpireAllTokens();  // a re-login, and its log lines, too
  outcomes.push_back(Send(Mount(R"(
- {objectName: ok, secretPath: secret/data/canary, secretKey: value}
- {objectName: missing, secretPath: secret/data/canary, secretKey: nope, encoding: base64}
)")));
  ASSERT_FALSE(outcomes.back().status.ok());
  outcomes.push_back(Send(Mount("- {objectName: b, secretPath: secret/data/canary, secretKey: value, encoding: hex}")));
  ASSERT_FALSE(outcomes.back().status.ok());
  outcomes.push_back(Send(Mount("- {objectName: b, secretPath: secret/data/canary, secretKey: value, encoding: base64}")));
  ASSERT_FALSE(outcomes.back().status.ok());
  // A login that Vault refuses: the pod's token went to Vault and came back as an error.
  Pod intruder;
  intruder.name = "intruder-1";
  intruder.uid = "uid-intruder";
  intruder.service_account = "intruder";
  const auto refused = Mount("- {objectName: a, secretPath: secret/data/canary, secretKey: value}", intruder);
  jwts.push_back(refused.tokens.at("vault"));
  outcomes.push_back(Send(refused));
  ASSERT_EQ(outcomes.back().status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A policy denial of a cached token: the re-login and retry path.
  outcomes.push_back(Send(Mount("- {objectName: d, secretPath: secret/metadata/canary}")));
  ASSERT_EQ(outcomes.back().status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  std::string everything = provider.Log() + Scrape(provider.health_address());
  for (const MountOutcome& out : outcomes) {
    absl::StrAppend(&everything, "\n", out.status.error_message(), "\n", out.status.error_details());
    for (const auto& version : out.response.object_version()) absl::StrAppend(&everything, "\n", version.id(), " ", version.version());
  }
  const std::vector<std::string> vault_tokens = vault_->IssuedTokens();
  ASSERT_GE(vault_tokens.size(), 3u) << "a login, a re-login after expiry, a re-login after the denial";
  EXPECT_TRUE(NoLeakOf(canary, everything)) << "the secret leaked";
  EXPECT_TRUE(NoLeakOf(canary + "-2", everything)) << "the other key's value leaked";
  for (const std::string& jwt : jwts) EXPECT_TRUE(NoLeakOf(jwt, everything)) << "a pod's JWT leaked";
  for (const std::string& token : vault_tokens) EXPECT_TRUE(NoLeakOf(token, everything)) << "a Vault token leaked";
  EXPECT_FALSE(std::regex_search(everything, std::regex("hvs\\.[A-Za-z0-9]"))) << "a Vault token leaked";
}

// The needles themselves: a leak with one character changed, or cut short,
// is still found; a text that merely shares a short run is not.
TEST(LeakNeedlesTest, FindPartialAndEncodedLeaks) {
  const std::string secret = "CANARY-VALUE-7f3a9c\"q\\b\n<t>&e41d";
  std::string changed = secret;
  changed[5] = '_';
  EXPECT_FALSE(NoLeakOf(secret, absl::StrCat("x=", changed, ".")));
  EXPECT_FALSE(NoLeakOf(secret, secret.substr(3, 8)));
  EXPECT_FALSE(NoLeakOf(secret, absl::Base64Escape(secret.substr(4, 12))));
  EXPECT_FALSE(NoLeakOf(secret, absl::WebSafeBase64Escape(secret.substr(5, 9))));
  EXPECT_FALSE(NoLeakOf(secret, absl::BytesToHexString(secret.substr(7, 8))));
  EXPECT_FALSE(NoLeakOf(secret, nlohmann::json(secret.substr(10)).dump()));
  EXPECT_TRUE(NoLeakOf(secret, "CANARY- and VALUE-7 and f3a9c"));
}

}  // namespace
}  // namespace vcp::testing
