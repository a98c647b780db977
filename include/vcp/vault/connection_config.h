// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Where and how to reach Vault: address, namespace and TLS material. The
// daemon builds one from environment and flags; each Mount layers the
// SecretProviderClass parameters on top (environment < flag < parameter).
#pragma once

#include <optional>
#include <string>

namespace vcp::vault {

// TLS settings for connections to Vault. Paths are on the provider's own filesystem.
struct TlsConfig {
  std::string ca_cert;       // PEM file of trusted CAs; wins over ca_directory
  std::string ca_directory;  // directory of PEM CAs (c_rehash layout or plain files)
  std::string server_name;   // name to verify (and send as SNI) instead of the URL host
  std::string client_cert;   // PEM client certificate; requires client_key
  std::string client_key;    // PEM client key; requires client_cert
  bool skip_verify = false;  // do not verify Vault's certificate (insecure)

  bool operator==(const TlsConfig&) const = default;
};

// Everything needed to open a connection to one Vault server.
struct ConnectionConfig {
  std::string address = "https://127.0.0.1:8200";  // http(s)://host[:port] or unix:///path
  std::string ns;                                  // X-Vault-Namespace, empty for none
  TlsConfig tls;

  bool operator==(const ConnectionConfig&) const = default;
};

// One layer of overrides (an environment, the flags, or a SecretProviderClass):
// a field that is set replaces the value below it.
struct ConnectionOverrides {
  std::optional<std::string> address;
  std::optional<std::string> ns;
  std::optional<std::string> ca_cert;
  std::optional<std::string> ca_directory;
  std::optional<std::string> server_name;
  std::optional<std::string> client_cert;
  std::optional<std::string> client_key;
  std::optional<bool> skip_verify;
};

// Returns `base` with every set, non-empty field of `layer` applied. Empty
// strings do not clear a lower layer's value (as with the incumbent). A CA
// file set in `layer` also clears a CA directory from below, and the other way
// round, so that the layer's CA choice is the one used. skip_verify set to
// false in `layer` switches verification back on (the incumbent cannot).
ConnectionConfig ApplyOverrides(ConnectionConfig base, const ConnectionOverrides& layer);

}  // namespace vcp::vault
