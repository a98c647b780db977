// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/read_plan.h"

#include <gmock/gmock.h>

namespace vcp::mount {
namespace {

using ::testing::HasSubstr;

std::vector<SecretObject> Objects(const std::string& yaml) { return ParseObjects(yaml).value(); }

TEST(ReadPlanTest, ObjectsThatReadTheSameThingShareOneRead) {
  auto plan = PlanReads(Objects(R"(
- {objectName: user, secretPath: database/creds/app, secretKey: username}
- {objectName: pass, secretPath: /v1/database/creds/app, secretKey: password}
- {objectName: cert, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: a}}
- {objectName: other-cert, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: b}}
- {objectName: v1, secretPath: "kv/x?version=1"}
- {objectName: v2, secretPath: "kv/x?version=2"}
)"),
                        true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->reads.size(), 5u);
  EXPECT_EQ(plan->answers, (std::vector<size_t>{0, 0, 1, 2, 3, 4}));
  EXPECT_EQ(plan->first_answer, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_THAT(plan->ReadsOf(1), ::testing::ElementsAre(0u));
  EXPECT_EQ(plan->reads[0].method, "GET");
  EXPECT_EQ(plan->reads[0].path.path, "/v1/database/creds/app");
  EXPECT_EQ(plan->reads[1].method, "PUT");
  EXPECT_EQ(plan->reads[1].body, nlohmann::json({{"common_name", "a"}}));
}

TEST(ReadPlanTest, AReadIsReusableOnlyWhenEveryObjectSharingItAllowsIt) {
  auto plan = PlanReads(Objects(R"(
- {objectName: user, secretPath: database/creds/app, secretKey: username}
- {objectName: pass, secretPath: database/creds/app, secretKey: password, reuseLease: false}
- {objectName: kv, secretPath: kv/x}
)"),
                        true);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->reads[0].reusable);
  EXPECT_TRUE(plan->reads[1].reusable);
  auto off = PlanReads(Objects("- {objectName: kv, secretPath: kv/x}"), false);
  EXPECT_FALSE(off->reads[0].reusable) << "-lease-reuse=false turns it off everywhere";
}

TEST(ReadPlanTest, ABadQueryNamesTheObjectButNeverShowsTheQuery) {
  auto plan = PlanReads(Objects(R"(- {objectName: a, secretPath: "kv/x?token=CANARY%zz"})"), true);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("for objectName \"a\""));
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("\"kv/x\" (query not shown)"));
  EXPECT_THAT(std::string(plan.status().message()), ::testing::Not(HasSubstr("CANARY")));
}

TEST(ReadPlanTest, EverySecretCallOfATemplateIsAReadSharedWithTheMountsOtherReads) {
  auto plan = PlanReads(Objects(R"(
- objectName: bundle.pem
  template: |
    {{ with secret "pki/issue/web" "common_name=web.example.com" "ttl=24h" }}{{ .Data.certificate }}{{ end }}
    {{ with secret "secret/data/app" }}{{ .Data.data.key }}{{ end }}
- objectName: key.pem
  template: '{{ with secret "pki/issue/web" "ttl = 24h" "common_name=web.example.com" }}{{ .Data.private_key }}{{ end }}'
- {objectName: cert, secretPath: /v1/pki/issue/web, method: PUT, secretArgs: {common_name: web.example.com, ttl: 24h}}
- {objectName: app, secretPath: secret/data/app, secretKey: key}
- {objectName: static, template: 'no secrets'}
- objectName: other-ns
  vaultNamespace: team-a
  template: '{{ with secret "secret/data/app" }}{{ end }}'
)"),
                        true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->reads.size(), 3u);
  EXPECT_EQ(plan->reads[0].method, "PUT");
  EXPECT_EQ(plan->reads[0].path.path, "/v1/pki/issue/web");
  EXPECT_EQ(plan->reads[0].body, nlohmann::json({{"common_name", "web.example.com"}, {"ttl", "24h"}}));
  EXPECT_EQ(plan->reads[1].method, "GET");
  EXPECT_FALSE(plan->reads[1].body.has_value());
  EXPECT_EQ(plan->reads[2].ns, "team-a");
  EXPECT_THAT(plan->ReadsOf(0), ::testing::ElementsAre(0u, 1u));
  EXPECT_THAT(plan->ReadsOf(1), ::testing::ElementsAre(0u)) << "one issuance: the certificate and its own key";
  EXPECT_THAT(plan->ReadsOf(2), ::testing::ElementsAre(0u)) << "a secretPath object with the same body shares it";
  EXPECT_THAT(plan->ReadsOf(3), ::testing::ElementsAre(1u));
  EXPECT_TRUE(plan->ReadsOf(4).empty());
  EXPECT_THAT(plan->ReadsOf(5), ::testing::ElementsAre(2u));
}

TEST(ReadPlanTest, ATemplatedObjectsReuseLeaseAppliesToEachOfItsReads) {
  auto plan = PlanReads(Objects(R"(
- {objectName: a, reuseLease: false, template: '{{ with secret "database/creds/app" }}{{ end }}'}
- {objectName: b, secretPath: database/creds/app, secretKey: username}
- {objectName: c, template: '{{ with secret "database/creds/other" }}{{ end }}'}
)"),
                        true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->reads.size(), 2u);
  EXPECT_FALSE(plan->reads[0].reusable);
  EXPECT_TRUE(plan->reads[1].reusable);
}

}  // namespace
}  // namespace vcp::mount
