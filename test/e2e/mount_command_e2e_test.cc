// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: `vault-csi-provider mount`, the real binary, against the Vault
// double over mTLS, with the daemon's flags and environment, writing the
// files into a directory as the driver does (issue #13 §6).
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

class MountCommandE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    char pattern[] = "/tmp/vcp-mount-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    work_ = pattern;
    out_dir_ = work_ + "/volume";
    std::filesystem::create_directory(out_dir_);
    jwt_file_ = Write("jwt", Jwt(Pod()) + "\n");
  }
  void TearDown() override {
    std::filesystem::remove_all(work_);
    E2eTest::TearDown();
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = work_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // A SecretProviderClass manifest with `objects`.
  std::string Spc(const std::string& objects, const std::string& extra_parameters = "") {
    std::string indented;
    for (absl::string_view line : absl::StrSplit(objects, '\n')) absl::StrAppend(&indented, "      ", line, "\n");
    return Write("spc.yaml", absl::StrCat("apiVersion: secrets-store.csi.x-k8s.io/v1\n"
                                          "kind: SecretProviderClass\n"
                                          "metadata:\n  name: vault-app\n  namespace: default\n"
                                          "spec:\n  provider: vault\n  parameters:\n    roleName: app\n",
                                          extra_parameters, "    objects: |\n", indented));
  }

  // Runs `vault-csi-provider mount` with `args` (each single-quoted) after
  // the environment assignments `env`.
  Result RunMount(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> quoted;
    for (const std::string& arg : args) quoted.push_back("'" + arg + "'");
    const std::string err_file = work_ + "/stderr";
    const std::string command = absl::StrCat(absl::StrJoin(env, " "), " ", VCP_PROVIDER_BINARY, " mount ",
                                             absl::StrJoin(quoted, " "), " </dev/null 2>", err_file);
    Result result;
    result.out = RunShell(command, &result.code);
    std::ifstream in(err_file);
    std::stringstream err;
    err << in.rdbuf();
    result.err = err.str();
    // Under the sanitizers a report also exits 1: never mistake it for a failed Mount.
    EXPECT_THAT(result.err, Not(HasSubstr("Sanitizer")));
    return result;
  }

  // The flags of a pod of the fixture's role, and the class in `spc`.
  std::vector<std::string> PodFlags(const std::string& spc) const {
    return {"-spc=" + spc, "-pod-name=app-7d9c", "-pod-uid=9f88edc9-2d4c-4d8b-a7c1-0c7b7f5f0b11",
            "-service-account", "app", "-jwt-file=" + jwt_file_, "-dir=" + out_dir_};
  }

  std::vector<std::string> WithVault(std::vector<std::string> args) const {
    for (const std::string& flag : VaultFlags()) args.push_back(flag);
    return args;
  }

  std::string Read(const std::string& path) const {
    std::ifstream in(out_dir_ + "/" + path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  int Mode(const std::string& path) const {
    struct stat st {};
    if (stat((out_dir_ + "/" + path).c_str(), &st) != 0) return -1;
    return static_cast<int>(st.st_mode & 07777);
  }
  // Every path under the volume, sorted, directories with a trailing '/'.
  std::vector<std::string> Tree() const {
    std::vector<std::string> paths;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(out_dir_)) {
      paths.push_back(std::filesystem::relative(entry.path(), out_dir_).string() + (entry.is_directory() ? "/" : ""));
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }

  std::string work_;
  std::string out_dir_;
  std::string jwt_file_;
};

TEST_F(MountCommandE2eTest, MountsAClassIntoADirectoryAndPrintsEachFilesVersion) {
  WriteKv2("secret/data/cli-config", {{"host", "db.internal"}, {"port", 5432}});
  const std::string spc = Spc(R"(- objectName: db-password
  secretPath: secret/data/app
  secretKey: password
  filePermission: 0600
- objectName: app/config
  secretPath: secret/data/cli-config
  output: files
  filePermission: 0440
- objectName: app.env
  template: |
    {{- with secret "database/creds/app" }}DB_USER={{ .Data.username }}{{ end }})");
  const Result result = RunMount(WithVault(PodFlags(spc)));
  ASSERT_EQ(result.code, 0) << result.err;
  const std::vector<std::string> lines = absl::StrSplit(result.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << result.out;
  EXPECT_THAT(lines[0], MatchesRegex(absl::StrCat(out_dir_, "/db-password [A-Za-z0-9_-]{43}=")));
  EXPECT_THAT(lines[1], MatchesRegex(absl::StrCat(out_dir_, "/app/config/host [A-Za-z0-9_-]{43}=")));
  EXPECT_THAT(lines[2], MatchesRegex(absl::StrCat(out_dir_, "/app/config/port [A-Za-z0-9_-]{43}=")));
  EXPECT_THAT(lines[3], MatchesRegex(absl::StrCat(out_dir_, "/app.env [A-Za-z0-9_-]{43}=")));
  EXPECT_EQ(Read("db-password"), "s3cr3t-p@ss");
  EXPECT_EQ(Mode("db-password"), 0600);
  EXPECT_EQ(Read("app/config/host"), "db.internal");
  EXPECT_EQ(Read("app/config/port"), "5432");
  EXPECT_EQ(Mode("app/config/port"), 0440);
  EXPECT_THAT(Read("app.env"), MatchesRegex("DB_USER=v-kubernetes-app-.*"));
  EXPECT_EQ(Mode("app.env"), 0644) << "the driver's default permission";
  EXPECT_THAT(Tree(), ElementsAre("app.env", "app/", "app/config/", "app/config/host", "app/config/port",
                                  "db-password"));
  EXPECT_THAT(result.err, HasSubstr("mount ok: pod=default/app-7d9c spc=vault-app objects=3 logins=1"));
  EXPECT_EQ(vault_->Count("login"), 1);

  // Run again after a rotation: the changed file is replaced in place.
  WriteKv2("secret/data/cli-config", {{"host", "db2.internal"}, {"port", 5432}});
  const Result again = RunMount(WithVault(PodFlags(spc)));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(Read("app/config/host"), "db2.internal");
  EXPECT_EQ(Tree().size(), 6u) << "no temporary files left";
}

TEST_F(MountCommandE2eTest, TheDaemonsEnvironmentAndFlagsConfigureVault) {
  // BAO_ADDR and VAULT_CACERT as the daemon reads them; the class's own address wins over both.
  const std::string spc = Spc("- {objectName: user, secretPath: secret/data/app, secretKey: username}");
  std::vector<std::string> args = PodFlags(spc);
  args.push_back(absl::StrCat("-vault-tls-client-cert=", dir_, "/client.pem"));
  args.push_back(absl::StrCat("-vault-tls-client-key=", dir_, "/client-key.pem"));
  const Result result = RunMount(args, {absl::StrCat("BAO_ADDR=", vault_->address()),
                                        absl::StrCat("VAULT_CACERT=", dir_, "/ca.pem"),
                                        "VAULT_ADDR=https://127.0.0.1:1"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(Read("user"), "app-user");
  EXPECT_THAT(result.err, HasSubstr("BAO_ADDR and VAULT_ADDR are both set, to different values: using BAO_ADDR"));
  // A daemon flag that refuses the class's Vault address refuses it here too.
  const std::string elsewhere =
      Spc("- {objectName: user, secretPath: secret/data/app, secretKey: username}", "    vaultAddress: https://vault.example.com\n");
  std::vector<std::string> strict = WithVault(PodFlags(elsewhere));
  strict.push_back("-allowed-vault-addrs=" + vault_->address());
  const Result refused = RunMount(strict);
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("mount: INVALID_ARGUMENT: "));
  EXPECT_THAT(refused.err, HasSubstr("is not allowed on this node"));
}

TEST_F(MountCommandE2eTest, AFailedMountExitsOneWithTheDriversErrorAndWritesNothing) {
  const std::string spc = Spc(R"(- {objectName: a, secretPath: secret/data/app, secretKey: username}
- {objectName: b, secretPath: secret/data/app, secretKey: nope})");
  const Result result = RunMount(WithVault(PodFlags(spc)));
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, HasSubstr("mount: INVALID_ARGUMENT: couldn't read secret \"b\" from Vault path "
                                    "\"secret/data/app\": key \"nope\" does not exist"));
  EXPECT_THAT(result.err, Not(HasSubstr("s3cr3t")));
  EXPECT_TRUE(result.out.empty());
  EXPECT_TRUE(Tree().empty()) << "all or nothing";
}

TEST_F(MountCommandE2eTest, AHostileKeyInVaultFailsNamingItAndNothingIsWrittenOutsideTheDirectory) {
  WriteKv2("secret/data/cli-hostile", {{"ok", "fine"}, {"../escape", "pwned"}});
  const std::string spc = Spc("- {objectName: app, secretPath: secret/data/cli-hostile, output: files}");
  const Result result = RunMount(WithVault(PodFlags(spc)));
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, AllOf(HasSubstr("mount: INVALID_ARGUMENT: "), HasSubstr("key \"../escape\""),
                                HasSubstr("cannot be a file name in \"app\"")));
  EXPECT_THAT(result.err, Not(HasSubstr("pwned")));
  EXPECT_TRUE(Tree().empty());
  EXPECT_FALSE(std::filesystem::exists(work_ + "/escape"));
}

TEST_F(MountCommandE2eTest, UsageErrorsExitTwo) {
  const Result missing = RunMount({"-dir=" + out_dir_});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("-spc, -pod-name and -dir are required"));
  const Result help = RunMount({"-h"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.err, AllOf(HasSubstr("-jwt-file"), HasSubstr("-vault-addr")));
  const Result no_jwt = RunMount(WithVault({"-spc=" + Spc("- {objectName: a, secretPath: kv/app}"),
                                            "-pod-name=p", "-jwt-file=" + work_ + "/none", "-dir=" + out_dir_}));
  EXPECT_EQ(no_jwt.code, 2);
  EXPECT_THAT(no_jwt.err, HasSubstr("cannot read"));
  EXPECT_EQ(vault_->Count("total"), 0);
}

}  // namespace
}  // namespace vcp::testing
