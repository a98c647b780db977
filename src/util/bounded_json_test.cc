// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/bounded_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "vcp/util/json_number.h"

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


// The number-keeping parse: every number that is not a canonical int64 or
// uint64 decimal keeps its text; everything else is as ParseUntrustedJson.
TEST(BoundedJsonTest, KeepingNumbersKeepsEveryNonCanonicalText) {
  const char* kTexts[] = {"1.50", "1e3", "1E+3", "-0", "0.1", "-0.0", "1.0", "12345678901234567890123",
                          "-9223372036854775809", "18446744073709551616", "1e400", "-1e400", "1e-400",
                          "0e0", "123456789012345678901234567890.5e-2"};
  for (const char* text : kTexts) {
    SCOPED_TRACE(text);
    auto parsed = ParseUntrustedJsonKeepingNumbers(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_TRUE(IsNumberText(*parsed));
    EXPECT_EQ(NumberText(*parsed), text);
  }
}

TEST(BoundedJsonTest, KeepingNumbersLeavesCanonicalIntegersNative) {
  auto parsed = ParseUntrustedJsonKeepingNumbers(
      "[0,-1,42,9223372036854775807,-9223372036854775808,18446744073709551615]");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const auto& value : *parsed) EXPECT_TRUE(value.is_number_integer()) << value;
  EXPECT_EQ((*parsed)[0].get<int64_t>(), 0);
  EXPECT_TRUE((*parsed)[0].is_number_unsigned()) << "as nlohmann's own parser types it";
  EXPECT_EQ((*parsed)[1].get<int64_t>(), -1);
  EXPECT_EQ((*parsed)[3].get<int64_t>(), INT64_MAX);
  EXPECT_EQ((*parsed)[4].get<int64_t>(), INT64_MIN);
  EXPECT_EQ((*parsed)[5].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(*parsed, ParseUntrustedJson("[0,-1,42,9223372036854775807,-9223372036854775808,18446744073709551615]").value());
}

TEST(BoundedJsonTest, KeepingNumbersFindsThemInsideNestingInOrder) {
  const std::string text =
      R"({"a":[1.50,-0,{"b":-0,"c":"-0 1e3 \"1.5\"","d":[1e400,0,-0.0]}],"e":-0,"f":{"g":{"h":[[2.5e-3]]}},)"
      R"("-0":1e3,"i":[0,-0,0,-0]})";
  auto parsed = ParseUntrustedJsonKeepingNumbers(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const nlohmann::json& j = *parsed;
  EXPECT_EQ(NumberText(j["a"][0]), "1.50");
  EXPECT_EQ(NumberText(j["a"][1]), "-0");
  EXPECT_EQ(NumberText(j["a"][2]["b"]), "-0");
  EXPECT_EQ(j["a"][2]["c"], "-0 1e3 \"1.5\"") << "numbers inside strings are text, not numbers";
  EXPECT_EQ(NumberText(j["a"][2]["d"][0]), "1e400");
  EXPECT_EQ(j["a"][2]["d"][1], 0);
  EXPECT_EQ(NumberText(j["a"][2]["d"][2]), "-0.0");
  EXPECT_EQ(NumberText(j["e"]), "-0");
  EXPECT_EQ(NumberText(j["f"]["g"]["h"][0][0]), "2.5e-3");
  EXPECT_EQ(NumberText(j["-0"]), "1e3");
  EXPECT_EQ(j["i"][0], 0);
  EXPECT_EQ(NumberText(j["i"][1]), "-0");
  EXPECT_EQ(j["i"][2], 0);
  EXPECT_EQ(NumberText(j["i"][3]), "-0");
}

TEST(BoundedJsonTest, KeepingNumbersIsOtherwiseTheSameParse) {
  const char* kTexts[] = {
      R"({"request_id":"r","lease_duration":3600,"data":{"s":"ü\u2028\n","b":true,"n":null,"o":{},"a":[]}})",
      R"({"k":1,"k":2})",  // a repeated key keeps the last value
      R"("just a string")", "true", "null", "  [ 1 , 2 ]  ", "\xEF\xBB\xBF{}"};
  for (const char* text : kTexts) {
    SCOPED_TRACE(text);
    auto kept = ParseUntrustedJsonKeepingNumbers(text);
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_EQ(*kept, ParseUntrustedJson(text).value());
  }
}

TEST(BoundedJsonTest, KeepingNumbersHasTheSameLimitAndErrors) {
  const std::string at_limit = std::string(128, '[') + std::string(128, ']');
  EXPECT_TRUE(ParseUntrustedJsonKeepingNumbers(at_limit).ok());
  EXPECT_EQ(ParseUntrustedJsonKeepingNumbers("[" + at_limit + "]").status().message(), "nests deeper than 128 levels");
  EXPECT_EQ(ParseUntrustedJsonKeepingNumbers("[[1.5]]", 1).status().message(), "nests deeper than 1 levels");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  EXPECT_EQ(ParseUntrustedJsonKeepingNumbers(deep).status().message(), "nests deeper than 128 levels");
  for (const char* bad : {R"({"secret": s3cr3t})", "", "01", "1.", "-", "+1", ".5", "1e", "[1,]", "{\"a\":1.5", "1 2",
                          "[1e400", "01e400", "-01e400", "1e400e5", "1.e400", ".1e400", "1e+-400", "NaN", "Infinity", "[-0-0]", "\"\xff\""}) {
    SCOPED_TRACE(bad);
    auto parsed = ParseUntrustedJsonKeepingNumbers(bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), "not valid JSON");
    EXPECT_FALSE(ParseUntrustedJson(bad).ok()) << "both parses refuse the same texts";
  }
}

TEST(JsonMemoryBytesTest, CountsEveryNodeKeyAndLongStringAtAnyDepth) {
  const size_t empty = JsonMemoryBytes(nlohmann::json::object());
  const size_t small = JsonMemoryBytes(nlohmann::json::parse(R"({"k":"v"})"));
  const size_t long_value = JsonMemoryBytes(nlohmann::json::parse(absl::StrCat(R"({"k":")", std::string(1000, 'x'), R"("})")));
  EXPECT_GT(small, empty);
  EXPECT_GE(long_value, small + 1000) << "a long string's characters count";
  // Parsed JSON holds several times its text for small values.
  const std::string text = R"({"data":{"a":"1","b":"2","c":"3","d":"4"},"lease_id":"","renewable":false})";
  EXPECT_GT(JsonMemoryBytes(nlohmann::json::parse(text)), 3 * text.size());
  // 100,000 levels (deeper than any parse allows, built by hand): no recursion.
  nlohmann::json deep = nlohmann::json::array();
  nlohmann::json* innermost = &deep;
  for (int i = 0; i < 100'000; ++i) innermost = &innermost->emplace_back(nlohmann::json::array());
  EXPECT_GT(JsonMemoryBytes(deep), 100'000u * sizeof(nlohmann::json));
  // nlohmann's destructor is iterative too (3.11), so `deep` goes quietly.
}

}  // namespace
}  // namespace vcp
