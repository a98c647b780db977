// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Turns a SecretProviderClass `secretPath` into the request path and query
// Vault receives, with the incumbent's normalisation.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace vcp::vault {

// A normalised Vault API path plus its query parameters.
struct SecretPath {
  std::string path;  // always starts with "/v1/"; unescaped
  std::vector<std::pair<std::string, std::string>> query;  // sorted by key, then value

  // Returns "path?query" with the path percent-encoded as Go's URL.EscapedPath
  // does and the query as url.Values.Encode does.
  std::string RequestTarget() const;
  // Returns the query encoded as url.Values.Encode does ("" when empty).
  std::string EncodedQuery() const;
};

// Splits `secret_path` at the first '?', prefixes "/v1" as the incumbent does
// ("/v1/x", "v1/x", "/x" and "x" all become "/v1/x"; "" becomes "/v1/"), and
// parses the query like Go's url.ParseQuery. InvalidArgument on a bad escape
// ("invalid URL escape in the query (...)", naming its position but, unlike
// Go, never the query's bytes) or a ';' separator.
absl::StatusOr<SecretPath> ParseSecretPath(std::string_view secret_path);

// Checks that `secret_path` (as a SecretProviderClass writes it, query
// included) cannot leave Vault's /v1/ API once a client normalises it:
// InvalidArgument when its path has a "." or ".." segment, a backslash, or a
// percent-encoded dot or slash (%2e, %2f, %5c in any case). The message names
// the problem, never the path (callers name the object).
absl::Status CheckSecretPathStaysInApi(std::string_view secret_path);

// True when `target` (a request path with optional query) starts with "/v1/"
// and its path has no "." or ".." segment: what every request to Vault must be.
bool IsVaultApiTarget(std::string_view target);

// Percent-encodes one URL path the way Go's url.PathEscape keeps '/' and sub-delims.
std::string EscapeUrlPath(std::string_view path);

// Percent-encodes a query component as Go's url.QueryEscape (space becomes '+').
std::string EscapeQueryComponent(std::string_view text);

}  // namespace vcp::vault
