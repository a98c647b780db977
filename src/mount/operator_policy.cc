// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/operator_policy.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace vcp::mount {

absl::Status CheckOperatorPolicy(const vault::ConnectionOverrides& class_layer, bool allow_class_tls_settings) {
  if (allow_class_tls_settings) return absl::OkStatus();
  const std::pair<const char*, const std::optional<std::string>*> paths[] = {
      {"vaultCACertPath", &class_layer.ca_cert},
      {"vaultCADirectory", &class_layer.ca_directory},
      {"vaultTLSServerName", &class_layer.server_name},
      {"vaultTLSClientCertPath", &class_layer.client_cert},
      {"vaultTLSClientKeyPath", &class_layer.client_key},
  };
  const char* set = class_layer.skip_verify.has_value() ? "vaultSkipTLSVerify" : nullptr;
  for (const auto& [name, value] : paths) {
    if (set == nullptr && value->has_value() && !(*value)->empty()) set = name;
  }
  if (set == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "the SecretProviderClass sets ", set,
      ", but this provider runs with -allow-class-tls-settings=false: TLS towards Vault is the node "
      "operator's setting (-vault-tls-* flags or VAULT_* variables); remove the parameter"));
}

}  // namespace vcp::mount
