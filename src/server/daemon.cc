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
#include "vcp/http/curl_transport.h"
#include "vcp/kube/hmac_key_store.h"
#include "vcp/kube/kube_client.h"
#include "vcp/kube/token_requester.h"
#include "vcp/mount/mounter.h"
#include "vcp/mount/objects_cache.h"
#include "vcp/server/health_server.h"
#include "vcp/server/provider_service.h"
#include "vcp/util/random.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/clock.h"
#include "vcp/util/env.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/address_policy.h"

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
  // Declared first, so destroyed last: everything below schedules on the
  // clock or sends through the transport, and both are stopped explicitly
  // (ending or dropping every callback) before the rest is destroyed.
  SystemClock clock;
  Metrics metrics;
  http::CurlTransport transport(
      clock, http::CurlTransportOptions{.max_ca_cache_bytes = static_cast<size_t>(config.max_ca_cache_bytes)});
  struct StopCallbacks {
    SystemClock& clock;
    http::CurlTransport& transport;
    ~StopCallbacks() {
      transport.Shutdown();
      clock.Shutdown();
    }
  };
  mount::ObjectsCache objects_cache(static_cast<size_t>(config.objects_cache_bytes));

  // Kubernetes: the TokenRequest fallback and the HMAC key Secret. Outside a
  // cluster both degrade (no fallback; a per-process key) with one warning.
  std::unique_ptr<kube::KubeClient> kube_client;
  auto kube_config = kube::LoadInClusterConfig(ProcessEnv, config.kubernetes_service_account_dir);
  if (kube_config.ok()) {
    kube_client = std::make_unique<kube::KubeClient>(transport, clock, *kube_config);
  } else {
    spdlog::warn("not using the Kubernetes API ({}): pods need a token from the CSI driver's tokenRequests, "
                 "and object versions use a per-process key (they change when the provider restarts)",
                 std::string(kube_config.status().message()));
  }
  kube::HmacKeyStore version_keys(kube_client.get(), clock, config.hmac_secret_name, RandomKey(),
                                  config.hmac_key_check_interval);
  // Warm the key, so that the first Mount does not wait for it.
  if (kube_client) version_keys.Key(clock.Now() + std::chrono::seconds(10), [](absl::StatusOr<std::string>) {});

  mount::MounterOptions options;
  options.default_connection = config.vault;
  options.default_auth_mount = config.vault_mount;
  options.retry.max_retries = config.vault_max_retries;
  options.lease_reuse = config.lease_reuse;
  options.max_concurrent_mounts = config.max_concurrent_mounts;
  options.allow_class_tls_settings = config.allow_class_tls_settings;
  if (config.allowed_vault_addrs.empty()) {
    spdlog::warn("-allowed-vault-addrs is empty: a SecretProviderClass, or a pod's volumeAttributes, may name "
                 "any Vault address, and the provider will send pods' service-account tokens there; set it "
                 "to the Vault addresses this cluster uses (docs/security.md)");
  } else {
    VCP_ASSIGN_OR_RETURN(options.address_policy,
                         vault::AddressPolicy::AllowOnly({config.vault.address, config.allowed_vault_addrs},
                                                         "-allowed-vault-addrs"));
  }
  options.max_concurrent_mounts_per_vault = config.max_concurrent_mounts_per_vault;
  options.max_mount_response_bytes = static_cast<size_t>(config.max_mount_response_bytes);
  options.max_total_response_bytes = static_cast<size_t>(config.max_total_response_bytes);
  options.max_lease_cache_bytes = static_cast<size_t>(config.max_lease_cache_bytes);
  options.parse = mount::ParseOptions{.max_objects_bytes = static_cast<size_t>(config.max_objects_bytes),
                                      .objects_cache = &objects_cache};
  options.auth.cache_size = config.cache_size;
  options.auth.idle_timeout = config.session_idle_timeout;
  options.auth.revoke_tokens = config.revoke_tokens;
  options.auth.share_tokens = config.share_tokens;
  options.auth.share_jwt_tokens = config.share_jwt_tokens;
  options.read_cache_ttl = config.read_cache_ttl;
  options.max_read_cache_bytes = static_cast<size_t>(config.max_read_cache_bytes);
  options.version_key = [&version_keys](Deadline deadline, Callback<std::string> done) {
    version_keys.Key(deadline, std::move(done));
  };
  if (kube_client && config.token_request_fallback) {
    options.auth.request_token = [client = kube_client.get()](const mount::PodInfo& pod, const std::string& audience,
                                                               Deadline deadline, Callback<std::string> done) {
      kube::RequestPodToken(*client, {pod.ns, pod.name, pod.uid, pod.service_account}, audience, deadline,
                            std::move(done));
    };
  } else if (kube_client) {
    options.auth.no_token_request_reason = "the TokenRequest fallback is off (-token-request-fallback=false)";
  }
  mount::Mounter mounter(mount::MounterServices{&transport, &clock, &metrics}, options);
  const StopCallbacks stop_callbacks{clock, transport};  // before the Mounter goes
  ProviderService service(mounter, clock, metrics);

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
  HealthServer health(ready, metrics);
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
    const size_t cached = mounter.sessions();
    Notification revoked_all;
    std::atomic<int> revoked{0};
    mounter.RevokeCachedTokens(clock.Now() + std::chrono::seconds(5), [&](int count) {
      revoked = count;
      revoked_all.Notify();
    });
    revoked_all.WaitUntil(clock, clock.Now() + std::chrono::seconds(6));
    spdlog::info("revoked {} of {} cached Vault tokens (-revoke-tokens)", revoked.load(), cached);
  }
  spdlog::info("shutdown complete");
  return absl::OkStatus();
}

}  // namespace vcp::server
