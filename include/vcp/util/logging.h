// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// One-time logger setup. Logs go to stderr, one line per event, either as text
// ("<RFC3339 UTC time> [<level>] <message>") or as JSON objects
// ({"time":...,"level":...,"msg":...}). Key=value pairs live in the message.
// Nothing logged anywhere may contain a token or a secret value.
#pragma once

#include <string>

namespace vcp {

// Sets the process-wide logger. `level` uses the incumbent's names: trace,
// debug, info, warn, error, off; unknown names fall back to info (as hclog
// does) and make this return false so the caller can warn. `format` is
// "text" or "json" (anything else is treated as text).
bool SetupLogging(const std::string& level, const std::string& format = "text");

}  // namespace vcp
