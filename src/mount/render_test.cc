// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/render.h"

#include <gmock/gmock.h>

#include "vcp/util/bounded_json.h"

namespace vcp::mount {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MountParams Params(const std::string& objects_yaml) {
  MountParams params;
  params.objects = ParseObjects(objects_yaml).value();
  return params;
}

// Vault's answer `text`, parsed as the Vault client parses it.
ReadOutcome Answer(const std::string& text) {
  ReadOutcome outcome;
  outcome.envelope = ParseUntrustedJsonKeepingNumbers(text);
  return outcome;
}

ReadOutcome Failed(absl::Status status) {
  ReadOutcome outcome;
  outcome.envelope = std::move(status);
  return outcome;
}

const VersionSigner& Signer() {
  static const VersionSigner* signer = new VersionSigner(std::string(32, 'k'));
  return *signer;
}

constexpr char kDatabase[] =
    R"({"request_id":"r1","lease_id":"database/creds/app/x","lease_duration":3600,"renewable":true,)"
    R"("data":{"username":"v-app-1","password":"pw-1","ratio":1.50}})";
constexpr char kKv[] = R"({"request_id":"r2","data":{"data":{"key":"api-key"},"metadata":{"version":3}}})";

TEST(RenderTest, ATemplatedObjectIsItsTemplateExecutedWithTheAnswersToItsCalls) {
  const MountParams params = Params(R"(
- objectName: config/db.env
  filePermission: 0640
  template: |
    {{- with secret "database/creds/app" }}
    DB_USER={{ .Data.username }}
    DB_PASSWORD={{ .Data.password }}
    RATIO={{ .Data.ratio }}
    LEASE={{ .LeaseDuration }}
    {{- end }}
    {{ with secret "secret/data/api" }}API_KEY={{ .Data.data.key }}{{ end }}
- {objectName: user, secretPath: database/creds/app, secretKey: username}
)");
  auto plan = PlanReads(params.objects, true);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->reads.size(), 2u);
  auto rendered = RenderMount(params, *plan, {Answer(kDatabase), Answer(kKv)}, Signer());
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  ASSERT_EQ(rendered->files.size(), 2u);
  EXPECT_EQ(rendered->files[0].path, "config/db.env");
  EXPECT_EQ(rendered->files[0].mode, 0640u);
  EXPECT_EQ(rendered->files[0].contents,
            "\nDB_USER=v-app-1\nDB_PASSWORD=pw-1\nRATIO=1.50\nLEASE=3600\nAPI_KEY=api-key\n");
  EXPECT_EQ(rendered->files[1].contents, "v-app-1") << "the same lease as the template's";
  EXPECT_EQ(rendered->versions[0].id, "config/db.env");
  EXPECT_EQ(rendered->versions[0].version, Signer().Sign(params.objects[0], rendered->files[0].contents));
}

TEST(RenderTest, AFailedReadNamesTheObjectAndTheCallsPathWithoutItsQuery) {
  const MountParams params = Params(R"(
- objectName: a.env
  template: '{{ with secret "secret/data/api?version=2" }}{{ .Data.data.key }}{{ end }}'
)");
  auto plan = PlanReads(params.objects, true);
  ASSERT_TRUE(plan.ok());
  auto rendered = RenderMount(params, *plan, {Failed(absl::PermissionDeniedError("permission denied"))}, Signer());
  EXPECT_EQ(rendered.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(rendered.status().message(),
            "couldn't read secret \"a.env\" from Vault path \"secret/data/api\": permission denied");
}

TEST(RenderTest, AnExecutionErrorNamesTheObjectThePositionAndTheKeyButNoValue) {
  const MountParams params = Params(R"(
- objectName: db.env
  template: |
    {{ with secret "database/creds/app" }}
    user={{ .Data.username }}
    pass={{ .Data.passwrod }}
    {{ end }}
)");
  auto plan = PlanReads(params.objects, true);
  ASSERT_TRUE(plan.ok());
  auto rendered = RenderMount(params, *plan, {Answer(kDatabase)}, Signer());
  EXPECT_EQ(rendered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rendered.status().message(),
            "couldn't render \"db.env\" from its template: template: 3:9: map has no entry for key \"passwrod\"");
  EXPECT_THAT(rendered.status().message(), Not(HasSubstr("pw-1")));
  EXPECT_THAT(rendered.status().message(), Not(HasSubstr("v-app-1")));
}

TEST(RenderTest, ARenderedFileOverTheLimitIsResourceExhausted) {
  const MountParams params = Params(R"(
- objectName: big
  template: '{{ with secret "secret/data/api" }}{{ range 600 }}{{ printf "%2000s" "x" }}{{ end }}{{ end }}'
)");
  auto plan = PlanReads(params.objects, true);
  ASSERT_TRUE(plan.ok());
  auto rendered = RenderMount(params, *plan, {Answer(kKv)}, Signer());
  EXPECT_EQ(rendered.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rendered.status().message(), HasSubstr("couldn't render \"big\" from its template"));
}

TEST(RenderTest, AStaticTemplateNeedsNoRead) {
  const MountParams params = Params("- {objectName: motd, template: 'hello'}\n");
  auto plan = PlanReads(params.objects, true);
  ASSERT_TRUE(plan.ok());
  auto rendered = RenderMount(params, *plan, {}, Signer());
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  EXPECT_EQ(rendered->files[0].contents, "hello");
}

}  // namespace
}  // namespace vcp::mount
