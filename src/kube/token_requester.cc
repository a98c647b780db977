// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/token_requester.h"

#include "absl/strings/str_cat.h"
#include "vcp/util/text.h"

namespace vcp::kube {

void RequestPodToken(KubeClient& client, const PodIdentity& pod, const std::string& audience, Deadline deadline,
                     Callback<std::string> done) {
  std::vector<std::string> audiences;
  if (!audience.empty()) audiences.push_back(audience);
  client.CreateServiceAccountToken(
      pod.ns, pod.service_account, audiences, pod.name, pod.uid, 900, deadline,
      [who = absl::StrCat(Shorten(pod.ns), "/", Shorten(pod.name)), done = std::move(done)](absl::StatusOr<std::string> token) mutable {
        if (token.ok()) {
          done(std::move(token));
          return;
        }
        std::string message = absl::StrCat("failed to create a service account token for requesting pod ", who, ": ",
                                           token.status().message());
        if (absl::IsPermissionDenied(token.status())) {
          absl::StrAppend(&message,
                          " (the provider's service account needs RBAC permission to create serviceaccounts/token; "
                          "the Helm chart's ClusterRole grants it, or configure the CSI driver's tokenRequests so "
                          "that no token has to be created)");
        }
        done(absl::Status(token.status().code(), message));
      });
}

}  // namespace vcp::kube
