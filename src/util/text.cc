// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/text.h"

#include "absl/strings/str_cat.h"
#include "vcp/util/go_json.h"

namespace vcp {
namespace {

// The length of the longest prefix of `text` of at most `max_bytes` bytes
// that does not end inside a UTF-8 sequence.
size_t CutPoint(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the sequence
  // the cut falls in; at most 3 for well-formed UTF-8.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++i) --cut;
  return cut;
}

}  // namespace

std::string Shorten(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return absl::StrCat(text.substr(0, CutPoint(text, max_bytes)), "… (", text.size(), " bytes)");
}

std::string QuoteShortened(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return GoJsonQuote(std::string(text));
  return absl::StrCat(GoJsonQuote(std::string(text.substr(0, CutPoint(text, max_bytes)))), "… (", text.size(),
                      " bytes)");
}

absl::string_view WithoutQuery(absl::string_view text) { return text.substr(0, text.find('?')); }

std::string EscapeControl(absl::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
      continue;
    }
    out += '\\';
    switch (c) {
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      case '\t': out += 't'; break;
      default:
        out += 'x';
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace vcp
