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
