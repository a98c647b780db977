// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the Mount request's attributes JSON, which the CSI driver builds from
// a SecretProviderClass's parameters and a pod's volumeAttributes (anyone who
// may create a pod controls it): mount::ParseMountRequest, including the
// service-account tokens JSON inside it, the `objects` YAML inside that, and
// the validation of every object. The input is the attributes text itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vcp/mount/mount_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string attributes(reinterpret_cast<const char*>(data), size);
  auto params = vcp::mount::ParseMountRequest(attributes, "null", "/var/lib/kubelet/pods/p/volumes/v/mount",
                                              "420");
  if (params.ok()) {
    (void)params->TokenForAudience();
    for (const auto& object : params->objects) (void)vcp::mount::ValidateObjectPath(object.object_name);
  }
  return 0;
}
