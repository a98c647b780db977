// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The provider process: builds every component from the configuration,
// serves gRPC on the Unix socket and the probes over HTTP, and shuts down
// cleanly on SIGTERM or SIGINT.
#pragma once

#include <chrono>

#include "absl/status/status.h"
#include "vcp/config/daemon_config.h"

namespace vcp::server {

// Serves until SIGTERM/SIGINT. At start, a stale file at the socket path is
// removed and the new socket is made accessible to its owner only. On a
// signal: readiness turns false, new calls are refused, in-flight Mounts get
// up to `grace` to finish, the socket is removed. Returns OK after a clean
// shutdown, or the startup error (with the incumbent's texts, e.g. "failed to
// listen on unix socket at <path>: ...").
// REQUIRES: SIGTERM, SIGINT blocked in every thread (call BlockShutdownSignals first).
absl::Status RunDaemon(const config::DaemonConfig& config,
                       std::chrono::seconds grace = std::chrono::seconds(20));

// Blocks SIGTERM and SIGINT (so RunDaemon can wait for them) and ignores SIGPIPE.
// Call before any thread starts.
void BlockShutdownSignals();

}  // namespace vcp::server
