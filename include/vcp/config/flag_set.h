// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A command-line parser with the syntax of Go's standard `flag` package, so
// that every command line written for the incumbent (a Go program) means the
// same thing here: `-flag=v`, `--flag=v`, `-flag v`, bare `-flag` for booleans,
// `--` ends the flags, and the first non-flag argument stops parsing.
// (gflags and absl flags both reserve `-version` for themselves, which the
// incumbent uses for its own output, hence this small parser.)
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "vcp/util/go_syntax.h"

namespace vcp::config {

class FlagSet {
 public:
  // `program` names the binary in the usage text.
  explicit FlagSet(std::string program);

  FlagSet(const FlagSet&) = delete;
  FlagSet& operator=(const FlagSet&) = delete;

  // Registers a flag bound to `*target`; its current value is the default.
  // `target` must outlive the FlagSet. REQUIRES: `name` not yet registered.
  void String(const std::string& name, std::string* target, std::string usage);
  void Bool(const std::string& name, bool* target, std::string usage);
  void Int(const std::string& name, int* target, std::string usage);
  // A Go time.Duration flag ("90s", "1m30s", "500ms"), kept to the millisecond.
  void Duration(const std::string& name, std::chrono::milliseconds* target, std::string usage);

  // Parses `args` (without argv[0]) into the bound targets and returns the
  // arguments left after the flags. Errors use Go's texts:
  //   InvalidArgument "flag provided but not defined: -x",
  //   "flag needs an argument: -x", "invalid value \"v\" for flag -x: parse error",
  //   "invalid boolean value \"v\" for -x: parse error", "bad flag syntax: ---x".
  // `-h` / `-help` (when not registered) give Cancelled "help requested".
  absl::StatusOr<std::vector<std::string>> Parse(const std::vector<std::string>& args);

  // True when `name` was given on the command line by the last Parse.
  bool WasSet(const std::string& name) const { return set_.count(name) > 0; }

  // Returns Go's usage text: "Usage of <program>:" then every flag with its
  // type, usage and non-zero default, sorted by name.
  std::string Usage() const;

 private:
  struct Flag {
    std::variant<std::string*, bool*, int*, std::chrono::milliseconds*> target;
    std::string usage;
    std::string default_text;
  };

  absl::Status SetValue(const std::string& name, Flag& flag, const std::string& value);

  std::string program_;
  std::map<std::string, Flag> flags_;
  std::set<std::string> set_;
};

}  // namespace vcp::config
