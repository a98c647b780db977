// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/daemon.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "vcp/config/version.h"
#include "vcp/server/health_server.h"
#include "vcp/server/provider_core.h"
#include "vcp/server/provider_service.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/clock.h"
#include "vcp/util/env.h"
#include "vcp/vault/token_revoker.h"

namespace vcp::server {
namespace {

absl::Status RemoveStaleSocket(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("failed to check for existence of unix socket: ", path, ": ", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode) || unlink(path.c_str()) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "failed to clean up pre-existing file at unix socket location: ", path, ": ",
        S_ISDIR(st.st_mode) ? "is a directory" : std::strerror(errno)));
  }
  spdlog::info("removed stale file at socket path {}", path);
  return absl::OkStatus();
}

absl::Status CheckSocketDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "failed to listen on unix socket at ", path, ": directory ", dir,
        " does not exist (it must be the hostPath shared with the CSI driver)"));
  }
  if (path.size() >= 108) {
    return absl::InvalidArgumentError(absl::StrCat("failed to listen on unix socket at ", path,
                                                   ": path longer than 107 bytes"));
  }
  return absl::OkStatus();
}

// The socket file this process bound, so that it removes only its own: a
// provider started on the same path (a DaemonSet surge, a second provider
// during a migration) replaces the file, and must keep it when this one exits.
struct SocketIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  bool known = false;
};

SocketIdentity IdentifySocket(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return {};
  return {st.st_dev, st.st_ino, true};
}

void RemoveOwnSocket(const std::string& path, const SocketIdentity& ours) {
  const SocketIdentity now = IdentifySocket(path);
  if (!now.known) return;
  if (ours.known && (now.device != ours.device || now.inode != ours.inode)) {
    spdlog::warn("not removing {}: another process has replaced this provider's socket there", path);
    return;
  }
  unlink(path.c_str());
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

absl::Status RunDaemon(const config::DaemonConfig& config, std::chrono::seconds grace) {
  // Declared first, so destroyed last: it stops the transport and the clock
  // (ending or dropping every callback) before the Mounter and the rest go.
  VCP_ASSIGN_OR_RETURN(std::unique_ptr<ProviderCore> core, ProviderCore::Create(config, ProcessEnv));
  SystemClock& clock = core->clock();
  mount::Mounter& mounter = core->mounter();
  ProviderService service(mounter, clock, core->metrics());

  if (absl::Status s = CheckSocketDirectory(config.endpoint); !s.ok()) return s;

  // gRPC unlinks the path it bound when the server shuts down, whoever's file
  // is there by then. Binding a private name and renaming it into place means
  // that unlink misses, and RemoveOwnSocket decides instead. The rename also
  // replaces the path atomically: the driver never sees it missing.
  std::string bind_path = absl::StrCat(config.endpoint, ".", getpid(), ".tmp");
  struct stat existing {};
  const bool replacing = lstat(config.endpoint.c_str(), &existing) == 0;
  if (replacing && S_ISDIR(existing.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "failed to clean up pre-existing file at unix socket location: ", config.endpoint, ": is a directory"));
  }
  if (bind_path.size() >= 108) {  // no room for a private name: bind the path itself
    bind_path = config.endpoint;
    if (absl::Status s = RemoveStaleSocket(config.endpoint); !s.ok()) return s;
  }
  unlink(bind_path.c_str());  // left by a crashed process with this pid
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("unix:", bind_path), grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  const mode_t old_umask = umask(0077);  // the socket is for its owner (the driver runs as root)
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  umask(old_umask);
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("failed to listen on unix socket at ", config.endpoint, ": gRPC could not bind"));
  }
  chmod(bind_path.c_str(), 0600);
  if (bind_path != config.endpoint && rename(bind_path.c_str(), config.endpoint.c_str()) != 0) {
    const int error = errno;
    server->Shutdown();
    unlink(bind_path.c_str());
    return absl::FailedPreconditionError(absl::StrCat("failed to listen on unix socket at ", config.endpoint,
                                                      ": rename from ", bind_path, ": ", std::strerror(error)));
  }
  if (replacing && bind_path != config.endpoint) spdlog::info("replaced the existing file at socket path {}", config.endpoint);
  const SocketIdentity socket_identity = IdentifySocket(config.endpoint);

  std::atomic<bool> ready{true};
  HealthServer health(ready, core->metrics());
  auto health_address = health.Start(config.health_addr);
  if (!health_address.ok()) {
    server->Shutdown();
    RemoveOwnSocket(config.endpoint, socket_identity);
    return health_address.status();
  }
  spdlog::info("vault-csi-provider {} serving on unix://{}, health checks on http://{}",
               config::ProviderVersion(), config.endpoint, *health_address);

  const int signal_number = WaitForShutdownSignal();
  spdlog::info("received {}, shutting down (in-flight mounts get up to {}s)",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT", grace.count());
  ready = false;
  Notification stopped;
  std::thread stopper([&] {
    server->Shutdown(clock.WallNow() + grace);
    server->Wait();
    stopped.Notify();
  });
  const bool clean = stopped.WaitUntil(clock, clock.Now() + grace + std::chrono::seconds(2));
  RemoveOwnSocket(config.endpoint, socket_identity);
  health.Stop();
  if (!clean) {
    spdlog::warn("in-flight mounts did not finish within {}s; exiting anyway", grace.count());
    spdlog::shutdown();
    _exit(0);
  }
  stopper.join();
  if (config.revoke_tokens) {
    Notification revoked_all;
    std::atomic<int> revoked{0};
    std::atomic<int> held{0};
    mounter.RevokeCachedTokens(clock.Now() + std::chrono::seconds(5), [&](vault::RevokeTally tally) {
      revoked = tally.revoked;
      held = tally.held;
      revoked_all.Notify();
    });
    revoked_all.WaitUntil(clock, clock.Now() + std::chrono::seconds(6));
    spdlog::info("revoked {} of {} cached Vault tokens (-revoke-tokens)", revoked.load(), held.load());
  }
  spdlog::info("shutdown complete");
  return absl::OkStatus();
}

}  // namespace vcp::server
