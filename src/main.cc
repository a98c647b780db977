// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// vault-csi-provider: a Vault provider for the Secrets Store CSI Driver.
// The composition root: flags, logging, then the daemon; or the `validate`
// subcommand (cli/validate.h), or the `mount` subcommand (cli/mount_command.h).
#include <curl/curl.h>
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "vcp/cli/mount_command.h"
#include "vcp/cli/validate.h"
#include "vcp/config/daemon_config.h"
#include "vcp/config/version.h"
#include "vcp/server/daemon.h"
#include "vcp/util/logging.h"

int main(int argc, char** argv) {
  // Subcommands first: the daemon's own command line has no positional arguments.
  if (argc > 1 && std::string(argv[1]) == "validate") {
    return vcp::cli::RunValidate(std::vector<std::string>(argv + 2, argv + argc), std::cin, std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "mount") {
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const int code = vcp::cli::RunMount(std::vector<std::string>(argv + 2, argv + argc), vcp::ProcessEnv, std::cout,
                                        std::cerr);
    curl_global_cleanup();
    return code;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = vcp::config::ParseCommandLine(args, vcp::ProcessEnv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", std::string(parsed.status().message()).c_str());
    auto usage = vcp::config::ParseCommandLine({"-h"}, vcp::ProcessEnv);
    if (usage.ok()) std::fputs(usage->usage.c_str(), stderr);
    return 2;
  }
  if (parsed->help) {
    std::fputs(parsed->usage.c_str(), stderr);
    return 0;
  }
  const vcp::config::DaemonConfig& config = parsed->config;
  if (config.print_version) {
    auto text = vcp::config::VersionText(config.output);
    if (!text.ok()) {
      std::fprintf(stderr, "%s\n", std::string(text.status().message()).c_str());
      return 1;
    }
    std::printf("%s\n", text->c_str());
    return 0;
  }

  // Large blocks (response bodies, rendered files) come from mmap and go
  // back to the system when freed. Without a fixed threshold glibc raises it
  // after the first large free, up to 32 MiB, and a burst of large Mounts
  // then stays resident in malloc's heap for good.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // gRPC's locks are absl::Mutex; Debian's abseil records every lock order in
  // a graph to detect deadlocks, which costs CPU on every call and is a
  // debugging aid, not a production check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  vcp::server::BlockShutdownSignals();
  if (!vcp::SetupLogging(config.log_level, config.log_format)) {
    spdlog::warn("unknown -log-level \"{}\", using info", config.log_level);
  }
  for (const std::string& warning : parsed->warnings) spdlog::warn("{}", warning);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const absl::Status status = vcp::server::RunDaemon(config);
  curl_global_cleanup();
  if (!status.ok()) {
    spdlog::error("Error running provider: {}", std::string(status.message()));
    return 1;
  }
  return 0;
}
