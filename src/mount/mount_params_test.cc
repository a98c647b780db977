// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mount_params.h"

#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
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


// --- issue #13: output, per-object vaultNamespace, OpenBao's spellings, every problem ---

TEST(MountParamsTest, OutputNamesAShapeAndDefaultsBySecretKey) {
  auto objects = ParseObjects(R"(
- {objectName: a, secretPath: x}
- {objectName: b, secretPath: x, secretKey: k}
- {objectName: c, secretPath: x, output: data}
- {objectName: d, secretPath: x, output: files}
- {objectName: e, secretPath: x, output: dotenv}
- {objectName: f, secretPath: x, output: yaml, secretKey: nested}
- {objectName: g, secretPath: x, output: value, secretKey: k}
- {objectName: h, secretPath: x, output: envelope}
)");
  ASSERT_TRUE(objects.ok()) << objects.status();
  const std::vector<OutputShape> want = {OutputShape::kEnvelope, OutputShape::kValue, OutputShape::kData,
                                         OutputShape::kFiles,    OutputShape::kDotenv, OutputShape::kYaml,
                                         OutputShape::kValue,    OutputShape::kEnvelope};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ((*objects)[i].EffectiveOutput(), want[i]) << i;
  EXPECT_FALSE((*objects)[0].output.has_value()) << "absent stays absent: the version does not change";
  EXPECT_FALSE((*objects)[1].output.has_value());
  EXPECT_EQ((*objects)[7].output, OutputShape::kEnvelope);
  for (OutputShape shape : want) EXPECT_EQ(ParseOutputShape(OutputShapeName(shape)).value(), shape);
}

TEST(MountParamsTest, OutputProblemsNameTheObject) {
  auto params = Base();
  params["objects"] = "- {objectName: a, secretPath: x, output: Files}";
  EXPECT_EQ(Parse(params).status().message(),
            "objects[0] (objectName \"a\"): invalid output \"Files\": use envelope, value, data, files, dotenv or yaml");
  params["objects"] = "- {objectName: a, secretPath: x, output: [files]}";
  EXPECT_EQ(Parse(params).status().message(), "objects[0]: field output must be a string");
  params["objects"] = "- {objectName: env, secretPath: x, secretKey: k, output: envelope}";
  EXPECT_EQ(Parse(params).status().message(),
            "objects[0] (objectName \"env\"): output: envelope writes the whole Vault response and cannot be combined "
            "with secretKey \"k\"; remove one of them (with a secretKey the default is output: value)");
  params["objects"] = "- {objectName: d, secretPath: x, output: dotenv, encoding: base64}";
  EXPECT_EQ(Parse(params).status().message(),
            "objects[0] (objectName \"d\"): encoding \"base64\" applies to output: value and output: files, not "
            "output: dotenv (which writes the values as Vault holds them)");
  // Today's classes keep working: encoding beside the whole envelope is ignored, as the incumbent does.
  params["objects"] = "- {objectName: e, secretPath: x, encoding: base64}\n"
                      "- {objectName: f, secretPath: x, output: files, encoding: hex}\n"
                      "- {objectName: g, secretPath: x, output: yaml, encoding: UTF-8}";
  EXPECT_TRUE(Parse(params).ok()) << Parse(params).status();
}

TEST(MountParamsTest, AFilesDirectoryCannotHoldAnotherObject) {
  auto params = Base();
  params["objects"] = "- {objectName: conf, secretPath: x, output: files}\n"
                      "- {objectName: conf/extra, secretPath: y, secretKey: k}\n"
                      "- {objectName: confx, secretPath: y, secretKey: k}";
  EXPECT_EQ(Parse(params).status().message(),
            "objects[1] (objectName \"conf/extra\"): objectName \"conf/extra\" is inside objects[0] (objectName "
            "\"conf\"), whose output: files writes a file per key of its secret there");
}

TEST(MountParamsTest, AnObjectMayNameItsOwnVaultNamespace) {
  auto objects = ParseObjects(R"(
- {objectName: a, secretPath: x}
- {objectName: b, secretPath: x, vaultNamespace: team-a/child}
- {objectName: c, secretPath: x, baoNamespace: ns-b}
- {objectName: d, secretPath: x, openbaoNamespace: ns-c, vaultNamespace: ns-c}
)");
  ASSERT_TRUE(objects.ok()) << objects.status();
  EXPECT_EQ((*objects)[0].vault_namespace, "");
  EXPECT_EQ((*objects)[1].vault_namespace, "team-a/child");
  EXPECT_EQ((*objects)[2].vault_namespace, "ns-b");
  EXPECT_EQ((*objects)[3].vault_namespace, "ns-c");
  EXPECT_EQ(ParseObjects("- {objectName: a, secretPath: x, vaultNamespace: x, baoNamespace: y}").status().message(),
            "objects[0] (objectName \"a\"): vaultNamespace and baoNamespace are two spellings of one setting, set "
            "to different values (\"x\" and \"y\"): keep one");
  auto params = Base();
  params["objects"] = "- {objectName: a, secretPath: x, vaultNamespace: \"ns\\r\\nX-Vault-Token: t\"}";
  EXPECT_EQ(Parse(params).status().message(),
            "objects[0] (objectName \"a\"): invalid vaultNamespace \"ns\\r\\nX-Vault-Token: t\": contains a control "
            "character");
}

TEST(MountParamsTest, TheClassNamespaceCannotCarryAHeaderInjection) {
  auto params = Base();
  params["vaultNamespace"] = "team-a\r\nX-Evil: 1";
  EXPECT_EQ(Parse(params).status().message(), "invalid vaultNamespace \"team-a\\r\\nX-Evil: 1\": contains a control character");
  params.erase("vaultNamespace");
  params["baoNamespace"] = std::string("a\0b", 3);
  EXPECT_EQ(Parse(params).status().message(), "invalid baoNamespace \"a\\u0000b\": contains a control character");
  params["baoNamespace"] = "team-a/child/";
  EXPECT_EQ(*Parse(params)->connection.ns, "team-a/child/");
}

TEST(MountParamsTest, OpenBaosSpellingsOfEveryParameter) {
  const std::vector<std::string> settings = {"Address",          "Namespace",          "CACertPath",
                                             "CADirectory",      "TLSServerName",      "TLSClientCertPath",
                                             "TLSClientKeyPath", "SkipTLSVerify",      "AuthMountPath",
                                             "KubernetesMountPath"};
  for (const std::string prefix : {"bao", "openbao"}) {
    for (const std::string& setting : settings) {
      SCOPED_TRACE(prefix + setting);
      auto vault = Base();
      auto bao = Base();
      const std::string value = setting == "SkipTLSVerify" ? "true" : "value-of-" + setting;
      vault["vault" + setting] = value;
      bao[prefix + setting] = value;
      auto from_vault = Parse(vault);
      auto from_bao = Parse(bao);
      ASSERT_TRUE(from_vault.ok()) << from_vault.status();
      ASSERT_TRUE(from_bao.ok()) << from_bao.status();
      const vault::ConnectionOverrides& a = from_vault->connection;
      const vault::ConnectionOverrides& b = from_bao->connection;
      EXPECT_EQ(a.address, b.address);
      EXPECT_EQ(a.ns, b.ns);
      EXPECT_EQ(a.ca_cert, b.ca_cert);
      EXPECT_EQ(a.ca_directory, b.ca_directory);
      EXPECT_EQ(a.server_name, b.server_name);
      EXPECT_EQ(a.client_cert, b.client_cert);
      EXPECT_EQ(a.client_key, b.client_key);
      EXPECT_EQ(a.skip_verify, b.skip_verify);
      EXPECT_EQ(from_vault->auth_mount, from_bao->auth_mount);
      // All three spellings with one value are fine; a different value is an error naming both.
      auto all = vault;
      all["bao" + setting] = value;
      all["openbao" + setting] = value;
      EXPECT_TRUE(Parse(all).ok()) << Parse(all).status();
      auto conflict = vault;
      conflict[prefix + setting] = setting == "SkipTLSVerify" ? "false" : "other";
      EXPECT_THAT(std::string(Parse(conflict).status().message()),
                  AllOf(HasSubstr("vault" + setting + " and " + prefix + setting + " are two spellings of one setting"),
                        HasSubstr("keep one")));
    }
  }
}

TEST(MountParamsTest, OpenBaosSpellingsInMessagesAndRoleName) {
  for (const std::string name : {"vaultRoleName", "baoRoleName", "openbaoRoleName"}) {
    auto params = Base();
    params.erase("roleName");
    params[name] = "from-" + name;
    EXPECT_EQ(Parse(params)->role_name, "from-" + name);
  }
  auto params = Base();
  params["baoRoleName"] = "other";
  EXPECT_EQ(Parse(params).status().message(),
            "roleName and baoRoleName are two spellings of one setting, set to different values (\"app\" and "
            "\"other\"): keep one");
  params = Base();
  params["baoKubernetesMountPath"] = "a";
  params["openbaoAuthMountPath"] = "b";
  EXPECT_EQ(Parse(params).status().message(), "cannot set both baoKubernetesMountPath and openbaoAuthMountPath");
  params = Base();
  params["openbaoSkipTLSVerify"] = "maybe";
  EXPECT_EQ(Parse(params).status().message(),
            "failed to parse openbaoSkipTLSVerify: strconv.ParseBool: parsing \"maybe\": invalid syntax (use \"true\" "
            "or \"false\")");
}

TEST(MountParamsTest, CheckClassParametersListsEveryProblemFirstAsTheDaemonSaysIt) {
  const std::map<std::string, std::string> parameters = {
      {"vaultSkipTLSVerify", "yes"},
      {"vaultAddress", "https://a"},
      {"baoAddress", "https://b"},
      {"objects", R"(
- {objectName: ../up, secretPath: "", method: "GE T", encoding: rot13}
- {objectName: [x], secretPath: ok, filePermission: "0600", output: nope}
- just-a-string
- {objectName: fine, secretPath: secret/data/x, secretKey: k}
- {objectName: env, secretPath: x, secretKey: k, output: envelope, vaultNamespace: "a\nb"}
)"}};
  const std::vector<ClassProblem> problems = CheckClassParameters(parameters);
  std::vector<std::string> lines;
  for (const ClassProblem& p : problems) {
    lines.push_back(absl::StrCat(p.object.has_value() ? absl::StrCat(*p.object) : "-", " ", p.field, ": ", p.Message()));
  }
  EXPECT_THAT(lines, ::testing::ElementsAre(
      "- vaultAddress, baoAddress: vaultAddress and baoAddress are two spellings of one setting, set to different "
      "values (\"https://a\" and \"https://b\"): keep one",
      "- vaultSkipTLSVerify: failed to parse vaultSkipTLSVerify: strconv.ParseBool: parsing \"yes\": invalid syntax "
      "(use \"true\" or \"false\")",
      "1 objectName: objects[1]: field objectName must be a string",
      "1 filePermission: objects[1]: invalid filePermission \"0600\"; write it as a YAML integer, e.g. 0600 (octal) "
      "or 384 (decimal), without quotes",
      "1 output: objects[1]: invalid output \"nope\": use envelope, value, data, files, dotenv or yaml",
      "2 objects: objects[2]: each object must be a mapping with objectName, secretPath, ..., got a scalar",
      "- roleName: missing 'roleName' in SecretProviderClass definition",
      "0 objectName: objects[0] (objectName \"../up\"): invalid objectName \"../up\": must not contain '..'",
      "0 secretPath: objects[0] (objectName \"../up\"): missing secretPath (the Vault path to read, e.g. "
      "secret/data/my-app for KV v2)",
      "0 method: objects[0] (objectName \"../up\"): invalid method \"GE T\" (use GET, PUT or POST)",
      "0 encoding: objects[0] (objectName \"../up\"): invalid encoding type. Should be utf-8, base64, or hex",
      "1 objectName: objects[1] (objectName \"\"): invalid objectName \"\": it is empty; every object needs a file "
      "name",
      "4 output: objects[4] (objectName \"env\"): output: envelope writes the whole Vault response and cannot be "
      "combined with secretKey \"k\"; remove one of them (with a secretKey the default is output: value)",
      "4 vaultNamespace: objects[4] (objectName \"env\"): invalid vaultNamespace \"a\\nb\": contains a control "
      "character"));
  // The daemon reports the first.
  auto attributes = parameters;
  attributes["roleName"] = "app";
  EXPECT_EQ(ParseMountRequest(Attributes(attributes), "null", "/t", "420").status().message(),
            CheckClassParameters(attributes).front().Message());
  EXPECT_TRUE(CheckClassParameters(Base()).empty());
}

// A class whose objects are `yaml`, for the template tests.
std::map<std::string, std::string> WithObjects(const std::string& yaml) {
  return {{"roleName", "app"}, {"objects", yaml}};
}

// Every problem CheckClassParameters finds in `yaml`, as the daemon's messages.
std::vector<std::string> Problems(const std::string& yaml) {
  std::vector<std::string> messages;
  for (const ClassProblem& p : CheckClassParameters(WithObjects(yaml))) messages.push_back(p.Message());
  return messages;
}

TEST(MountParamsTest, ATemplateIsParsedWithTheObjects) {
  auto params = Parse(WithObjects(R"(
- objectName: config/db.env
  filePermission: 0640
  vaultNamespace: team-a
  reuseLease: false
  template: |
    {{- with secret "database/creds/app" }}
    DB_USER={{ .Data.username }}
    {{- end }}
    {{ with secret "pki/issue/web" "common_name=web.example.com" "ttl=24h" }}{{ .Data.certificate }}{{ end }}
- {objectName: plain, secretPath: kv/x}
)"));
  ASSERT_TRUE(params.ok()) << params.status();
  const SecretObject& object = params->objects[0];
  ASSERT_TRUE(object.IsTemplated());
  EXPECT_THAT(object.template_text, HasSubstr("DB_USER="));
  EXPECT_EQ(object.file_permission, 0640u);
  EXPECT_EQ(object.vault_namespace, "team-a");
  EXPECT_FALSE(object.reuse_lease);
  EXPECT_TRUE(object.secret_path.empty());
  const auto& calls = object.parsed_template->secret_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].path, "database/creds/app");
  EXPECT_EQ(calls[1].args, (std::vector<std::pair<std::string, std::string>>{{"common_name", "web.example.com"},
                                                                                {"ttl", "24h"}}));
  EXPECT_EQ(object.parsed_template->limits().max_template_bytes, 64u << 10);
  EXPECT_EQ(object.parsed_template->limits().max_output_bytes, 1u << 20);
  EXPECT_FALSE(params->objects[1].IsTemplated());
}

TEST(MountParamsTest, ATemplateWithFieldsOfASecretPathObjectIsAProblemNamingThem) {
  EXPECT_THAT(Problems(R"(
- objectName: a
  template: '{{ with secret "kv/x" }}{{ .Data.k }}{{ end }}'
  secretPath: kv/x
  secretKey: k
  method: PUT
  secretArgs: {a: b}
  encoding: base64
  output: data
)"),
              ::testing::ElementsAre(
                  "objects[0] (objectName \"a\"): template cannot be combined with secretPath, secretKey, method, "
                  "secretArgs, encoding, output: a templated object names its secrets inside the template "
                  "({{ with secret \"PATH\" }}...{{ end }}) and writes what it renders"));
  EXPECT_THAT(Problems("- {objectName: a, template: 'x', encoding: hex}"),
              ::testing::ElementsAre(HasSubstr("template cannot be combined with encoding:")));
}

TEST(MountParamsTest, TemplateErrorsNameTheObjectAndThePosition) {
  EXPECT_THAT(Problems("- objectName: env\n  template: |\n    ok\n    {{ env \"HOME\" }}\n"),
              ::testing::ElementsAre(AllOf(HasSubstr("objects[0] (objectName \"env\"): template: 2:4: function "
                                                     "\"env\" is refused"))));
  EXPECT_THAT(Problems("- objectName: dyn\n  template: '{{ $p := \"kv/x\" }}{{ secret $p }}'\n"),
              ::testing::ElementsAre(
                  AllOf(HasSubstr("objects[0] (objectName \"dyn\"): template: 1:"),
                        HasSubstr("argument 1 of secret must be a string literal, not $p"))));
  EXPECT_THAT(Problems("- {objectName: nope, template: '{{ nosuch 1 }}'}"),
              ::testing::ElementsAre(HasSubstr("objects[0] (objectName \"nope\"): template: 1:4: function \"nosuch\" "
                                               "not defined")));
  EXPECT_THAT(Problems("- objectName: list\n  template: [a]\n"),
              ::testing::ElementsAre("objects[0]: field template must be a string"));
  const std::string big = absl::StrCat("- objectName: big\n  template: '", std::string((64 << 10) + 1, 'x'), "'\n");
  ParseOptions unlimited;
  unlimited.max_objects_bytes = 0;
  const auto problems = CheckClassParameters(WithObjects(big), unlimited);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].Message(), HasSubstr("objects[0] (objectName \"big\"): template: the template is 65537 bytes; the limit is 64 KiB"));
}

TEST(MountParamsTest, SecretPathsInATemplateFollowTheSecretPathRules) {
  EXPECT_THAT(Problems(R"(
- objectName: a
  template: |
    {{ with secret "secret/data/ok" }}{{ end }}
    {{ with secret "secret/../sys/raw" }}{{ end }}
    {{ with secret "kv/x?token=CANARY%zz" }}{{ end }}
    {{ with secret "kv/\nx" }}{{ end }}
)"),
              ::testing::ElementsAre(
                  HasSubstr("objects[0] (objectName \"a\"): template: 2:9: secret \"secret/../sys/raw\": "),
                  AllOf(HasSubstr("objects[0] (objectName \"a\"): template: 3:9: secret \"kv/x\" (query not shown): "),
                        ::testing::Not(HasSubstr("CANARY"))),
                  "objects[0] (objectName \"a\"): template: 4:9: secret path contains a control character"));
}

TEST(MountParamsTest, ATemplateWithoutSecretsOrEmptyIsAStaticFile) {
  auto params = Parse(WithObjects("- {objectName: a, template: ''}\n- {objectName: b, template: 'static'}\n"));
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_TRUE(params->objects[0].IsTemplated());
  EXPECT_TRUE(params->objects[0].parsed_template->secret_calls().empty());
  EXPECT_TRUE(params->objects[1].IsTemplated());
}

TEST(MountParamsTest, TheObjectsCacheKeepsTemplatesParsed) {
  ObjectsCache cache(4 << 20);
  const std::string objects = "- {objectName: a, template: '{{ with secret \"kv/x\" }}{{ .Data.k }}{{ end }}'}\n";
  ParseOptions options;
  options.objects_cache = &cache;
  auto attributes = Base();
  attributes["objects"] = objects;
  auto first = ParseMountRequest(Attributes(attributes), "null", "/t", "420", options);
  auto second = ParseMountRequest(Attributes(attributes), "null", "/t", "420", options);
  ASSERT_TRUE(first.ok() && second.ok()) << first.status();
  EXPECT_EQ(cache.entries(), 1u);
  ASSERT_TRUE(second->objects[0].IsTemplated());
  EXPECT_EQ(second->objects[0].parsed_template->secret_calls()[0].path, "kv/x");
  // A refused function is never cached, and fails every time.
  attributes["objects"] = "- {objectName: a, template: '{{ file \"/etc/passwd\" }}'}\n";
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(ParseMountRequest(Attributes(attributes), "null", "/t", "420", options).status().message(),
                HasSubstr("function \"file\" is refused"));
  }
  EXPECT_EQ(cache.entries(), 1u);
}

}  // namespace
}  // namespace vcp::mount
