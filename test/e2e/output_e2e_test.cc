// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end, issue #13 through the real socket: numbers as Vault spelled
// them, the single-file output shapes (data, dotenv, yaml) and OpenBao's
// names for parameters and environment variables.
#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class OutputE2eTest : public E2eTest {};

// A KV v2 read whose numbers a re-printing parser would change.
constexpr char kNumbers[] =
    R"({"request_id":"n1","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{)"
    R"("price":1.50,"limit":1e3,"zero":-0,"id":12345678901234567890123,"user":"app","nested":{"ratio":0.10}},)"
    R"("metadata":{"version":4}},"wrap_info":null,"warnings":null,"auth":null})";

TEST_F(OutputE2eTest, NumbersKeepTheTextVaultGaveThem) {
  StartProvider();
  vault_->AddFault({"GET", "/v1/secret/data/numbers", 200, kNumbers, {}, {}, -1});
  const auto mount = Mount(R"(
- {objectName: price, secretPath: secret/data/numbers, secretKey: price}
- {objectName: limit, secretPath: secret/data/numbers, secretKey: limit}
- {objectName: zero, secretPath: secret/data/numbers, secretKey: zero}
- {objectName: id, secretPath: secret/data/numbers, secretKey: id}
- {objectName: nested, secretPath: secret/data/numbers, secretKey: nested}
- {objectName: whole, secretPath: secret/data/numbers}
)");
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("price"), "1.50");
  EXPECT_EQ(out.File("limit"), "1e3");
  EXPECT_EQ(out.File("zero"), "-0");
  EXPECT_EQ(out.File("id"), "12345678901234567890123");
  EXPECT_EQ(out.File("nested"), R"({"ratio":0.10})");
  EXPECT_EQ(out.File("whole"),
            R"({"request_id":"n1","lease_id":"","lease_duration":0,"renewable":false,"data":{"data":{)"
            R"("id":12345678901234567890123,"limit":1e3,"nested":{"ratio":0.10},"price":1.50,"user":"app","zero":-0},)"
            R"("metadata":{"version":4}},"warnings":null})");
  auto again = Send(mount);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.Version("price"), out.Version("price"));
}

TEST_F(OutputE2eTest, DataDotenvAndYamlShapesAreWritten) {
  StartProvider();
  vault_->AddFault({"GET", "/v1/secret/data/numbers", 200, kNumbers, {}, {}, -1});
  auto out = Send(Mount(R"(
- {objectName: data.json, secretPath: secret/data/numbers, output: data}
- {objectName: nested.json, secretPath: secret/data/numbers, secretKey: nested, output: data}
- {objectName: app.env, secretPath: secret/data/numbers, secretKey: nested, output: dotenv}
- {objectName: app.yaml, secretPath: secret/data/numbers, output: yaml, filePermission: 0600}
- {objectName: user, secretPath: secret/data/numbers, secretKey: user}
)"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("data.json"),
            R"({"id":12345678901234567890123,"limit":1e3,"nested":{"ratio":0.10},"price":1.50,"user":"app","zero":-0})");
  EXPECT_EQ(out.File("nested.json"), R"({"ratio":0.10})");
  EXPECT_EQ(out.File("app.env"), "ratio='0.10'\n");
  EXPECT_EQ(out.File("app.yaml"),
            "id: 12345678901234567890123\nlimit: 1e3\nnested:\n  ratio: 0.10\nprice: 1.50\nuser: app\nzero: -0\n");
  EXPECT_EQ(out.Mode("app.yaml"), 0600);
  EXPECT_EQ(out.File("user"), "app");
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/numbers"), 1) << "one read for every shape";
  EXPECT_EQ(out.response.object_version_size(), 5);
}

TEST_F(OutputE2eTest, ShapeProblemsFailBeforeAnyVaultCall) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: env, secretPath: secret/data/app, secretKey: password, output: envelope}
)"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(),
              HasSubstr("objects[0] (objectName \"env\"): output: envelope writes the whole Vault response"));
  EXPECT_EQ(vault_->Count("login"), 0);
}

TEST_F(OutputE2eTest, OpenBaosParameterNamesAndEnvironment) {
  // BAO_ADDR wins over VAULT_ADDR (which points nowhere), as in OpenBao's own tools.
  std::vector<std::string> args;
  for (const std::string& flag : VaultFlags()) {
    if (flag.rfind("-vault-addr=", 0) != 0) args.push_back(flag);
  }
  auto started = ProviderProcess::Start(VCP_PROVIDER_BINARY, dir_, args,
                                        {absl::StrCat("BAO_ADDR=", vault_->address()),
                                         "VAULT_ADDR=https://127.0.0.1:1"});
  ASSERT_TRUE(started.ok()) << started.status();
  provider_ = std::move(*started);
  auto mount = Mount("- {objectName: user, secretPath: secret/data/app, secretKey: username}");
  mount.parameters.erase("roleName");
  mount.parameters["openbaoRoleName"] = "app";
  mount.parameters["baoNamespace"] = "team-a";
  mount.parameters["openbaoKubernetesMountPath"] = "kubernetes";
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("user"), "team-a-user");
  mount.parameters["vaultNamespace"] = "team-b";
  auto conflict = Send(mount);
  EXPECT_EQ(conflict.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(conflict.status.error_message(),
              AllOf(HasSubstr("vaultNamespace and baoNamespace are two spellings of one setting"),
                    HasSubstr("\"team-b\" and \"team-a\"")));
}

}  // namespace
}  // namespace vcp::testing
