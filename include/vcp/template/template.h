// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Vault Agent templates: Go's text/template language with Vault Agent's
// (consul-template's) `secret` function and a fixed set of string, encoding
// and conversion functions (docs/templates.md lists them). A template is
// parsed once, before any Vault call: parsing finds every `secret` call, so
// the caller can plan, check and issue the reads, and then render the
// template from the answers.
//
// Templates come from anyone who can create a pod, and they run in the
// node's most privileged component: every resource they can spend is
// bounded (Limits), nothing they can call reads the environment, files, the
// clock or the network, and no error message ever quotes a secret value.
//
// Thread safety: a Template is immutable after Parse; Execute may be called
// concurrently on one Template (or its copies, which share the parsed form).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vcp::tmpl {

// One distinct `secret "PATH" "key=value"...` call of a template.
struct SecretCall {
  // PATH exactly as the template spells it (string literal, unescaped).
  std::string path;
  // The "key=value" arguments split at their first '=', with the spaces
  // around key and value trimmed (as Vault Agent does), sorted by key; a
  // key given twice keeps its last value. Empty: the caller reads the path
  // (GET); otherwise it writes these strings as a JSON object (PUT).
  std::vector<std::pair<std::string, std::string>> args;
  // Where the call's first appearance starts in the template: 1-based line,
  // and 1-based column counted in characters (UTF-8 sequences).
  int line = 0;
  int column = 0;

  bool operator==(const SecretCall& other) const { return path == other.path && args == other.args; }
};

// Bounds on what one template may cost. Every bound is checked; a breach is
// an error that names it.
struct Limits {
  // Bytes of template text. Parse: InvalidArgument.
  size_t max_template_bytes = 64 << 10;
  // Bytes of rendered output. Execute: ResourceExhausted. Set it to the
  // provider's file size limit.
  size_t max_output_bytes = 1 << 20;
  // Bytes of any one string a function makes (printf, indent, replaceAll,
  // toJSON, ...), and of any text parseJSON / parseYAML accept. Execute:
  // ResourceExhausted.
  size_t max_value_bytes = 1 << 20;
  // Units of work per Execute: one per action, field, function call and
  // range iteration, plus one per 64 bytes a function reads or writes.
  // Execute: ResourceExhausted.
  uint64_t max_steps = 1'000'000;
  // Nesting of control structures (if, with, range) and parentheses. Parse:
  // InvalidArgument. The parser recurses once per level, so this also
  // bounds its stack.
  size_t max_nesting = 64;
  // Distinct `secret` calls in one template. Parse: InvalidArgument.
  size_t max_secret_calls = 64;
  // Bytes of one regular expression (regexMatch, regexReplaceAll); RE2
  // runs it in linear time and bounded memory. Execute: InvalidArgument.
  size_t max_regex_bytes = 4 << 10;
  // Nesting of what parseJSON / parseYAML return, and of any value that
  // toJSON / toYAML / printing walk. Execute: InvalidArgument.
  size_t max_data_depth = 64;
  // Elements of one list or map that split, splitToMap, parseJSON or
  // parseYAML make (YAML aliases count once per use). Execute:
  // ResourceExhausted.
  size_t max_collection_elements = 100'000;
};

class Template {
 public:
  // Parses `text` with Go text/template syntax. Never executes anything.
  // InvalidArgument with "LINE:COLUMN: reason" on a syntax error; on a
  // function that is refused (env, file, ...: the message says why) or not
  // defined, naming it; on a `secret` call whose arguments are not all
  // string literals (naming the argument's position) or whose argument is
  // not "key=value"; on {{define}}, {{template}} and {{block}}; and when
  // `text` or its nesting or its secret calls exceed `limits`.
  static absl::StatusOr<Template> Parse(std::string_view text, const Limits& limits = Limits());

  // Every distinct secret call, in order of first appearance; calls with the
  // same path and arguments appear once.
  const std::vector<SecretCall>& secret_calls() const;

  // Renders the template. `secrets[i]` answers secret_calls()[i]: Vault's
  // response envelope (an object with data, lease_id, lease_duration,
  // renewable, warnings, request_id, auth, wrap_info; absent members read as
  // Go's zero values), with numbers held as util/json_number.h describes.
  // The pointers must stay valid during the call. Returns the rendered
  // bytes, or an error with "LINE:COLUMN: reason" that never quotes a secret
  // value: InvalidArgument when `secrets` does not match secret_calls() or
  // holds a non-object, when a missing map key or a nil is printed or passed
  // where a value is needed, on a type error or a failing function;
  // ResourceExhausted when the output, a value, or the work exceeds the
  // limits given to Parse.
  absl::StatusOr<std::string> Execute(const std::vector<const nlohmann::json*>& secrets) const;

  // The limits the template was parsed with (Execute enforces them too).
  const Limits& limits() const;

  struct Impl;

 private:
  explicit Template(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace vcp::tmpl
