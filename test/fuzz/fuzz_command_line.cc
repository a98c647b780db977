// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the daemon's command line and environment (a chart's values or a
// DaemonSet edit set them): config::ParseCommandLine with Go's flag syntax and
// the VAULT_* fallbacks, and the Go duration and boolean parsers. The input is
// lines: "$NAME=value" sets an environment variable, any other line is one
// argument. Every line is also parsed as a duration, and a parsed duration
// must survive FormatGoDuration and back unchanged.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "vcp/config/daemon_config.h"
#include "vcp/config/flag_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line[0] == '$') {
      const size_t eq = line.find('=');
      env[std::string(line.substr(1, eq == absl::string_view::npos ? eq : eq - 1))] =
          eq == absl::string_view::npos ? "" : std::string(line.substr(eq + 1));
    } else {
      args.emplace_back(line);
    }
    const std::string value(line);
    if (auto duration = vcp::ParseGoDuration(value); duration.ok()) {
      auto again = vcp::ParseGoDuration(vcp::FormatGoDuration(*duration));
      if (!again.ok() || *again != *duration) __builtin_trap();
    }
    bool ok = false;
    (void)vcp::ParseGoBool(value, &ok);
  }
  const vcp::EnvLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  (void)vcp::config::ParseCommandLine(args, lookup);
  return 0;
}
