// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end, issue #12 through the real socket: objects rendered from
// Vault Agent templates, their reads planned with the Mount's other reads,
// their errors, and their versions under rotation.
#include <gmock/gmock.h>

#include <regex>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class TemplateE2eTest : public E2eTest {};

TEST_F(TemplateE2eTest, OneFileFromAKvSecretAndDatabaseCredentials) {
  StartProvider();
  auto out = Send(Mount(R"(
- objectName: config/db.env
  filePermission: 0640
  template: |
    {{- with secret "database/creds/app" }}
    DB_USER={{ .Data.username }}
    DB_PASSWORD={{ .Data.password }}
    {{- end }}
    {{ with secret "secret/data/app" }}API_USER={{ .Data.data.username }}{{ end }}
- {objectName: db-user, secretPath: database/creds/app, secretKey: username}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  const std::string env = out.File("config/db.env");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(env, match,
                               std::regex("\nDB_USER=(v-kubernetes-app-[^\n]+)\nDB_PASSWORD=A1a-[^\n]+\nAPI_USER=app-user\n")))
      << env;
  EXPECT_EQ(out.File("db-user"), match[1].str()) << "the template and the object share one credential";
  EXPECT_EQ(vault_->Count("lease:new"), 1);
  EXPECT_EQ(out.Mode("config/db.env"), 0640);
  EXPECT_EQ(out.Version("config/db.env").size(), 44u);
  ASSERT_EQ(out.response.object_version_size(), 2);
}

TEST_F(TemplateE2eTest, APkiBundleAndItsKeyComeFromOneIssuance) {
  StartProvider();
  auto out = Send(Mount(R"(
- objectName: tls/bundle.pem
  filePermission: 0400
  template: |
    {{- with secret "pki/issue/example-dot-com" "common_name=web.example.com" "ttl=24h" -}}
    {{ .Data.certificate }}
    {{ range .Data.ca_chain }}{{ . }}
    {{ end }}{{ .Data.private_key }}
    {{ end -}}
- objectName: tls/tls.key
  template: '{{ with secret "pki/issue/example-dot-com" "ttl = 24h" "common_name=web.example.com" }}{{ .Data.private_key }}{{ end }}'
- objectName: tls/tls.crt
  secretPath: pki/issue/example-dot-com
  method: PUT
  secretArgs: {common_name: web.example.com, ttl: 24h}
  secretKey: certificate
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(vault_->Count("pki:issue"), 1) << "one PUT for both templates and the secretPath object";
  const std::string bundle = out.File("tls/bundle.pem");
  const std::string key = out.File("tls/tls.key");
  const std::string cert = out.File("tls/tls.crt");
  EXPECT_EQ(CertificateCommonName(bundle), "web.example.com");
  EXPECT_TRUE(PrivateKeyMatchesCertificate(bundle, key)) << "the bundle's certificate and the key file match";
  EXPECT_TRUE(PrivateKeyMatchesCertificate(cert, key));
  EXPECT_EQ(bundle.rfind(cert, 0), 0u) << "the bundle starts with the same certificate";
  EXPECT_THAT(bundle, HasSubstr(vault_->PkiCaPem()));
  EXPECT_THAT(bundle, HasSubstr(key));
  EXPECT_EQ(out.Mode("tls/bundle.pem"), 0400);
}

TEST_F(TemplateE2eTest, AMissingKeyNamesTheObjectThePositionAndTheKeyButNoValue) {
  StartProvider();
  auto out = Send(Mount(R"(
- objectName: app.env
  template: |
    {{ with secret "secret/data/app" }}user={{ .Data.data.username }}
    pass={{ .Data.data.passwrod }}{{ end }}
)"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(out.status.error_message(),
            "couldn't render \"app.env\" from its template: template: 2:9: map has no entry for key \"passwrod\"");
  EXPECT_EQ(out.response.files_size(), 0);
  // A read that fails names the object and the call's path.
  auto missing = Send(Mount(R"(
- {objectName: a, template: '{{ with secret "secret/data/nope" }}{{ .Data.data.x }}{{ end }}'}
)"));
  EXPECT_EQ(missing.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(missing.status.error_message(),
              HasSubstr("couldn't read secret \"a\" from Vault path \"secret/data/nope\": "));
}

TEST_F(TemplateE2eTest, ARefusedFunctionFailsValidationBeforeAnyVaultCall) {
  StartProvider();
  auto out = Send(Mount(R"(
- objectName: leak
  template: |
    {{ with secret "secret/data/app" }}{{ .Data.data.username }}{{ end }}
    {{ env "VAULT_TOKEN" }}
)"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("objects[0] (objectName \"leak\"): template: 2:4: function \"env\" is refused"),
                    HasSubstr("reads the provider's environment")));
  auto dynamic = Send(Mount("- {objectName: dyn, template: '{{ $p := \"kv/app\" }}{{ with secret $p }}{{ end }}'}"));
  EXPECT_EQ(dynamic.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(dynamic.status.error_message(),
              HasSubstr("objects[0] (objectName \"dyn\"): template: 1:36: argument 1 of secret must be a string "
                        "literal"));
  auto both = Send(Mount("- {objectName: b, secretPath: kv/app, template: 'x'}"));
  EXPECT_THAT(both.status.error_message(), HasSubstr("template cannot be combined with secretPath"));
  EXPECT_EQ(vault_->Count("login"), 0);
  EXPECT_EQ(vault_->Count("total"), 0);
}

TEST_F(TemplateE2eTest, RotationRewritesATemplatedFileExactlyWhenOneOfItsSecretsChanges) {
  StartProvider();
  WriteKv2("secret/data/tmpl-rotating", {{"password", "first"}});
  const auto mount = Mount(R"(
- objectName: app.properties
  template: |
    {{- with secret "secret/data/tmpl-rotating" -}}
    password={{ .Data.data.password }}
    {{ end -}}
    {{- with secret "kv/app" -}}
    api.key={{ index .Data "api-key" }}
    {{ end -}}
- {objectName: static, template: 'unchanged'}
)");
  auto first = Send(mount);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.File("app.properties"), "password=first\napi.key=kv1-api-key-value\n");
  auto again = Send(mount);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.File("app.properties"), first.File("app.properties"));
  EXPECT_EQ(again.Version("app.properties"), first.Version("app.properties")) << "nothing changed";
  WriteKv2("secret/data/tmpl-rotating", {{"password", "second"}});
  auto rotated = Send(mount);
  ASSERT_TRUE(rotated.status.ok());
  EXPECT_EQ(rotated.File("app.properties"), "password=second\napi.key=kv1-api-key-value\n");
  EXPECT_NE(rotated.Version("app.properties"), first.Version("app.properties"));
  EXPECT_EQ(rotated.Version("static"), first.Version("static"));
  // The same bytes from a changed template are a new version too.
  auto edited = Mount(R"(
- objectName: app.properties
  template: |
    {{- with secret "secret/data/tmpl-rotating" -}}
    password={{ .Data.data.password }}
    {{ end -}}
    {{- with secret "kv/app" }}api.key={{ index .Data "api-key" }}
    {{ end -}}
)");
  auto same_bytes = Send(edited);
  ASSERT_TRUE(same_bytes.status.ok()) << same_bytes.status.error_message();
  EXPECT_EQ(same_bytes.File("app.properties"), rotated.File("app.properties"));
  EXPECT_NE(same_bytes.Version("app.properties"), rotated.Version("app.properties"));
}

TEST_F(TemplateE2eTest, NumbersPrintAsVaultSpelledThem) {
  StartProvider();
  vault_->AddFault({"GET", "/v1/secret/data/numbers", 200,
                    R"({"request_id":"n1","lease_id":"","renewable":false,"lease_duration":0,)"
                    R"("data":{"data":{"price":1.50,"id":12345678901234567890123},"metadata":{"version":1}}})",
                    {}, {}, -1});
  auto out = Send(Mount(R"(
- objectName: n
  template: '{{ with secret "secret/data/numbers" }}{{ .Data.data.price }} {{ .Data.data.id }} {{ .Data.data | toJSON }}{{ end }}'
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("n"), R"(1.50 12345678901234567890123 {"id":12345678901234567890123,"price":1.50})");
}

}  // namespace
}  // namespace vcp::testing
