// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/provider_service.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_join.h"
#include "vcp/config/version.h"
#include "vcp/util/metrics.h"
#include "vcp/util/text.h"

namespace vcp::server {
namespace {

// Time kept back from the caller's deadline so that a slow Vault produces a
// clear error from us rather than a bare cancellation from gRPC.
std::chrono::milliseconds Reserve(std::chrono::milliseconds remaining) {
  return std::min(std::chrono::milliseconds(2000), remaining / 10);
}

vault::Deadline MountDeadline(const grpc::ServerContext& context,
                              std::chrono::milliseconds default_deadline) {
  const auto now_system = std::chrono::system_clock::now();
  const auto now_steady = std::chrono::steady_clock::now();
  auto remaining = default_deadline;
  const auto caller = context.deadline();
  if (caller != std::chrono::system_clock::time_point::max() && caller - now_system < std::chrono::hours(24)) {
    remaining = std::chrono::duration_cast<std::chrono::milliseconds>(caller - now_system);
  }
  return now_steady + remaining - Reserve(remaining);
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), Shorten(status.message(), kMaxStatusMessageBytes));
}

ProviderService::ProviderService(const mount::Mounter& mounter,
                                 std::chrono::milliseconds default_deadline, mount::ParseOptions parse)
    : mounter_(&mounter), default_deadline_(default_deadline), parse_(parse) {}

grpc::Status ProviderService::Version(grpc::ServerContext* /*context*/,
                                      const v1alpha1::VersionRequest* /*request*/,
                                      v1alpha1::VersionResponse* response) {
  response->set_version("v1alpha1");
  response->set_runtime_name("vault-csi-provider");
  response->set_runtime_version(config::ProviderVersion());
  return grpc::Status::OK;
}

grpc::Status ProviderService::Mount(grpc::ServerContext* context,
                                    const v1alpha1::MountRequest* request,
                                    v1alpha1::MountResponse* response) {
  const auto started = std::chrono::steady_clock::now();
  Metrics::Get().MountStarted();
  const vault::Deadline deadline = MountDeadline(*context, default_deadline_);
  auto params = mount::ParseMountRequest(request->attributes(), request->secrets(),
                                         request->target_path(), request->permission(), parse_);
  absl::StatusOr<mount::MountResult> result =
      params.ok() ? mounter_->Mount(*params, deadline) : params.status();
  const auto elapsed_ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  // Names from the request's attributes, shortened (the log format escapes
  // any control characters in them).
  const std::string pod = params.ok() ? absl::StrCat(Shorten(params->pod.ns), "/", Shorten(params->pod.name)) : "?";
  const std::string spc = params.ok() ? Shorten(params->secret_provider_class) : "?";
  Metrics::Get().MountFinished(absl::StatusCodeToString(result.status().code()), elapsed_ms / 1000);
  if (!result.ok()) {
    spdlog::warn("mount failed: pod={} spc={} duration={:.1f}ms code={} error={}", pod, spc,
                 elapsed_ms, absl::StatusCodeToString(result.status().code()),
                 Shorten(result.status().message(), kMaxStatusMessageBytes));
    return ToGrpcStatus(result.status());
  }
  for (auto& file : result->files) {
    v1alpha1::File* out = response->add_files();
    out->set_path(file.path);
    out->set_mode(static_cast<int32_t>(file.mode));
    out->set_contents(std::move(file.contents));
  }
  for (const auto& version : result->versions) {
    v1alpha1::ObjectVersion* out = response->add_object_version();
    out->set_id(version.id);
    out->set_version(version.version);
  }
  std::vector<std::string> reads;
  reads.reserve(result->vault_reads.size());
  for (const std::string& read : result->vault_reads) reads.push_back(Shorten(read));
  spdlog::info("mount ok: pod={} spc={} objects={} logins={} leases_reused={} vault_reads=[{}] duration={:.1f}ms",
               pod, spc, result->files.size(), result->logins, result->reused,
               absl::StrJoin(reads, ", "), elapsed_ms);
  return grpc::Status::OK;
}

}  // namespace vcp::server
