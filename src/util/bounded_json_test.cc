// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/bounded_json.h"

#include <gtest/gtest.h>

#include <string>

namespace vcp {
namespace {

TEST(BoundedJsonTest, CountsOnlyBracketsOutsideStrings) {
  EXPECT_EQ(JsonNestingDepth(R"({"a":[1,{"b":2}]})", 10), 3u);
  EXPECT_EQ(JsonNestingDepth(R"({"a":"[[[[{{{{"})", 10), 1u);
  EXPECT_EQ(JsonNestingDepth(R"(["\"[[[["])", 10), 1u) << "an escaped quote does not end the string";
  EXPECT_EQ(JsonNestingDepth(R"(["\\",[[]]])", 10), 3u) << "an escaped backslash does";
  EXPECT_EQ(JsonNestingDepth("42", 10), 0u);
  EXPECT_EQ(JsonNestingDepth("]]]]", 10), 0u);
}

TEST(BoundedJsonTest, AHostileDepthIsRefusedBeforeParsing) {
  for (const std::string& open : {std::string("["), std::string("{\"a\":")}) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += open;
    auto parsed = ParseUntrustedJson(deep);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), "nests deeper than 128 levels");
  }
}

TEST(BoundedJsonTest, TheLimitIsInclusive) {
  const std::string at_limit = std::string(128, '[') + std::string(128, ']');
  ASSERT_TRUE(ParseUntrustedJson(at_limit).ok());
  EXPECT_EQ(ParseUntrustedJson(at_limit).value().dump().size(), 256u);
  EXPECT_FALSE(ParseUntrustedJson("[" + at_limit + "]").ok());
}

TEST(BoundedJsonTest, InvalidJsonIsNamedWithoutQuotingIt) {
  auto parsed = ParseUntrustedJson(R"({"secret": s3cr3t})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "not valid JSON");
  EXPECT_EQ(ParseUntrustedJson(R"({"a":[1,2]})").value()["a"][1], 2);
}

}  // namespace
}  // namespace vcp
