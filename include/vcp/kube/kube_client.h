// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The few Kubernetes API calls the provider makes, in-cluster: create a
// service-account token (TokenRequest) and get or create a Secret. Uses the
// same HttpTransport seam as the Vault client, so calls are asynchronous:
// they return at once and their callback runs when the API server has
// answered. TLS is verified against the service account's ca.crt, and the
// bearer token file is re-read when it changes (projected tokens rotate).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/util/env.h"
#include "vcp/http/http_transport.h"

namespace vcp::kube {

// How to reach the API server from inside a pod.
struct KubeConfig {
  std::string api_url;     // https://<KUBERNETES_SERVICE_HOST>:<KUBERNETES_SERVICE_PORT>
  std::string ca_file;     // <dir>/ca.crt
  std::string token_file;  // <dir>/token
  std::string ns;          // the provider's own namespace, from <dir>/namespace
};

// Reads the in-cluster configuration: KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT from `env`, and `service_account_dir` (normally
// /var/run/secrets/kubernetes.io/serviceaccount). FailedPrecondition with
// client-go's text "unable to load in-cluster configuration, ..." outside a
// cluster, or naming the missing file.
absl::StatusOr<KubeConfig> LoadInClusterConfig(const EnvLookup& env,
                                               const std::string& service_account_dir);

// A Secret's data, decoded.
struct Secret {
  std::map<std::string, std::string> data;
};

class KubeClient {
 public:
  // `transport` and `clock` must outlive the client and its calls in flight.
  KubeClient(http::HttpTransport& transport, Clock& clock, KubeConfig config);

  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  // POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token with
  // `audiences` (none = the API server's), `expiration_seconds`, bound to the
  // pod. Yields the JWT. PermissionDenied on 403 (the text names the missing
  // RBAC permission), other API errors with the API's message.
  void CreateServiceAccountToken(const std::string& ns, const std::string& service_account,
                                 const std::vector<std::string>& audiences, const std::string& pod_name,
                                 const std::string& pod_uid, int64_t expiration_seconds, Deadline deadline,
                                 Callback<std::string> done);

  // GET a Secret. NotFound when it does not exist.
  void GetSecret(const std::string& ns, const std::string& name, Deadline deadline, Callback<Secret> done);

  // POST a new Secret (immutable when asked). AlreadyExists on 409.
  void CreateSecret(const std::string& ns, const std::string& name, const Secret& secret, bool immutable,
                    Deadline deadline, StatusCallback done);

  const KubeConfig& config() const { return config_; }

 private:
  void Call(const std::string& method, const std::string& path, std::optional<std::string> body, Deadline deadline,
            Callback<http::HttpResponse> done);
  absl::StatusOr<std::string> BearerToken();

  http::HttpTransport* transport_;
  Clock* clock_;
  KubeConfig config_;
  std::mutex mu_;
  std::string token_;     // guarded by mu_
  TimePoint token_read_;  // guarded by mu_
};

}  // namespace vcp::kube
