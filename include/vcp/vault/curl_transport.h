// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// HttpTransport over libcurl. Easy handles are pooled and reused, so
// connections to Vault stay alive between requests (and between Mounts).
// A CA directory is read the way Go's Vault client reads it: every PEM file
// in it is trusted (OpenSSL's CAPATH would only find hash-named files).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vcp/vault/http_transport.h"

namespace vcp::vault {

class CurlTransport final : public HttpTransport {
 public:
  // REQUIRES: curl_global_init has been called (main does it once).
  CurlTransport();
  ~CurlTransport() override;

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  void* Acquire();            // a pooled CURL* or a new one
  void Release(void* handle);  // back to the pool (bounded)
  // Concatenated PEM files of `directory`, re-read at most every 30 s.
  std::shared_ptr<const std::string> CaBundle(const std::string& directory);

  struct CachedBundle {
    std::shared_ptr<const std::string> pem;
    std::chrono::steady_clock::time_point loaded;
  };

  std::mutex mu_;
  std::vector<void*> idle_;                         // guarded by mu_
  std::map<std::string, CachedBundle> ca_bundles_;  // guarded by mu_
};

}  // namespace vcp::vault
