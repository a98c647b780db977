// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: `vault-csi-provider validate FILE…`, the real binary on real
// files, as a CI pipeline runs it. Nothing is contacted: no Vault double.
#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int code = -1;
  std::string out;  // standard output and error, in order
};

// Runs the provider binary with `args` (each single-quoted for the shell).
Result RunProvider(const std::vector<std::string>& args, const std::string& stdin_file = "") {
  std::vector<std::string> quoted;
  for (const std::string& arg : args) quoted.push_back("'" + arg + "'");
  const std::string command = absl::StrCat(VCP_PROVIDER_BINARY, " ", absl::StrJoin(quoted, " "),
                                           stdin_file.empty() ? " </dev/null" : " <" + stdin_file, " 2>&1");
  Result result;
  result.out = RunShell(command, &result.code);
  return result;
}

class ValidateE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/vcp-validate-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
};

constexpr char kBroken[] = R"(# Two classes, a Deployment between them.
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: web
  namespace: shop
spec:
  provider: vault
  parameters:
    roleName: web
    objects: |
      - objectName: ../../etc/shadow
        secretPath: secret/data/web
      - objectName: env
        secretPath: secret/data/web
        output: dotenv
        encoding: base64
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: bao
spec:
  provider: openbao
  parameters:
    baoRoleName: app
    openbaoSkipTLSVerify: "perhaps"
    objects: |
      - objectName: conf
        secretPath: secret/data/conf
        output: files
      - objectName: conf/extra
        secretPath: secret/data/other
        secretKey: k
)";

TEST_F(ValidateE2eTest, EveryProblemOfEveryClassAndExitOne) {
  const std::string broken = Write("broken.yaml", kBroken);
  const Result result = RunProvider({"validate", broken});
  EXPECT_EQ(result.code, 1) << result.out;
  const std::string file = broken + ": ";
  EXPECT_EQ(result.out,
            file + "document 1: SecretProviderClass \"shop/web\": objects[0] (objectName \"../../etc/shadow\"): "
                   "objectName: invalid objectName \"../../etc/shadow\": must not contain '..'\n" +
            file + "document 1: SecretProviderClass \"shop/web\": objects[1] (objectName \"env\"): encoding: "
                   "encoding \"base64\" applies to output: value and output: files, not output: dotenv (which "
                   "writes the values as Vault holds them)\n" +
            file + "document 3: SecretProviderClass \"bao\": openbaoSkipTLSVerify: failed to parse "
                   "openbaoSkipTLSVerify: strconv.ParseBool: parsing \"perhaps\": invalid syntax (use \"true\" or "
                   "\"false\")\n" +
            file + "document 3: SecretProviderClass \"bao\": objects[1] (objectName \"conf/extra\"): objectName: "
                   "objectName \"conf/extra\" is inside objects[0] (objectName \"conf\"), whose output: files "
                   "writes a file per key of its secret there\n"
                   "validate: 2 SecretProviderClasses, 4 problems\n");
}

TEST_F(ValidateE2eTest, TheDocsExamplesAreValidAndStandardInputWorks) {
  std::vector<std::string> args = {"validate"};
  for (const auto& entry : std::filesystem::directory_iterator(std::string(VCP_SOURCE_DIR) + "/docs/examples")) {
    if (entry.path().extension() == ".yaml") args.push_back(entry.path().string());
  }
  ASSERT_GE(args.size(), 5u);
  const Result examples = RunProvider(args);
  EXPECT_EQ(examples.code, 0) << examples.out;
  EXPECT_THAT(examples.out, HasSubstr(" 0 problems\n"));
  const Result piped = RunProvider({"validate", "-"}, Write("piped.yaml", kBroken));
  EXPECT_EQ(piped.code, 1);
  EXPECT_THAT(piped.out, HasSubstr("-: document 1: SecretProviderClass \"shop/web\""));
}

TEST_F(ValidateE2eTest, UsageErrorsExitTwoAndFlagsAreGoStyle) {
  EXPECT_EQ(RunProvider({"validate"}).code, 2);
  const Result missing = RunProvider({"validate", dir_ + "/missing.yaml"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.out, HasSubstr("validate: cannot read " + dir_ + "/missing.yaml"));
  const Result bad_flag = RunProvider({"validate", "-bogus", "x.yaml"});
  EXPECT_EQ(bad_flag.code, 2);
  EXPECT_THAT(bad_flag.out, AllOf(HasSubstr("flag provided but not defined: -bogus"),
                                  HasSubstr("vault-csi-provider validate [flags] FILE...")));
  const Result help = RunProvider({"validate", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("-allow-class-tls-settings"));
  // The node's rules, as the chart sets them.
  const std::string tls = Write("tls.yaml", R"(apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: tls}
spec:
  provider: vault
  parameters:
    roleName: app
    vaultAddress: https://elsewhere.example.com
    vaultCACertPath: /etc/ssl/private/key.pem
    objects: "- {objectName: a, secretPath: secret/data/a, secretKey: k}"
)");
  EXPECT_EQ(RunProvider({"validate", tls}).code, 0);
  const Result strict =
      RunProvider({"validate", "-allow-class-tls-settings=false", "--allowed-vault-addrs", "https://vault:8200", tls});
  EXPECT_EQ(strict.code, 1);
  EXPECT_THAT(strict.out, AllOf(HasSubstr("the SecretProviderClass sets vaultCACertPath"),
                                HasSubstr("\"https://elsewhere.example.com\"")));
  // The daemon's own command line is unchanged: a stray word is still an error.
  const Result daemon = RunProvider({"validates"});
  EXPECT_EQ(daemon.code, 2);
  EXPECT_THAT(daemon.out, HasSubstr("unexpected arguments: validates"));
}

TEST_F(ValidateE2eTest, AHostileFileIsRefusedQuicklyAndQuotedShortened) {
  std::string huge = "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
                     "metadata: {name: \"" + std::string(100000, 'n') + "\\r\\nvalidate: 0 problems\"}\n"
                     "spec: {provider: vault, parameters: {roleName: \"\", objects: \"\"}}\n";
  const Result result = RunProvider({"validate", Write("long.yaml", huge)});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.out, AllOf(HasSubstr("\"nnnn"), HasSubstr("(100022 bytes)"), Not(HasSubstr("\r\nvalidate"))));
  EXPECT_LT(result.out.size(), 2000u);
  const Result big = RunProvider({"validate", "-max-file-bytes=1000", Write("big.yaml", huge)});
  EXPECT_EQ(big.code, 1);
  EXPECT_THAT(big.out, HasSubstr("more than -max-file-bytes=1000; not read"));
}

}  // namespace
}  // namespace vcp::testing
