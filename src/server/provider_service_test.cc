// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/provider_service.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>

#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "vcp/util/go_json.h"

namespace vcp::server {
namespace {

using ::testing::HasSubstr;

// The service on a real gRPC server (in process), called through a stub as
// the driver calls it.
class ProviderServiceTest : public ::testing::Test {
 protected:
  ProviderServiceTest() : mounter_(mount::MounterServices{&transport_, &clock_, &metrics_}, Options()),
                          service_(mounter_, clock_, metrics_) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = v1alpha1::CSIDriverProvider::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~ProviderServiceTest() override { server_->Shutdown(); }

  static mount::MounterOptions Options() {
    mount::MounterOptions o;
    o.default_connection.address = "https://vault:8200";
    o.version_key = [](Deadline, Callback<std::string> done) { done(std::string(32, 'k')); };
    return o;
  }

  testing::FakeTransport transport_;
  testing::FakeClock clock_;
  Metrics metrics_;
  mount::Mounter mounter_;
  ProviderService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1alpha1::CSIDriverProvider::Stub> stub_;
};

TEST_F(ProviderServiceTest, VersionIdentifiesTheProvider) {
  grpc::ClientContext context;
  v1alpha1::VersionRequest request;
  v1alpha1::VersionResponse response;
  ASSERT_TRUE(stub_->Version(&context, request, &response).ok());
  EXPECT_EQ(response.version(), "v1alpha1");
  EXPECT_EQ(response.runtime_name(), "vault-csi-provider");
  EXPECT_FALSE(response.runtime_version().empty());
}

TEST_F(ProviderServiceTest, MountFillsFilesAndVersionsInObjectOrderAndCountsIt) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"x":"1","y":"2"}})");
  grpc::ClientContext context;
  v1alpha1::MountRequest request;
  request.set_attributes(GoJsonEncode({{"roleName", "app"},
                                       {"objects", "- {objectName: y, secretPath: kv/a, secretKey: y, filePermission: 0400}\n- {objectName: x, secretPath: kv/a, secretKey: x}"},
                                       {"csi.storage.k8s.io/serviceAccount.tokens", R"({"vault":{"token":"j"}})"}}));
  request.set_permission("420");
  request.set_target_path("/t");
  v1alpha1::MountResponse response;
  ASSERT_TRUE(stub_->Mount(&context, request, &response).ok());
  ASSERT_EQ(response.files_size(), 2);
  EXPECT_EQ(response.files(0).path(), "y");
  EXPECT_EQ(response.files(0).mode(), 0400);
  EXPECT_EQ(response.files(0).contents(), "2");
  EXPECT_EQ(response.files(1).mode(), 420);
  EXPECT_EQ(response.object_version(1).id(), "x");
  EXPECT_FALSE(response.has_error());
  EXPECT_THAT(metrics_.Render(), HasSubstr("vault_csi_provider_mount_requests_total{result=\"OK\"} 1"));
}

TEST_F(ProviderServiceTest, StatusCodesSurviveTheMapping) {
  grpc::ClientContext context;
  v1alpha1::MountRequest request;
  request.set_attributes("{}");
  request.set_target_path("/t");
  v1alpha1::MountResponse response;
  const grpc::Status status = stub_->Mount(&context, request, &response);
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

TEST(CallerDeadlineTest, TheCallersDeadlineOrTheDefaultWhenThereIsNone) {
  testing::FakeClock clock;
  EXPECT_EQ(CallerDeadline(clock.WallNow() + std::chrono::seconds(30), clock, std::chrono::seconds(110)),
            clock.Now() + std::chrono::seconds(30));
  EXPECT_EQ(CallerDeadline(std::chrono::system_clock::time_point::max(), clock, std::chrono::seconds(110)),
            clock.Now() + std::chrono::seconds(110)) << "the v1.5 driver's rotation sends no deadline";
  EXPECT_EQ(CallerDeadline(clock.WallNow() + std::chrono::hours(48), clock, std::chrono::seconds(110)),
            clock.Now() + std::chrono::seconds(110));
}

}  // namespace
}  // namespace vcp::server
