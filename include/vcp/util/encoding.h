// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Byte encodings used for secret contents and object versions. Decoders are
// strict and report where the first bad byte is, never the byte itself: the
// input is usually a secret. (Go's base64 text is kept; its hex text, which
// shows the byte, is not.)
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vcp {

// Decodes standard-alphabet base64 with required padding (Go's
// base64.StdEncoding). CR and LF are ignored, as in Go. On failure returns
// InvalidArgument "illegal base64 data at input byte N".
absl::StatusOr<std::string> DecodeBase64Std(std::string_view text);

// Encodes `bytes` as base64 with the URL-safe alphabet and padding (Go's base64.URLEncoding).
std::string EncodeBase64Url(std::string_view bytes);

// Encodes `bytes` as standard base64 with padding.
std::string EncodeBase64Std(std::string_view bytes);

// Encodes `bytes` as unpadded URL-safe base64 (as used in JWTs).
std::string EncodeBase64RawUrl(std::string_view bytes);

// Decodes unpadded or padded URL-safe base64 (JWT segments). InvalidArgument on bad input.
absl::StatusOr<std::string> DecodeBase64RawUrl(std::string_view text);

// Decodes hexadecimal (either case). On failure returns InvalidArgument
// "encoding/hex: invalid byte at input byte N" (the first byte that is not a
// hex digit, counted from 0) or "encoding/hex: odd length hex string". Unlike
// Go's text, the message never shows the byte: the input is a secret.
absl::StatusOr<std::string> DecodeHex(std::string_view text);

}  // namespace vcp
