// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A Kubernetes API server double for the calls the provider makes: HTTPS with
// a bearer-token check; TokenRequest (POST .../serviceaccounts/<sa>/token)
// returning an RS256 JWT with the requested audiences, the pod binding and
// expirationTimestamp; Secrets get/create/delete with the real API's 404,
// 409 and immutability answers (metav1.Status bodies); request counters; an
// RBAC switch that forbids TokenRequests; and a "down" switch.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace httplib {
class SSLServer;
}

namespace vcp::testing {

struct KubeDoubleOptions {
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string bearer_token = "provider-sa-token";  // the provider's own service-account token
  std::string jwt_key_pem;                         // signs TokenRequest tokens
  std::string provider_namespace = "csi";
};

class KubeDouble {
 public:
  explicit KubeDouble(KubeDoubleOptions options);
  ~KubeDouble();

  absl::Status Start();
  void Stop();
  int port() const { return port_; }

  // Makes TokenRequests answer 403 Forbidden (RBAC missing).
  void ForbidTokenRequests(bool forbid);
  // Makes every request answer 503.
  void SetDown(bool down);

  // Counters: "tokenrequest", "secret:get", "secret:create", "secret:delete", "unauthorized".
  int64_t Count(const std::string& key) const;
  // The stored Secret's data (decoded), or empty.
  std::map<std::string, std::string> SecretData(const std::string& ns, const std::string& name) const;
  // Deletes a Secret as an admin would (kubectl delete secret).
  void DeleteSecret(const std::string& ns, const std::string& name);
  // The last TokenRequest body received.
  nlohmann::json LastTokenRequest() const;

 private:
  struct Reply {
    int status;
    std::string body;
  };
  Reply Handle(const std::string& method, const std::string& path, const std::string& authorization,
               const std::string& body);

  KubeDoubleOptions options_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::map<std::string, nlohmann::json> secrets_;  // "<ns>/<name>" -> Secret object
  std::map<std::string, int64_t> counters_;
  nlohmann::json last_token_request_;
  bool forbid_token_requests_ = false;
  bool down_ = false;
};

}  // namespace vcp::testing
