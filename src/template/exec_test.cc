// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Execution as Go's text/template does it, table by table: what a user sees
// in the rendered file for each construct, and the errors they get.
#include <atomic>
#include <thread>

#include <gmock/gmock.h>

#include "test_helpers.h"

namespace vcp::tmpl {
namespace {

using testing::Envelope;
using ::testing::HasSubstr;
using testing::Render;
using testing::RenderData;

// The data most tables render against (Vault's spelling: numbers as texts).
constexpr char kData[] = R"({
  "user": "app", "pass": "s3cr:t&<x>", "port": 5432, "ratio": 1.50, "big": 12345678901234567890123,
  "on": true, "off": false, "none": null, "empty": "", "zero": 0,
  "list": ["a", "b", "c"], "nums": [3, 1, 2], "objs": [{"n": "x"}, {"n": "y"}],
  "map": {"b": "2", "a": "1", "c": "3"}, "nested": {"inner": {"k": "v"}}, "emptylist": [], "emptymap": {}
})";

void ExpectRenders(const std::vector<testing::RenderCase>& cases) { testing::ExpectRenders(kData, cases); }

std::string RenderError(std::string_view text, std::vector<std::string> responses = {}) {
  absl::StatusOr<std::string> got = Render(text, responses);
  if (got.ok()) return "rendered: " + *got;
  return std::string(got.status().message());
}

TEST(ExecTest, TextAndWhitespaceTrimming) {
  ExpectRenders({
      {"a{{.user}}b", "aappb"},
      {"a  \n {{- .user -}} \n\t b", "aappb"},
      {"a {{- .user }} b", "aapp b"},
      {"a {{ .user -}} b", "a appb"},
      {"x{{/* a comment */}}y", "xy"},
      {"x \n{{- /* trimmed comment */ -}}\n y", "xy"},
      {"{{- .user -}}", "app"},
      {"a\n{{- if .on }}\nyes\n{{- end }}\nb", "a\nyes\nb"},
      {"{{ .user\n}}", "app"},
  });
}

TEST(ExecTest, FieldsAndPrinting) {
  ExpectRenders({
      {"{{ .user }}:{{ .pass }}", "app:s3cr:t&<x>"},  // no HTML escaping
      {"{{ .port }} {{ .ratio }} {{ .big }}", "5432 1.50 12345678901234567890123"},
      {"{{ .on }} {{ .off }} {{ .zero }}", "true false 0"},
      {"{{ .list }} {{ .nums }}", "[a b c] [3 1 2]"},
      {"{{ .map }}", "map[a:1 b:2 c:3]"},
      {"{{ .nested.inner.k }}", "v"},
      {"{{ .objs }}", "[map[n:x] map[n:y]]"},
      {"{{ 1.5 }} {{ 1e6 }} {{ 0x10 }} {{ 'a' }} {{ -0 }}", "1.5 1e+06 16 97 0"},
      {"{{ \"quoted\\t\" }}{{ `raw\\t` }}", "quoted\traw\\t"},
      {"{{ true }} {{ print .user 1 | len }}", "true 4"},
  });
}

TEST(ExecTest, IfElseIfElse) {
  ExpectRenders({
      {"{{if .on}}yes{{end}}", "yes"},
      {"{{if .off}}yes{{else}}no{{end}}", "no"},
      {"{{if .empty}}1{{else if .off}}2{{else if .list}}3{{else}}4{{end}}", "3"},
      {"{{if .zero}}a json.Number is a string: 0 is true{{end}}", "a json.Number is a string: 0 is true"},
      {"{{if .emptylist}}1{{else if .emptymap}}2{{else if .none}}3{{else}}4{{end}}", "4"},
      {"{{if .missing}}1{{else}}absent keys are false{{end}}", "absent keys are false"},
      {"{{if and .on .user}}both{{end}}{{if or .off .empty .none}}{{else}} none{{end}}", "both none"},
      {"{{if not .off}}not{{end}}", "not"},
  });
}

TEST(ExecTest, WithSetsDotAndElseWithChains) {
  ExpectRenders({
      {"{{with .nested.inner}}{{.k}}{{end}}", "v"},
      {"{{with .missing}}x{{else}}no {{.user}}{{end}}", "no app"},
      {"{{with .missing}}1{{else with .empty}}2{{else with .port}}{{.}}{{end}}", "5432"},
      {"{{with $x := .user}}{{$x}} {{.}}{{end}}", "app app"},
      {"{{$u := .user}}{{with .nested}}{{with .inner}}{{.k}} {{$u}}{{end}}{{end}}", "v app"},
  });
}

TEST(ExecTest, RangeOverListsMapsAndIntegers) {
  ExpectRenders({
      {"{{range .list}}<{{.}}>{{end}}", "<a><b><c>"},
      {"{{range $i, $v := .list}}{{$i}}={{$v}} {{end}}", "0=a 1=b 2=c "},
      {"{{range $k, $v := .map}}{{$k}}:{{$v}},{{end}}", "a:1,b:2,c:3,"},  // sorted keys
      {"{{range .map}}{{.}}{{end}}", "123"},
      {"{{range $v := .nums}}{{$v}}{{end}}", "312"},
      {"{{range .emptylist}}x{{else}}empty{{end}}", "empty"},
      {"{{range .missing}}x{{else}}absent{{end}}", "absent"},
      {"{{range .none}}x{{else}}null{{end}}", "null"},
      {"{{range .objs}}{{.n}}{{end}}", "xy"},
      {"{{range 3}}{{.}}{{end}}", "012"},
      {"{{range .list}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"},
      {"{{range .list}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac"},
      {"{{$nums := .nums}}{{range $i, $e := .list}}{{range $nums}}{{$i}}{{.}}{{end}};{{end}}", "030102;131112;232122;"},
      {"{{$n := 0}}{{range .list}}{{$n = .}}{{end}}{{$n}}", "c"},
      {"{{$i := 9}}{{$e := 8}}{{range $i, $e = .list}}{{end}}{{$i}}{{$e}}", "2c"},
  });
}

TEST(ExecTest, VariableScopeEndsAtEnd) {
  ExpectRenders({
      {"{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"},
      {"{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"},
      {"{{$x := 1}}{{range .list}}{{$x = .}}{{end}}{{$x}}", "c"},
  });
}

TEST(ExecTest, ComparisonsAsGo) {
  ExpectRenders({
      {"{{eq .user \"app\"}} {{eq .user \"x\" \"app\"}} {{ne .user \"app\"}}", "true true false"},
      {"{{eq .port \"5432\"}}", "true"},  // a json.Number is a string
      {"{{eq (parseInt .port) 5432}}", "true"},
      {"{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", "true true true false"},
      {"{{eq .missing nil}} {{eq .none nil}} {{eq .missing \"x\"}} {{ne .missing \"x\"}}", "true true false true"},
      {"{{lt (len .list) 5}}", "true"},
  });
  EXPECT_THAT(RenderData("{{eq 1 1.0}}", kData).status().message(),
              HasSubstr("error calling eq: incompatible types for comparison"))
      << "Go compares int with int and float with float, never int with float";
  EXPECT_THAT(RenderData("{{eq .port 5432}}", kData).status().message(),
              HasSubstr("error calling eq: incompatible types for comparison"));
  EXPECT_THAT(RenderData("{{lt true false}}", kData).status().message(), HasSubstr("invalid type for comparison"));
  EXPECT_THAT(RenderData("{{lt .list 1}}", kData).status().message(), HasSubstr("invalid type for comparison"));
  EXPECT_THAT(RenderData("{{eq 1}}", kData).status().message(), HasSubstr("missing argument for comparison"));
}

TEST(ExecTest, IndexSliceAndLen) {
  ExpectRenders({
      {"{{index .list 1}} {{index .map \"c\"}} {{index .objs 1 \"n\"}} {{index .nested \"inner\" \"k\"}}", "b 3 y v"},
      {"{{index .user 0}}", "97"},
      {"{{slice .list 1}} {{slice .list 1 2}} {{slice .user 1 2}}", "[b c] [b] p"},
      {"{{len .list}} {{len .map}} {{len .user}} {{len .port}}", "3 3 3 4"},
      {"{{index .map \"nope\" | default \"fallback\"}}", "fallback"},
      {"{{with index .nested \"nope\" \"deeper\"}}x{{else}}absent{{end}}", "absent"},
  });
  EXPECT_THAT(RenderData("{{index .list 3}}", kData).status().message(),
              HasSubstr("error calling index: index out of range: 3"));
  EXPECT_THAT(RenderData("{{index .list \"a\"}}", kData).status().message(),
              HasSubstr("cannot index slice/array with type string"));
  EXPECT_THAT(RenderData("{{slice .list 2 1}}", kData).status().message(), HasSubstr("invalid slice index: 2 > 1"));
  EXPECT_THAT(RenderData("{{index .on 0}}", kData).status().message(), HasSubstr("can't index item of type bool"));
}

TEST(ExecTest, PrintfAndPipelines) {
  ExpectRenders({
      {"{{printf \"%s:%d\" .user 42}}", "app:42"},
      {"{{printf \"%q\" .pass}}", "\"s3cr:t&<x>\""},
      {"{{printf \"%v|%s\" .port .port}}", "5432|5432"},
      {"{{printf \"%d\" .port}}", "%!d(json.Number=5432)"},
      {"{{printf \"%05.1f\" (parseFloat .ratio)}}", "001.5"},
      {"{{.user | printf \"%s-%s\" \"x\"}}", "x-app"},  // the pipeline's value comes last
      {"{{\"a\" | print \"b\" | print \"c\"}}", "cba"},
      {"{{println .user 1}}", "app 1\n"},
      {"{{print .user 1 2 .user}}", "app1 2app"},
      {"{{(.nested).inner.k}} {{(index .objs 0).n}}", "v x"},
      {"{{.port.Int64}} {{.ratio.Float64}} {{.ratio.String}}", "5432 1.5 1.50"},  // json.Number's methods
  });
}

TEST(ExecTest, MissingValuesAreErrorsWithPositionAndKey) {
  EXPECT_EQ(RenderError("{{ with secret \"kv/app\" }}\n  {{ .Data.passwrod }}\n{{ end }}", {Envelope(kData)}),
            "2:6: map has no entry for key \"passwrod\"");
  EXPECT_EQ(RenderError("{{ with secret \"kv/app\" }}{{ .Data.nested.nope.deeper }}{{ end }}", {Envelope(kData)}),
            "1:30: map has no entry for key \"nope\"");
  EXPECT_EQ(RenderError("{{ with secret \"kv/app\" }}{{ .Data.none }}{{ end }}", {Envelope(kData)}),
            "1:30: \"none\" is nil");
  EXPECT_EQ(RenderError("{{ with secret \"kv/app\" }}{{ printf \"%s\" .Data.nope }}{{ end }}", {Envelope(kData)}),
            "1:42: map has no entry for key \"nope\"");
  EXPECT_EQ(RenderError("{{ with secret \"kv/app\" }}{{ .Data.nope | toUpper }}{{ end }}", {Envelope(kData)}),
            "1:43: map has no entry for key \"nope\"");
  EXPECT_EQ(RenderError("{{ with secret \"kv/app\" }}{{ index .Data \"nope\" }}{{ end }}", {Envelope(kData)}),
            "1:30: map has no entry for key \"nope\"");
  EXPECT_EQ(RenderError("{{ .Data.password }}"), "1:4: no data here: outside {{with secret \"PATH\"}}, dot is nil");
  EXPECT_EQ(RenderError("{{ nil }}"), "1:4: nil is not a command");
  EXPECT_EQ(RenderError("{{ $ }}"), "1:4: no data here: outside {{with secret \"PATH\"}}, dot is nil");
}

TEST(ExecTest, MissingValuesAreFineWhereOptionalKeysAre) {
  ExpectRenders({
      {"{{ .nope | default \"d\" }}", "d"},
      {"{{ default \"d\" .nope }}|{{ default \"d\" .user }}|{{ default \"d\" .empty }}", "d|app|d"},
      {"{{ coalesce .nope .none .empty .user }}", "app"},
      {"{{ empty .nope }} {{ empty .none }} {{ empty .off }} {{ empty .zero }}", "true true true false"},
      {"{{ if .nope.deeper }}x{{ else }}y{{ end }}", "y"},
      {"{{ with $v := .nope }}x{{ else }}y{{ end }}", "y"},
      {"{{ not .nope }} {{ and .user .nope | not }}", "true true"},
  });
}

TEST(ExecTest, TypeErrorsNameTypesNotValues) {
  const std::string error = std::string(RenderData("{{ indent .user .user }}", kData).status().message());
  EXPECT_THAT(error, HasSubstr("wrong type for value; expected int; got string"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("app")));
  EXPECT_THAT(RenderData("{{ .user.x }}", kData).status().message(),
              HasSubstr("can't evaluate field x in type string"));
  EXPECT_THAT(RenderData("{{ .user 1 }}", kData).status().message(),
              HasSubstr("user is not a method but has arguments"));
  EXPECT_THAT(RenderData("{{ 1 2 }}", kData).status().message(), HasSubstr("can't give argument to non-function 1"));
  EXPECT_THAT(RenderData("{{ range .user }}{{ end }}", kData).status().message(),
              HasSubstr("range can't iterate over a value of type string"));
  EXPECT_THAT(RenderData("{{ split 1 .user }}", kData).status().message(), HasSubstr("expected string; found 1"));
  EXPECT_THAT(RenderData("{{ indent \"2\" .user }}", kData).status().message(),
              HasSubstr("expected integer; found \"2\""));
  EXPECT_THAT(RenderData("{{ toUpper }}", kData).status().message(),
              HasSubstr("wrong number of args for toUpper: want 1 got 0"));
  EXPECT_THAT(RenderData("{{ printf }}", kData).status().message(),
              HasSubstr("wrong number of args for printf: want at least 1 got 0"));
  const std::string number = std::string(RenderData("{{ .pass.Int64 }}", kData).status().message());
  EXPECT_THAT(number, HasSubstr("can't evaluate field Int64 in type string"));
}

TEST(ExecTest, SecretFields) {
  const std::string response = R"({"request_id":"r-1","lease_id":"database/creds/app/abc","lease_duration":3600,
      "renewable":true,"data":{"username":"v-app","password":"pw"},"warnings":["w1"],
      "auth":{"client_token":"t","policies":["p"],"metadata":{"m":"1"},"lease_duration":5,"renewable":false},
      "wrap_info":null})";
  absl::StatusOr<std::string> got = Render(
      "{{ with secret \"database/creds/app\" }}{{ .RequestID }}|{{ .LeaseID }}|{{ .LeaseDuration }}|{{ .Renewable }}|"
      "{{ .Data.username }}|{{ .Warnings }}|{{ .Auth.Policies }}|{{ .Auth.Metadata.m }}|"
      "{{ if .WrapInfo }}wrapped{{ else }}not wrapped{{ end }}{{ end }}",
      {response});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "r-1|database/creds/app/abc|3600|true|v-app|[w1]|[p]|1|not wrapped");
  EXPECT_THAT(RenderError("{{ with secret \"kv/x\" }}{{ .Nope }}{{ end }}", {response}),
              HasSubstr("1:28: can't evaluate field Nope in type *dependency.Secret"));
  EXPECT_THAT(RenderError("{{ secret \"kv/x\" }}", {response}),
              HasSubstr("1:4: can't print a value of type *dependency.Secret; print one of its fields"));
  EXPECT_EQ(RenderError("{{ with secret \"kv/x\" }}{{ .Data.data.key }}{{ end }}",
                        {Envelope(R"({"data":{"key":"v2"},"metadata":{"version":3}})")}),
            "rendered: v2");
}

TEST(ExecTest, ResponsesMustMatchTheCalls) {
  EXPECT_EQ(RenderError("{{ with secret \"kv/x\" }}{{ end }}"), "got 0 secret responses for 1 secret calls");
  EXPECT_EQ(RenderError("{{ with secret \"kv/x\" }}{{ end }}", {"[1]"}),
            "1:9: the response to secret \"kv/x\" is not a JSON object");
}

TEST(ExecTest, ExecuteIsRepeatableAndConcurrent) {
  absl::StatusOr<Template> t =
      Template::Parse("{{ with secret \"kv/x\" }}{{ range .Data.l }}{{ . }}{{ end }}{{ end }}");
  ASSERT_TRUE(t.ok());
  const nlohmann::json response = testing::VaultJson(Envelope(R"({"l":[1,2,3]})"));
  const Template copy = *t;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) ok += copy.Execute({&response}).value_or("") == "123";
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 1600);
}

}  // namespace
}  // namespace vcp::tmpl
