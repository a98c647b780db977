// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The TokenRequest fallback: when the driver passed no token for the
// SecretProviderClass audience, create one for the pod, as the incumbent does
// (15 minutes, audiences [audience] or none, bound to the pod).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "vcp/kube/kube_client.h"
#include "vcp/mount/mount_params.h"

namespace vcp::kube {

// Creates a service-account token for the pod in `params`. PermissionDenied
// names the pod and the RBAC permission the provider lacks.
absl::StatusOr<std::string> RequestPodToken(KubeClient& client, const mount::MountParams& params,
                                            Deadline deadline);

}  // namespace vcp::kube
