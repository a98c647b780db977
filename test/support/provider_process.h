// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Runs the real vault-csi-provider binary as a child process for end-to-end
// tests, with a gRPC stub on its Unix socket and its log captured to a file.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "v1alpha1/service.grpc.pb.h"

namespace vcp::testing {

class ProviderProcess {
 public:
  // Starts `binary` with `args` (plus -endpoint=<dir>/vault.sock and
  // -health-addr=127.0.0.1:0 unless given) and waits until it serves.
  static absl::StatusOr<std::unique_ptr<ProviderProcess>> Start(
      const std::string& binary, const std::string& dir, std::vector<std::string> args,
      const std::vector<std::string>& env = {});
  ~ProviderProcess();

  // A stub on the socket; `authority` overrides the HTTP/2 :authority.
  std::unique_ptr<v1alpha1::CSIDriverProvider::Stub> Stub(const std::string& authority = "") const;

  const std::string& socket_path() const { return socket_path_; }
  // "127.0.0.1:<port>" of the health server, read from the provider's log.
  const std::string& health_address() const { return health_address_; }
  pid_t pid() const { return pid_; }

  // Everything the provider logged so far.
  std::string Log() const;

  // Sends `signal` without waiting.
  void Signal(int signal);

  // Sends `signal` and waits for exit; returns the exit status (or -1).
  int Stop(int signal = 15);

 private:
  ProviderProcess() = default;
  pid_t pid_ = -1;
  std::string socket_path_;
  std::string log_path_;
  std::string health_address_;
};

// Sends an HTTP GET to 127.0.0.1 and returns the status code (0 if unreachable).
int HttpGetStatus(const std::string& host_port, const std::string& path);

}  // namespace vcp::testing
