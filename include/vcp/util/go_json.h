// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// JSON text exactly as Go's encoding/json writes it. The incumbent provider is
// written in Go, and users compare files byte for byte when they migrate, so
// every JSON the provider writes into a file goes through here.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vcp {

// Returns `value` as compact JSON the way Go's json.Marshal writes it: object
// keys sorted, no spaces, `<`, `>`, `&`, U+2028 and U+2029 escaped as \uXXXX,
// control characters as \n \r \t \b \f or \u00xx, invalid UTF-8 replaced by
// U+FFFD. A number text (util/json_number.h) is written verbatim, as Go writes
// a json.Number (one that is not a valid JSON number, which no parser makes,
// is written as a string); native numbers keep nlohmann's shortest
// round-trip spelling. Iterative: any nesting depth is safe.
std::string GoJsonEncode(const nlohmann::json& value);

// Returns `text` as a Go-encoded JSON string literal (with the quotes).
std::string GoJsonQuote(const std::string& text);

}  // namespace vcp
