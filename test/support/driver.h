// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The Secrets Store CSI Driver's side of the provider API, as the real driver
// shapes it (csi-driver-contract.md §3): attributes are Go's json.Marshal of a
// string map (sorted keys, <>& escaped), the service-account tokens are a JSON
// string inside it, permission is "420", secrets is "null" without a
// nodePublishSecretRef.
#pragma once

#include <map>
#include <string>

#include "v1alpha1/service.pb.h"

namespace vcp::testing {

struct Pod {
  std::string name = "app-7d9c";
  std::string ns = "default";
  std::string uid = "9f88edc9-2d4c-4d8b-a7c1-0c7b7f5f0b11";
  std::string service_account = "app";
};

struct DriverMount {
  std::map<std::string, std::string> parameters;  // SecretProviderClass spec.parameters
  std::string secret_provider_class = "vault-app";
  Pod pod;
  std::map<std::string, std::string> tokens;      // audience -> JWT (CSIDriver tokenRequests)
  std::string secrets = "null";
  std::string permission = "420";
};

// The MountRequest the driver (v1.6) sends for `mount`.
v1alpha1::MountRequest BuildMountRequest(const DriverMount& mount);

}  // namespace vcp::testing
