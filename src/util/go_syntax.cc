// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_syntax.h"

#include <cctype>
#include <cstdint>
#include <set>

#include "absl/strings/str_cat.h"

namespace vcp {

bool ParseGoBool(const std::string& text, bool* ok) {
  static const std::set<std::string> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static const std::set<std::string> kFalse = {"0", "f", "F", "FALSE", "false", "False"};
  *ok = true;
  if (kTrue.count(text) > 0) return true;
  if (kFalse.count(text) > 0) return false;
  *ok = false;
  return false;
}

absl::StatusOr<std::chrono::milliseconds> ParseGoDuration(const std::string& text) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("time: invalid duration \"", text.size() > 64 ? text.substr(0, 64) + "..." : text, "\""));
  };
  if (text.empty() || text.size() > 64) return invalid();
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  if (text.substr(i) == "0") return std::chrono::milliseconds(0);
  if (i == text.size()) return invalid();
  // Integer nanoseconds, as Go counts them: a double sum loses whole
  // milliseconds beyond 2^53 ns (104 days). |INT64_MIN| is Go's limit.
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  const auto digit_at = [&](size_t at) {
    return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) ? text[at] - '0' : -1;
  };
  uint64_t total_ns = 0;
  while (i < text.size()) {
    const size_t whole_start = i;
    uint64_t whole = 0;
    for (int d; (d = digit_at(i)) >= 0; ++i) {
      if (whole > (kLimit - static_cast<uint64_t>(d)) / 10) return invalid();
      whole = whole * 10 + static_cast<uint64_t>(d);
    }
    bool digits = i > whole_start;
    uint64_t fraction = 0;
    double fraction_scale = 1;
    if (i < text.size() && text[i] == '.') {
      const size_t fraction_start = ++i;
      bool saturated = false;  // like Go, digits past int64's precision are dropped
      for (int d; (d = digit_at(i)) >= 0; ++i) {
        if (saturated || fraction > (kLimit - 1) / 10) {
          saturated = true;
          continue;
        }
        fraction = fraction * 10 + static_cast<uint64_t>(d);
        fraction_scale *= 10;
      }
      digits = digits || i > fraction_start;
    }
    if (!digits) return invalid();
    size_t unit_end = i;
    while (unit_end < text.size() && !std::isdigit(static_cast<unsigned char>(text[unit_end])) &&
           text[unit_end] != '.') {
      ++unit_end;
    }
    const std::string unit = text.substr(i, unit_end - i);
    uint64_t scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") scale = 1000;
    else if (unit == "ms") scale = 1000000;
    else if (unit == "s") scale = 1000000000;
    else if (unit == "m") scale = 60000000000;
    else if (unit == "h") scale = 3600000000000;
    else return invalid();
    if (whole > kLimit / scale) return invalid();
    uint64_t value = whole * scale;
    if (fraction > 0) {
      // Go scales the fraction in float64 too (time.ParseDuration).
      value += static_cast<uint64_t>(static_cast<double>(fraction) * (static_cast<double>(scale) / fraction_scale));
      if (value > kLimit) return invalid();
    }
    total_ns += value;
    if (total_ns > kLimit) return invalid();
    i = unit_end;
  }
  if (!negative && total_ns > kLimit - 1) return invalid();
  const auto ms = static_cast<int64_t>(total_ns / 1000000);
  return std::chrono::milliseconds(negative ? -ms : ms);
}

std::string FormatGoDuration(std::chrono::milliseconds duration) {
  int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  // |INT64_MIN| ms is far beyond Go's range; clamp rather than overflow.
  const uint64_t abs_ms = ms < 0 ? uint64_t{0} - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (abs_ms < 1000) return absl::StrCat(sign, abs_ms, "ms");
  const uint64_t hours = abs_ms / 3600000, minutes = abs_ms / 60000 % 60, seconds = abs_ms / 1000 % 60;
  const uint64_t millis = abs_ms % 1000;
  std::string fraction;
  if (millis != 0) {
    fraction = absl::StrCat(".", std::string(3 - std::to_string(millis).size(), '0'), millis);
    while (fraction.back() == '0') fraction.pop_back();
  }
  std::string out = sign;
  if (hours > 0) absl::StrAppend(&out, hours, "h");
  if (hours > 0 || minutes > 0) absl::StrAppend(&out, minutes, "m");
  absl::StrAppend(&out, seconds, fraction, "s");
  return out;
}

}  // namespace vcp
