// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/token_requester.h"

#include "absl/strings/str_cat.h"

namespace vcp::kube {

absl::StatusOr<std::string> RequestPodToken(KubeClient& client, const mount::MountParams& params,
                                            Deadline deadline) {
  std::vector<std::string> audiences;
  if (!params.audience.empty()) audiences.push_back(params.audience);
  auto token = client.CreateServiceAccountToken(params.pod.ns, params.pod.service_account, audiences,
                                                params.pod.name, params.pod.uid, 900, deadline);
  if (token.ok()) return token;
  std::string message = absl::StrCat("failed to create a service account token for requesting pod ", params.pod.ns,
                                     "/", params.pod.name, ": ", token.status().message());
  if (absl::IsPermissionDenied(token.status())) {
    absl::StrAppend(&message,
                    " (the provider's service account needs RBAC permission to create serviceaccounts/token; "
                    "the Helm chart's ClusterRole grants it, or configure the CSI driver's tokenRequests so "
                    "that no token has to be created)");
  }
  return absl::Status(token.status().code(), message);
}

}  // namespace vcp::kube
