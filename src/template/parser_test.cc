// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Parse errors as a user sees them: "LINE:COLUMN: reason", for Go's syntax
// errors and for what this provider refuses before it reads any secret.
#include <gmock/gmock.h>

#include "vcp/template/template.h"

namespace vcp::tmpl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ParseError(std::string_view text, const Limits& limits = Limits()) {
  absl::StatusOr<Template> t = Template::Parse(text, limits);
  if (t.ok()) return "OK";
  EXPECT_TRUE(absl::IsInvalidArgument(t.status())) << t.status();
  return std::string(t.status().message());
}

TEST(ParseTest, GoSyntaxErrorsWithPositions) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"{{if .x}}a", "1:11: unexpected EOF"},
      {"a\n{{end}}", "2:3: unexpected {{end}}"},
      {"{{else}}", "1:3: unexpected {{else}}"},
      {"{{if .x}}{{else}}{{else}}{{end}}", "1:20: expected end; found {{else}}"},
      {"{{}}", "1:3: missing value for command"},
      {"{{if}}{{end}}", "1:5: missing value for if"},
      {"{{ .x | 3 }}", "1:9: non executable command in pipeline stage 2"},
      {"{{ $x }}", "1:4: undefined variable \"$x\""},
      {"{{ $x = 1 }}", "1:4: undefined variable \"$x\""},
      {"{{ 3.a }}", "1:4: bad number syntax: \"3.a\""},
      {"{{ \"a\".b }}", "1:4: unexpected . after term \"\\\"a\\\"\""},
      {"{{ (1 }}", "1:7: unclosed left paren"},
      {"{{ 1i }}", "1:4: complex numbers are not supported"},
      {"{{ 99999999999999999999 }}", "1:4: integer overflow: 99999999999999999999"},
      {"{{ break }}", "1:4: {{break}} outside {{range}}"},
      {"{{range .}}{{else}}{{continue}}{{end}}", "1:22: {{continue}} outside {{range}}"},
      {"{{ $x, $y := 1 }}", "1:6: too many declarations in command"},
      {"{{ range $x, 1 }}{{end}}", "1:12: range can only initialize variables"},
      {"{{range .}}{{else if .x}}{{end}}", "1:19: unexpected <if> in input"},
      {"{{ define \"x\" }}{{ end }}", "1:4: {{define}} is not supported: a template renders one file from itself"},
      {"{{ template \"x\" }}", "1:4: {{template}} is not supported: a template renders one file from itself"},
      {"é{{ .x ) }}", "1:8: unexpected right paren"},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseError(c.text), c.error) << c.text;
}

TEST(ParseTest, VariablesAreScopedToTheirControlStructure) {
  EXPECT_EQ(ParseError("{{if 1}}{{$x := 1}}{{end}}{{$x}}"), "1:29: undefined variable \"$x\"");
  EXPECT_EQ(ParseError("{{with $x := 1}}{{end}}{{$x}}"), "1:26: undefined variable \"$x\"");
  EXPECT_EQ(ParseError("{{$x := 1}}{{if 1}}{{$x = 2}}{{end}}{{$x}}"), "OK");
  EXPECT_EQ(ParseError("{{if $x := 1}}{{else if $y := $x}}{{$y}}{{end}}"), "OK")
      << "an else-if sees the variables of the conditions before it";
  EXPECT_EQ(ParseError("{{range $i, $v := .}}{{$i}}{{$v}}{{end}}{{$v}}"), "1:43: undefined variable \"$v\"");
}

TEST(ParseTest, RefusedAndUnknownFunctionsAreNamed) {
  for (const char* name : {"env", "envOrDefault", "mustEnv", "file", "writeToFile", "executeTemplate", "plugin",
                           "sockaddr", "timestamp", "key", "keyOrDefault", "service", "pkiCert", "caLeaf"}) {
    const std::string error = ParseError(std::string("x\n  {{ ") + name + " \"a\" }}");
    EXPECT_THAT(error, HasSubstr(std::string("2:6: function \"") + name + "\" is refused: ")) << name;
    EXPECT_THAT(error, HasSubstr("may see only the secrets they name")) << name;
  }
  EXPECT_EQ(ParseError("{{ env \"HOME\" }}"),
            "1:4: function \"env\" is refused: it reads the provider's environment; templates run in the node's "
            "most privileged component and may see only the secrets they name");
  EXPECT_EQ(ParseError("{{ nosuch }}"), "1:4: function \"nosuch\" not defined (docs/templates.md lists the functions)");
  EXPECT_THAT(ParseError("{{ if .x }}{{ else }}{{ timestamp }}{{ end }}"),
              HasSubstr("1:25: function \"timestamp\" is refused"))
      << "refused even in a branch that would never run";
}

TEST(SecretCallsTest, FoundAtParseTimeDistinctInOrder) {
  absl::StatusOr<Template> t = Template::Parse(
      "{{ with secret \"database/creds/app\" }}{{ .Data.username }}{{ end }}\n"
      "{{ (secret `secret/data/api`).Data.data.key }}\n"
      "{{ with secret \"pki/issue/web\" \"ttl=24h\" \" common_name = web.example.com \" \"ttl=1h\" }}{{ end }}\n"
      "{{ with secret \"database/creds/app\" }}{{ .Data.password }}{{ end }}\n"
      "{{ with secret \"pki/issue/web\" \"common_name=web.example.com\" \"ttl=1h\" }}{{ end }}\n");
  ASSERT_TRUE(t.ok()) << t.status();
  const auto& calls = t->secret_calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].path, "database/creds/app");
  EXPECT_TRUE(calls[0].args.empty());
  EXPECT_EQ(calls[0].line, 1);
  EXPECT_EQ(calls[0].column, 9);
  EXPECT_EQ(calls[1].path, "secret/data/api");
  EXPECT_EQ(calls[1].line, 2);
  EXPECT_EQ(calls[1].column, 5);
  EXPECT_EQ(calls[2].path, "pki/issue/web");
  EXPECT_THAT(calls[2].args, ElementsAre(std::pair<std::string, std::string>("common_name", "web.example.com"),
                                         std::pair<std::string, std::string>("ttl", "1h")))
      << "trimmed, sorted by key, the last of a repeated key kept: the same write as line 5's";
}

TEST(SecretCallsTest, ArgumentsMustBeLiterals) {
  EXPECT_EQ(ParseError("{{ $p := \"kv/x\" }}{{ with secret $p }}{{ end }}"),
            "1:34: argument 1 of secret must be a string literal, not $p: the provider reads every secret before it "
            "renders the template");
  EXPECT_EQ(ParseError("{{ secret \"kv/x\" (printf \"a=%d\" 1) }}"),
            "1:18: argument 2 of secret must be a string literal, not (printf \"a=%d\" 1): the provider reads every "
            "secret before it renders the template");
  EXPECT_EQ(ParseError("{{ \"kv/x\" | secret }}"),
            "1:13: the arguments of secret must be string literals, not a value piped into it: the provider reads "
            "every secret before it renders the template");
  EXPECT_EQ(ParseError("{{ secret }}"), "1:4: secret needs the path of the secret: secret \"PATH\"");
  EXPECT_EQ(ParseError("{{ print secret }}"), "1:10: secret needs the path of the secret: write (secret \"PATH\")");
  EXPECT_EQ(ParseError("{{ with secret.Data.user }}{{ end }}"),
            "1:9: secret needs the path of the secret: write (secret \"PATH\")")
      << "found by fuzzing: a field of a bare secret";
  EXPECT_EQ(ParseError("{{ secret \"\" }}"), "1:11: the path of secret is empty");
  EXPECT_EQ(ParseError("{{ secret \"pki/issue/x\" \"ttl\" }}"),
            "1:25: argument 2 of secret must be \"key=value\", not \"ttl\"");
}

TEST(ParseTest, LimitsAreEnforced) {
  EXPECT_EQ(ParseError(std::string(64 * 1024 + 1, 'x')), "the template is 65537 bytes; the limit is 64 KiB");
  EXPECT_EQ(ParseError(std::string(64 * 1024, 'x')), "OK");
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "{{if 1}}";
  for (int i = 0; i < 65; ++i) deep += "{{end}}";
  EXPECT_THAT(ParseError(deep), HasSubstr("1:515: nests deeper than 64 levels"));
  EXPECT_THAT(ParseError("{{" + std::string(65, '(') + "1" + std::string(65, ')') + "}}"),
              HasSubstr("nests deeper than 64 levels"));
  // A long else-if chain is flat, whatever its length.
  std::string chain = "{{if eq . 0}}0";
  for (int i = 1; i < 2000; ++i) chain += "{{else if eq . " + std::to_string(i) + "}}" + std::to_string(i);
  chain += "{{end}}";
  EXPECT_EQ(ParseError(chain), "OK");
  std::string many;
  for (int i = 0; i < 65; ++i) many += "{{ with secret \"kv/" + std::to_string(i) + "\" }}{{ end }}";
  EXPECT_THAT(ParseError(many), HasSubstr(": more than 64 different secret calls"));
}

}  // namespace
}  // namespace vcp::tmpl
