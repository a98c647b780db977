// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// One-time logger setup. Logs go to stderr, one line per event, either as text
// ("<RFC3339 UTC time> [<level>] <message>") or as JSON objects
// ({"time":...,"level":...,"msg":...}). Key=value pairs live in the message.
// Every event is exactly one line: the text format escapes control characters
// in the message (\n, \r, \t, \xHH), the JSON format escapes them as JSON
// does, and a message longer than 64 KiB is cut ("… (N bytes)").
// Nothing logged anywhere may contain a token or a secret value.
#pragma once

#include <string>
#include <string_view>

namespace vcp {

// Sets the process-wide logger (a later call replaces it). `level` uses the incumbent's names: trace,
// debug, info, warn, error, off; unknown names fall back to info (as hclog
// does) and make this return false so the caller can warn. `format` is
// "text" or "json" (anything else is treated as text).
bool SetupLogging(const std::string& level, const std::string& format = "text");

// The line (newline included) that the logger SetupLogging sets up for
// `format` writes for `message` at info level.
std::string FormatLogLine(const std::string& format, std::string_view message);

}  // namespace vcp
