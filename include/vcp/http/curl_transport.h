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

#include "vcp/http/http_transport.h"

namespace vcp::http {

struct CurlTransportOptions {
  // Bytes of CA directory bundles kept in memory (-max-ca-cache-bytes), an
  // LRU keyed by the directory itself (device and inode), not by how its
  // path is spelled; a bundle over a quarter of this is read on every request
  // and not kept. 0: nothing is kept.
  size_t max_ca_cache_bytes = 4 << 20;
};

class CurlTransport final : public HttpTransport {
 public:
  // REQUIRES: curl_global_init has been called (main does it once).
  explicit CurlTransport(CurlTransportOptions options = CurlTransportOptions());
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
    std::chrono::steady_clock::time_point used;
  };

  const CurlTransportOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;                         // guarded by mu_
  // By "<device>:<inode>" of the directory; guarded by mu_.
  std::map<std::string, CachedBundle> ca_bundles_;
  size_t ca_bytes_ = 0;                             // PEM bytes in ca_bundles_; guarded by mu_

 public:
  // Bytes of CA bundles held by the cache now (for tests).
  size_t ca_cache_bytes();
};

}  // namespace vcp::http
