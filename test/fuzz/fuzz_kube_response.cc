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

#include "support/fake_transport.h"
#include "vcp/kube/kube_client.h"

namespace {
constexpr int kStatuses[] = {200, 200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 503};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int status = kStatuses[data[0] % std::size(kStatuses)];
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);

  vcp::testing::FakeTransport transport;
  transport.SetHandler([&](const vcp::http::HttpRequest&) -> std::optional<absl::StatusOr<vcp::http::HttpResponse>> {
    return absl::StatusOr<vcp::http::HttpResponse>(
        vcp::http::HttpResponse{status, body, {{"content-type", "application/json"}}});
  });
  vcp::kube::KubeConfig config{"https://10.96.0.1:443", "/dev/null", "/dev/null", "csi"};
  vcp::kube::KubeClient client(transport, config);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);

  (void)client.CreateServiceAccountToken("default", "app", {"vault"}, "app-7d9c",
                                         "9f88edc9-2d4c-4d8b-a7c1-0c7b7f5f0b11", 600, deadline);
  if (auto secret = client.GetSecret("csi", "vault-csi-provider-hmac-key", deadline); secret.ok()) {
    (void)client.CreateSecret("csi", "copy", *secret, true, deadline);
  }
  return 0;
}
