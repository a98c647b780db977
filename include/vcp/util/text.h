// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Untrusted text made fit for error messages and log lines. Anything a
// SecretProviderClass, a pod's volumeAttributes or a Vault answer supplies may
// be any length and contain any byte; these helpers are the one place that
// bounds it (Shorten, QuoteShortened), keeps URL query strings out
// (WithoutQuery) and makes control characters visible (EscapeControl).
#pragma once

#include <cstddef>
#include <string>
#include "absl/strings/string_view.h"

namespace vcp {

// The default bound for one piece of untrusted text quoted in a message.
inline constexpr size_t kMaxQuotedBytes = 256;

// Returns `text` unchanged when it has at most `max_bytes` bytes; otherwise its
// first `max_bytes` bytes (fewer, so as not to split a UTF-8 sequence) followed
// by "… (N bytes)", N being the full length.
std::string Shorten(absl::string_view text, size_t max_bytes = kMaxQuotedBytes);

// Returns `text` as a Go-style JSON string literal (quotes, control
// characters and invalid UTF-8 escaped), cut like Shorten: `"abc"… (N bytes)`.
std::string QuoteShortened(absl::string_view text, size_t max_bytes = kMaxQuotedBytes);

// Returns `text` up to its first '?': a path or URL without its query string,
// which may carry credentials and is never put in a message.
absl::string_view WithoutQuery(absl::string_view text);

// Returns `text` with every C0 control character and DEL escaped (\n, \r, \t,
// else \xHH), so it stays on one line and cannot imitate another log line or
// drive a terminal. Other bytes (backslashes and UTF-8 included) are kept.
std::string EscapeControl(absl::string_view text);

}  // namespace vcp
