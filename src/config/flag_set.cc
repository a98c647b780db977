// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/config/flag_set.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace vcp::config {

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

namespace {

// strconv.ParseInt(s, 0, 64) narrowed to int: decimal, 0x, 0o, 0b and leading-0 octal.
bool ParseGoInt(const std::string& text, int* out) {
  std::string s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : (p == 'o' ? 8 : 2);
      s.erase(0, 2);
    } else {
      base = 8;
    }
  }
  if (s.empty()) return false;
  for (char c : s) {
    if (c == '+' || c == '-' || c == ' ') return false;
  }
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, base);
  if (errno != 0 || *end != '\0' || v > INT_MAX) return false;
  *out = static_cast<int>(negative ? -v : v);
  return true;
}

}  // namespace

FlagSet::FlagSet(std::string program) : program_(std::move(program)) {}

void FlagSet::String(const std::string& name, std::string* target, std::string usage) {
  flags_[name] = Flag{target, std::move(usage), *target};
}

void FlagSet::Bool(const std::string& name, bool* target, std::string usage) {
  flags_[name] = Flag{target, std::move(usage), *target ? "true" : "false"};
}

void FlagSet::Int(const std::string& name, int* target, std::string usage) {
  flags_[name] = Flag{target, std::move(usage), std::to_string(*target)};
}

void FlagSet::Duration(const std::string& name, std::chrono::milliseconds* target, std::string usage) {
  flags_[name] = Flag{target, std::move(usage), FormatGoDuration(*target)};
}

absl::Status FlagSet::SetValue(const std::string& name, Flag& flag, const std::string& value) {
  if (auto* s = std::get_if<std::string*>(&flag.target)) {
    **s = value;
  } else if (auto* d = std::get_if<std::chrono::milliseconds*>(&flag.target)) {
    auto parsed = ParseGoDuration(value);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid value \"", value, "\" for flag -", name, ": parse error"));
    }
    **d = *parsed;
  } else if (auto* i = std::get_if<int*>(&flag.target)) {
    if (!ParseGoInt(value, *i)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid value \"", value, "\" for flag -", name, ": parse error"));
    }
  } else {
    bool ok = false;
    const bool b = ParseGoBool(value, &ok);
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid boolean value \"", value, "\" for -", name, ": parse error"));
    }
    *std::get<bool*>(flag.target) = b;
  }
  set_.insert(name);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FlagSet::Parse(const std::vector<std::string>& args) {
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;
    size_t dashes = 1;
    if (arg[1] == '-') {
      if (arg.size() == 2) {  // "--" ends the flags
        ++i;
        break;
      }
      dashes = 2;
    }
    std::string name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      return absl::InvalidArgumentError(absl::StrCat("bad flag syntax: ", arg));
    }
    std::string value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) {
      if (name == "help" || name == "h") return absl::CancelledError("help requested");
      return absl::InvalidArgumentError(absl::StrCat("flag provided but not defined: -", name));
    }
    Flag& flag = it->second;
    if (std::holds_alternative<bool*>(flag.target)) {
      if (!has_value) value = "true";
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("flag needs an argument: -", name));
      }
      value = args[++i];
    }
    if (absl::Status s = SetValue(name, flag, value); !s.ok()) return s;
  }
  return std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
}

std::string FlagSet::Usage() const {
  std::string out = absl::StrCat("Usage of ", program_, ":\n");
  for (const auto& [name, flag] : flags_) {
    absl::StrAppend(&out, "  -", name);
    const bool is_string = std::holds_alternative<std::string*>(flag.target);
    if (is_string) absl::StrAppend(&out, " string");
    if (std::holds_alternative<int*>(flag.target)) absl::StrAppend(&out, " int");
    if (std::holds_alternative<std::chrono::milliseconds*>(flag.target)) absl::StrAppend(&out, " duration");
    absl::StrAppend(&out, "\n    \t", flag.usage);
    const bool zero = flag.default_text.empty() || flag.default_text == "false" ||
                      flag.default_text == "0" || flag.default_text == "0s";
    if (!zero) {
      absl::StrAppend(&out, is_string ? absl::StrCat(" (default \"", flag.default_text, "\")")
                                      : absl::StrCat(" (default ", flag.default_text, ")"));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace vcp::config
