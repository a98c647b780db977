// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace vcp {
namespace {

TEST(GoJsonTest, SortsKeysAndWritesCompactly) {
  auto value = nlohmann::json::parse(R"({"zap":"a string","bar":true,"baz":10,"list":[6,"stilton",true,null]})");
  EXPECT_EQ(GoJsonEncode(value), R"({"bar":true,"baz":10,"list":[6,"stilton",true,null],"zap":"a string"})");
}

TEST(GoJsonTest, EscapesHtmlAndLineSeparatorsLikeGo) {
  EXPECT_EQ(GoJsonQuote("<a href=\"x\">&</a>"), R"("\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e")");
  EXPECT_EQ(GoJsonQuote("a\u2028b\u2029c"), R"("a\u2028b\u2029c")");
  EXPECT_EQ(GoJsonQuote("tab\there\nnl\x01"), R"("tab\there\nnl\u0001")");
  EXPECT_EQ(GoJsonQuote("ünïcödé"), "\"ünïcödé\"");
}

TEST(GoJsonTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(GoJsonQuote(std::string("a\xff") + "b"), "\"a\xEF\xBF\xBD" "b\"");
}


// Today's encoding of every kind of value, pinned before the encoder was
// rewritten (main at 303440c): a rewrite must keep these bytes.
TEST(GoJsonTest, PinnedEncodingOfEveryKindOfValue) {
  nlohmann::json doubles = nlohmann::json::array({1.5, 1000.0, 1e300, -0.0, 0.1, -2.5e-7, 123456789012.0});
  nlohmann::json keys = nlohmann::json::object();
  keys["<k>&"] = 1;
  keys[std::string("bad\xff")] = std::string("v\xc3");
  keys["\u2028"] = "\x1f\x7f";
  keys[""] = nlohmann::json::object();
  nlohmann::json ints = nlohmann::json::array(
      {std::numeric_limits<int64_t>::min(), std::numeric_limits<uint64_t>::max(), 0, -1, 42u});
  nlohmann::json binary = nlohmann::json::binary({1, 2, 3});
  nlohmann::json binary_subtype = nlohmann::json::binary({0x61}, 7);
  const std::pair<nlohmann::json, std::string> cases[] = {
      {nullptr, "null"},
      {true, "true"},
      {"", R"("")"},
      {nlohmann::json::array(), "[]"},
      {nlohmann::json::object(), "{}"},
      {doubles, "[1.5,1000.0,1e+300,-0.0,0.1,-2.5e-07,123456789012.0]"},
      {keys, R"({"":{},"\u003ck\u003e\u0026":1,"bad)" "\xef\xbf\xbd" R"(":"v)" "\xef\xbf\xbd" R"(","\u2028":"\u001f)" "\x7f" R"("})"},
      {ints, "[-9223372036854775808,18446744073709551615,0,-1,42]"},
      {binary, R"({"bytes":[1,2,3],"subtype":null})"},
      {binary_subtype, R"({"bytes":[97],"subtype":7})"},
      {nlohmann::json::parse(R"({"a":[[],{},[{"b":[null,false,"\u0000\b\f\n\r\t\"\\/"]}]]})"), R"({"a":[[],{},[{"b":[null,false,"\u0000\b\f\n\r\t\"\\/"]}]]})"},
  };
  for (const auto& [value, want] : cases) EXPECT_EQ(GoJsonEncode(value), want);
}

}  // namespace
}  // namespace vcp
