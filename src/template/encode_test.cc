// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "encode.h"

#include <gmock/gmock.h>

#include "test_helpers.h"

namespace vcp::tmpl {
namespace {

using ::testing::HasSubstr;

constexpr EncodeLimits kLimits{1 << 20, 64, 100'000};

Value Vault(std::string_view json) {
  nlohmann::json parsed = testing::VaultJson(json);
  const GoType type = parsed.is_array() ? GoType::kAnyList : GoType::kAnyMap;
  return Value::Owned(std::move(parsed), NumberMode::kJsonNumber, type);
}

std::string Json(const Value& v, JsonStyle style = {}) {
  absl::StatusOr<std::string> text = ToJson(v, style, kLimits);
  return text.ok() ? *text : "ERROR: " + std::string(text.status().message());
}

std::string Yaml(const Value& v) {
  absl::StatusOr<std::string> text = ToYaml(v, kLimits);
  return text.ok() ? *text : "ERROR: " + std::string(text.status().message());
}

TEST(ToJsonTest, AsGoJsonMarshal) {
  EXPECT_EQ(Json(Vault(R"({"b":[1,2.50,"x"],"a":{"<&>":null,"t":true}})")),
            R"({"a":{"\u003c\u0026\u003e":null,"t":true},"b":[1,2.50,"x"]})")
      << "keys sorted, HTML escaped, numbers as Vault spelled them";
  EXPECT_EQ(Json(Vault(R"({"a":"<b>"})"), {.escape_html = false}), R"({"a":"<b>"})");
  EXPECT_EQ(Json(Vault(R"({"a":"\\u003c"})"), {.escape_html = false}), R"({"a":"\\u003c"})")
      << "an escaped backslash is not an HTML escape";
  EXPECT_EQ(Json(Vault(R"({"b":[1,{}],"a":[]})"), {.indent = true}),
            "{\n  \"a\": [],\n  \"b\": [\n    1,\n    {}\n  ]\n}");
  EXPECT_EQ(Json(Value::String("line\n\"q\"")), R"("line\n\"q\"")");
  EXPECT_EQ(Json(Value::Int(-3)), "-3");
  EXPECT_EQ(Json(Value::Nil()), "null");
}

TEST(ToJsonTest, Float64AsGoWritesIt) {
  EXPECT_EQ(Json(Value::Float(1)), "1");
  EXPECT_EQ(Json(Value::Float(1.5)), "1.5");
  EXPECT_EQ(Json(Value::Float(1e21)), "1e+21");
  EXPECT_EQ(Json(Value::Float(1e20)), "100000000000000000000");
  EXPECT_EQ(Json(Value::Float(1e-7)), "1e-7");
  EXPECT_EQ(Json(Value::Float(0.000001)), "0.000001");
  EXPECT_THAT(Json(Value::Float(HUGE_VAL)), HasSubstr("json: unsupported value: +Inf"));
}

TEST(ToJsonTest, RefusesMissingValuesAndSecrets) {
  EXPECT_THAT(Json(Value::Missing("k")), HasSubstr("map has no entry for key \"k\""));
  EXPECT_THAT(Json(Value::Struct(GoType::kSecret, nlohmann::json::object())),
              HasSubstr("can't convert a value of type *dependency.Secret"));
  EXPECT_TRUE(absl::IsResourceExhausted(ToJson(Value::String(std::string(2000, 'x')), {}, {1000, 64, 10}).status()));
}

TEST(ToYamlTest, AsYamlV2Marshal) {
  EXPECT_EQ(Yaml(Vault(R"({"b":{"c":"d","e":[1,2]},"a":"x","l":[{"k":"v","w":"z"},["n"]],"m":{},"n":[]})")),
            "a: x\n"
            "b:\n"
            "  c: d\n"
            "  e:\n"
            "  - 1\n"
            "  - 2\n"
            "l:\n"
            "- k: v\n"
            "  w: z\n"
            "- - \"n\"\n"
            "m: {}\n"
            "\"n\": []")
      << "yaml.v2 quotes y and n: YAML 1.1 reads them as booleans";
  EXPECT_EQ(Yaml(Vault(R"({"n":1.50,"big":12345678901234567890123,"t":true,"z":null})")),
            "big: 1.2345678901234568e+22\n\"n\": 1.5\nt: true\nz: null")
      << "json.Number as yaml.v2 writes it: its Int64, else its Float64";
}

TEST(ToYamlTest, QuotesWhatWouldReadBackAsSomethingElse) {
  EXPECT_EQ(Yaml(Vault(R"({"a":"true","b":"123","c":"","d":"yes","e":"1.5","f":"~","g":"2001-12-14","h":"1:20"})")),
            "a: \"true\"\nb: \"123\"\nc: \"\"\nd: \"yes\"\ne: \"1.5\"\nf: \"~\"\ng: \"2001-12-14\"\nh: \"1:20\"");
  EXPECT_EQ(Yaml(Vault(R"({"a":"- x","b":"a: b","c":"#c","d":" lead","e":"it's","f":"tab\there","g":"é😀"})")),
            "a: '- x'\nb: 'a: b'\nc: '#c'\nd: ' lead'\ne: it's\nf: \"tab\\there\"\ng: \"é\\U0001F600\"");
}

TEST(ToYamlTest, MultiLineStringsAreLiteralBlocks) {
  EXPECT_EQ(Yaml(Vault(R"({"pem":"-----BEGIN-----\nabc\n-----END-----\n","two":"a\n\nb","keep":"x\n\n"})")),
            "keep: |+\n  x\n\npem: |\n  -----BEGIN-----\n  abc\n  -----END-----\ntwo: |-\n  a\n\n  b");
  EXPECT_EQ(Yaml(Vault(R"({"l":["a\nb"]})")), "l:\n- |-\n  a\n  b");
  EXPECT_EQ(Yaml(Vault(R"({"s":" x\ny"})")), "s: |2-\n   x\n  y");
  EXPECT_EQ(Yaml(Vault(R"({"t":"x \ny"})")), "t: \"x \\ny\"") << "a space before a line break needs quotes";
}

TEST(ParseJsonTest, NumbersBecomeFloat64) {
  absl::StatusOr<Value> v = ParseJsonValue(R"({"n":1,"big":1000000,"s":"x","l":[true,null]})", kLimits);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Get("n")->kind(), Value::Kind::kFloat);
  EXPECT_EQ(v->Get("big")->floating(), 1e6);
  EXPECT_EQ(v->Get("l")->At(1).kind(), Value::Kind::kNil);
  EXPECT_EQ(ParseJsonValue("", kLimits)->size(), 0u) << "empty text is an empty map, as in consul-template";
}

TEST(ParseJsonTest, ErrorsNeverQuoteTheInput) {
  absl::StatusOr<Value> v = ParseJsonValue(R"({"password":"hunter2")", kLimits);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(ParseJsonValue(std::string(100, '[') + std::string(100, ']'), kLimits).status().message(),
              HasSubstr("nests deeper than 64 levels"));
  EXPECT_TRUE(absl::IsResourceExhausted(ParseJsonValue("[1,2,3,4]", {1 << 20, 64, 3}).status()));
}

TEST(ParseYamlTest, Yaml11ScalarsAsYamlV2) {
  absl::StatusOr<Value> v = ParseYamlValue(
      "i: 42\noct: 0777\nhex: 0x1F\nf: 1.5\nb1: yes\nb2: off\nn: ~\ns: '123'\nt: 2001-12-14\nu: 1_000\n", kLimits);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Get("i")->integer(), 42);
  EXPECT_EQ(v->Get("oct")->integer(), 511);
  EXPECT_EQ(v->Get("hex")->integer(), 31);
  EXPECT_EQ(v->Get("f")->floating(), 1.5);
  EXPECT_TRUE(v->Get("b1")->boolean());
  EXPECT_FALSE(v->Get("b2")->boolean());
  EXPECT_EQ(v->Get("n")->kind(), Value::Kind::kNil);
  EXPECT_EQ(v->Get("s")->str(), "123") << "quoted scalars stay strings";
  EXPECT_EQ(v->Get("t")->str(), "2001-12-14") << "yaml.v2 keeps timestamps as strings in interface{}";
  EXPECT_EQ(v->Get("u")->integer(), 1000);
}

TEST(ParseYamlTest, AliasesMergeKeysAndBounds) {
  absl::StatusOr<Value> v = ParseYamlValue("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n", kLimits);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Get("d")->Get("x")->integer(), 1);
  EXPECT_EQ(v->Get("d")->Get("y")->integer(), 3);
  // A billion laughs: each level doubles through aliases.
  std::string bomb = "a0: &a0 [x, x]\n";
  for (int i = 1; i < 40; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + "]\n";
  }
  EXPECT_TRUE(absl::IsResourceExhausted(ParseYamlValue(bomb, kLimits).status()));
  absl::StatusOr<Value> bad = ParseYamlValue("key: [secret-value\n", kLimits);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::Not(HasSubstr("secret-value")));
  EXPECT_FALSE(ParseYamlValue(std::string(5000, '[') + std::string(5000, ']'), kLimits).ok()) << "deep nesting";
}

}  // namespace
}  // namespace vcp::tmpl
