// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes what the Kubernetes API server (or whatever answers at its address)
// sends back to kube::KubeClient: the TokenRequest response (status.token),
// a Secret (data, base64-decoded) and the metav1.Status error bodies. The
// first input byte picks the HTTP status; the rest is the body. The transport
// is the unit tests' scripted fake; the bearer token is read from /dev/null.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fixed_answer.h"
#include "vcp/kube/kube_client.h"

namespace {
constexpr int kStatuses[] = {200, 200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 503};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  vcp::fuzzing::FixedAnswer api(data, size, kStatuses);
  vcp::kube::KubeConfig config{"https://10.96.0.1:443", "/dev/null", "/dev/null", "csi"};
  vcp::kube::KubeClient client(api.transport, api.clock, config);

  vcp::fuzzing::Answered<std::string> token;
  client.CreateServiceAccountToken("default", "app", {"vault"}, "app-7d9c", "9f88edc9-2d4c-4d8b-a7c1-0c7b7f5f0b11",
                                   600, api.Soon(), token.Callback());
  (void)token.get();
  vcp::fuzzing::Answered<vcp::kube::Secret> secret;
  client.GetSecret("csi", "vault-csi-provider-hmac-key", api.Soon(), secret.Callback());
  if (auto got = secret.get(); got.ok()) {
    bool created = false;
    client.CreateSecret("csi", "copy", *got, true, api.Soon(), [&](absl::Status) { created = true; });
    if (!created) __builtin_trap();
  }
  return 0;
}
