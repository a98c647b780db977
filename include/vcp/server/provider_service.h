// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The gRPC adapter: v1alpha1.CSIDriverProvider over the Mount use-case, on
// gRPC's callback API, so a Mount waiting for Vault holds no gRPC thread.
// Converts messages, turns the caller's deadline into the Mount's, maps
// absl::Status to grpc::Status, records the Mount metrics, and writes one
// audit line per Mount.
#pragma once

#include <chrono>
#include <cstddef>

#include "absl/status/status.h"
#include "v1alpha1/service.grpc.pb.h"
#include "vcp/mount/mounter.h"
#include "vcp/util/clock.h"
#include "vcp/util/metrics.h"

namespace vcp::server {

class ProviderService final : public v1alpha1::CSIDriverProvider::CallbackService {
 public:
  // `mounter`, `clock` and `metrics` must outlive the service and every call
  // in flight. A Mount without a gRPC deadline (the v1.5 driver's rotation)
  // gets `default_deadline`.
  ProviderService(mount::Mounter& mounter, Clock& clock, Metrics& metrics,
                  std::chrono::milliseconds default_deadline = std::chrono::seconds(110));

  grpc::ServerUnaryReactor* Version(grpc::CallbackServerContext* context, const v1alpha1::VersionRequest* request,
                                    v1alpha1::VersionResponse* response) override;

  grpc::ServerUnaryReactor* Mount(grpc::CallbackServerContext* context, const v1alpha1::MountRequest* request,
                                  v1alpha1::MountResponse* response) override;

 private:
  mount::Mounter* mounter_;
  Clock* clock_;
  Metrics* metrics_;
  std::chrono::milliseconds default_deadline_;
};

// The longest status message sent to the driver (which puts it in the pod's
// events) or logged; the layers below already shorten each quoted piece.
inline constexpr size_t kMaxStatusMessageBytes = 4096;

// Maps a status onto gRPC with the same code and message (cut to
// kMaxStatusMessageBytes with "… (N bytes)" if longer).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The Mount's deadline on `clock` from a gRPC call's deadline on the wall
// clock: `default_deadline` from now when the call has none (or one more
// than a day away).
Deadline CallerDeadline(std::chrono::system_clock::time_point grpc_deadline, const Clock& clock,
                        std::chrono::milliseconds default_deadline);

}  // namespace vcp::server
