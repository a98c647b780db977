// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "go_fmt.h"

#include <gmock/gmock.h>

#include "test_helpers.h"

namespace vcp::tmpl {
namespace {

constexpr FmtLimits kLimits{1 << 20, 64};

std::string Printf(std::string_view format, std::vector<Value> args) {
  std::string out;
  const absl::Status status = Sprintf(format, args, kLimits, &out);
  return status.ok() ? out : "ERROR: " + std::string(status.message());
}

std::string Print(std::vector<Value> args) {
  std::string out;
  const absl::Status status = Sprint(args, kLimits, &out);
  return status.ok() ? out : "ERROR: " + std::string(status.message());
}

Value Data(std::string_view json) {
  return Value::Owned(testing::VaultJson(json), NumberMode::kJsonNumber, GoType::kAnyMap);
}

TEST(SprintfTest, CommonVerbsAsGo) {
  EXPECT_EQ(Printf("%s|%v|%q", {Value::String("a b"), Value::String("x"), Value::String("q\"")}), "a b|x|\"q\\\"\"");
  EXPECT_EQ(Printf("%d|%v|%x|%X|%o|%b|%c|%q|%U",
                   {Value::Int(42), Value::Int(-7), Value::Int(255), Value::Int(255), Value::Int(8), Value::Int(5),
                    Value::Int('A'), Value::Int('A'), Value::Int(0x1F600)}),
            "42|-7|ff|FF|10|101|A|'A'|U+1F600");
  EXPECT_EQ(Printf("%f|%.2f|%e|%g|%v", {Value::Float(3.14159), Value::Float(2.675), Value::Float(1234.5),
                                        Value::Float(0.000012), Value::Float(1e21)}),
            "3.141590|2.67|1.234500e+03|1.2e-05|1e+21");
  EXPECT_EQ(Printf("%t %v", {Value::Bool(true), Value::Bool(false)}), "true false");
  EXPECT_EQ(Printf("100%%", {}), "100%");
  EXPECT_EQ(Printf("%x|% x|%#x", {Value::String("hi"), Value::String("hi"), Value::String("hi")}), "6869|68 69|0x6869");
}

TEST(SprintfTest, WidthPrecisionAndFlags) {
  EXPECT_EQ(Printf("[%5s][%-5s][%.2s][%5.1s]",
                   {Value::String("ab"), Value::String("ab"), Value::String("abc"), Value::String("xyz")}),
            "[   ab][ab   ][ab][    x]");
  EXPECT_EQ(Printf("[%05d][%-5d][%+d][% d][%.3d][%x]",
                   {Value::Int(42), Value::Int(42), Value::Int(42), Value::Int(42), Value::Int(7), Value::Int(-255)}),
            "[00042][42   ][+42][ 42][007][-ff]");
  EXPECT_EQ(Printf("[%8.3f][%-8.2f][%08.3f][%+.1f]",
                   {Value::Float(3.14159), Value::Float(2.5), Value::Float(-3.14159), Value::Float(2.0)}),
            "[   3.142][2.50    ][-003.142][+2.0]");
  EXPECT_EQ(Printf("[%*d][%-*d][%.*f]",
                   {Value::Int(4), Value::Int(7), Value::Int(3), Value::Int(7), Value::Int(1), Value::Float(2.25)}),
            "[   7][7  ][2.2]");
  EXPECT_EQ(Printf("%5s|%-4q", {Value::String("日本"), Value::String("é")}), "   日本|\"é\" ") << "width counts runes";
}

TEST(SprintfTest, MistakesPrintAsGoPrintsThem) {
  EXPECT_EQ(Printf("%d", {Value::String("x")}), "%!d(string=x)");
  EXPECT_EQ(Printf("%s", {Value::Int(5)}), "%!s(int=5)");
  EXPECT_EQ(Printf("%d", {Value::Float(1.5)}), "%!d(float64=1.5)");
  EXPECT_EQ(Printf("%d", {Value::JsonNumber("5432")}), "%!d(json.Number=5432)")
      << "a json.Number is a string to printf, as in Vault Agent";
  EXPECT_EQ(Printf("%s %d", {Value::String("a")}), "a %!d(MISSING)");
  EXPECT_EQ(Printf("%s", {Value::String("a"), Value::Int(1), Value::Bool(true)}), "a%!(EXTRA int=1, bool=true)");
  EXPECT_EQ(Printf("%", {Value::Int(1)}), "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(Printf("%z", {Value::Int(1)}), "%!z(int=1)");
  EXPECT_EQ(Printf("%[2]s %[1]s", {Value::String("a"), Value::String("b")}), "b a");
  EXPECT_EQ(Printf("%[3]s", {Value::String("a")}), "%!s(BADINDEX)");
  EXPECT_EQ(Printf("%T %T %T", {Value::Int(1), Value::JsonNumber("1"), Data(R"({"a":1})")}),
            "int json.Number map[string]interface {}");
}

TEST(SprintTest, ContainersAndSpacing) {
  EXPECT_EQ(Print({Data(R"({"b":"2","a":1.50,"c":[1,"x",null,true]})")}), "map[a:1.50 b:2 c:[1 x <nil> true]]")
      << "keys sorted, numbers as Vault spelled them, nil inside a container printed";
  EXPECT_EQ(Print({Value::String("a"), Value::Int(1), Value::Int(2), Value::String("b")}), "a1 2b")
      << "spaces only between operands that are not strings";
  EXPECT_EQ(
      Printf("%q", {Value::Owned(nlohmann::json::array({"a", "b"}), NumberMode::kJsonNumber, GoType::kStringList)}),
      R"(["a" "b"])");
  EXPECT_EQ(Printf("%d", {Data(R"({"a":"x"})")}), "map[%!d(string=a):%!d(string=x)]");
  std::string out;
  EXPECT_TRUE(Sprintln({Value::Int(1), Value::String("a")}, kLimits, &out).ok());
  EXPECT_EQ(out, "1 a\n");
}

TEST(SprintTest, FloatsAsGoPrintsFloat64) {
  EXPECT_EQ(Print({Value::Float(1)}), "1");
  EXPECT_EQ(Print({Value::Float(1000000)}), "1e+06");
  EXPECT_EQ(Print({Value::Float(123456.5)}), "123456.5");
  EXPECT_EQ(Print({Value::Float(0.1)}), "0.1");
}

TEST(SprintTest, BoundsAndStructs) {
  std::string out;
  EXPECT_TRUE(absl::IsResourceExhausted(Sprintf("%1000000d", {Value::Int(1)}, FmtLimits{1000, 64}, &out)));
  EXPECT_EQ(Printf("%100000000d", {Value::Int(1)}), "%!(NOVERB)%!(EXTRA int=1)")
      << "Go stops reading a width past a million";
  EXPECT_THAT(Print({Value::Struct(GoType::kSecret, nlohmann::json::object())}),
              ::testing::HasSubstr("can't print a value of type *dependency.Secret"));
  nlohmann::json deep = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) deep = nlohmann::json::array({deep});
  EXPECT_THAT(Print({Value::Owned(deep, NumberMode::kJsonNumber, GoType::kAnyList)}),
              ::testing::HasSubstr("nests deeper than 64 levels"));
}

}  // namespace
}  // namespace vcp::tmpl
