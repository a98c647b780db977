// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/provider_service.h"

#include <gmock/gmock.h>

#include "support/fake_transport.h"
#include "vcp/util/go_json.h"

namespace vcp::server {
namespace {

using ::testing::HasSubstr;

class ProviderServiceTest : public ::testing::Test {
 protected:
  ProviderServiceTest()
      : tokens_(10), mounter_(transport_, tokens_, Options()), service_(mounter_) {}
  static mount::MounterOptions Options() {
    mount::MounterOptions o;
    o.default_connection.address = "https://vault:8200";
    o.version_key = [] { return std::string(32, 'k'); };
    return o;
  }
  testing::FakeTransport transport_;
  vault::TokenCache tokens_;
  mount::Mounter mounter_;
  ProviderService service_;
};

TEST_F(ProviderServiceTest, VersionIdentifiesTheProvider) {
  grpc::ServerContext context;
  v1alpha1::VersionRequest request;
  v1alpha1::VersionResponse response;
  ASSERT_TRUE(service_.Version(&context, &request, &response).ok());
  EXPECT_EQ(response.version(), "v1alpha1");
  EXPECT_EQ(response.runtime_name(), "vault-csi-provider");
  EXPECT_FALSE(response.runtime_version().empty());
}

TEST_F(ProviderServiceTest, MountFillsFilesAndVersionsInObjectOrder) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"x":"1","y":"2"}})");
  grpc::ServerContext context;
  v1alpha1::MountRequest request;
  request.set_attributes(GoJsonEncode({{"roleName", "app"},
                                       {"objects", "- {objectName: y, secretPath: kv/a, secretKey: y, filePermission: 0400}\n- {objectName: x, secretPath: kv/a, secretKey: x}"},
                                       {"csi.storage.k8s.io/serviceAccount.tokens", R"({"vault":{"token":"j"}})"}}));
  request.set_permission("420");
  request.set_target_path("/t");
  v1alpha1::MountResponse response;
  ASSERT_TRUE(service_.Mount(&context, &request, &response).ok());
  ASSERT_EQ(response.files_size(), 2);
  EXPECT_EQ(response.files(0).path(), "y");
  EXPECT_EQ(response.files(0).mode(), 0400);
  EXPECT_EQ(response.files(0).contents(), "2");
  EXPECT_EQ(response.files(1).mode(), 420);
  EXPECT_EQ(response.object_version(1).id(), "x");
  EXPECT_FALSE(response.has_error());
}

TEST_F(ProviderServiceTest, StatusCodesSurviveTheMapping) {
  grpc::ServerContext context;
  v1alpha1::MountRequest request;
  request.set_attributes("{}");
  request.set_target_path("/t");
  v1alpha1::MountResponse response;
  const grpc::Status status = service_.Mount(&context, &request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("roleName"));
  EXPECT_EQ(response.files_size(), 0);
  EXPECT_EQ(ToGrpcStatus(absl::PermissionDeniedError("x")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ToGrpcStatus(absl::DeadlineExceededError("x")).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST(ToGrpcStatusTest, AHugeMessageIsCutWithItsLength) {
  const grpc::Status status = ToGrpcStatus(absl::InternalError(std::string(5'000'000, 'm')));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_LT(status.error_message().size(), kMaxStatusMessageBytes + 32);
  EXPECT_THAT(status.error_message(), ::testing::EndsWith("… (5000000 bytes)"));
}

}  // namespace
}  // namespace vcp::server
