// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Hostile templates: anyone who can create a pod writes them, and they run
// in the node's most privileged component. Each bound is hit on purpose,
// and each breach is a clear error, quickly.
#include <chrono>

#include <gmock/gmock.h>

#include "test_helpers.h"

namespace vcp::tmpl {
namespace {

using testing::Envelope;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Render;
using testing::RenderData;

constexpr char kData[] = R"({"list": ["a","b","c","d","e","f","g","h","i","j"], "password": "hunter2",
                             "big": 1000000000})";

// A status and how long it took.
struct Timed {
  absl::StatusOr<std::string> result;
  double seconds;
};

Timed TimedRenderData(std::string_view body, const Limits& limits = Limits()) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::string> result = RenderData(body, kData, limits);
  return {std::move(result), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

TEST(LimitsTest, NestedRangesRunOutOfSteps) {
  // 10^6 iterations of the innermost body: more than the budget allows.
  const Timed t = TimedRenderData(
      "{{$l := .list}}{{range $l}}{{range $l}}{{range $l}}{{range $l}}{{range $l}}{{range $l}}x{{end}}{{end}}"
      "{{end}}{{end}}{{end}}{{end}}");
  ASSERT_FALSE(t.result.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(t.result.status())) << t.result.status();
  EXPECT_THAT(t.result.status().message(), HasSubstr("steps of work"));
  EXPECT_LT(t.seconds, 5.0);
}

TEST(LimitsTest, RangeOverAHugeIntegerRunsOutOfSteps) {
  const Timed t = TimedRenderData("{{range 1000000000000}}{{end}}");
  EXPECT_TRUE(absl::IsResourceExhausted(t.result.status())) << t.result.status();
  EXPECT_LT(t.seconds, 5.0);
}

TEST(LimitsTest, OutputIsBounded) {
  Limits limits;
  limits.max_output_bytes = 1000;
  const Timed t = TimedRenderData("{{range .list}}{{printf \"%200s\" .}}{{end}}", limits);
  EXPECT_TRUE(absl::IsResourceExhausted(t.result.status())) << t.result.status();
  EXPECT_THAT(t.result.status().message(), HasSubstr("1:"));
  EXPECT_THAT(t.result.status().message(), HasSubstr("the output exceeds 1000 bytes"));
  EXPECT_TRUE(RenderData("{{range .list}}{{printf \"%50s\" .}}{{end}}", kData, limits).ok());
}

TEST(LimitsTest, GrowingValuesAreBounded) {
  // Doubling a string in a loop: 2^40 bytes if nothing stopped it.
  const Timed t =
      TimedRenderData("{{$s := \"xxxxxxxxxxxxxxxx\"}}{{range 40}}{{$s = printf \"%s%s\" $s $s}}{{end}}{{len $s}}");
  EXPECT_TRUE(absl::IsResourceExhausted(t.result.status())) << t.result.status();
  EXPECT_LT(t.seconds, 5.0);
}

TEST(LimitsTest, MultiplyingFunctionsCheckTheirResultFirst) {
  for (const char* body :
       {"{{ indent 2000000000 \"a\\nb\" }}", "{{ nindent 2000000000 \"a\" }}",
        "{{ \"aaaa\" | replaceAll \"a\" (printf \"%1000000s\" \"b\") }}", "{{ printf \"%9999999d\" 1 }}",
        "{{ printf \"%.9999999f\" 1.5 }}", "{{ printf \"%-9999999x\" \"a\" }}"}) {
    const Timed t = TimedRenderData(body);
    EXPECT_TRUE(absl::IsResourceExhausted(t.result.status())) << body << ": " << t.result.status();
    EXPECT_LT(t.seconds, 2.0) << body;
  }
}

TEST(LimitsTest, RegexesAreLinearAndBounded) {
  // Catastrophic backtracking for a backtracking engine; linear for RE2.
  const std::string input(100000, 'a');
  const Timed t = TimedRenderData(
      "{{ regexMatch \"^(a+)+$\" (printf \"%s!\" (printf \"%100000s\" \"\" | "
      "replaceAll \" \" \"a\")) }}");
  ASSERT_TRUE(t.result.ok()) << t.result.status();
  EXPECT_EQ(*t.result, "false");
  EXPECT_LT(t.seconds, 2.0);
  EXPECT_THAT(RenderData("{{ regexMatch (printf \"%5000s\" \"\") \"x\" }}", kData).status().message(),
              HasSubstr("regular expression is 5000 bytes, more than 4 KiB"));
  EXPECT_THAT(RenderData("{{ regexMatch \"((((a{1000}){1000}){1000}){1000})\" \"x\" }}", kData).status().message(),
              HasSubstr("error parsing regexp"));
  // Empty matches everywhere in a long text: each one is a step.
  Limits few;
  few.max_steps = 10'000;
  EXPECT_TRUE(absl::IsResourceExhausted(
      RenderData("{{ printf \"%100000s\" \"\" | regexReplaceAll \"x*\" \"y\" }}", kData, few).status()));
}

TEST(LimitsTest, ParsedDataIsBounded) {
  Limits few;
  few.max_collection_elements = 100;
  EXPECT_TRUE(absl::IsResourceExhausted(
      RenderData("{{ printf \"[%200s1]\" \"\" | replaceAll \" \" \"1,\" | parseJSON | len }}", kData, few).status()));
  EXPECT_TRUE(RenderData("{{ printf \"[%50s1]\" \"\" | replaceAll \" \" \"1,\" | parseJSON | len }}", kData, few).ok());
  EXPECT_THAT(RenderData("{{ printf \"%s%s\" (printf \"%100s\" \"\" | replaceAll \" \" \"[\") "
                         "(printf \"%100s\" \"\" | replaceAll \" \" \"]\") | parseJSON }}",
                         kData)
                  .status()
                  .message(),
              HasSubstr("nests deeper than 64 levels"));
  EXPECT_TRUE(absl::IsResourceExhausted(
      RenderData("{{ printf \"%1000s\" \"\" | replaceAll \" \" \"a\" | split \"\" | len }}", kData, few).status()));
}

TEST(LimitsTest, SecretValuesNeverAppearInErrors) {
  for (const char* body : {
           "{{ .password | parseInt }}",
           "{{ .password | parseFloat }}",
           "{{ .password | parseBool }}",
           "{{ .password | parseJSON }}",
           "{{ printf \"a: [%s\" .password | parseYAML }}",
           "{{ .password | base64Decode }}",
           "{{ .password | indent .password }}",
           "{{ index .list .password }}",
           "{{ .password.Int64 }}",
           "{{ eq .password 1 }}",
           "{{ range .password }}{{ end }}",
           "{{ index (printf \"{\\\"a\\\":1}\" | parseJSON) .password }}",
           "{{ regexMatch (printf \"(%s\" .password) \"x\" }}",
           "{{ index .Data .password }}",
           "{{ $m := .password | printf \"{\\\"%s\\\":1}\" | parseJSON }}{{ index $m \"x\" }}",
       }) {
    absl::StatusOr<std::string> got = RenderData(body, kData);
    ASSERT_FALSE(got.ok()) << body;
    EXPECT_THAT(got.status().message(), Not(HasSubstr("hunter2"))) << body;
  }
}

TEST(LimitsTest, DeepDataStopsThePrintersNotTheStack) {
  std::string deep = "1";
  for (int i = 0; i < 200; ++i) deep = "[" + deep + "]";
  const std::string data = "{\"deep\":" + deep + "}";
  for (const char* body :
       {"{{ .deep }}", "{{ toJSON .deep }}", "{{ toYAML .deep }}", "{{ printf \"%v\" .deep }}", "{{ quote .deep }}"}) {
    absl::StatusOr<std::string> got = RenderData(body, data);
    EXPECT_THAT(got.status().message(), HasSubstr("nests deeper than 64 levels")) << body;
  }
}

}  // namespace
}  // namespace vcp::tmpl
