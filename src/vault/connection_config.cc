// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/connection_config.h"

namespace vcp::vault {
namespace {

bool IsSet(const std::optional<std::string>& value) { return value.has_value() && !value->empty(); }

}  // namespace

ConnectionConfig ApplyOverrides(ConnectionConfig base, const ConnectionOverrides& layer) {
  if (IsSet(layer.address)) base.address = *layer.address;
  if (IsSet(layer.ns)) base.ns = *layer.ns;
  if (IsSet(layer.ca_cert)) {
    base.tls.ca_cert = *layer.ca_cert;
    base.tls.ca_directory.clear();
  }
  if (IsSet(layer.ca_directory)) {
    base.tls.ca_directory = *layer.ca_directory;
    if (!IsSet(layer.ca_cert)) base.tls.ca_cert.clear();
  }
  if (IsSet(layer.server_name)) base.tls.server_name = *layer.server_name;
  if (IsSet(layer.client_cert)) base.tls.client_cert = *layer.client_cert;
  if (IsSet(layer.client_key)) base.tls.client_key = *layer.client_key;
  if (layer.skip_verify.has_value()) base.tls.skip_verify = *layer.skip_verify;
  return base;
}

}  // namespace vcp::vault
