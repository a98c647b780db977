// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// HttpTransport over libcurl. Easy handles are pooled and reused, so
// connections to Vault stay alive between requests (and between Mounts).
#pragma once

#include <memory>
#include <mutex>
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

  std::mutex mu_;
  std::vector<void*> idle_;  // guarded by mu_
};

}  // namespace vcp::vault
