// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A fixed-answer Vault for mount_bench's ratio rows: nginx from Debian,
// started as a child process with a generated configuration in a temporary
// directory, answering from its configuration alone (`return 200` with
// Vault-shaped bodies), so that the server costs a few microseconds of CPU
// per request and pads neither side of a ratio.
//
// One server per requested delay. Delay 0 answers with `return`; a delay of
// d ms answers with the echo module's `echo_sleep` (a timer in nginx's event
// loop, no thread) and then the same body: nginx cannot delay a `return`,
// and this kernel has no netem to delay the network instead. The provider
// and the baseline meet the same server, so a delay weighs on both alike.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vcp::bench {

struct FixedVaultOptions {
  std::string nginx = "/usr/sbin/nginx";
  std::string echo_module = "/usr/lib/nginx/modules/ngx_http_echo_module.so";
  std::vector<int> delays_ms = {0};  // one server each
  std::string login_body;            // POST /v1/auth/kubernetes/login
  std::string kv_body;               // GET /v1/secret/data/bench/<i>
};

class FixedVault {
 public:
  // Writes <dir>/nginx/nginx.conf and starts nginx (one process: no master,
  // one worker loop) on free loopback ports; returns once every server
  // answers. A delay that cannot be served (no echo module) is left out and
  // SkippedReason() says why.
  static absl::StatusOr<std::unique_ptr<FixedVault>> Start(const std::string& dir, const FixedVaultOptions& options);
  ~FixedVault();

  FixedVault(const FixedVault&) = delete;
  FixedVault& operator=(const FixedVault&) = delete;

  bool Serves(int delay_ms) const { return ports_.count(delay_ms) != 0; }
  // Why `delay_ms` has no server ("" when it has one).
  std::string SkippedReason(int delay_ms) const;
  // "http://127.0.0.1:<port>" of the server with `delay_ms`.
  std::string Address(int delay_ms) const;
  pid_t pid() const { return pid_; }
  // Requests nginx has answered (all servers), not counting these queries.
  int64_t Requests();

 private:
  FixedVault() = default;
  pid_t pid_ = -1;
  std::string dir_;
  std::map<int, int> ports_;  // delay -> port
  std::map<int, std::string> skipped_;
  int64_t status_queries_ = 0;
};

// The body of a Vault KV v2 read of {"v": value} and of a Kubernetes auth
// login whose token lives `lease_seconds` (vault-api.md §2.2, §4.2).
std::string KvV2ReadBody(const std::string& value);
std::string LoginBody(const std::string& client_token, int lease_seconds);

// GET `url` with libcurl; the body, or "" with *ok false.
std::string HttpGet(const std::string& url, bool* ok);

}  // namespace vcp::bench
