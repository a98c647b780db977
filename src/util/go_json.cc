// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_json.h"

#include <string_view>

namespace vcp {
namespace {

// Rewrites nlohmann's escaping of a dumped document into Go's. Both escape
// quotes, backslashes and control characters identically except that Go also
// escapes the HTML-significant characters and the two JavaScript line
// separators; those bytes can only occur inside string literals.
std::string ApplyGoHtmlEscapes(std::string_view dumped) {
  std::string out;
  out.reserve(dumped.size() + 16);
  for (size_t i = 0; i < dumped.size(); ++i) {
    const char c = dumped[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < dumped.size() && dumped[i + 1] == '\x80' &&
               (dumped[i + 2] == '\xA8' || dumped[i + 2] == '\xA9')) {
      out += dumped[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string GoJsonEncode(const nlohmann::json& value) {
  // nlohmann::json objects are std::map-backed, so keys are already sorted.
  return ApplyGoHtmlEscapes(
      value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace));
}

std::string GoJsonQuote(const std::string& text) { return GoJsonEncode(nlohmann::json(text)); }

}  // namespace vcp
