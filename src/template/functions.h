// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The functions a template may call: Go's built-ins, Vault Agent's
// (consul-template's) helpers and a few of Sprig's, with their parameter
// types as Go declares them (text/template checks arguments against them),
// and the names that are refused outright. docs/templates.md documents each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "value.h"
#include "vcp/template/template.h"

namespace re2 {
class RE2;
}

namespace vcp::tmpl {

// A parameter's Go type, which decides what an argument may be.
enum class Param : uint8_t {
  kValue,       // reflect.Value / interface{}: anything
  kString,      // string (a json.Number is accepted too)
  kInt,         // int (int64 accepted too)
  kStringList,  // []string (any list of strings is accepted)
  kList,        // []interface{} (any list)
};

// Work accounting for one render: every action, field, call and iteration
// takes a step, and functions take one more per 64 bytes they handle.
class Budget {
 public:
  explicit Budget(uint64_t steps) : limit_(steps), left_(steps) {}

  // Takes `n` steps; ResourceExhausted once the budget is spent.
  absl::Status Step(uint64_t n = 1);
  // Takes the steps for handling `bytes` bytes.
  absl::Status Bytes(size_t bytes) { return Step(1 + bytes / 64); }

 private:
  uint64_t limit_;
  uint64_t left_;
};

// What a function gets: its arguments, already checked against its
// parameters, and the render's limits and budget.
struct Call {
  std::vector<Value> args;
  // For each argument, its text when it was a string literal in the
  // template (and so may be quoted in errors), else empty.
  std::vector<std::string_view> literals;
  const Limits* limits = nullptr;
  Budget* budget = nullptr;
  // Compiled regular expressions of this render, by pattern.
  std::map<std::string, std::shared_ptr<const re2::RE2>, std::less<>>* regexes = nullptr;

  // ResourceExhausted when a result of `bytes` would exceed max_value_bytes.
  absl::Status CheckSize(size_t bytes) const;
};

using FunctionImpl = absl::StatusOr<Value> (*)(Call& call);

struct FunctionDef {
  enum class Special : uint8_t { kNone, kAnd, kOr, kSecret };

  std::string_view name;
  std::vector<Param> params;  // the fixed parameters
  bool variadic = false;      // then `variadic_param` repeats after them
  Param variadic_param = Param::kValue;
  // What an argument that is missing or nil does. kAccept: both are passed
  // (and, or, not, eq, ne, index, default, empty, coalesce). kNil: a nil is
  // passed where the parameter takes any value, a missing value is an error.
  // kRefuse: both are errors (the functions that print their arguments).
  enum class Absent : uint8_t { kRefuse, kNil, kAccept };
  Absent absent = Absent::kNil;
  Special special = Special::kNone;
  FunctionImpl impl = nullptr;
};

// The function named `name`, or null when there is none.
const FunctionDef* FindFunction(std::string_view name);

// Why `name` is refused (a Vault Agent function that reads the provider's
// environment, files, clock or other services), or nullopt.
std::optional<std::string_view> RefusalReason(std::string_view name);

}  // namespace vcp::tmpl
