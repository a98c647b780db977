// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// HttpTransport over libcurl's multi interface: one event loop thread drives
// every request of the process, however many Mounts are in flight, so a
// Mount's reads are issued together and no thread is created per Mount or
// per read. Connections (kept alive between requests and Mounts), DNS
// answers and TLS sessions are shared by every request through one curl
// share. Over TLS, requests to one Vault multiplex on HTTP/2 when Vault
// offers it.
//
// A CA directory is read the way Go's Vault client reads it: every PEM file
// in it is trusted (OpenSSL's CAPATH would only find hash-named files).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vcp/http/http_transport.h"
#include "vcp/util/clock.h"

namespace vcp::http {

struct CurlTransportOptions {
  // Bytes of CA directory bundles kept in memory (-max-ca-cache-bytes), an
  // LRU keyed by the directory itself (device and inode), not by how its
  // path is spelled; a bundle over a quarter of this is read on every request
  // and not kept. 0: nothing is kept.
  size_t max_ca_cache_bytes = 4 << 20;
  // Idle connections kept open for reuse, over every host.
  long max_idle_connections = 64;
};

class CurlTransport final : public HttpTransport {
 public:
  // Starts the event loop thread. `clock` (how old a cached CA bundle is)
  // must outlive the transport. REQUIRES: curl_global_init has been called
  // (main does it once).
  explicit CurlTransport(Clock& clock, CurlTransportOptions options = CurlTransportOptions());
  // Shutdown(), then frees curl's handles.
  ~CurlTransport() override;

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void Send(HttpRequest request, HttpCallback done) override;

  // Ends every request in flight with Unavailable ("shutting down"), stops
  // the loop thread and refuses later requests the same way. Idempotent; must
  // not be called from a callback.
  void Shutdown();

  // Bytes of CA bundles held by the cache now (for tests).
  size_t ca_cache_bytes();

 private:
  struct Transfer;
  struct Shared;

  void Run();                                              // the loop thread
  void Start(std::unique_ptr<Transfer> transfer);          // loop thread: configure and add
  void Finish(void* easy, int code);                       // loop thread: remove and call back
  // Concatenated PEM files of `directory`, re-read at most every 30 s.
  std::shared_ptr<const std::string> CaBundle(const std::string& directory);

  struct CachedBundle {
    std::shared_ptr<const std::string> pem;
    TimePoint loaded;
    TimePoint used;
  };

  const CurlTransportOptions options_;
  Clock* clock_;
  void* multi_ = nullptr;                   // CURLM*, loop thread only (and wakeup)
  std::unique_ptr<Shared> shared_;          // the curl share and its locks
  std::vector<void*> idle_handles_;         // CURL*, loop thread only
  std::map<void*, std::unique_ptr<Transfer>> running_;  // by CURL*, loop thread only

  std::mutex mu_;
  std::deque<std::unique_ptr<Transfer>> incoming_;  // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::thread loop_;

  std::mutex ca_mu_;
  std::map<std::string, CachedBundle> ca_bundles_;  // by "<device>:<inode>"; guarded by ca_mu_
  size_t ca_bytes_ = 0;                             // guarded by ca_mu_
};

}  // namespace vcp::http
