// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Build and version information, for -version and the gRPC Version call.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace vcp::config {

// The provider's semver version, e.g. "0.1.0".
std::string ProviderVersion();

// The -version output in `format` ("json", "yaml", "json-pretty"), with the
// incumbent's keys (major, minor, patch, gitVersion, gitCommit, gitTreeState,
// buildDate, compiler, platform, minDriverVersion). InvalidArgument
// "--output should be one of: 'yaml', 'json', 'json-pretty'" otherwise.
absl::StatusOr<std::string> VersionText(const std::string& format);

}  // namespace vcp::config
