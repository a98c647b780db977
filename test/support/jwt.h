// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// RS256 JSON Web Tokens for tests: the Kubernetes side signs projected
// service-account tokens, the Vault double verifies them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "support/pki.h"  // GenerateRsaKeyPem

namespace vcp::testing {

// Signs `claims` with the RSA private key `key_pem` (RS256).
absl::StatusOr<std::string> SignJwt(const std::string& key_pem, const nlohmann::json& claims);

// Verifies an RS256 JWT against the public half of `key_pem` (a private or
// public key PEM) and returns its claims. PermissionDenied on a bad token.
absl::StatusOr<nlohmann::json> VerifyJwt(const std::string& key_pem, const std::string& jwt);

// Claims of a projected service-account token as kube-apiserver issues them.
nlohmann::json ServiceAccountClaims(const std::string& ns, const std::string& service_account,
                                    const std::string& pod_name, const std::string& pod_uid,
                                    const std::string& audience, int64_t lifetime_seconds = 3600);

}  // namespace vcp::testing
