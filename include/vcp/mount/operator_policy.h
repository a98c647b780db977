// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// What the node's operator lets a SecretProviderClass ask for, beyond the
// Vault address allow-list (vault/address_policy.h): the TLS parameters name
// files on the provider's node (an oracle for which paths exist, and whose
// contents are sent as client credentials) or switch verification off.
#pragma once

#include "absl/status/status.h"
#include "vcp/vault/connection_config.h"

namespace vcp::mount {

// OK when `class_layer` (the SecretProviderClass's connection parameters) sets
// no TLS parameter or `allow_class_tls_settings` is true. Otherwise
// InvalidArgument naming the first parameter set (vaultSkipTLSVerify,
// vaultCACertPath, vaultCADirectory, vaultTLSServerName,
// vaultTLSClientCertPath, vaultTLSClientKeyPath) and the flag. An empty value
// counts as not set: it changes nothing.
absl::Status CheckOperatorPolicy(const vault::ConnectionOverrides& class_layer, bool allow_class_tls_settings);

}  // namespace vcp::mount
