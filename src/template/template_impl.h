// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The parsed form a Template shares between its copies: the text, the tree
// (whose string_views point into the text) and the secret calls. Immutable
// once Parse returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "ast.h"
#include "vcp/template/template.h"

namespace vcp::tmpl {

struct Template::Impl {
  std::string text;
  Limits limits;
  ListNode root;
  std::vector<SecretCall> calls;
  std::vector<uint32_t> line_starts;  // byte offset of each line's first byte

  // Fills line_starts from text.
  void IndexLines();

  // The 1-based line and column (in characters) of byte offset `pos`.
  std::pair<int, int> Position(uint32_t pos) const;

  // InvalidArgument (or `code`) "LINE:COLUMN: message".
  absl::Status Error(uint32_t pos, std::string_view message,
                     absl::StatusCode code = absl::StatusCode::kInvalidArgument) const;
};

// Renders a parsed template (Template::Execute's contract).
absl::StatusOr<std::string> ExecuteTemplate(const Template::Impl& impl,
                                            const std::vector<const nlohmann::json*>& secrets);

// Parses impl->text (already within impl->limits.max_template_bytes) into
// impl->root and impl->calls. InvalidArgument "LINE:COLUMN: reason" on error.
absl::Status ParseTemplate(Template::Impl* impl);

}  // namespace vcp::tmpl
