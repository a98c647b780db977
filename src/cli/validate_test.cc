// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/cli/validate.h"

#include <gmock/gmock.h>

#include <sstream>
#include <string>
#include <vector>

namespace vcp::cli {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Lines(const ManifestReport& report) {
  std::vector<std::string> lines;
  for (const auto& problem : report.problems) lines.push_back(problem.Line());
  return lines;
}

ManifestReport Check(const std::string& text, const ValidateOptions& options = ValidateOptions()) {
  return ValidateManifest("spc.yaml", text, options);
}

constexpr char kGood[] = R"(apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: app
  namespace: prod
spec:
  provider: vault
  parameters:
    roleName: app
    vaultAddress: https://vault.example.com:8200
    vaultSkipTLSVerify: "false"
    objects: |
      - objectName: db-password
        secretPath: secret/data/db
        secretKey: password
      - objectName: config
        secretPath: secret/data/app
        output: files
)";

TEST(ValidateTest, AValidClassHasNoProblems) {
  const ManifestReport report = Check(kGood);
  EXPECT_THAT(Lines(report), IsEmpty());
  EXPECT_EQ(report.classes, 1u);
}

TEST(ValidateTest, EveryProblemIsReportedWithClassObjectAndField) {
  const ManifestReport report = Check(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
data: {objects: "not checked"}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: broken
spec:
  provider: openbao
  parameters:
    baoAddress: https://a
    vaultAddress: https://b
    vaultSkipTLSVerify: yes
    objects: |
      - objectName: ../escape
        secretPath: ""
        encoding: rot13
      - objectName: env
        secretPath: secret/data/x
        secretKey: k
        output: envelope
      - objectName: fine
        secretPath: secret/data/y
)");
  EXPECT_EQ(report.classes, 1u);
  EXPECT_THAT(Lines(report), ElementsAre(
      "spc.yaml: document 2: SecretProviderClass \"broken\": spec.parameters.vaultSkipTLSVerify: must be a string, "
      "but YAML reads \"yes\" as a boolean and Kubernetes refuses it: quote it",
      "spc.yaml: document 2: SecretProviderClass \"broken\": vaultAddress, baoAddress: vaultAddress and baoAddress are "
      "two spellings of one setting, set to different values (\"https://b\" and \"https://a\"): keep one",
      "spc.yaml: document 2: SecretProviderClass \"broken\": vaultSkipTLSVerify: failed to parse vaultSkipTLSVerify: "
      "strconv.ParseBool: parsing \"yes\": invalid syntax (use \"true\" or \"false\")",
      "spc.yaml: document 2: SecretProviderClass \"broken\": roleName: missing 'roleName' in SecretProviderClass "
      "definition",
      "spc.yaml: document 2: SecretProviderClass \"broken\": objects[0] (objectName \"../escape\"): objectName: "
      "invalid objectName \"../escape\": must not contain '..'",
      "spc.yaml: document 2: SecretProviderClass \"broken\": objects[0] (objectName \"../escape\"): secretPath: "
      "missing secretPath (the Vault path to read, e.g. secret/data/my-app for KV v2)",
      "spc.yaml: document 2: SecretProviderClass \"broken\": objects[0] (objectName \"../escape\"): encoding: invalid "
      "encoding type. Should be utf-8, base64, or hex",
      "spc.yaml: document 2: SecretProviderClass \"broken\": objects[1] (objectName \"env\"): output: output: envelope "
      "writes the whole Vault response and cannot be combined with secretKey \"k\"; remove one of them (with a "
      "secretKey the default is output: value)"));
}

TEST(ValidateTest, ListsOtherProvidersAndOtherKinds) {
  const ManifestReport report = Check(R"({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
     "metadata": {"name": "azure-one"}, "spec": {"provider": "azure", "parameters": {}}},
    {"apiVersion": "secrets-store.csi.x-k8s.io/v1alpha1", "kind": "SecretProviderClass",
     "metadata": {"name": "no-role", "namespace": "team"},
     "spec": {"provider": "vault", "parameters": {"objects": "- {objectName: a, secretPath: b}"}}},
    {"apiVersion": "example.com/v1", "kind": "SecretProviderClass", "metadata": {"name": "not-ours"}}]})");
  EXPECT_EQ(report.classes, 1u);
  EXPECT_THAT(report.notes, ElementsAre("spc.yaml: document 1: SecretProviderClass \"azure-one\": skipped: provider "
                                        "\"azure\" is another provider's"));
  EXPECT_THAT(Lines(report), ElementsAre("spc.yaml: document 1: SecretProviderClass \"team/no-role\": roleName: "
                                         "missing 'roleName' in SecretProviderClass definition"));
}

TEST(ValidateTest, ShapeProblemsOfTheManifestItself) {
  EXPECT_THAT(Lines(Check(R"(
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
spec:
  parameters:
    roleName: app
    objects: [not, a, string]
    audience: 5
    vaultNamespace:
)")),
              ElementsAre("spc.yaml: document 1: metadata.name: missing metadata.name",
                          "spc.yaml: document 1: spec.provider: missing spec.provider: vault (or openbao, for classes "
                          "written for openbao-csi-provider)",
                          "spc.yaml: document 1: spec.parameters.objects: must be a string (write a YAML mapping or "
                          "list as a string with objects: |)",
                          "spc.yaml: document 1: spec.parameters.audience: must be a string, but YAML reads \"5\" as "
                          "a number and Kubernetes refuses it: quote it",
                          "spc.yaml: document 1: spec.parameters.vaultNamespace: must be a string, not null: quote it "
                          "(\"\") or remove it",
                          "spc.yaml: document 1: objects: no secrets configured - the provider will not read any "
                          "secret material"));
  EXPECT_THAT(Lines(Check("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
                          "metadata: {name: x}\n")),
              ElementsAre("spc.yaml: document 1: SecretProviderClass \"x\": spec: missing spec (provider and "
                          "parameters)"));
}

TEST(ValidateTest, TheNodesRulesWhenGiven) {
  ValidateOptions options;
  options.allow_class_tls_settings = false;
  options.allowed_vault_addrs = "https://vault.internal:8200";
  std::string text = kGood;
  EXPECT_THAT(Lines(Check(text, options)),
              ElementsAre(HasSubstr("SecretProviderClass \"prod/app\": parameters: the SecretProviderClass sets "
                                    "vaultSkipTLSVerify, but this provider runs with -allow-class-tls-settings=false"),
                          HasSubstr("SecretProviderClass \"prod/app\": vaultAddress: ")));
  EXPECT_THAT(Lines(Check(text)), IsEmpty()) << "the daemon's defaults allow both";
}

TEST(ValidateTest, HostileFilesAreBoundedAndQuotedShortened) {
  ValidateOptions small;
  small.max_file_bytes = 100;
  EXPECT_THAT(Lines(Check(kGood, small)),
              ElementsAre(HasSubstr("spc.yaml: the file is 440 bytes, more than -max-file-bytes=100; not read")));
  EXPECT_THAT(Lines(Check(std::string(20000, '[') + std::string(20000, ']'))),
              ElementsAre(HasSubstr("spc.yaml: YAML error at line 1")));
  std::string markers;
  for (int i = 0; i < 10001; ++i) markers += "---\n";
  const char kTooMany[] =
      "spc.yaml: more than 10000 YAML documents (a ',' outside brackets reads as endless empty ones); not read";
  EXPECT_THAT(Lines(Check(markers)), ElementsAre(kTooMany));
  // yaml-cpp's LoadAll never returns on these (found by fuzz_manifest).
  EXPECT_THAT(Lines(Check(",")), ElementsAre(kTooMany));
  EXPECT_THAT(Lines(Check(std::string(kGood) + "---\n,\n")), ElementsAre(kTooMany));
  EXPECT_THAT(Lines(Check("a: [unclosed")), ElementsAre(HasSubstr("spc.yaml: YAML error at line 1")));
  // A billion laughs is not expanded: only fixed paths are read.
  const ManifestReport laughs = Check(R"(
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
kind: SecretProviderClass
apiVersion: secrets-store.csi.x-k8s.io/v1
metadata: {name: "laughs\nFAKE LINE"}
spec: {provider: vault, parameters: {roleName: r, objects: "- {objectName: a, secretPath: b}"}}
)");
  EXPECT_THAT(Lines(laughs), IsEmpty());
  const ManifestReport long_name = Check("kind: SecretProviderClass\napiVersion: secrets-store.csi.x-k8s.io/v1\n"
                                         "metadata: {name: \"bad\\nname" + std::string(500, 'n') + "\"}\n"
                                         "spec: {provider: vault}\n");
  ASSERT_FALSE(long_name.problems.empty());
  EXPECT_THAT(long_name.problems[0].Line(), HasSubstr("SecretProviderClass \"bad\\nnamennn"));
  EXPECT_LT(long_name.problems[0].Line().size(), 250u);
}

int RunCli(const std::vector<std::string>& args, const std::string& stdin_text, std::string* out, std::string* err) {
  std::istringstream in(stdin_text);
  std::ostringstream out_stream, err_stream;
  const int code = RunValidate(args, in, out_stream, err_stream);
  *out = out_stream.str();
  *err = err_stream.str();
  return code;
}

TEST(ValidateTest, ExitCodesAndGoStyleFlags) {
  std::string out, err;
  EXPECT_EQ(RunCli({"-"}, kGood, &out, &err), 0);
  EXPECT_EQ(out, "validate: 1 SecretProviderClass, 0 problems\n");
  EXPECT_EQ(RunCli({"-"}, "kind: SecretProviderClass\napiVersion: secrets-store.csi.x-k8s.io/v1\n", &out, &err), 1);
  EXPECT_THAT(out, HasSubstr("problems\n"));
  EXPECT_EQ(RunCli({}, "", &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("name at least one manifest file"));
  EXPECT_EQ(RunCli({"-no-such-flag", "-"}, "", &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("flag provided but not defined: -no-such-flag"));
  EXPECT_EQ(RunCli({"/nonexistent/spc.yaml"}, "", &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("validate: cannot read /nonexistent/spc.yaml"));
  EXPECT_EQ(RunCli({"-allowed-vault-addrs=ftp://x", "-"}, kGood, &out, &err), 2);
  EXPECT_EQ(RunCli({"-h"}, "", &out, &err), 0);
  EXPECT_THAT(err, AllOf(HasSubstr("vault-csi-provider validate [flags] FILE..."), HasSubstr("-max-file-bytes")));
  EXPECT_EQ(RunCli({"--allow-class-tls-settings=false", "-"}, kGood, &out, &err), 1);
  EXPECT_THAT(out, HasSubstr("-allow-class-tls-settings=false"));
  EXPECT_EQ(RunCli({"-max-file-bytes", "10", "-"}, kGood, &out, &err), 1);
}

TEST(ValidateTest, TemplateProblemsNameTheObjectThePositionAndTheField) {
  const ManifestReport report = Check(R"(apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: app
spec:
  provider: vault
  parameters:
    roleName: app
    objects: |
      - objectName: db.env
        template: |
          {{- with secret "database/creds/app" }}
          DB_USER={{ .Data.username }}
          HOME={{ env "HOME" }}
          {{- end }}
      - objectName: both
        secretPath: kv/x
        template: '{{ with secret "kv/x" }}{{ .Data.k }}{{ end }}'
      - objectName: fine
        template: '{{ with secret "pki/issue/web" "common_name=web.example.com" }}{{ .Data.certificate }}{{ end }}'
)");
  EXPECT_THAT(Lines(report),
              ElementsAre(AllOf(HasSubstr("spc.yaml: document 1: SecretProviderClass \"app\": objects[0] (objectName "
                                          "\"db.env\"): template: template: 3:9: function \"env\" is refused")),
                          HasSubstr("objects[1] (objectName \"both\"): template: template cannot be combined with "
                                    "secretPath")));
}

}  // namespace
}  // namespace vcp::cli
