// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/secret_path.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace vcp::vault {
namespace {

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

void AppendPercent(std::string* out, char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(c);
  *out += '%';
  *out += kHex[byte >> 4];
  *out += kHex[byte & 15];
}

absl::StatusOr<std::string> Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size() || !absl::ascii_isxdigit(text[i + 1]) ||
          !absl::ascii_isxdigit(text[i + 2])) {
        // The query may carry credentials: name the place, not the bytes.
        return absl::InvalidArgumentError(absl::StrCat("invalid URL escape in the query (a '%' at byte ", i,
                                                       " of a parameter is not followed by two hex digits)"));
      }
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// True when a '/'-separated segment of `path` is "." or "..".
bool HasDotSegment(std::string_view path) {
  for (absl::string_view segment : absl::StrSplit(absl::string_view(path.data(), path.size()), '/')) {
    if (segment == "." || segment == "..") return true;
  }
  return false;
}

}  // namespace

absl::Status CheckSecretPathStaysInApi(std::string_view secret_path) {
  const std::string_view path = secret_path.substr(0, secret_path.find('?'));
  if (HasDotSegment(path)) {
    return absl::InvalidArgumentError(
        "a \".\" or \"..\" path segment is not allowed (it would leave Vault's /v1/ API)");
  }
  if (path.find('\\') != std::string_view::npos) {
    return absl::InvalidArgumentError("a backslash is not allowed in secretPath");
  }
  for (size_t i = path.find('%'); i != std::string_view::npos; i = path.find('%', i + 1)) {
    const std::string code = absl::AsciiStrToLower(std::string(path.substr(i + 1, 2)));
    if (code == "2e" || code == "2f" || code == "5c") {
      return absl::InvalidArgumentError("a percent-encoded dot, slash or backslash is not allowed in secretPath");
    }
  }
  return absl::OkStatus();
}

bool IsVaultApiTarget(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path.rfind("/v1/", 0) == 0 && !HasDotSegment(path) && path.find('\\') == std::string_view::npos;
}

std::string EscapeUrlPath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    // Go's shouldEscape(encodePath) keeps unreserved, '/', and $&+,:;=@.
    if (IsUnreserved(c) || c == '/' || c == '$' || c == '&' || c == '+' || c == ',' || c == ':' ||
        c == ';' || c == '=' || c == '@') {
      out += c;
    } else {
      AppendPercent(&out, c);
    }
  }
  return out;
}

std::string EscapeQueryComponent(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (IsUnreserved(c)) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      AppendPercent(&out, c);
    }
  }
  return out;
}

std::string SecretPath::EncodedQuery() const {
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) out += '&';
    absl::StrAppend(&out, EscapeQueryComponent(key), "=", EscapeQueryComponent(value));
  }
  return out;
}

std::string SecretPath::RequestTarget() const {
  std::string target = EscapeUrlPath(path);
  if (!query.empty()) absl::StrAppend(&target, "?", EncodedQuery());
  return target;
}

absl::StatusOr<SecretPath> ParseSecretPath(std::string_view secret_path) {
  SecretPath result;
  std::string_view path = secret_path;
  std::string_view raw_query;
  if (const size_t q = secret_path.find('?'); q != std::string_view::npos) {
    path = secret_path.substr(0, q);
    raw_query = secret_path.substr(q + 1);
  }
  if (path.rfind("/v1/", 0) == 0) {
    result.path = std::string(path);
  } else if (path.rfind("v1/", 0) == 0) {
    result.path = absl::StrCat("/", std::string(path));
  } else if (!path.empty() && path[0] == '/') {
    result.path = absl::StrCat("/v1", std::string(path));
  } else {
    result.path = absl::StrCat("/v1/", std::string(path));
  }
  const std::string query_text(raw_query);
  for (absl::string_view pair_view : absl::StrSplit(query_text, '&', absl::SkipEmpty())) {
    const std::string_view pair(pair_view.data(), pair_view.size());
    if (pair.find(';') != std::string_view::npos) {
      return absl::InvalidArgumentError("invalid semicolon separator in query");
    }
    std::string_view key = pair;
    std::string_view value;
    if (const size_t eq = pair.find('='); eq != std::string_view::npos) {
      key = pair.substr(0, eq);
      value = pair.substr(eq + 1);
    }
    auto k = Unescape(key);
    if (!k.ok()) return k.status();
    auto v = Unescape(value);
    if (!v.ok()) return v.status();
    result.query.emplace_back(std::move(*k), std::move(*v));
  }
  // url.Values.Encode sorts by key and keeps each key's values in order.
  std::stable_sort(result.query.begin(), result.query.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return result;
}

}  // namespace vcp::vault
