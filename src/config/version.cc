// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/config/version.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "vcp_build_info.h"  // VCP_GIT_COMMIT, VCP_GIT_TREE_STATE, VCP_BUILD_DATE (cmake/build_info.cmake)

#ifndef VCP_VERSION
#define VCP_VERSION "0.0.0-dev"
#endif
namespace vcp::config {

std::string ProviderVersion() { return VCP_VERSION; }

absl::StatusOr<std::string> VersionText(const std::string& format) {
  const std::string version = VCP_VERSION;
  std::string major, minor, patch;
  {
    size_t a = version.find('.');
    size_t b = a == std::string::npos ? a : version.find('.', a + 1);
    major = version.substr(0, a);
    if (a != std::string::npos) minor = version.substr(a + 1, b - a - 1);
    if (b != std::string::npos) patch = version.substr(b + 1);
  }
  // nlohmann::ordered_json keeps the incumbent's key order.
  nlohmann::ordered_json info = {
      {"major", major},
      {"minor", minor},
      {"patch", patch},
      {"gitVersion", absl::StrCat("v", version)},
      {"gitCommit", VCP_GIT_COMMIT},
      {"gitTreeState", VCP_GIT_TREE_STATE},
      {"buildDate", VCP_BUILD_DATE},
      {"compiler", absl::StrCat(
#if defined(__clang__)
                       "clang ", __clang_major__, ".", __clang_minor__
#else
                       "g++ ", __GNUC__, ".", __GNUC_MINOR__
#endif
                       )},
      {"platform", "linux/amd64"},
      {"minDriverVersion", "v0.0.21"},
  };
#if defined(__aarch64__)
  info["platform"] = "linux/arm64";
#endif
  if (format == "json") return info.dump();
  if (format == "json-pretty") return info.dump(4);
  if (format == "yaml") {
    std::string out;
    for (auto& [key, value] : info.items()) {
      absl::StrAppend(&out, key, ": ", value.dump(), "\n");  // JSON strings are YAML strings
    }
    return out;
  }
  return absl::InvalidArgumentError("--output should be one of: 'yaml', 'json', 'json-pretty'");
}

}  // namespace vcp::config
