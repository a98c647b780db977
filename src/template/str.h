// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// String glue for this module: Debian's abseil keeps its own string_view
// (ABSL_OPTION_USE_STD_STRING_VIEW is 0), while the template code works in
// std::string_view. Cat is absl::StrCat that also takes std::string_view.
#pragma once

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace vcp::tmpl {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

template <typename T>
const T& ToAbsl(const T& value) {
  return value;
}

template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(ToAbsl(args)...);
}

}  // namespace vcp::tmpl
