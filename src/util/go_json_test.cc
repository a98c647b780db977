// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_json.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vcp
