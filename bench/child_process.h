// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The bench's helper processes (nginx, noop_provider): started with their
// output in a file, stopped with SIGTERM.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace vcp::bench {

// Starts args[0] with `args`, its stdout and stderr in `output`; -1 on failure.
pid_t Spawn(std::vector<std::string> args, const std::string& output);
// Whether `pid` has exited (reaping it if so).
bool Exited(pid_t pid);
// Sends SIGTERM and waits for the exit.
void Stop(pid_t pid);

}  // namespace vcp::bench
