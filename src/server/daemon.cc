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
#include <future>

#include "absl/strings/str_cat.h"
#include "vcp/config/version.h"
#include "vcp/kube/hmac_key_store.h"
#include "vcp/kube/kube_client.h"
#include "vcp/kube/token_requester.h"
#include "vcp/mount/mounter.h"
#include "vcp/server/health_server.h"
#include "vcp/server/provider_service.h"
#include "vcp/vault/curl_transport.h"
#include "vcp/vault/token_cache.h"

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
  vault::CurlTransport transport;
  vault::TokenCache tokens(config.cache_size);

  // Kubernetes: the TokenRequest fallback and the HMAC key Secret. Outside a
  // cluster both degrade (no fallback; a per-process key) with one warning.
  std::unique_ptr<kube::KubeClient> kube_client;
  auto kube_config = kube::LoadInClusterConfig(config::ProcessEnv, config.kubernetes_service_account_dir);
  if (kube_config.ok()) {
    kube_client = std::make_unique<kube::KubeClient>(transport, *kube_config);
  } else {
    spdlog::warn("not using the Kubernetes API ({}): pods need a token from the CSI driver's tokenRequests, "
                 "and object versions use a per-process key (they change when the provider restarts)",
                 std::string(kube_config.status().message()));
  }
  kube::HmacKeyStore version_keys(kube_client.get(), config.hmac_secret_name, mount::RandomKey(),
                                  config.hmac_key_check_interval);
  if (kube_client) version_keys.Key();  // warm the cache, so the first Mount does not wait for it

  mount::MounterOptions options;
  options.default_connection = config.vault;
  options.default_auth_mount = config.vault_mount;
  options.retry.max_retries = config.vault_max_retries;
  options.lease_reuse = config.lease_reuse;
  options.revoke_tokens = config.revoke_tokens;
  options.max_concurrent_mounts = config.max_concurrent_mounts;
  options.version_key = [&version_keys] { return version_keys.Key(); };
  if (kube_client) {
    options.request_token = [&kube_client](const mount::MountParams& params, vault::Deadline deadline) {
      return kube::RequestPodToken(*kube_client, params, deadline);
    };
  }
  const mount::Mounter mounter(transport, tokens, options);
  ProviderService service(mounter);

  if (absl::Status s = CheckSocketDirectory(config.endpoint); !s.ok()) return s;
  if (absl::Status s = RemoveStaleSocket(config.endpoint); !s.ok()) return s;

  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("unix:", config.endpoint), grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  const mode_t old_umask = umask(0077);  // the socket is for its owner (the driver runs as root)
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  umask(old_umask);
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("failed to listen on unix socket at ", config.endpoint, ": gRPC could not bind"));
  }
  chmod(config.endpoint.c_str(), 0600);

  std::atomic<bool> ready{true};
  HealthServer health(ready);
  auto health_address = health.Start(config.health_addr);
  if (!health_address.ok()) {
    server->Shutdown();
    unlink(config.endpoint.c_str());
    return health_address.status();
  }
  spdlog::info("vault-csi-provider {} serving on unix://{}, health checks on http://{}",
               config::ProviderVersion(), config.endpoint, *health_address);

  const int signal_number = WaitForShutdownSignal();
  spdlog::info("received {}, shutting down (in-flight mounts get up to {}s)",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT", grace.count());
  ready = false;
  auto stopped = std::async(std::launch::async, [&] {
    server->Shutdown(std::chrono::system_clock::now() + grace);
    server->Wait();
  });
  const bool clean = stopped.wait_for(grace + std::chrono::seconds(2)) == std::future_status::ready;
  unlink(config.endpoint.c_str());
  health.Stop();
  if (!clean) {
    spdlog::warn("in-flight mounts did not finish within {}s; exiting anyway", grace.count());
    spdlog::shutdown();
    _exit(0);
  }
  if (config.revoke_tokens) {
    const size_t cached = tokens.size();
    const int revoked = mounter.RevokeCachedTokens(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    spdlog::info("revoked {} of {} cached Vault tokens (-revoke-tokens)", revoked, cached);
  }
  spdlog::info("shutdown complete");
  return absl::OkStatus();
}

}  // namespace vcp::server
