// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <map>

namespace vcp {

bool SetupLogging(const std::string& level) {
  static const std::map<std::string, spdlog::level::level_enum> kLevels = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  auto logger = spdlog::stderr_logger_mt("vault-csi-provider");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ [%l] %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  auto it = kLevels.find(level);
  spdlog::set_level(it == kLevels.end() ? spdlog::level::info : it->second);
  spdlog::flush_on(spdlog::level::trace);
  return it != kLevels.end();
}

}  // namespace vcp
