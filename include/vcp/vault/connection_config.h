// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Where and how to reach Vault: address, namespace and TLS material. The
// daemon builds one from environment and flags; each Mount layers the
// SecretProviderClass parameters on top (environment < flag < parameter).
#pragma once

#include <optional>
#include <string>

#include "vcp/http/http_transport.h"

namespace vcp::vault {

// TLS settings for connections to Vault (paths on the provider's filesystem).
using TlsConfig = http::TlsConfig;

// Everything needed to open a connection to one Vault server.
// A field added here (or to TlsConfig) must also go into IdentityKey
// (mount/authenticate.cc): pods share a token only when every field matches.
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
