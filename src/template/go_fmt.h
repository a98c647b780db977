// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Go's fmt package over template values: what {{ . }}, print, println and
// printf write. %v prints maps as map[k:v ...] in key order, lists as
// [a b], json.Number as Vault spelled it, float64 with the fewest digits
// (1e+06 from a million); verbs that do not fit a value print Go's
// %!verb(type=value). Printing a nil or missing value is the caller's
// error to report (it knows the position); nils inside lists and maps
// print as <nil>, as in Go. Structs (a secret itself) cannot be printed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "value.h"

namespace vcp::tmpl {

struct FmtLimits {
  size_t max_bytes;  // output beyond this: ResourceExhausted
  size_t max_depth;  // nesting beyond this: InvalidArgument
};

// Appends fmt.Sprint(value) to `out`. REQUIRES: !value.is_absent().
absl::Status AppendPrint(const Value& value, const FmtLimits& limits, std::string* out);

// fmt.Sprint(args...): spaces between operands when neither is a string.
absl::Status Sprint(const std::vector<Value>& args, const FmtLimits& limits, std::string* out);

// fmt.Sprintln(args...): spaces between all operands, and a newline.
absl::Status Sprintln(const std::vector<Value>& args, const FmtLimits& limits, std::string* out);

// fmt.Sprintf(format, args...): flags "#0+- ", width and precision (digits,
// '*', argument indexes [n]), verbs v s q x X d b o O c U e E f F g G t T %;
// %!verb(...), %!(MISSING), %!(EXTRA ...) and %!(NOVERB) as Go writes them.
absl::Status Sprintf(std::string_view format, const std::vector<Value>& args, const FmtLimits& limits,
                     std::string* out);

}  // namespace vcp::tmpl
