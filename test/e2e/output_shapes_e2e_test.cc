// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end, the rest of issue #13 through the real socket: every output
// shape from secrets written to the Vault double (a file per key, nested;
// hostile key names; dotenv and YAML quoting; data without the lease
// fields), an object's own Vault namespace, and OpenBao's spellings of the
// class parameters.
#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class OutputShapesE2eTest : public E2eTest {
 protected:
  // The paths of the files a Mount returned, in order.
  static std::vector<std::string> Paths(const MountOutcome& out) {
    std::vector<std::string> paths;
    for (const auto& file : out.response.files()) paths.push_back(file.path());
    return paths;
  }
};

// The configuration.md example: `vault kv put secret/app @app.json`.
const nlohmann::json kAppJson = {
    {"user", "app"}, {"pass", "it's"}, {"port", 5432}, {"config", {{"host", "db"}, {"tls", {{"ca", "PEM"}}}}}};

TEST_F(OutputShapesE2eTest, FilesWritesOneFilePerKeyEachWithItsOwnVersion) {
  StartProvider();
  WriteKv2("secret/data/shapes", kAppJson);
  WriteKv2("secret/data/shapes-b64", {{"tls.key", "aGVsbG8gd29ybGQK"}});
  const auto mount = Mount(R"(
- {objectName: app, secretPath: secret/data/shapes, output: files, filePermission: 0440}
- {objectName: nested/db, secretPath: secret/data/shapes, secretKey: config, output: files}
- {objectName: keys, secretPath: secret/data/shapes-b64, output: files, encoding: base64}
)");
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_THAT(Paths(out), ::testing::ElementsAre("app/config", "app/pass", "app/port", "app/user", "nested/db/host",
                                                 "nested/db/tls", "keys/tls.key"));
  EXPECT_EQ(out.File("app/config"), R"({"host":"db","tls":{"ca":"PEM"}})");
  EXPECT_EQ(out.File("app/pass"), "it's");
  EXPECT_EQ(out.File("app/port"), "5432");
  EXPECT_EQ(out.File("app/user"), "app");
  EXPECT_EQ(out.Mode("app/user"), 0440) << "filePermission applies to every file";
  EXPECT_EQ(out.File("nested/db/host"), "db");
  EXPECT_EQ(out.File("nested/db/tls"), R"({"ca":"PEM"})");
  EXPECT_EQ(out.Mode("nested/db/host"), 0644);
  EXPECT_EQ(out.File("keys/tls.key"), "hello world\n");
  ASSERT_EQ(out.response.object_version_size(), 7);
  EXPECT_EQ(out.response.object_version(0).id(), "app/config");
  EXPECT_NE(out.Version("app/user"), out.Version("app/pass"));
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/shapes"), 1) << "one read for both objects";

  // A rotation of one key changes that file's version only.
  nlohmann::json rotated = kAppJson;
  rotated["pass"] = "rotated";
  WriteKv2("secret/data/shapes", rotated);
  auto again = Send(mount);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.File("app/pass"), "rotated");
  EXPECT_NE(again.Version("app/pass"), out.Version("app/pass"));
  EXPECT_EQ(again.Version("app/user"), out.Version("app/user"));
  EXPECT_EQ(again.Version("nested/db/host"), out.Version("nested/db/host"));
}

TEST_F(OutputShapesE2eTest, AHostileKeyNameInVaultFailsNamingItAndNoFileIsReturned) {
  StartProvider();
  struct Case {
    std::string key;
    std::string why;
  };
  const std::vector<Case> cases = {{"../escape", "it contains '/'"},
                                   {"..", "it is a directory name"},
                                   {".", "it is a directory name"},
                                   {"a/b", "it contains '/'"},
                                   {std::string("nul\0byte", 8), "it contains a NUL byte"},
                                   {std::string(256, 'k'), "it is longer than 255 bytes"}};
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string path = absl::StrCat("secret/data/hostile-", i);
    WriteKv2(path, {{"fine", "ok"}, {cases[i].key, "pwned"}});
    auto out = Send(Mount(absl::StrCat("- {objectName: app, secretPath: ", path, ", output: files}")));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_THAT(out.status.error_message(),
                AllOf(HasSubstr(absl::StrCat("couldn't read secret \"app\" from Vault path \"", path, "\": key ")),
                      HasSubstr(absl::StrCat("cannot be a file name in \"app\": ", cases[i].why)),
                      Not(HasSubstr("pwned"))))
        << i;
    EXPECT_EQ(out.response.files_size(), 0) << i;
  }
  WriteKv2("secret/data/empty", nlohmann::json::object());
  auto empty = Send(Mount("- {objectName: app, secretPath: secret/data/empty, output: files}"));
  EXPECT_THAT(empty.status.error_message(),
              HasSubstr("secret \"secret/data/empty\" has no keys (output: files writes one file per key)"));
}

TEST_F(OutputShapesE2eTest, DotenvQuotesForAShellAndRefusesKeysAShellCannotName) {
  StartProvider();
  WriteKv2("secret/data/dotenv", {{"PASSWORD", "it's $HOME `x` \\n"}, {"MULTI", "line1\nline2"}, {"PORT", 5432}});
  auto out = Send(Mount("- {objectName: app.env, secretPath: secret/data/dotenv, output: dotenv, filePermission: 0600}"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("app.env"), "MULTI='line1\nline2'\nPASSWORD='it'\\''s $HOME `x` \\n'\nPORT='5432'\n");
  EXPECT_EQ(out.Mode("app.env"), 0600);
  WriteKv2("secret/data/dotenv-bad", {{"db-password", "x"}});
  auto bad = Send(Mount("- {objectName: app.env, secretPath: secret/data/dotenv-bad, output: dotenv}"));
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.status.error_message(),
              HasSubstr("key \"db-password\" of secret \"secret/data/dotenv-bad\" is not a shell variable name"));
}

TEST_F(OutputShapesE2eTest, YamlQuotesWhatAReaderWouldTakeForSomethingElse) {
  StartProvider();
  WriteKv2("secret/data/yaml", {{"enabled", "yes"},
                                {"mode", "0755"},
                                {"host", "db.example.com"},
                                {"note", "a: b"},
                                {"pem", "line1\nline2"},
                                {"port", 5432},
                                {"list", {"a", 1}}});
  auto out = Send(Mount("- {objectName: app.yaml, secretPath: secret/data/yaml, output: yaml}"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("app.yaml"),
            "enabled: \"yes\"\nhost: db.example.com\nlist:\n  - a\n  - 1\nmode: \"0755\"\nnote: \"a: b\"\n"
            "pem: \"line1\\nline2\"\nport: 5432\n");
}

TEST_F(OutputShapesE2eTest, DataDropsTheLeaseFieldsOfDynamicSecretsAndWorksOnKvV1) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: db.json, secretPath: database/creds/app, output: data}
- {objectName: db-user, secretPath: database/creds/app, secretKey: username}
- {objectName: kv1.json, secretPath: kv/app, output: data}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  const auto db = nlohmann::json::parse(out.File("db.json"));
  EXPECT_EQ(db.size(), 2u) << out.File("db.json");
  EXPECT_EQ(db["username"], out.File("db-user")) << "one lease for both objects";
  EXPECT_THAT(out.File("db.json"), Not(HasSubstr("lease")));
  EXPECT_EQ(out.File("kv1.json"), R"({"api-key":"kv1-api-key-value"})");
  EXPECT_EQ(vault_->Count("lease:new"), 1);
}

TEST_F(OutputShapesE2eTest, AnObjectsOwnVaultNamespaceIsReadWithTheClasssLogin) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: root-user, secretPath: secret/data/app, secretKey: username}
- {objectName: team-user, secretPath: secret/data/app, secretKey: username, vaultNamespace: team-a}
- {objectName: team-pass, secretPath: secret/data/app, secretKey: password, baoNamespace: team-a}
- {objectName: team-db, secretPath: secret/data/db-pass, secretKey: password, openbaoNamespace: team-a}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("root-user"), "app-user");
  EXPECT_EQ(out.File("team-user"), "team-a-user");
  EXPECT_EQ(out.File("team-pass"), "team-a-pass");
  EXPECT_EQ(out.File("team-db"), "team-a-db-password");
  EXPECT_EQ(vault_->Count("login"), 1) << "one login, in the class's namespace";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 2) << "one read per namespace";
  // The role's policy in the root namespace does not reach team-a's kv/.
  auto denied = Send(Mount("- {objectName: k, secretPath: kv/app, secretKey: api-key, vaultNamespace: team-a}"));
  EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.status.error_message(), HasSubstr("couldn't read secret \"k\" from Vault path \"kv/app\""));
  // Two spellings on one object must agree.
  auto conflict =
      Send(Mount("- {objectName: k, secretPath: kv/app, vaultNamespace: team-a, baoNamespace: team-b}"));
  EXPECT_EQ(conflict.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(conflict.status.error_message(),
              HasSubstr("objects[0] (objectName \"k\"): vaultNamespace and baoNamespace are two spellings of one "
                        "setting"));
}

TEST_F(OutputShapesE2eTest, OpenBaoSpellingsOfTheClassParameters) {
  // No -vault-addr and no TLS flags: the class names the address, the CA
  // and the client certificate in OpenBao's spellings.
  auto started = ProviderProcess::Start(VCP_PROVIDER_BINARY, dir_, {}, {"VAULT_ADDR=https://127.0.0.1:1"});
  ASSERT_TRUE(started.ok()) << started.status();
  provider_ = std::move(*started);
  auto mount = Mount("- {objectName: user, secretPath: secret/data/app, secretKey: username}");
  mount.parameters.erase("roleName");
  mount.parameters["baoRoleName"] = "app";
  mount.parameters["baoAddress"] = vault_->address();
  mount.parameters["openbaoCACertPath"] = dir_ + "/ca.pem";
  mount.parameters["baoTLSClientCertPath"] = dir_ + "/client.pem";
  mount.parameters["openbaoTLSClientKeyPath"] = dir_ + "/client-key.pem";
  mount.parameters["baoAuthMountPath"] = "cluster-a";
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("user"), "app-user");
  EXPECT_EQ(vault_->Count("login:cluster-a"), 1);
  // openbaoAddress alone works the same; with a different baoAddress it is an error naming both.
  mount.parameters.erase("baoAddress");
  mount.parameters["openbaoAddress"] = vault_->address();
  auto openbao = Send(mount);
  ASSERT_TRUE(openbao.status.ok()) << openbao.status.error_message();
  mount.parameters["baoAddress"] = "https://127.0.0.1:2";
  auto conflict = Send(mount);
  EXPECT_EQ(conflict.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(conflict.status.error_message(),
              HasSubstr("baoAddress and openbaoAddress are two spellings of one setting, set to different values"));
  // The same setting under both auth mount names is refused, naming the spellings used.
  mount.parameters.erase("baoAddress");
  mount.parameters["openbaoKubernetesMountPath"] = "kubernetes";
  auto both = Send(mount);
  EXPECT_THAT(both.status.error_message(),
              HasSubstr("cannot set both openbaoKubernetesMountPath and baoAuthMountPath"));
}

}  // namespace
}  // namespace vcp::testing
