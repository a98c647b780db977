// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>

#include "vcp/util/bounded_json.h"
#include "vcp/util/json_number.h"

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


// The encoder before number texts (main at 303440c): nlohmann's dump with
// Go's extra escapes applied to the whole document. Kept here as the
// reference the rewrite must match byte for byte.
std::string EncodeAsBefore(const nlohmann::json& value) {
  const std::string dumped = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  for (size_t i = 0; i < dumped.size(); ++i) {
    const char c = dumped[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < dumped.size() && dumped[i + 1] == '\x80' &&
               (dumped[i + 2] == '\xA8' || dumped[i + 2] == '\xA9')) {
      out += dumped[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// A random value of every kind but number texts, strings drawn from bytes
// that exercise every escape (and invalid UTF-8).
nlohmann::json RandomValue(std::mt19937* random, int depth) {
  auto pick = [&](int n) { return static_cast<int>((*random)() % n); };
  auto text = [&] {
    static const std::string kPieces[] = {"a", "Z", "<", ">", "&", "\"", "\\", "/", "\n", "\x01", "\x1f", "\x7f",
                                          "\xe2\x80\xa8", "\xe2\x80\xa9", "\xc3\xbc", "\xff", "\xc3", "\xe2\x80",
                                          "\xf0\x9f\x98\x80", "\xed\xa0\x80", " ", "\t", "0", "-"};
    std::string s;
    for (int i = pick(8); i > 0; --i) s += kPieces[pick(std::size(kPieces))];
    return s;
  };
  switch (depth > 6 ? pick(6) : pick(8)) {
    case 0: return nullptr;
    case 1: return pick(2) == 0;
    case 2: return static_cast<int64_t>((*random)()) - static_cast<int64_t>((*random)());
    case 3: return static_cast<double>(static_cast<int64_t>((*random)())) / (pick(1000) + 1) * (pick(2) ? 1e-200 : 1);
    case 4: return static_cast<uint64_t>((*random)()) << 32 | (*random)();
    case 5: return text();
    case 6: {
      nlohmann::json array = nlohmann::json::array();
      for (int i = pick(5); i > 0; --i) array.push_back(RandomValue(random, depth + 1));
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      for (int i = pick(5); i > 0; --i) object[text()] = RandomValue(random, depth + 1);
      return object;
    }
  }
}

TEST(GoJsonTest, ByteForByteTheEncoderBeforeNumberTextsForEveryOtherValue) {
  std::mt19937 random(13);
  for (int i = 0; i < 20000; ++i) {
    const nlohmann::json value = RandomValue(&random, 0);
    ASSERT_EQ(GoJsonEncode(value), EncodeAsBefore(value)) << i;
  }
}

TEST(GoJsonTest, NumberTextsAreWrittenVerbatimAtEveryDepth) {
  const nlohmann::json value = ParseUntrustedJsonKeepingNumbers(
      R"({"a":1.50,"b":[1e3,{"c":-0,"d":[[12345678901234567890123]]}],"e":1E+3,"f":18446744073709551616,)"
      R"("g":-9223372036854775809,"h":18446744073709551615,"i":0.1,"j":"1.50","k":7,"l":1e400})").value();
  EXPECT_EQ(GoJsonEncode(value),
            R"({"a":1.50,"b":[1e3,{"c":-0,"d":[[12345678901234567890123]]}],"e":1E+3,"f":18446744073709551616,)"
            R"("g":-9223372036854775809,"h":18446744073709551615,"i":0.1,"j":"1.50","k":7,"l":1e400})");
  EXPECT_EQ(GoJsonEncode(MakeNumberText("-0.0")), "-0.0");
}

TEST(GoJsonTest, ANumberTextThatIsNotANumberCannotChangeTheStructure) {
  nlohmann::json value = nlohmann::json::object();
  value["x"] = MakeNumberText(R"(1,"injected":true)");
  value["y"] = MakeNumberText("");
  value["z"] = MakeNumberText("<NaN>");
  EXPECT_EQ(GoJsonEncode(value), R"({"x":"1,\"injected\":true","y":"","z":"\u003cNaN\u003e"})");
}

TEST(GoJsonTest, AnyDepthIsEncodedWithoutRecursion) {
  nlohmann::json deep = nlohmann::json::array();
  nlohmann::json* inner = &deep;
  for (int i = 0; i < 200000; ++i) {
    inner->push_back(i % 2 == 0 ? nlohmann::json::object({{"k", nlohmann::json::array()}}) : nlohmann::json::array());
    inner = i % 2 == 0 ? &(*inner)[0]["k"] : &(*inner)[0];
  }
  const std::string encoded = GoJsonEncode(deep);
  EXPECT_EQ(encoded.substr(0, 9), R"([{"k":[[{)");
  EXPECT_EQ(encoded.size(), 1000002u);
}

}  // namespace
}  // namespace vcp
