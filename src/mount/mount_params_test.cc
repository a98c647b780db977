// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mount_params.h"

#include <gmock/gmock.h>

#include "vcp/mount/objects_cache.h"
#include "vcp/util/go_json.h"

namespace vcp::mount {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::string Attributes(std::map<std::string, std::string> params) {
  nlohmann::json j = nlohmann::json::object();
  for (auto& [k, v] : params) j[k] = v;
  return GoJsonEncode(j);
}

std::map<std::string, std::string> Base() {
  return {{"roleName", "app"},
          {"objects", "- objectName: a\n  secretPath: secret/data/a\n  secretKey: k\n"},
          {"csi.storage.k8s.io/pod.name", "web-1"},
          {"csi.storage.k8s.io/pod.uid", "uid-1"},
          {"csi.storage.k8s.io/pod.namespace", "prod"},
          {"csi.storage.k8s.io/serviceAccount.name", "web"},
          {"csi.storage.k8s.io/serviceAccount.tokens",
           R"({"vault":{"token":"jwt-vault","expirationTimestamp":"2030-01-01T00:00:00Z"},"other":{"token":"jwt-other"}})"}};
}

absl::StatusOr<MountParams> Parse(std::map<std::string, std::string> params, const std::string& permission = "420") {
  return ParseMountRequest(Attributes(std::move(params)), "null", "/var/lib/kubelet/pods/x/mount", permission);
}

TEST(MountParamsTest, ParsesTheDriversRequest) {
  auto p = Parse(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role_name, "app");
  EXPECT_EQ(p->pod.name, "web-1");
  EXPECT_EQ(p->pod.uid, "uid-1");
  EXPECT_EQ(p->pod.ns, "prod");
  EXPECT_EQ(p->pod.service_account, "web");
  EXPECT_EQ(p->default_mode, 0644u);
  EXPECT_EQ(p->TokenForAudience(), "jwt-vault");
  ASSERT_EQ(p->objects.size(), 1u);
  EXPECT_EQ(p->objects[0].secret_path, "secret/data/a");
}

TEST(MountParamsTest, AudienceSelectsTheDriverToken) {
  auto params = Base();
  params["audience"] = "other";
  EXPECT_EQ(Parse(params)->TokenForAudience(), "jwt-other");
  params["audience"] = "missing";
  EXPECT_EQ(Parse(params)->TokenForAudience(), std::nullopt);
}

TEST(MountParamsTest, ConnectionParametersFormTheSpcLayer) {
  auto params = Base();
  params["vaultAddress"] = "https://spc:8200";
  params["vaultNamespace"] = "ns";
  params["vaultCACertPath"] = "/ca";
  params["vaultCADirectory"] = "/cas";
  params["vaultTLSServerName"] = "sni";
  params["vaultTLSClientCertPath"] = "/c";
  params["vaultTLSClientKeyPath"] = "/k";
  params["vaultSkipTLSVerify"] = "T";
  params["vaultAuthMountPath"] = "cluster-a";
  auto p = Parse(params);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p->connection.address, "https://spc:8200");
  EXPECT_EQ(*p->connection.ns, "ns");
  EXPECT_EQ(*p->connection.ca_cert, "/ca");
  EXPECT_EQ(*p->connection.ca_directory, "/cas");
  EXPECT_EQ(*p->connection.server_name, "sni");
  EXPECT_EQ(*p->connection.client_cert, "/c");
  EXPECT_EQ(*p->connection.client_key, "/k");
  EXPECT_TRUE(*p->connection.skip_verify);
  EXPECT_EQ(*p->auth_mount, "cluster-a");
}

TEST(MountParamsTest, KubernetesMountPathAliasAndEmptyValueFallsBack) {
  auto params = Base();
  params["vaultKubernetesMountPath"] = "old-style";
  EXPECT_EQ(*Parse(params)->auth_mount, "old-style");
  params["vaultKubernetesMountPath"] = "";
  EXPECT_EQ(Parse(params)->auth_mount, std::nullopt);
  params["vaultAuthMountPath"] = "x";
  EXPECT_EQ(Parse(params).status().message(), "cannot set both vaultKubernetesMountPath and vaultAuthMountPath");
}

TEST(MountParamsTest, ValidationTextsMatchTheIncumbent) {
  auto params = Base();
  params.erase("roleName");
  EXPECT_EQ(Parse(params).status().message(), "missing 'roleName' in SecretProviderClass definition");
  params = Base();
  params.erase("objects");
  EXPECT_EQ(Parse(params).status().message(), "no secrets configured - the provider will not read any secret material");
  params = Base();
  params["objects"] = "- {objectName: a, secretPath: x}\n- {objectName: b, secretPath: x}\n- {objectName: a, secretPath: y}\n- {objectName: b, secretPath: y}\n";
  EXPECT_EQ(Parse(params).status().message(),
            "each `objectName` within a SecretProviderClass must be unique, but the following keys were duplicated: a, b");
  EXPECT_EQ(ParseMountRequest(Attributes(Base()), "", "", "420").status().message(), "missing target path field");
  params = Base();
  params["vaultSkipTLSVerify"] = "yes";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("strconv.ParseBool: parsing \"yes\": invalid syntax"));
}

TEST(MountParamsTest, AttributesMustBeAJsonObjectOfStrings) {
  EXPECT_FALSE(ParseMountRequest("not json", "", "/t", "420").ok());
  EXPECT_THAT(std::string(ParseMountRequest(R"({"roleName":5})", "", "/t", "420").status().message()), HasSubstr("\"roleName\" is not a string"));
  auto params = Base();
  params["csi.storage.k8s.io/serviceAccount.tokens"] = "{broken";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("failed to unmarshal service account tokens"));
}

TEST(MountParamsTest, PermissionIsADecimalNumber) {
  EXPECT_EQ(Parse(Base(), "384")->default_mode, 0600u);
  EXPECT_EQ(Parse(Base(), "")->default_mode, 0644u);
  EXPECT_THAT(std::string(Parse(Base(), "0644x").status().message()), HasSubstr("failed to parse permission"));
  EXPECT_FALSE(Parse(Base(), "-1").ok());
}

TEST(MountParamsTest, ObjectFieldsAndYamlTypes) {
  auto objects = ParseObjects(R"(
- objectName: cert
  secretPath: pki/issue/web
  method: PUT
  encoding: base64
  filePermission: 0o640
  unknownField: ignored
  secretArgs:
    common_name: "web.example.com"
    ttl: 24h
    exclude_cn_from_sans: true
    port: 0x10
    ratio: 1.5
    nothing: ~
    quoted_number: "10"
    list: [a, 1]
)");
  ASSERT_TRUE(objects.ok()) << objects.status();
  const SecretObject& o = (*objects)[0];
  EXPECT_EQ(o.method, "PUT");
  EXPECT_EQ(o.encoding, "base64");
  EXPECT_EQ(o.file_permission, 0640u);
  EXPECT_EQ(GoJsonEncode(*o.secret_args),
            R"({"common_name":"web.example.com","exclude_cn_from_sans":true,"list":["a",1],"nothing":null,"port":16,"quoted_number":"10","ratio":1.5,"ttl":"24h"})");
}

TEST(MountParamsTest, PlainScalarsResolveAsYamlFloatsWithoutARegex) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"1.5", "1.5"}, {"-2.", "-2.0"}, {".5", "0.5"}, {"+1e3", "1000.0"}, {"1E-2", "0.01"}, {"3", "3"},
      {"1.2.3", "\"1.2.3\""}, {"1e", "\"1e\""}, {".", "\".\""}, {"e3", "\"e3\""}, {"1e+", "\"1e+\""},
      {"--1", "\"--1\""}, {"1.5x", "\"1.5x\""}};
  for (const auto& [text, want] : table) {
    auto objects = ParseObjects("- {objectName: a, secretPath: x, secretArgs: {v: " + text + "}}");
    ASSERT_TRUE(objects.ok()) << text << ": " << objects.status();
    EXPECT_EQ(GoJsonEncode((*objects)[0].secret_args->at("v")), want) << text;
  }
  for (const char* special : {".inf", "-.Inf", "+.INF", ".nan", ".NaN"}) {
    EXPECT_THAT(ParseObjects(std::string("- {objectName: a, secretPath: x, secretArgs: {v: ") + special + "}}")
                    .status().message(), ::testing::HasSubstr("JSON has no infinity or NaN")) << special;
  }
  const std::string huge(100000, '9');
  auto status = ParseObjects("- {objectName: a, secretPath: x, secretArgs: {v: " + huge + "}}").status();
  EXPECT_THAT(status.message(), ::testing::HasSubstr("number out of range"));
  EXPECT_LT(status.message().size(), 300u);
}

TEST(MountParamsTest, SecretArgsAreBoundedInDepthAndExpandedAliases) {
  std::string deep = "- {objectName: a, secretPath: x, secretArgs: {v: ";
  for (int i = 0; i < 70; ++i) deep += "[";
  deep += std::string(70, ']') + "}}";
  EXPECT_THAT(ParseObjects(deep).status().message(), ::testing::HasSubstr("nests deeper than 64 levels"));
  const std::string aliases = R"(
- objectName: a
  secretPath: x
  secretArgs:
    a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
)";
  EXPECT_THAT(ParseObjects(aliases).status().message(), ::testing::HasSubstr("more than 10000 values"));
  // A few aliases within the budget are fine.
  auto ok = ParseObjects("- {objectName: a, secretPath: x, secretArgs: {a: &a [1, 2], b: *a}}");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(GoJsonEncode(*(*ok)[0].secret_args), R"({"a":[1,2],"b":[1,2]})");
}

TEST(MountParamsTest, ReuseLeaseIsABooleanDefaultingToTrue) {
  EXPECT_TRUE(ParseObjects("- {objectName: a, secretPath: x}")->at(0).reuse_lease);
  EXPECT_FALSE(ParseObjects("- {objectName: a, secretPath: x, reuseLease: false}")->at(0).reuse_lease);
  EXPECT_FALSE(ParseObjects("- {objectName: a, secretPath: x, reuseLease: \"no\"}").ok());
}

TEST(MountParamsTest, FilePermissionFollowsYamlIntegerRules) {
  const std::vector<std::pair<std::string, uint32_t>> table = {
      {"0600", 0600}, {"0o600", 0600}, {"420", 420}, {"0x1A4", 0644}, {"0b110100100", 0644}, {"4_20", 420}, {"644", 644}};
  for (const auto& [text, want] : table) {
    auto objects = ParseObjects("- {objectName: a, secretPath: x, filePermission: " + text + "}");
    ASSERT_TRUE(objects.ok()) << text << ": " << objects.status();
    EXPECT_EQ((*objects)[0].file_permission, want) << text;
  }
  for (const std::string& bad : std::vector<std::string>{"\"0600\"", "-1", "rw-r--r--", "1.5"}) {
    auto objects = ParseObjects("- {objectName: a, secretPath: x, filePermission: " + bad + "}");
    EXPECT_FALSE(objects.ok()) << bad;
    EXPECT_THAT(std::string(objects.status().message()), HasSubstr("filePermission")) << bad;
  }
}

TEST(MountParamsTest, ObjectsMustBeAListOfMappings) {
  EXPECT_THAT(std::string(ParseObjects("objectName: a").status().message()), HasSubstr("expected a YAML list"));
  EXPECT_THAT(std::string(ParseObjects("- just-a-string").status().message()), HasSubstr("must be a mapping"));
  EXPECT_THAT(std::string(ParseObjects("- {objectName: [a]}").status().message()), HasSubstr("objectName must be a string"));
  EXPECT_THAT(std::string(ParseObjects("- objectName: a\n bad indent: [").status().message()), HasSubstr("YAML error at line"));
  EXPECT_TRUE(ParseObjects("")->empty());
}

TEST(MountParamsTest, ObjectPathsFollowTheDriversRules) {
  for (const std::string& ok : std::vector<std::string>{"a", "nested/bar", "a..b", "x/..y", ".hidden", "tls.crt"}) {
    EXPECT_TRUE(ValidateObjectPath(ok).ok()) << ok;
  }
  for (const std::string& bad : std::vector<std::string>{"", "/abs", "../x", "a/../b", "..x", "a//b", "a/", "./a", ".", "...x", std::string("a\0b", 3),
                                std::string(256, 'x'), std::string(4097, 'x')}) {
    EXPECT_FALSE(ValidateObjectPath(bad).ok()) << bad;
  }
}

TEST(MountParamsTest, UnsafeObjectsAreRejectedBeforeAnyVaultCall) {
  auto params = Base();
  params["objects"] = "- {objectName: ../../etc/passwd, secretPath: x}";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("invalid objectName \"../../etc/passwd\""));
  params["objects"] = "- {objectName: a, secretPath: \"x\\r\\nX-Evil: 1\"}";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("control character"));
  params["objects"] = "- {objectName: a, secretPath: x, method: \"GET /x HTTP/1.1\"}";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("invalid method"));
  params["objects"] = "- {objectName: a, secretPath: x, encoding: rot13}";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("invalid encoding type. Should be utf-8, base64, or hex"));
  params["objects"] = "- {objectName: a}";
  EXPECT_THAT(std::string(Parse(params).status().message()), HasSubstr("missing secretPath"));
}

TEST(MountParamsTest, ObjectsTextOverTheSizeLimitIsRefusedNamingTheLimit) {
  auto params = Base();
  params["objects"] += "# " + std::string(300 << 10, 'x') + "\n";
  const std::string attributes = Attributes(params);
  auto refused = ParseMountRequest(attributes, "null", "/t", "420");
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_THAT(std::string(refused.status().message()),
              AllOf(HasSubstr("'objects'"), HasSubstr("more than the provider's limit of 256 KiB (-max-objects-bytes)")));
  EXPECT_TRUE(ParseMountRequest(attributes, "null", "/t", "420", ParseOptions{.max_objects_bytes = 0}).ok())
      << "0: no limit";
  EXPECT_TRUE(ParseMountRequest(attributes, "null", "/t", "420", ParseOptions{.max_objects_bytes = 400 << 10}).ok());
}

TEST(MountParamsTest, ObjectsComeFromTheCacheWhenOneIsGiven) {
  ObjectsCache cache(1 << 20);
  const std::string attributes = Attributes(Base());
  for (int i = 0; i < 3; ++i) {
    auto p = ParseMountRequest(attributes, "null", "/t", "420", ParseOptions{.objects_cache = &cache});
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->objects.at(0).secret_path, "secret/data/a");
  }
  EXPECT_EQ(cache.entries(), 1u);
}

}  // namespace
}  // namespace vcp::mount
