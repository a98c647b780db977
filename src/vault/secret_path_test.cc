// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/secret_path.h"

#include <gmock/gmock.h>

namespace vcp::vault {
namespace {

TEST(SecretPathTest, NormalisesLikeTheIncumbent) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"/v1/secret/data/x", "/v1/secret/data/x"}, {"v1/secret/data/x", "/v1/secret/data/x"},
      {"/secret/data/x", "/v1/secret/data/x"},    {"secret/data/x", "/v1/secret/data/x"},
      {"", "/v1/"},                               {"/v2/x", "/v1/v2/x"},
      {"/v1/v1/", "/v1/v1/"}};
  for (const auto& [in, want] : table) {
    auto parsed = ParseSecretPath(in);
    ASSERT_TRUE(parsed.ok()) << in;
    EXPECT_EQ(parsed->path, want) << in;
    EXPECT_TRUE(parsed->query.empty());
  }
}

TEST(SecretPathTest, SplitsAndEncodesTheQueryLikeGo) {
  auto parsed = ParseSecretPath("secret/data/x?version=2&b=a+b&a=%2F");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->path, "/v1/secret/data/x");
  EXPECT_EQ(parsed->EncodedQuery(), "a=%2F&b=a+b&version=2");
  EXPECT_EQ(parsed->RequestTarget(), "/v1/secret/data/x?a=%2F&b=a+b&version=2");
  EXPECT_TRUE(ParseSecretPath("secret/foo?")->query.empty());
}

TEST(SecretPathTest, PathsThatCouldLeaveTheApiAreRefused) {
  for (const char* path : {"../x", "a/../b", "a/./b", "a/..", ".", "a\\b", "a/%2e%2E/b", "a%2fb", "a%5Cb", "a/..?q=1"}) {
    EXPECT_EQ(CheckSecretPathStaysInApi(path).code(), absl::StatusCode::kInvalidArgument) << path;
  }
  for (const char* path : {"a/b.c", "a/..b", "a/b..", "v1/x", "a/b?x=../y", "a/%41", ""}) {
    EXPECT_TRUE(CheckSecretPathStaysInApi(path).ok()) << path;
  }
}

TEST(SecretPathTest, OnlyApiTargetsAreSendable) {
  EXPECT_TRUE(IsVaultApiTarget("/v1/secret/data/app"));
  EXPECT_TRUE(IsVaultApiTarget("/v1/secret/data/app?version=1&x=../y"));
  EXPECT_FALSE(IsVaultApiTarget("/v1/../metadata"));
  EXPECT_FALSE(IsVaultApiTarget("/v1/a/./b"));
  EXPECT_FALSE(IsVaultApiTarget("/v2/a"));
  EXPECT_FALSE(IsVaultApiTarget("/v1"));
  EXPECT_FALSE(IsVaultApiTarget("/v1/a\\b"));
}

TEST(SecretPathTest, RejectsBadQueries) {
  EXPECT_EQ(ParseSecretPath("x?a=%zz").status().message(),
            "invalid URL escape in the query (a '%' at byte 0 of a parameter is not followed by two hex digits)");
  EXPECT_THAT(std::string(ParseSecretPath("x?token=%CANARY").status().message()), ::testing::Not(::testing::HasSubstr("CA")));
  EXPECT_EQ(ParseSecretPath("x?a=1;b=2").status().message(), "invalid semicolon separator in query");
}

TEST(SecretPathTest, EscapesPathCharactersThatAreNotUrlSafe) {
  EXPECT_EQ(EscapeUrlPath("/v1/secret/data/my app#1"), "/v1/secret/data/my%20app%231");
  EXPECT_EQ(EscapeUrlPath("/v1/a:b@c=d"), "/v1/a:b@c=d");
}

}  // namespace
}  // namespace vcp::vault
