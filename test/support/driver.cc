// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "support/driver.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "vcp/util/go_json.h"

namespace vcp::testing {

v1alpha1::MountRequest BuildMountRequest(const DriverMount& mount) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [k, v] : mount.parameters) attributes[k] = v;
  attributes["secretProviderClass"] = mount.secret_provider_class;
  attributes["csi.storage.k8s.io/pod.name"] = mount.pod.name;
  attributes["csi.storage.k8s.io/pod.namespace"] = mount.pod.ns;
  attributes["csi.storage.k8s.io/pod.uid"] = mount.pod.uid;
  attributes["csi.storage.k8s.io/serviceAccount.name"] = mount.pod.service_account;
  attributes["csi.storage.k8s.io/ephemeral"] = "false";
  if (!mount.tokens.empty()) {
    nlohmann::json tokens = nlohmann::json::object();
    for (const auto& [audience, jwt] : mount.tokens) {
      tokens[audience] = {{"token", jwt}, {"expirationTimestamp", "2030-01-01T00:00:00Z"}};
    }
    attributes["csi.storage.k8s.io/serviceAccount.tokens"] = GoJsonEncode(tokens);
  }
  v1alpha1::MountRequest request;
  request.set_attributes(GoJsonEncode(attributes));
  request.set_secrets(mount.secrets);
  request.set_target_path(absl::StrCat("/var/lib/kubelet/pods/", mount.pod.uid,
                                       "/volumes/kubernetes.io~csi/secrets-store-inline/mount"));
  request.set_permission(mount.permission);
  return request;
}

}  // namespace vcp::testing
