// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// HTTP probes for kubelet on -health-addr: /health/ready answers 200 only
// while the gRPC server is serving (503 otherwise); /health/live answers 200
// while the process responds; /metrics serves Prometheus metrics. Everything
// else is 404.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "vcp/util/metrics.h"

namespace httplib {
class Server;
}

namespace vcp::server {

class HealthServer {
 public:
  // `ready` is read on every /health/ready request and `metrics` rendered on
  // every /metrics request; both must outlive the server.
  HealthServer(const std::atomic<bool>& ready, const Metrics& metrics);
  ~HealthServer();

  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Binds `address` (Go style: ":8080", "127.0.0.1:0", "[::1]:8080") and
  // serves in a background thread. Returns the bound "host:port".
  // InvalidArgument for a malformed address, Unavailable if it cannot bind.
  absl::StatusOr<std::string> Start(const std::string& address);

  // Stops serving; idempotent.
  void Stop();

 private:
  const std::atomic<bool>* ready_;
  const Metrics* metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace vcp::server
