// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// One-time logger setup. Logs go to stderr as lines of
// "<RFC3339 UTC time> [<level>] <message>", key=value pairs in the message.
// Nothing logged anywhere may contain a token or a secret value.
#pragma once

#include <string>

namespace vcp {

// Sets the process-wide level from the incumbent's names: trace, debug, info,
// warn, error, off. Unknown names fall back to info (as hclog does); returns
// false in that case so the caller can warn.
bool SetupLogging(const std::string& level);

}  // namespace vcp
