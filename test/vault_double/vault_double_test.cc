// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Keeps the Vault double honest: its wire behaviour checked against the
// reference notes (vault-api.md), section by section.
#include "vault_double/vault_double.h"

#include <gmock/gmock.h>

#include "support/jwt.h"

namespace vcp::testing {
namespace {

using ::testing::HasSubstr;

class VaultDoubleTest : public ::testing::Test {
 protected:
  VaultDoubleTest() {
    key_ = GenerateRsaKeyPem();
    VaultDoubleOptions options;
    options.jwt_key_pem = key_;
    vault_ = std::make_unique<VaultDouble>(options);
  }
  VaultDouble::Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
                          std::map<std::string, std::string> headers = {}) {
    return vault_->Handle(method, path, {}, headers, body);
  }
  std::string Login(const std::string& sa = "app", const std::string& ns = "default", const std::string& aud = "vault") {
    const std::string jwt = SignJwt(key_, ServiceAccountClaims(ns, sa, "pod", "uid", aud)).value();
    return nlohmann::json({{"jwt", jwt}, {"role", "app"}}).dump();
  }
  std::string key_;
  std::unique_ptr<VaultDouble> vault_;
};

TEST_F(VaultDoubleTest, LoginEnvelopeHasTheDocumentedAuthBlock) {  // §2.2
  auto reply = Call("POST", "/v1/auth/kubernetes/login", Login());
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(reply.body.back(), '\n');
  EXPECT_TRUE(body["data"].is_null());
  EXPECT_THAT(body["auth"]["client_token"].get<std::string>(), ::testing::StartsWith("hvs."));
  EXPECT_EQ(body["auth"]["metadata"]["service_account_name"], "app");
  EXPECT_EQ(body["auth"]["lease_duration"], 3600);
  EXPECT_EQ(body["auth"]["renewable"], true);
  EXPECT_EQ(body["auth"]["token_type"], "service");
}

TEST_F(VaultDoubleTest, LoginErrorsInTheDocumentedOrder) {  // §2.3
  EXPECT_EQ(Call("POST", "/v1/auth/kubernetes/login", R"({"jwt":"x"})").body, "{\"errors\":[\"missing role\"]}\n");
  EXPECT_EQ(Call("POST", "/v1/auth/kubernetes/login", R"({"role":"app"})").status, 400);
  auto unknown = Call("POST", "/v1/auth/kubernetes/login", R"({"role":"nope","jwt":"x"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("invalid role name \\\"nope\\\""));
  EXPECT_EQ(Call("POST", "/v1/auth/kubernetes/login", R"({"role":"app","jwt":"not.a.jwt"})").body,
            "{\"errors\":[\"permission denied\"]}\n");
  auto sa = Call("POST", "/v1/auth/kubernetes/login", Login("intruder"));
  EXPECT_EQ(sa.status, 403);
  EXPECT_THAT(sa.body, HasSubstr("service account name not authorized"));
  EXPECT_THAT(Call("POST", "/v1/auth/kubernetes/login", Login("app", "other")).body, HasSubstr("namespace not authorized"));
  EXPECT_THAT(Call("POST", "/v1/auth/kubernetes/login", Login("app", "default", "wrong")).body,
              HasSubstr("invalid audience (aud) claim"));
  EXPECT_EQ(Call("GET", "/v1/auth/kubernetes/login").status, 405);
}

TEST_F(VaultDoubleTest, TokensExpireIntoInvalidTokenAndNonLoginErrorsAreMultierrors) {  // §1.2, §3.5
  auto login = nlohmann::json::parse(Call("POST", "/v1/auth/kubernetes/login", Login()).body);
  const std::map<std::string, std::string> headers = {{"x-vault-token", login["auth"]["client_token"]}};
  EXPECT_EQ(Call("GET", "/v1/secret/data/app", "", headers).status, 200);
  auto denied = Call("GET", "/v1/secret/metadata/app", "", headers);
  EXPECT_EQ(denied.body, "{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}\n");
  EXPECT_EQ(vault_->LiveTokens(), 1) << "the login's token; never the root token";
  vault_->ExpireAllTokens();
  EXPECT_EQ(vault_->LiveTokens(), 0);
  auto expired = Call("GET", "/v1/secret/data/app", "", headers);
  EXPECT_EQ(expired.status, 403);
  EXPECT_THAT(expired.body, HasSubstr("2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token"));
}

TEST_F(VaultDoubleTest, KvV2VersionsWrongPathAndDeletedVersions) {  // §4.2
  const std::map<std::string, std::string> root = {{"x-vault-token", "root"}};
  EXPECT_EQ(Call("POST", "/v1/secret/data/app", R"({"data":{"username":"v2"}})", root).status, 200);
  auto latest = nlohmann::json::parse(Call("GET", "/v1/secret/data/app", "", root).body);
  EXPECT_EQ(latest["data"]["data"]["username"], "v2");
  EXPECT_EQ(latest["data"]["metadata"]["version"], 2);
  auto first = vault_->Handle("GET", "/v1/secret/data/app", {{"version", "1"}}, root, "");
  EXPECT_EQ(nlohmann::json::parse(first.body)["data"]["data"]["username"], "app-user");
  EXPECT_EQ(Call("GET", "/v1/secret/data/none", "", root).body, "{\"errors\":[]}\n");
  auto wrong = Call("GET", "/v1/secret/app", "", root);
  EXPECT_EQ(wrong.status, 404);
  EXPECT_THAT(wrong.body, HasSubstr("Invalid path for a versioned K/V secrets engine"));
  EXPECT_EQ(Call("DELETE", "/v1/secret/data/app", "", root).status, 204);
  auto deleted = Call("GET", "/v1/secret/data/app", "", root);
  EXPECT_EQ(deleted.status, 404);
  EXPECT_TRUE(nlohmann::json::parse(deleted.body)["data"]["data"].is_null());
}

TEST_F(VaultDoubleTest, TheUiMountsPreflightNamesTheMountToATokenThatMayUseIt) {  // §4.2 CLI detection preflight
  const auto login = nlohmann::json::parse(Call("POST", "/v1/auth/kubernetes/login", Login()).body);
  const std::map<std::string, std::string> app = {{"x-vault-token", login["auth"]["client_token"].get<std::string>()}};
  auto mount = Call("GET", "/v1/sys/internal/ui/mounts/secret/app", "", app);  // the app policy: secret/data/*
  ASSERT_EQ(mount.status, 200) << mount.body;
  const auto data = nlohmann::json::parse(mount.body)["data"];
  EXPECT_EQ(data["path"], "secret/");
  EXPECT_EQ(data["type"], "kv");
  EXPECT_EQ(data["options"]["version"], "2");
  auto denied = Call("GET", "/v1/sys/internal/ui/mounts/database/creds/other", "", {{"x-vault-token", "nope"}});
  EXPECT_EQ(denied.status, 403);
  auto elsewhere = Call("GET", "/v1/sys/internal/ui/mounts/nowhere/app", "", app);
  EXPECT_EQ(elsewhere.status, 403);
  EXPECT_THAT(elsewhere.body, HasSubstr("preflight capability check returned 403"));
}

TEST_F(VaultDoubleTest, KvV1PkiAndDatabaseShapes) {  // §4.1, §4.3, §4.4
  const std::map<std::string, std::string> root = {{"x-vault-token", "root"}};
  auto kv1 = nlohmann::json::parse(Call("GET", "/v1/kv/app", "", root).body);
  EXPECT_EQ(kv1["lease_duration"], 2764800);
  EXPECT_EQ(kv1["lease_id"], "");
  auto pki = nlohmann::json::parse(Call("PUT", "/v1/pki/issue/example-dot-com", R"({"common_name":"a.example.com"})", root).body);
  EXPECT_THAT(pki["data"]["certificate"].get<std::string>(), HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(pki["lease_id"], "");
  EXPECT_TRUE(pki["data"]["expiration"].is_number_integer());
  EXPECT_THAT(Call("PUT", "/v1/pki/issue/example-dot-com", R"({"common_name":"evil.com"})", root).body,
              HasSubstr("common name evil.com not allowed by this role"));
  auto db1 = nlohmann::json::parse(Call("GET", "/v1/database/creds/app", "", root).body);
  auto db2 = nlohmann::json::parse(Call("GET", "/v1/database/creds/app", "", root).body);
  EXPECT_THAT(db1["lease_id"].get<std::string>(), ::testing::StartsWith("database/creds/app/"));
  EXPECT_EQ(db1["renewable"], true);
  EXPECT_NE(db1["data"]["password"], db2["data"]["password"]);
  EXPECT_EQ(vault_->Count("lease:new"), 2);
}

TEST_F(VaultDoubleTest, SealedFaultsAndNamespaces) {  // §5.2, §3.1
  const std::map<std::string, std::string> root = {{"x-vault-token", "root"}};
  vault_->SetSealed(true);
  EXPECT_EQ(Call("GET", "/v1/kv/app", "", root).body, "{\"errors\":[\"Vault is sealed\"]}\n");
  vault_->SetSealed(false);
  vault_->AddFault({"GET", "/v1/kv/", 429, std::nullopt, "7", {}, 1});
  auto limited = Call("GET", "/v1/kv/app", "", root);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["retry-after"], "7");
  EXPECT_EQ(Call("GET", "/v1/kv/app", "", root).status, 200) << "a fault with times=1 applies once";
  auto ns = Call("GET", "/v1/secret/data/app", "", {{"x-vault-token", "root"}, {"x-vault-namespace", "team-a/"}});
  EXPECT_EQ(nlohmann::json::parse(ns.body)["data"]["data"]["username"], "team-a-user");
}

TEST_F(VaultDoubleTest, StandbysRedirectWithPathAndQueryOrHaveNoActiveNode) {  // §5.3, §5.4
  vault_->SetStandby(true, "https://active:8200");
  EXPECT_EQ(Call("GET", "/v1/sys/health").status, 429);
  EXPECT_TRUE(nlohmann::json::parse(Call("GET", "/v1/sys/health").body)["standby"].get<bool>());
  auto redirect = vault_->Handle("GET", "/v1/secret/data/app", {{"version", "2"}}, {}, "");
  EXPECT_EQ(redirect.status, 307);
  EXPECT_EQ(redirect.headers["location"], "https://active:8200/v1/secret/data/app?version=2");
  vault_->SetStandby(true, "");
  auto leaderless = Call("POST", "/v1/auth/kubernetes/login", Login());
  EXPECT_EQ(leaderless.status, 503);
  EXPECT_EQ(leaderless.body, "{\"errors\":[\"no active Vault instance found\"]}\n");
  vault_->SetStandby(false);
  EXPECT_EQ(Call("POST", "/v1/auth/kubernetes/login", Login()).status, 200);
}

TEST_F(VaultDoubleTest, LeasesAreRevokedWithTheirToken) {  // checklist 3: lease revocation with the token
  auto login = nlohmann::json::parse(Call("POST", "/v1/auth/kubernetes/login", Login()).body);
  const std::string token = login["auth"]["client_token"];
  ASSERT_EQ(Call("GET", "/v1/database/creds/app", "", {{"x-vault-token", token}}).status, 200);
  ASSERT_EQ(Call("GET", "/v1/database/creds/app", "", {{"x-vault-token", token}}).status, 200);
  EXPECT_EQ(vault_->ActiveLeases(), 2);
  EXPECT_EQ(Call("POST", "/v1/auth/token/revoke-self", "{}", {{"x-vault-token", token}}).status, 204);
  EXPECT_EQ(vault_->ActiveLeases(), 0);
  EXPECT_EQ(vault_->Count("lease:revoked"), 2);

  auto again = nlohmann::json::parse(Call("POST", "/v1/auth/kubernetes/login", Login()).body);
  ASSERT_EQ(Call("GET", "/v1/database/creds/app", "", {{"x-vault-token", again["auth"]["client_token"]}}).status, 200);
  vault_->ExpireAllTokens();
  EXPECT_EQ(vault_->ActiveLeases(), 0) << "an expired token's leases are revoked too";
}

TEST_F(VaultDoubleTest, AParentNamespacesTokenReadsAChildWithItsOwnPolicies) {  // §3.1
  auto login = Call("POST", "/v1/auth/kubernetes/login", Login());
  const std::string root_token = nlohmann::json::parse(login.body)["auth"]["client_token"];
  auto child = Call("GET", "/v1/secret/data/app", "", {{"x-vault-token", root_token}, {"x-vault-namespace", "team-a"}});
  ASSERT_EQ(child.status, 200) << child.body;
  EXPECT_EQ(nlohmann::json::parse(child.body)["data"]["data"]["username"], "team-a-user");
  // The root namespace's policy grants team-a/secret/data/*, not team-a/kv/*.
  EXPECT_EQ(Call("GET", "/v1/kv/app", "", {{"x-vault-token", root_token}, {"x-vault-namespace", "team-a"}}).status,
            403);
  // A child's token never reaches its parent.
  auto team = Call("POST", "/v1/auth/kubernetes/login", Login(), {{"x-vault-namespace", "team-a"}});
  const std::string team_token = nlohmann::json::parse(team.body)["auth"]["client_token"];
  EXPECT_EQ(Call("GET", "/v1/secret/data/app", "", {{"x-vault-token", team_token}}).status, 403);
  EXPECT_EQ(Call("GET", "/v1/secret/data/app", "", {{"x-vault-token", team_token}, {"x-vault-namespace", "team-a"}})
                .status,
            200);
}

}  // namespace
}  // namespace vcp::testing
