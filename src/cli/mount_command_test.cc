// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/cli/mount_command.h"

#include <gmock/gmock.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vcp::cli {
namespace {

using ::testing::HasSubstr;

class MountCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/vcp-mount-command-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Read(const std::string& path) const {
    std::ifstream in(dir_ + "/" + path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  int Mode(const std::string& path) const {
    struct stat st {};
    if (lstat((dir_ + "/" + path).c_str(), &st) != 0) return -1;
    return static_cast<int>(st.st_mode & 07777);
  }
  // The names in `sub` (of dir_), sorted.
  std::vector<std::string> Names(const std::string& sub = "") const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/" + sub)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
};

TEST_F(MountCommandTest, WritesNestedFilesWithTheirModesWhateverTheUmask) {
  const mode_t old = umask(0077);
  const absl::Status s = WriteMountedFiles(dir_, {{"db-password", 0640, "s3cr3t"},
                                                  {"app/config", 0444, "{\"a\":1}"},
                                                  {"app/tls/ca.crt", 0644, "PEM\n"}});
  umask(old);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(Read("db-password"), "s3cr3t");
  EXPECT_EQ(Mode("db-password"), 0640);
  EXPECT_EQ(Read("app/config"), "{\"a\":1}");
  EXPECT_EQ(Mode("app/config"), 0444);
  EXPECT_EQ(Read("app/tls/ca.crt"), "PEM\n");
  EXPECT_EQ(Mode("app"), 0755 & ~0077) << "directories as mkdir makes them";
  EXPECT_THAT(Names(), ::testing::ElementsAre("app", "db-password")) << "no temporary file is left";
}

TEST_F(MountCommandTest, ReplacesAnEarlierFileAndLeavesOthersAlone) {
  ASSERT_TRUE(WriteMountedFiles(dir_, {{"a", 0600, "old"}, {"b", 0600, "kept"}}).ok());
  ASSERT_TRUE(WriteMountedFiles(dir_, {{"a", 0644, "new"}}).ok());
  EXPECT_EQ(Read("a"), "new");
  EXPECT_EQ(Mode("a"), 0644);
  EXPECT_EQ(Read("b"), "kept");
  EXPECT_THAT(Names(), ::testing::ElementsAre("a", "b"));
}

TEST_F(MountCommandTest, NeverWritesOutsideTheDirectory) {
  char pattern[] = "/tmp/vcp-mount-outside-XXXXXX";
  const std::string outside = mkdtemp(pattern);
  ASSERT_EQ(symlink(outside.c_str(), (dir_ + "/link").c_str()), 0);
  const absl::Status through_link = WriteMountedFiles(dir_, {{"link/x", 0644, "escaped"}});
  EXPECT_EQ(through_link.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(through_link.message()), HasSubstr("cannot write \"link/x\": opening directory \"link\""));
  for (const char* path : {"../x", "/etc/x", "a/../../x", "./x", "a//x", ""}) {
    const absl::Status s = WriteMountedFiles(dir_, {{path, 0644, "escaped"}});
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << path;
  }
  EXPECT_TRUE(std::filesystem::is_empty(outside));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir_).parent_path() / "x"));
  std::filesystem::remove_all(outside);
}

TEST_F(MountCommandTest, AFileWhereADirectoryIsNeededFailsNamingIt) {
  ASSERT_TRUE(WriteMountedFiles(dir_, {{"app", 0644, "CONTENTS"}}).ok());
  const absl::Status s = WriteMountedFiles(dir_, {{"app/key", 0644, "x"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("\"app/key\""));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("CONTENTS")));
}

std::optional<std::string> NoEnv(const std::string&) { return std::nullopt; }

int RunCommand(const std::vector<std::string>& args, std::string* out, std::string* err) {
  std::ostringstream o, e;
  const int code = RunMount(args, NoEnv, o, e);
  *out = o.str();
  *err = e.str();
  return code;
}

TEST_F(MountCommandTest, UsageErrorsExitTwoBeforeAnythingIsContacted) {
  std::string out, err;
  EXPECT_EQ(RunCommand({}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("-spc, -pod-name and -dir are required"));
  EXPECT_THAT(err, HasSubstr("vault-csi-provider mount -spc=FILE"));
  EXPECT_THAT(err, HasSubstr("-vault-addr")) << "the daemon's flags are listed";
  EXPECT_EQ(RunCommand({"-nope"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("flag provided but not defined: -nope"));
  EXPECT_EQ(RunCommand({"-spc", dir_ + "/missing.yaml", "-pod-name=p", "--dir", dir_}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("cannot read"));
  EXPECT_EQ(RunCommand({"-spc=x", "-pod-name=p", "-dir=" + dir_ + "/nowhere"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("is not a directory"));
  EXPECT_EQ(RunCommand({"-spc=x", "-pod-name=p", "-dir", dir_, "positional"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("unexpected arguments: positional"));
  EXPECT_EQ(RunCommand({"-h"}, &out, &err), 0);
  EXPECT_THAT(err, HasSubstr("-jwt-file"));
  EXPECT_TRUE(out.empty());
}

TEST_F(MountCommandTest, TheClassMustBeFoundAndUnambiguous) {
  const std::string spc = dir_ + "/spc.yaml";
  std::ofstream(spc) << R"(apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: one, namespace: a}
spec: {provider: vault, parameters: {roleName: app, objects: "- {objectName: x, secretPath: kv/x}"}}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: two}
spec: {provider: openbao, parameters: {roleName: app}}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: other}
spec: {provider: azure, parameters: {}}
)";
  std::string out, err;
  EXPECT_EQ(RunCommand({"-spc=" + spc, "-pod-name=p", "-dir=" + dir_}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("the file has 2 SecretProviderClasses: choose one with -class (\"a/one\", \"two\")"));
  EXPECT_EQ(RunCommand({"-spc=" + spc, "-pod-name=p", "-dir=" + dir_, "-class=three"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("no SecretProviderClass \"three\" in the file (it has \"a/one\", \"two\")"));
  std::ofstream(spc, std::ios::trunc) << "kind: [unclosed";
  EXPECT_EQ(RunCommand({"-spc=" + spc, "-pod-name=p", "-dir=" + dir_}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("YAML error"));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace vcp::cli
