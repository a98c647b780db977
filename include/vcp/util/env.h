// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The process environment behind a seam, so that configuration parsing is a
// pure function of its inputs in tests.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace vcp {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (getenv).
std::optional<std::string> ProcessEnv(const std::string& name);

}  // namespace vcp
