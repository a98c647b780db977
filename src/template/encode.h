// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Conversions between template values and JSON / YAML text, as Vault
// Agent's functions do them: toJSON is Go's json.Marshal, toYAML is
// gopkg.in/yaml.v2's Marshal, parseJSON is json.Unmarshal into interface{}
// (numbers become float64) and parseYAML is yaml.v2's Unmarshal (YAML 1.1
// scalars: yes/no/on/off are booleans, 0777 is octal). Every conversion is
// bounded in depth, elements and bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "value.h"

namespace vcp::tmpl {

struct EncodeLimits {
  size_t max_bytes;     // text produced or accepted
  size_t max_depth;     // nesting of lists and maps
  size_t max_elements;  // elements parsed (parseJSON, parseYAML)
};

struct JsonStyle {
  bool escape_html = true;  // <, >, & as \u003c \u003e \u0026 (json.Marshal)
  bool indent = false;      // json.MarshalIndent(v, "", "  ")
};

// `value` as Go's encoding/json writes it. InvalidArgument for a missing
// value, a struct (a secret itself) or NaN / ±Inf; ResourceExhausted over
// max_bytes.
absl::StatusOr<std::string> ToJson(const Value& value, JsonStyle style, const EncodeLimits& limits);

// `value` as yaml.v2 writes it, trimmed: maps with sorted keys and two-space
// indentation, lists inside maps not indented, multi-line strings as
// literal blocks (|, |-, |+), strings that would read back as another type
// double-quoted. Long strings are not folded at 80 columns (yaml.v2 folds
// them; the data read back is the same).
absl::StatusOr<std::string> ToYaml(const Value& value, const EncodeLimits& limits);

// parseJSON: "" is an empty map; otherwise the JSON value with float64
// numbers. InvalidArgument on invalid JSON (the message never quotes it).
absl::StatusOr<Value> ParseJsonValue(std::string_view text, const EncodeLimits& limits);

// parseYAML: "" is an empty map; otherwise the first document with yaml.v2's
// scalar resolution, aliases expanded and "<<" merge keys applied.
absl::StatusOr<Value> ParseYamlValue(std::string_view text, const EncodeLimits& limits);

}  // namespace vcp::tmpl
