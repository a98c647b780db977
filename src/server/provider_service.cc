// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/provider_service.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_join.h"
#include "vcp/config/version.h"
#include "vcp/util/text.h"

namespace vcp::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), Shorten(status.message(), kMaxStatusMessageBytes));
}

Deadline CallerDeadline(std::chrono::system_clock::time_point grpc_deadline, const Clock& clock,
                        std::chrono::milliseconds default_deadline) {
  const auto remaining = grpc_deadline - clock.WallNow();
  if (grpc_deadline == std::chrono::system_clock::time_point::max() || remaining >= std::chrono::hours(24)) {
    return clock.Now() + default_deadline;
  }
  return clock.Now() + std::chrono::duration_cast<std::chrono::nanoseconds>(remaining);
}

ProviderService::ProviderService(mount::Mounter& mounter, Clock& clock, Metrics& metrics,
                                 std::chrono::milliseconds default_deadline)
    : mounter_(&mounter), clock_(&clock), metrics_(&metrics), default_deadline_(default_deadline) {}

grpc::ServerUnaryReactor* ProviderService::Version(grpc::CallbackServerContext* context,
                                                   const v1alpha1::VersionRequest* /*request*/,
                                                   v1alpha1::VersionResponse* response) {
  response->set_version("v1alpha1");
  response->set_runtime_name("vault-csi-provider");
  response->set_runtime_version(config::ProviderVersion());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ProviderService::Mount(grpc::CallbackServerContext* context,
                                                 const v1alpha1::MountRequest* request,
                                                 v1alpha1::MountResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const TimePoint started = clock_->Now();
  metrics_->MountStarted();
  mount::MountRequest mount{request->attributes(), request->secrets(), request->target_path(), request->permission()};
  mounter_->Mount(
      std::move(mount), CallerDeadline(context->deadline(), *clock_, default_deadline_),
      [this, reactor, response, started](absl::StatusOr<mount::MountResult> result, mount::MountReport report) {
        const double elapsed_ms = std::chrono::duration<double, std::milli>(clock_->Now() - started).count();
        metrics_->MountFinished(absl::StatusCodeToString(result.status().code()), elapsed_ms / 1000);
        // Names from the request's attributes, shortened by the Mounter (the
        // log format escapes any control characters in them).
        if (!result.ok()) {
          spdlog::warn("mount failed: pod={} spc={} duration={:.1f}ms code={} error={}", report.pod,
                       report.secret_provider_class, elapsed_ms, absl::StatusCodeToString(result.status().code()),
                       Shorten(result.status().message(), kMaxStatusMessageBytes));
          reactor->Finish(ToGrpcStatus(result.status()));
          return;
        }
        for (mount::MountedFile& file : result->files) {
          v1alpha1::File* out = response->add_files();
          out->set_path(std::move(file.path));
          out->set_mode(static_cast<int32_t>(file.mode));
          out->set_contents(std::move(file.contents));
        }
        for (mount::MountedVersion& version : result->versions) {
          v1alpha1::ObjectVersion* out = response->add_object_version();
          out->set_id(std::move(version.id));
          out->set_version(std::move(version.version));
        }
        std::vector<std::string> reads;
        reads.reserve(report.vault_reads.size());
        for (const std::string& read : report.vault_reads) reads.push_back(Shorten(read));
        spdlog::info("mount ok: pod={} spc={} objects={} token={} logins={} leases_reused={} vault_reads=[{}] "
                     "duration={:.1f}ms",
                     report.pod, report.secret_provider_class, report.objects,
                     report.shared_token ? "shared" : "per-pod", report.logins, report.reused,
                     absl::StrJoin(reads, ", "), elapsed_ms);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

}  // namespace vcp::server
