// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_json.h"

#include <string_view>
#include <vector>

#include "vcp/util/bounded_json.h"
#include "vcp/util/json_number.h"

namespace vcp {
namespace {

// nlohmann's own text for a scalar: its escaping of strings (invalid UTF-8
// replaced by U+FFFD) and its spelling of numbers are what the files have
// always held.
std::string Dump(const nlohmann::json& scalar) {
  return scalar.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

// Appends nlohmann's escaping of a string rewritten into Go's. Both escape
// quotes, backslashes and control characters identically except that Go also
// escapes the HTML-significant characters and the two JavaScript line
// separators.
void AppendGoEscaped(std::string* out, std::string_view dumped) {
  for (size_t i = 0; i < dumped.size(); ++i) {
    const char c = dumped[i];
    if (c == '<') {
      *out += "\\u003c";
    } else if (c == '>') {
      *out += "\\u003e";
    } else if (c == '&') {
      *out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < dumped.size() && dumped[i + 1] == '\x80' &&
               (dumped[i + 2] == '\xA8' || dumped[i + 2] == '\xA9')) {
      *out += dumped[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      *out += c;
    }
  }
}

void AppendScalar(std::string* out, const nlohmann::json& value) {
  if (value.is_string()) {
    AppendGoEscaped(out, Dump(value));
  } else if (IsNumberText(value)) {
    // Verbatim, as Go writes a json.Number. A text that is not a number
    // (the parsers never make one) is written as a string, so that no text
    // can change the document's structure.
    const std::string_view text = NumberText(value);
    if (IsJsonNumber(text)) {
      out->append(text);
    } else {
      AppendGoEscaped(out, Dump(nlohmann::json(std::string(text))));
    }
  } else {
    *out += Dump(value);  // null, booleans, native numbers, other binary values
  }
}

// An open array or object and the next of its elements to write.
struct Open {
  const nlohmann::json* container;
  nlohmann::json::const_iterator next;
};

}  // namespace

std::string GoJsonEncode(const nlohmann::json& value) {
  // Iterative, so that no nesting depth can exhaust the stack. nlohmann::json
  // objects are std::map-backed: keys come sorted bytewise, as Go sorts them.
  std::string out;
  std::vector<Open> open;
  auto write = [&](const nlohmann::json& element) {
    if (element.is_object() || element.is_array()) {
      out += element.is_object() ? '{' : '[';
      open.push_back({&element, element.cbegin()});
    } else {
      AppendScalar(&out, element);
    }
  };
  write(value);
  while (!open.empty()) {
    Open& top = open.back();
    if (top.next == top.container->cend()) {
      out += top.container->is_object() ? '}' : ']';
      open.pop_back();
      continue;
    }
    if (top.next != top.container->cbegin()) out += ',';
    if (top.container->is_object()) {
      AppendGoEscaped(&out, Dump(nlohmann::json(top.next.key())));
      out += ':';
    }
    const nlohmann::json& element = *top.next;
    ++top.next;  // before write(), which may grow `open` and move `top`
    write(element);
  }
  return out;
}

std::string GoJsonQuote(const std::string& text) { return GoJsonEncode(nlohmann::json(text)); }

}  // namespace vcp
