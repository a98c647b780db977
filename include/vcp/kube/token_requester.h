// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The TokenRequest fallback: when the driver passed no token for the
// SecretProviderClass audience, create one for the pod, as the incumbent does
// (15 minutes, audiences [audience] or none, bound to the pod).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "vcp/kube/kube_client.h"

namespace vcp::kube {

// The pod a token is requested for, from the driver's pod attributes.
struct PodIdentity {
  std::string ns;
  std::string name;
  std::string uid;
  std::string service_account;
};

// Creates a service-account token for `pod` with `audience` (empty: the API
// server's default audiences). PermissionDenied names the pod and the RBAC
// permission the provider lacks. `done` runs as for KubeClient calls.
void RequestPodToken(KubeClient& client, const PodIdentity& pod, const std::string& audience, Deadline deadline,
                     Callback<std::string> done);

}  // namespace vcp::kube
