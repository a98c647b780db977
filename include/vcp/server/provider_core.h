// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The provider's Mount machinery, built from the daemon's configuration: the
// clock, the metrics, the libcurl transport, the parsed-objects cache, the
// Kubernetes client (the TokenRequest fallback and the HMAC key Secret), and
// the Mounter with the options every flag and VAULT_*/BAO_* variable sets.
// The daemon serves it over gRPC (daemon.h); `vault-csi-provider mount`
// (cli/mount_command.h) runs one Mount with it, so that a Mount from the
// command line runs the daemon's code with the daemon's settings.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "vcp/config/daemon_config.h"
#include "vcp/mount/mounter.h"
#include "vcp/mount/objects_cache.h"
#include "vcp/util/clock.h"
#include "vcp/util/env.h"
#include "vcp/util/metrics.h"

namespace vcp::http {
class CurlTransport;
}  // namespace vcp::http

namespace vcp::kube {
class HmacKeyStore;
class KubeClient;
}  // namespace vcp::kube

namespace vcp::server {

class ProviderCore {
 public:
  // Builds everything for `config`, reading the Kubernetes in-cluster
  // settings (KUBERNETES_SERVICE_HOST/_PORT) from `env`. Logs what the
  // daemon logs when it starts: a warning when there is no Kubernetes API
  // (no TokenRequest fallback; object versions from a per-process key) and
  // when -allowed-vault-addrs is empty. Starts fetching the version key, so
  // that the first Mount does not wait for it. InvalidArgument when
  // -allowed-vault-addrs does not parse. REQUIRES: curl_global_init has been
  // called.
  static absl::StatusOr<std::unique_ptr<ProviderCore>> Create(const config::DaemonConfig& config,
                                                              const EnvLookup& env);

  // Stops the transport and the clock (every callback in flight ends or is
  // dropped), then destroys the Mounter and what it uses. REQUIRES: no
  // Mount is started any more (the gRPC server has stopped).
  ~ProviderCore();

  ProviderCore(const ProviderCore&) = delete;
  ProviderCore& operator=(const ProviderCore&) = delete;

  mount::Mounter& mounter() { return *mounter_; }
  SystemClock& clock() { return clock_; }
  Metrics& metrics() { return metrics_; }

 private:
  explicit ProviderCore(const config::DaemonConfig& config);

  // Declared in the order they are built; the destructor stops the
  // transport and the clock before any of them goes.
  SystemClock clock_;
  Metrics metrics_;
  std::unique_ptr<http::CurlTransport> transport_;
  mount::ObjectsCache objects_cache_;
  std::unique_ptr<kube::KubeClient> kube_client_;
  std::unique_ptr<kube::HmacKeyStore> version_keys_;
  std::unique_ptr<mount::Mounter> mounter_;
};

}  // namespace vcp::server
