// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The gRPC adapter: v1alpha1.CSIDriverProvider over the Mount use-case.
// Converts messages, bounds each Mount by the caller's deadline, maps
// absl::Status to grpc::Status, and writes one log line per Mount.
#pragma once

#include <chrono>
#include <cstddef>

#include "absl/status/status.h"
#include "v1alpha1/service.grpc.pb.h"
#include "vcp/mount/mounter.h"

namespace vcp::server {

class ProviderService final : public v1alpha1::CSIDriverProvider::Service {
 public:
  // `mounter` (and `parse.objects_cache`, when set) must outlive the service.
  // A Mount without a gRPC deadline (the v1.5 driver's rotation) gets
  // `default_deadline`. `parse` bounds what a request may make it parse.
  explicit ProviderService(const mount::Mounter& mounter,
                           std::chrono::milliseconds default_deadline = std::chrono::seconds(110),
                           mount::ParseOptions parse = mount::ParseOptions());

  grpc::Status Version(grpc::ServerContext* context, const v1alpha1::VersionRequest* request,
                       v1alpha1::VersionResponse* response) override;

  grpc::Status Mount(grpc::ServerContext* context, const v1alpha1::MountRequest* request,
                     v1alpha1::MountResponse* response) override;

 private:
  const mount::Mounter* mounter_;
  std::chrono::milliseconds default_deadline_;
  mount::ParseOptions parse_;
};

// The longest status message sent to the driver (which puts it in the pod's
// events) or logged; the layers below already shorten each quoted piece.
inline constexpr size_t kMaxStatusMessageBytes = 4096;

// Maps a status onto gRPC with the same code and message (cut to
// kMaxStatusMessageBytes with "… (N bytes)" if longer).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace vcp::server
