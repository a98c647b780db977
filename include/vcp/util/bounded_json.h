// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// JSON from untrusted sources (mount attributes, Vault and Kubernetes
// responses) is parsed here, with a nesting limit checked before the parser
// runs: nlohmann's parser is iterative, but serialising, comparing or
// converting a value recurses once per level, so a 100k-deep `[[[…]]]` would
// exhaust the stack later. The limit is far above what Vault or Kubernetes
// send (a few levels) and what a KV secret holds in practice.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace vcp {

// Deepest nesting of arrays and objects accepted in untrusted JSON.
inline constexpr size_t kMaxJsonDepth = 128;

// Returns the deepest nesting of arrays and objects in `text`, counting only
// brackets outside strings; stops scanning (and returns limit + 1) as soon as
// the depth passes `limit`. Linear in the text, no allocation, and total on
// any bytes (invalid JSON gives some depth; the parser rejects it later).
size_t JsonNestingDepth(std::string_view text, size_t limit);

// Whether `text` is exactly one number by JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? (no sign '+', no spaces).
bool IsJsonNumber(std::string_view text);

// Parses `text` as JSON. InvalidArgument "nests deeper than 128 levels" when
// it nests deeper than `max_depth`, InvalidArgument "not valid JSON" when it
// does not parse. The messages never quote the text.
absl::StatusOr<nlohmann::json> ParseUntrustedJson(std::string_view text, size_t max_depth = kMaxJsonDepth);

// Parses `text` as ParseUntrustedJson does (same limit, same errors) but keeps
// every number as it is spelled (util/json_number.h): a number whose text is
// the canonical decimal of an int64 or uint64 is a native integer; any other
// (`1.50`, `1e3`, `-0`, `0.1`, an integer beyond 64 bits, a float beyond
// double's range such as `1e400`) is a number text holding exactly the bytes
// of `text`. Everything else (strings, nesting, a repeated key keeping its
// last value) is as ParseUntrustedJson gives it. For Vault's answers, which
// HashiCorp's provider decodes with Go's UseNumber.
absl::StatusOr<nlohmann::json> ParseUntrustedJsonKeepingNumbers(std::string_view text,
                                                                size_t max_depth = kMaxJsonDepth);

// About how many bytes of memory `json` holds: each value's node, object
// keys with their map nodes, and the text of strings. An estimate for
// caches bounded in bytes (the raw response size undercounts a parsed value
// several times over). Iterative: any depth.
size_t JsonMemoryBytes(const nlohmann::json& json);

}  // namespace vcp
