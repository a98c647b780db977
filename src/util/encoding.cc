// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/encoding.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "absl/strings/str_format.h"

namespace vcp {
namespace {

constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::array<int8_t, 256> ReverseTable(std::string_view alphabet) {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

std::string Encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) {
      out += alphabet[(n >> 6) & 63];
    } else if (pad) {
      out += '=';
    }
    if (pad) out += '=';
  }
  return out;
}

// Decodes base64 the way Go does: CR and LF are skipped, the first illegal
// character is reported by its offset (counted without CR/LF), and with
// `padded` the data must be padded with '=' to a multiple of four.
absl::StatusOr<std::string> Decode(std::string_view text, const std::array<int8_t, 256>& table,
                                   bool padded) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') clean += c;
  }
  auto illegal = [](size_t at) {
    return absl::InvalidArgumentError(absl::StrFormat("illegal base64 data at input byte %d", at));
  };
  const size_t data_len = std::min(clean.find('='), clean.size());
  for (size_t i = 0; i < data_len; ++i) {
    if (table[static_cast<unsigned char>(clean[i])] < 0) return illegal(i);
  }
  const size_t rem = data_len % 4;
  if (rem == 1) return illegal(data_len);
  const size_t pad_len = clean.size() - data_len;
  for (size_t i = data_len; i < clean.size(); ++i) {
    if (clean[i] != '=') return illegal(i);
  }
  const size_t want_pad = rem == 0 ? 0 : 4 - rem;
  if (padded ? pad_len != want_pad : pad_len != 0) {
    return illegal(pad_len > want_pad ? data_len + want_pad : data_len);
  }
  std::string out;
  out.reserve(data_len * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_len; ++i) {
    acc = (acc << 6) | static_cast<uint32_t>(table[static_cast<unsigned char>(clean[i])]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> DecodeBase64Std(std::string_view text) {
  static const auto kTable = ReverseTable(kStdAlphabet);
  return Decode(text, kTable, /*padded=*/true);
}

std::string EncodeBase64Url(std::string_view bytes) { return Encode(bytes, kUrlAlphabet, true); }
std::string EncodeBase64Std(std::string_view bytes) { return Encode(bytes, kStdAlphabet, true); }
std::string EncodeBase64RawUrl(std::string_view bytes) { return Encode(bytes, kUrlAlphabet, false); }

absl::StatusOr<std::string> DecodeBase64RawUrl(std::string_view text) {
  static const auto kTable = ReverseTable(kUrlAlphabet);
  const bool has_padding = !text.empty() && text.back() == '=';
  return Decode(text, kTable, has_padding);
}

absl::StatusOr<std::string> DecodeHex(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  // The text is a secret: an error names where the bad byte is, never the byte.
  for (size_t i = 0; i < text.size(); ++i) {
    if (nibble(text[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrFormat("encoding/hex: invalid byte at input byte %d", i));
    }
  }
  if (text.size() % 2 != 0) return absl::InvalidArgumentError("encoding/hex: odd length hex string");
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    out += static_cast<char>((nibble(text[i]) << 4) | nibble(text[i + 1]));
  }
  return out;
}

}  // namespace vcp
