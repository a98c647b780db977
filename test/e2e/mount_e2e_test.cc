// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: the real provider binary, over its Unix socket, against the
// Vault double over mTLS, with requests shaped exactly like the driver's.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::HasSubstr;

class MountE2eTest : public E2eTest {};

TEST_F(MountE2eTest, KvV2KeysWithPerFileModeAndRequestDefault) {
  StartProvider();
  auto out = Send(Mount(R"(
- objectName: db-password
  secretPath: secret/data/app
  secretKey: password
  filePermission: 0600
- objectName: db-user
  secretPath: /v1/secret/data/app
  secretKey: username
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("db-password"), "s3cr3t-p@ss");
  EXPECT_EQ(out.Mode("db-password"), 0600);
  EXPECT_EQ(out.File("db-user"), "app-user");
  EXPECT_EQ(out.Mode("db-user"), 420);
  ASSERT_EQ(out.response.object_version_size(), 2);
  EXPECT_EQ(out.response.object_version(0).id(), "db-password");
  EXPECT_EQ(out.response.object_version(0).version().size(), 44u);  // base64url of 32 bytes, padded
  // Both objects come from one Vault read.
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 1);
}

TEST_F(MountE2eTest, VersionsChangeExactlyWhenContentChanges) {
  StartProvider();
  WriteKv2("secret/data/rotating", {{"value", "start"}});
  const auto mount = Mount(R"(
- {objectName: rotating, secretPath: secret/data/rotating, secretKey: value}
- {objectName: stable, secretPath: secret/data/app, secretKey: username}
)");
  auto first = Send(mount);
  auto again = Send(mount);
  ASSERT_TRUE(first.status.ok() && again.status.ok());
  EXPECT_EQ(first.Version("rotating"), again.Version("rotating"));
  WriteKv2("secret/data/rotating", {{"value", "rotated"}});
  auto rotated = Send(mount);
  ASSERT_TRUE(rotated.status.ok());
  EXPECT_EQ(rotated.File("rotating"), "rotated");
  EXPECT_NE(rotated.Version("rotating"), first.Version("rotating"));
  EXPECT_EQ(rotated.Version("stable"), first.Version("stable"));
}

TEST_F(MountE2eTest, Base64AndHexAreDecoded) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: tls.key, secretPath: secret/data/app, secretKey: tls.key.b64, encoding: base64}
- {objectName: hex, secretPath: secret/data/app, secretKey: hex, encoding: HEX}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("tls.key"), "hello world\n");
  EXPECT_EQ(out.File("hex"), "hello");
}

TEST_F(MountE2eTest, NonStringValuesAreCompactGoJson) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: port, secretPath: secret/data/app, secretKey: port}
- {objectName: enabled, secretPath: secret/data/app, secretKey: enabled}
- {objectName: config, secretPath: secret/data/app, secretKey: config}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("port"), "5432");
  EXPECT_EQ(out.File("enabled"), "true");
  EXPECT_EQ(out.File("config"), R"({"a":1,"b":"\u003ctwo\u003e"})");
}

TEST_F(MountE2eTest, KvV1AndPinnedKvV2Version) {
  StartProvider();
  WriteKv2("secret/data/versioned", {{"value", "one"}});
  WriteKv2("secret/data/versioned", {{"value", "two"}});
  auto out = Send(Mount(R"(
- {objectName: api-key, secretPath: kv/app, secretKey: api-key}
- {objectName: v1, secretPath: "secret/data/versioned?version=1", secretKey: value}
- {objectName: latest, secretPath: secret/data/versioned, secretKey: value}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("api-key"), "kv1-api-key-value");
  EXPECT_EQ(out.File("v1"), "one");
  EXPECT_EQ(out.File("latest"), "two");
}

TEST_F(MountE2eTest, PkiIssueWithPutAndSecretArgsWritesWholeJson) {
  StartProvider();
  auto out = Send(Mount(R"(
- objectName: cert.json
  secretPath: pki/issue/example-dot-com
  method: PUT
  secretArgs:
    common_name: web.example.com
    ttl: 1h
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  const std::string text = out.File("cert.json");
  EXPECT_EQ(text.rfind(R"({"request_id":")", 0), 0u) << text;
  auto json = nlohmann::json::parse(text);
  EXPECT_EQ(CertificateCommonName(json["data"]["certificate"].get<std::string>()), "web.example.com");
  EXPECT_EQ(json["data"]["private_key_type"], "ec");
  EXPECT_EQ(text.find("\n"), std::string::npos) << "Go writes compact JSON with no newline";
  EXPECT_NE(text.find("\\n"), std::string::npos);  // PEM newlines escaped inside strings
}

TEST_F(MountE2eTest, SameEndpointWithDifferentSecretArgsIsReadTwice) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: a.json, secretPath: pki/issue/example-dot-com, method: PUT, secretArgs: {common_name: a.example.com}}
- {objectName: b.json, secretPath: pki/issue/example-dot-com, method: PUT, secretArgs: {common_name: b.example.com}}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(vault_->Count("pki:issue"), 2);
  EXPECT_EQ(CertificateCommonName(nlohmann::json::parse(out.File("b.json"))["data"]["certificate"]), "b.example.com");
}

TEST_F(MountE2eTest, DatabaseUsernameAndPasswordComeFromOneLease) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: db-user, secretPath: database/creds/app, secretKey: username}
- {objectName: db-pass, secretPath: database/creds/app, secretKey: password}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(vault_->Count("lease:new"), 1);
  EXPECT_THAT(out.File("db-user"), HasSubstr("v-kubernetes-app-"));
  EXPECT_FALSE(out.File("db-pass").empty());
}

TEST_F(MountE2eTest, MixedEnginesInOneClass) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: kv2, secretPath: secret/data/app, secretKey: username}
- {objectName: kv1, secretPath: kv/app, secretKey: api-key}
- {objectName: db, secretPath: database/creds/app, secretKey: username}
- {objectName: nested/cert, secretPath: pki/issue/example-dot-com, method: POST, secretArgs: {common_name: x.example.com}, secretKey: certificate}
- {objectName: whole.json, secretPath: secret/data/app}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.response.files_size(), 5);
  EXPECT_EQ(CertificateCommonName(out.File("nested/cert")), "x.example.com");
  auto whole = nlohmann::json::parse(out.File("whole.json"));
  EXPECT_EQ(whole["data"]["data"]["username"], "app-user");
  EXPECT_EQ(whole["data"]["metadata"]["version"], 1);
}

TEST_F(MountE2eTest, TwoSecretProviderClassesInOnePodShareOneLogin) {
  StartProvider();
  DriverMount first = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  DriverMount second = Mount("- {objectName: b, secretPath: kv/app, secretKey: api-key}");
  second.secret_provider_class = "vault-other";
  ASSERT_TRUE(Send(first).status.ok());
  auto out = Send(second);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("b"), "kv1-api-key-value");
  EXPECT_EQ(vault_->Count("login"), 1);
}

TEST_F(MountE2eTest, PodsOfOneServiceAccountShareOneLoginAndOtherAccountsLogInAgain) {
  auto& provider = StartProvider();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}")).status.ok());
  }
  EXPECT_EQ(vault_->Count("login"), 1);
  Pod replica;
  replica.name = "app-other";
  replica.uid = "11111111-2222-3333-4444-555555555555";
  ASSERT_TRUE(Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", replica)).status.ok());
  EXPECT_EQ(vault_->Count("login"), 1) << "another pod of the service account: Vault's answer named the account";
  EXPECT_THAT(provider.Log(), HasSubstr("pod=default/app-other spc=vault-app objects=1 token=shared logins=0"));
  Pod other_account;
  other_account.name = "worker-1";
  other_account.uid = "uid-worker-1";
  other_account.service_account = "worker";
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", other_account);
  mount.parameters["roleName"] = "any";
  ASSERT_TRUE(Send(mount).status.ok());
  EXPECT_EQ(vault_->Count("login"), 2) << "another service account never shares that token";
}

TEST_F(MountE2eTest, WithShareTokensOffEveryPodLogsInAsTheIncumbentDoes) {
  auto& provider = StartProvider({"-share-tokens=false"});
  Pod replica;
  replica.name = "app-2";
  replica.uid = "uid-2";
  ASSERT_TRUE(Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}")).status.ok());
  ASSERT_TRUE(Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", replica)).status.ok());
  EXPECT_EQ(vault_->Count("login"), 2);
  EXPECT_THAT(provider.Log(), HasSubstr("token=per-pod"));
}

TEST_F(MountE2eTest, CacheSizeZeroLogsInEveryTime) {
  StartProvider({"-cache-size=0"});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}")).status.ok());
  }
  EXPECT_EQ(vault_->Count("login"), 3);
}

TEST_F(MountE2eTest, ExpiredVaultTokenIsReplacedTransparently) {
  StartProvider();
  const auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  ASSERT_TRUE(Send(mount).status.ok());
  vault_->ExpireAllTokens();
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
  EXPECT_EQ(vault_->Count("login"), 2);
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 3);  // ok, 403, retried ok
}

TEST_F(MountE2eTest, VaultNamespaceFromSecretProviderClass) {
  StartProvider();
  auto mount = Mount("- {objectName: user, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["vaultNamespace"] = "team-a";
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("user"), "team-a-user");
}

TEST_F(MountE2eTest, JwtAuthMountWithCustomAudience) {
  StartProvider();
  auto mount = Mount("- {objectName: user, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["vaultAuthMountPath"] = "jwt";
  mount.parameters["audience"] = "https://vault.example.com";
  mount.tokens = {{"https://vault.example.com", Jwt(mount.pod, "https://vault.example.com")}};
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("user"), "app-user");
  EXPECT_EQ(vault_->Count("login:jwt"), 1);
}

TEST_F(MountE2eTest, SecretsFieldInEveryShapeTheDriverSends) {
  StartProvider();
  for (const char* secrets : {"null", "{}", "", R"({"clientid":"x"})"}) {
    auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
    mount.secrets = secrets;
    auto out = Send(mount);
    EXPECT_TRUE(out.status.ok()) << secrets << ": " << out.status.error_message();
  }
}

TEST_F(MountE2eTest, ReadsOfOneMountRunConcurrently) {
  StartProvider();
  vault_->SetLatency(std::chrono::milliseconds(200));
  auto out = Send(Mount(R"(
- {objectName: a, secretPath: secret/data/app, secretKey: username}
- {objectName: b, secretPath: kv/app, secretKey: api-key}
- {objectName: c, secretPath: database/creds/app, secretKey: username}
- {objectName: d, secretPath: "secret/data/app?version=1", secretKey: username}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  // The four reads were in Vault at the same time (sequential reads never overlap).
  EXPECT_EQ(vault_->Count("max_inflight"), 4);
}

}  // namespace
}  // namespace vcp::testing
