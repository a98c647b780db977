// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Vault Agent's (consul-template's) and Sprig's functions, with their
// argument orders: the value a pipeline passes comes last.
#include <gmock/gmock.h>

#include "test_helpers.h"

namespace vcp::tmpl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RenderData;

constexpr char kData[] = R"({
  "s": "  Hello, World  ", "csv": "a,b,,c", "kv": "a=1&b=2&c", "b64": "aGVsbG8=", "b64url": "-_8=",
  "json": "{\"a\":[1,2],\"b\":{\"c\":\"x<y\"},\"num\":1000000}", "yaml": "a: 1\nb:\n  - x\n  - y\non: yes\n",
  "list": ["a", "b"], "mixed": ["a", true], "numbers": ["a", 1], "port": 5432, "pem": "-----BEGIN-----\nAAA\n-----END-----",
  "title": "hello wide_world o'neil", "secret": "hunter2", "empty": ""
})";

void ExpectRenders(const std::vector<testing::RenderCase>& cases) { testing::ExpectRenders(kData, cases); }

std::string Error(std::string_view body) {
  absl::StatusOr<std::string> got = RenderData(body, kData);
  return got.ok() ? "rendered: " + *got : std::string(got.status().message());
}

TEST(FunctionsTest, Base64) {
  ExpectRenders({
      {"{{ .b64 | base64Decode }} {{ \"hello\" | base64Encode }}", "hello aGVsbG8="},
      {"{{ .b64url | base64URLDecode | base64URLEncode }}", "-_8="},
      {"{{ \"hi?\" | b64enc }} {{ \"aGk/\" | b64dec }}", "aGk/ hi?"},
  });
  EXPECT_THAT(Error("{{ \"@@@@\" | base64Decode }}"),
              HasSubstr("error calling base64Decode: illegal base64 data at input byte 0"));
  EXPECT_THAT(Error("{{ \"ab+/\" | base64URLDecode }}"), HasSubstr("illegal base64 data at input byte 2"));
  EXPECT_THAT(Error("{{ \"x\" | b64dec }}"), HasSubstr("error calling b64dec"))
      << "an error, where Sprig would print the error text into the file";
}

TEST(FunctionsTest, ContainsTakesTheHaystackLast) {
  ExpectRenders({
      {"{{ .s | contains \"World\" }} {{ contains \"x\" .s }}", "true false"},
      {"{{ .list | contains \"b\" }} {{ .list | contains \"z\" }}", "true false"},
      {"{{ .list | containsAll (split \",\" \"a,b\") }} {{ .list | containsAll (split \",\" \"a,z\") }}", "true false"},
      {"{{ .list | containsAny (split \",\" \"z,b\") }} {{ .list | containsAny (split \",\" \"y,z\") }}", "true false"},
      {"{{ .port | contains \"54\" }}", "false"},  // a json.Number is not a string to `in`
  });
}

TEST(FunctionsTest, IndentAndNindent) {
  ExpectRenders({
      {"{{ .pem | indent 4 }}", "    -----BEGIN-----\n    AAA\n    -----END-----"},
      {"{{ \"a\\n\\nb\\n\" | indent 2 }}", "  a\n\n  b\n"},  // empty lines stay empty
      {"x:{{ .pem | nindent 2 }}", "x:\n  -----BEGIN-----\n  AAA\n  -----END-----"},
      {"{{ \"a\\n\\nb\" | nindent 1 }}", "\n a\n \n b"},  // Sprig pads every line
  });
  EXPECT_THAT(Error("{{ .pem | indent -1 }}"), HasSubstr("indent value must be a positive integer"));
}

TEST(FunctionsTest, JoinSplitSplitToMap) {
  ExpectRenders({
      {"{{ .list | join \", \" }}", "a, b"},
      {"{{ .numbers | join \"+\" }}", "a+1"},  // Vault's numbers are json.Number, strings
      {"{{ .csv | split \",\" }} {{ len (split \",\" .csv) }}", "[a b  c] 4"},
      {"{{ split \",\" \"  \" | len }}", "0"},  // consul-template trims first; empty is no element
      {"{{ \"héllo\" | split \"\" }}", "[h é l l o]"},
      {"{{ range $k, $v := .kv | splitToMap \"&\" \"=\" }}{{ $k }}={{ $v }};{{ end }}", "a=1;b=2;"},
  });
  EXPECT_THAT(Error("{{ .mixed | join \",\" }}"),
              HasSubstr("wrong type for value; expected []string; got []interface {} whose element 1 is not a string"));
}

TEST(FunctionsTest, TrimmingAndReplacing) {
  ExpectRenders({
      {"[{{ .s | trimSpace }}]", "[Hello, World]"},
      {"[{{ .s | trim \" Hd\" }}]", "[ello, Worl]"},  // consul-template's trim: a cutset, the string last
      {"{{ \"prefix-x-suffix\" | trimPrefix \"prefix-\" | trimSuffix \"-suffix\" }}", "x"},
      {"{{ .csv | replaceAll \",\" \";\" }} {{ .csv | replace \",\" \"\" }}", "a;b;;c abc"},
      {"{{ \"abc\" | replaceAll \"\" \"-\" }}", "-a-b-c-"},
      {"{{ hasPrefix \"He\" (trimSpace .s) }} {{ .s | trimSpace | hasSuffix \"x\" }}", "true false"},
  });
}

TEST(FunctionsTest, Regexes) {
  ExpectRenders({
      {"{{ .s | regexMatch \"W[a-z]+\" }} {{ regexMatch \"^W\" .s }}", "true false"},
      {"{{ \"a1b22c333\" | regexReplaceAll \"[0-9]+\" \"#\" }}", "a#b#c#"},
      {"{{ \"john smith\" | regexReplaceAll \"(\\\\w+) (\\\\w+)\" \"$2, ${1}!\" }}", "smith, john!"},
      {"{{ \"k=v\" | regexReplaceAll \"(?P<key>\\\\w+)=(?P<val>\\\\w+)\" \"$val:$key $$ $3 $1x\" }}", "v:k $  "},
      {"{{ \"abc\" | regexReplaceAll \"x*\" \"-\" }}", "-a-b-c-"},  // empty matches, as Go's regexp
      {"{{ \"aaa\" | regexReplaceAll \"a*\" \"-\" }}", "-"},
      {"{{ \"héé\" | regexReplaceAll \"é\" \"e\" }}", "hee"},
  });
  const std::string error = Error("{{ regexMatch .secret \"x\" }}{{ regexMatch \"(unclosed\" \"x\" }}");
  EXPECT_THAT(error, HasSubstr("error calling regexMatch: error parsing regexp: missing closing )"));
  EXPECT_THAT(Error("{{ regexMatch \"(?<name>x)\" \"x\" }}"), HasSubstr("error parsing regexp"));
}

TEST(FunctionsTest, CaseConversion) {
  ExpectRenders({
      {"{{ \"MiXed\" | toLower }} {{ \"MiXed\" | toUpper }} {{ \"éa\" | upper }} {{ \"ÉA\" | lower }}",
       "mixed MIXED ÉA éa"},
      {"{{ .title | toTitle }}", "Hello Wide_world O'neil"},
  });
}

TEST(FunctionsTest, JsonAndYaml) {
  ExpectRenders({
      {"{{ .json | parseJSON | toJSON }}", "{\"a\":[1,2],\"b\":{\"c\":\"x\\u003cy\"},\"num\":1000000}"},
      {"{{ (.json | parseJSON).num }} {{ index (.json | parseJSON).a 0 }}", "1e+06 1"},  // parseJSON gives float64
      {"{{ .json | parseJSON | toUnescapedJSON }}", "{\"a\":[1,2],\"b\":{\"c\":\"x<y\"},\"num\":1000000}"},
      {"{{ .json | parseJSON | toJSONPretty }}",
       "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"x\\u003cy\"\n  },\n  \"num\": 1000000\n}"},
      {"{{ .yaml | parseYAML | toJSON }}", "{\"a\":1,\"b\":[\"x\",true],\"on\":true}"},  // YAML 1.1: y is true
      {"{{ (.yaml | parseYAML).a }}", "1"},
      {"{{ .json | parseJSON | toYAML }}", "a:\n- 1\n- 2\nb:\n  c: x<y\nnum: 1e+06"},  // float64, as yaml.v2 writes it
      {"{{ \"\" | parseJSON | len }} {{ \"\" | parseYAML | len }}", "0 0"},
      {"{{ toJSON .list }}", "[\"a\",\"b\"]"},
  });
  EXPECT_THAT(Error("{{ .secret | parseJSON }}"), Not(HasSubstr("hunter2")));
  EXPECT_THAT(Error("{{ .secret | parseJSON }}"), HasSubstr("error calling parseJSON: not valid JSON"));
}

TEST(FunctionsTest, ParsingScalars) {
  ExpectRenders({
      {"{{ parseBool \"true\" }} {{ parseBool \"0\" }} {{ parseBool \"\" }}", "true false false"},
      {"{{ parseInt \"-42\" }} {{ parseInt \"\" }} {{ .port | parseInt | printf \"%05d\" }}", "-42 0 05432"},
      {"{{ parseFloat \"1.25\" }} {{ parseFloat \"1e3\" }}", "1.25 1000"},
  });
  for (const char* body : {"{{ parseBool .secret }}", "{{ parseInt .secret }}", "{{ parseFloat .secret }}"}) {
    const std::string error = Error(body);
    EXPECT_THAT(error, HasSubstr("invalid syntax")) << body;
    EXPECT_THAT(error, Not(HasSubstr("hunter2"))) << body;
  }
  EXPECT_THAT(Error("{{ parseInt \"99999999999999999999\" }}"), HasSubstr("parseInt: value out of range"));
}

TEST(FunctionsTest, Sha256AndQuoting) {
  ExpectRenders({
      {"{{ \"hello\" | sha256Hex }}", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
      {"{{ .pass | default \"x\" | quote }} {{ quote \"a\\\"b\" 1 }}", "\"x\" \"a\\\"b\" \"1\""},
      {"{{ squote .list }} {{ .port | squote }}", "'[a b]' '5432'"},
      {"{{ urlquery \"p@ss word/&\" }}", "p%40ss+word%2F%26"},
  });
}

TEST(FunctionsTest, DefaultEmptyCoalesce) {
  ExpectRenders({
      {"{{ .empty | default \"d\" }} {{ .list | default \"d\" }} {{ default \"d\" }}", "d [a b] d"},
      {"{{ coalesce .nope .empty \"third\" }} {{ empty .list }}", "third false"},
  });
  EXPECT_THAT(Error("{{ coalesce .nope .empty }}"), HasSubstr("nil value")) << "all empty: nil, which is not printed";
}

}  // namespace
}  // namespace vcp::tmpl
