// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// JSON numbers as Vault spelled them. Go's encoding/json with UseNumber (what
// HashiCorp's provider and Vault Agent decode Vault's answers with) keeps a
// number's text: `1.50` stays `1.50`, `1e3` stays `1e3`, and
// 12345678901234567890123 stays exact. nlohmann::json has no such type, so a
// number whose text is not the canonical decimal of an int64 or uint64 is
// held as a binary value of subtype kNumberTextSubtype whose bytes are that
// text, exactly as received. Canonical integers stay native integers, so code
// reading `lease_duration` and the like sees plain numbers. Every writer of
// JSON text (GoJsonEncode) prints a number text as it is.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vcp {

// The binary subtype that marks a number text ('n').
inline constexpr std::uint8_t kNumberTextSubtype = 0x6e;

// A JSON value holding the number `text` as written. REQUIRES: `text` is a
// valid JSON number (the parser has checked it).
inline nlohmann::json MakeNumberText(std::string_view text) {
  return nlohmann::json::binary(nlohmann::json::binary_t::container_type(text.begin(), text.end()),
                                kNumberTextSubtype);
}

// Whether `value` is a number text made by MakeNumberText.
inline bool IsNumberText(const nlohmann::json& value) {
  return value.is_binary() && value.get_binary().has_subtype() &&
         value.get_binary().subtype() == kNumberTextSubtype;
}

// The text of a number text. REQUIRES: IsNumberText(value).
inline std::string_view NumberText(const nlohmann::json& value) {
  const auto& bytes = value.get_binary();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace vcp
