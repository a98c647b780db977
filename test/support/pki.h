// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// X.509 material for tests: a CA, server and client certificates for mTLS
// between the provider and the Vault double, and certificates the double's
// PKI engine issues.
#pragma once

#include <string>
#include <vector>

namespace vcp::testing {

struct CertAndKey {
  std::string cert_pem;
  std::string key_pem;
  std::string serial_hex;  // colon-separated, lower case, as Vault prints it
  int64_t not_after = 0;   // unix seconds
};

// A new 2048-bit RSA private key, PEM (for RS256 service-account tokens).
std::string GenerateRsaKeyPem();

// A self-signed CA (EC P-256).
CertAndKey MakeCa(const std::string& common_name);

// A leaf certificate signed by `ca` (EC P-256) for `common_name` with DNS and
// IP subject alternative names, valid for `ttl_seconds`.
CertAndKey IssueLeaf(const CertAndKey& ca, const std::string& common_name,
                     const std::vector<std::string>& dns_names,
                     const std::vector<std::string>& ip_addresses, int64_t ttl_seconds,
                     bool client_auth);

// Writes `text` to `path` (mode 0600). Aborts on failure.
void WriteFile(const std::string& path, const std::string& text);

// The common name of a PEM certificate, or "" if it does not parse.
std::string CertificateCommonName(const std::string& cert_pem);

// Whether the PEM private key `key_pem` is the key of the PEM certificate
// `cert_pem` (the first one in the text); false when either does not parse.
bool PrivateKeyMatchesCertificate(const std::string& cert_pem, const std::string& key_pem);

}  // namespace vcp::testing
