// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The templates docs/templates.md shows, rendered against answers shaped
// like Vault's, so that what the documentation promises is what a user gets.
// (The YAML block scalar `|` around each template in the docs keeps its text
// as written, with a final newline.)
#include <gmock/gmock.h>

#include "test_helpers.h"

namespace vcp::tmpl {
namespace {

using testing::Envelope;
using testing::Render;

const std::string kDatabase = Envelope(R"({"username":"v-app-x1","password":"p@ss/w&rd"})");
const std::string kKvApp = Envelope(
    R"({"data":{"api_key":"k-1","db_user":"app","db_password":"pa\"ss","cert":"-----BEGIN-----\nMIIB\n-----END-----\n",
       "timeout":null},"metadata":{"version":3}})");
const std::string kPki = Envelope(
    R"({"certificate":"CERT","private_key":"KEY","issuing_ca":"CA","ca_chain":["INT","ROOT"],"serial_number":"01"})");

std::string RenderOk(std::string_view text, const std::vector<std::string>& responses) {
  absl::StatusOr<std::string> got = Render(text, responses);
  EXPECT_TRUE(got.ok()) << got.status();
  return got.value_or("");
}

TEST(RecipesTest, IssueExample) {
  EXPECT_EQ(RenderOk("{{- with secret \"database/creds/app\" }}\n"
                     "DB_USER={{ .Data.username }}\n"
                     "DB_PASSWORD={{ .Data.password }}\n"
                     "{{- end }}\n"
                     "{{ with secret \"secret/data/api\" }}API_KEY={{ .Data.data.key }}{{ end }}\n",
                     {kDatabase, Envelope(R"({"data":{"key":"abc"}})")}),
            "\nDB_USER=v-app-x1\nDB_PASSWORD=p@ss/w&rd\nAPI_KEY=abc\n");
}

TEST(RecipesTest, PgPass) {
  EXPECT_EQ(RenderOk("{{- with secret \"database/creds/app\" -}}\n"
                     "db.example.com:5432:app:{{ .Data.username }}:{{ .Data.password }}\n"
                     "{{ end -}}\n",
                     {kDatabase}),
            "db.example.com:5432:app:v-app-x1:p@ss/w&rd\n");
}

TEST(RecipesTest, JdbcUrl) {
  EXPECT_EQ(RenderOk("{{- with secret \"database/creds/app\" -}}\n"
                     "jdbc:postgresql://db.example.com:5432/app?user={{ .Data.username | urlquery }}"
                     "&password={{ .Data.password | urlquery }}\n"
                     "{{- end }}\n",
                     {kDatabase}),
            "jdbc:postgresql://db.example.com:5432/app?user=v-app-x1&password=p%40ss%2Fw%26rd\n");
}

TEST(RecipesTest, DotEnv) {
  EXPECT_EQ(RenderOk("{{- with secret \"secret/data/app\" -}}\n"
                     "{{ range $k, $v := .Data.data -}}\n"
                     "{{ $k | toUpper }}={{ $v | quote }}\n"
                     "{{ end -}}\n"
                     "{{ end -}}\n",
                     {Envelope(R"({"data":{"b":"two words","a":"x\"y\nz"}})")}),
            "A=\"x\\\"y\\nz\"\nB=\"two words\"\n");
}

TEST(RecipesTest, ApplicationProperties) {
  EXPECT_EQ(RenderOk("{{- with secret \"database/creds/app\" -}}\n"
                     "spring.datasource.url=jdbc:postgresql://db.example.com:5432/app\n"
                     "spring.datasource.username={{ .Data.username }}\n"
                     "spring.datasource.password={{ .Data.password }}\n"
                     "{{ end -}}\n"
                     "{{- with secret \"secret/data/app\" -}}\n"
                     "app.api-key={{ .Data.data.api_key }}\n"
                     "app.timeout={{ .Data.data.timeout | default \"30s\" }}\n"
                     "{{ end -}}\n",
                     {kDatabase, kKvApp}),
            "spring.datasource.url=jdbc:postgresql://db.example.com:5432/app\n"
            "spring.datasource.username=v-app-x1\nspring.datasource.password=p@ss/w&rd\n"
            "app.api-key=k-1\napp.timeout=30s\n");
}

TEST(RecipesTest, PemBundleWithChainFromOneIssuance) {
  absl::StatusOr<Template> bundle = Template::Parse(
      "{{- with secret \"pki/issue/web\" \"common_name=web.example.com\" \"ttl=24h\" -}}\n"
      "{{ .Data.certificate }}\n"
      "{{ range .Data.ca_chain }}{{ . }}\n"
      "{{ end }}{{ .Data.private_key }}\n"
      "{{ end -}}\n");
  absl::StatusOr<Template> ca = Template::Parse(
      "{{- with secret \"pki/issue/web\" \"common_name=web.example.com\" \"ttl=24h\" -}}\n"
      "{{ .Data.issuing_ca }}\n"
      "{{ end -}}\n");
  ASSERT_TRUE(bundle.ok() && ca.ok());
  EXPECT_EQ(bundle->secret_calls(), ca->secret_calls()) << "one call: the provider issues once for both files";
  const nlohmann::json pki = testing::VaultJson(kPki);
  EXPECT_EQ(bundle->Execute({&pki}).value_or("error"), "CERT\nINT\nROOT\nKEY\n");
  EXPECT_EQ(ca->Execute({&pki}).value_or("error"), "CA\n");
  const nlohmann::json no_chain = testing::VaultJson(Envelope(R"({"certificate":"C","private_key":"K"})"));
  EXPECT_EQ(bundle->Execute({&no_chain}).value_or("error"), "C\nK\n");
}

TEST(RecipesTest, JsonConfiguration) {
  EXPECT_EQ(RenderOk("{{- with secret \"secret/data/app\" -}}\n{{ .Data.data | toJSONPretty }}\n{{ end -}}\n",
                     {Envelope(R"({"data":{"url":"https://x?a=1&b=2","port":8443}})")}),
            "{\n  \"port\": 8443,\n  \"url\": \"https://x?a=1\\u0026b=2\"\n}\n");
  EXPECT_EQ(RenderOk("{{- with secret \"database/creds/app\" -}}\n"
                     "{\"host\": \"db.example.com\", \"user\": {{ .Data.username | toJSON }}, "
                     "\"password\": {{ .Data.password | toJSON }}}\n"
                     "{{ end -}}\n",
                     {kDatabase}),
            "{\"host\": \"db.example.com\", \"user\": \"v-app-x1\", \"password\": \"p@ss/w\\u0026rd\"}\n");
}

TEST(RecipesTest, YamlConfiguration) {
  EXPECT_EQ(RenderOk("{{- with secret \"secret/data/app\" -}}\n"
                     "database:\n"
                     "  user: {{ .Data.data.db_user | quote }}\n"
                     "  password: {{ .Data.data.db_password | quote }}\n"
                     "tls:\n"
                     "  cert: |{{ .Data.data.cert | nindent 4 }}\n"
                     "{{- end }}\n",
                     {kKvApp}),
            "database:\n  user: \"app\"\n  password: \"pa\\\"ss\"\ntls:\n  cert: |\n    -----BEGIN-----\n    MIIB\n"
            "    -----END-----\n    \n");
}

TEST(RecipesTest, InjectorDefaultTemplates) {
  EXPECT_EQ(RenderOk("{{ with secret \"database/creds/app\" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n"
                     "{{ end }}{{ end }}\n",
                     {Envelope(R"({"username":"u","ttl":3600,"nested":{"b":1,"a":[1,2]}})")}),
            "nested: map[a:[1 2] b:1]\nttl: 3600\nusername: u\n\n");
  EXPECT_EQ(RenderOk("{{ with secret \"database/creds/app\" }}{{ .Data | toJSON }}\n{{ end }}\n", {kDatabase}),
            "{\"password\":\"p@ss/w\\u0026rd\",\"username\":\"v-app-x1\"}\n\n");
  EXPECT_EQ(RenderOk("{{ with secret \"database/creds/app\" }}{{ range $k, $v := .Data }}{{ if ne $v nil }}{{ $k }}: "
                     "{{ $v }}\n{{ end }}{{ end }}{{ end }}\n",
                     {Envelope(R"({"a":"1","b":null})")}),
            "a: 1\n\n");
}

}  // namespace
}  // namespace vcp::tmpl
