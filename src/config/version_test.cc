// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/config/version.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

namespace vcp::config {
namespace {

TEST(VersionTest, JsonHasTheIncumbentsKeysInOrder) {
  const std::string text = VersionText("json").value();
  EXPECT_EQ(text.rfind(R"({"major":)", 0), 0u);
  auto json = nlohmann::json::parse(text);
  for (const char* key : {"major", "minor", "patch", "gitVersion", "gitCommit", "gitTreeState", "buildDate",
                          "platform", "minDriverVersion"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["gitVersion"], "v" + ProviderVersion());
}

TEST(VersionTest, ProviderVersionIsSemver) {
  EXPECT_TRUE(std::regex_match(ProviderVersion(), std::regex(R"(\d+\.\d+\.\d+([-+].*)?)")));
}

TEST(VersionTest, OtherFormatsAndTheRejectedOnes) {
  EXPECT_NE(VersionText("json-pretty").value().find("\n    \"minor\""), std::string::npos);
  EXPECT_NE(VersionText("yaml").value().find("minDriverVersion: \"v0.0.21\"\n"), std::string::npos);
  EXPECT_EQ(VersionText("xml").status().message(), "--output should be one of: 'yaml', 'json', 'json-pretty'");
}

}  // namespace
}  // namespace vcp::config
