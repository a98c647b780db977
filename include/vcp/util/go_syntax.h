// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Values spelled as Go spells them: the incumbent is a Go program, so its
// flags, environment variables and SecretProviderClass parameters take Go's
// strconv and time syntax, and so do ours.
#pragma once

#include <chrono>
#include <string>

#include "absl/status/statusor.h"

namespace vcp {

// Parses a Go duration (time.ParseDuration): an optional sign, then one or
// more decimal numbers each with a unit ns, us, µs, ms, s, m or h, e.g. "90s",
// "1m30s", "1.5h", "500ms"; "0" alone. Truncated to whole milliseconds.
// InvalidArgument `time: invalid duration "TEXT"` otherwise, including a value
// beyond Go's range (about 292 years) and more than 64 characters of text.
absl::StatusOr<std::chrono::milliseconds> ParseGoDuration(const std::string& text);

// Formats a duration as Go's time.Duration.String does at millisecond
// precision: "0s", "500ms", "1.5s", "1m0s", "1h30m0s", "-2s".
std::string FormatGoDuration(std::chrono::milliseconds duration);

// Parses a boolean as Go's strconv.ParseBool: 1 t T TRUE true True and
// 0 f F FALSE false False. Returns false in `*ok` for anything else.
bool ParseGoBool(const std::string& text, bool* ok);

}  // namespace vcp
