// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/health_server.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "vcp/util/metrics.h"

namespace vcp::server {

HealthServer::HealthServer(const std::atomic<bool>& ready, const Metrics& metrics)
    : ready_(&ready), metrics_(&metrics), server_(std::make_unique<httplib::Server>()) {}

HealthServer::~HealthServer() { Stop(); }

absl::StatusOr<std::string> HealthServer::Start(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid -health-addr \"", address, "\": want host:port, e.g. :8080"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";

  server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_->set_tcp_nodelay(true);  // as Go servers do; avoids 40 ms Nagle/delayed-ACK stalls
  server_->Get("/health/ready", [this](const httplib::Request&, httplib::Response& res) {
    const bool ready = ready_->load();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ok\n" : "not serving\n", "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(metrics_->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/health/live", [](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content("ok\n", "text/plain");
  });
  const int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return absl::UnavailableError(
        absl::StrCat("failed to listen for health checks on ", address, " (address in use?)"));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::StrCat(host, ":", bound);
}

void HealthServer::Stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace vcp::server
