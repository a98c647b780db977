// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/token_requester.h"

#include "absl/strings/str_cat.h"

namespace vcp::kube {

absl::StatusOr<std::string> RequestPodToken(KubeClient& client, const PodIdentity& pod, const std::string& audience,
                                            Deadline deadline) {
  std::vector<std::string> audiences;
  if (!audience.empty()) audiences.push_back(audience);
  auto token = client.CreateServiceAccountToken(pod.ns, pod.service_account, audiences, pod.name, pod.uid, 900,
                                                deadline);
  if (token.ok()) return token;
  std::string message = absl::StrCat("failed to create a service account token for requesting pod ", pod.ns,
                                     "/", pod.name, ": ", token.status().message());
  if (absl::IsPermissionDenied(token.status())) {
    absl::StrAppend(&message,
                    " (the provider's service account needs RBAC permission to create serviceaccounts/token; "
                    "the Helm chart's ClusterRole grants it, or configure the CSI driver's tokenRequests so "
                    "that no token has to be created)");
  }
  return absl::Status(token.status().code(), message);
}

}  // namespace vcp::kube
