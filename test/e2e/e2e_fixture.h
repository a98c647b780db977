// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Shared set-up for end-to-end tests: a Vault double over mTLS with its own
// CA, a service-account token signer, and the real provider binary started
// against it. Tests talk to the provider only over its Unix socket.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/driver.h"
#include "support/pki.h"
#include "support/provider_process.h"
#include "vault_double/vault_double.h"

namespace vcp::testing {

// Whether the provider's resident memory measures its own bounds. Under
// AddressSanitizer (both the tests and the provider are built with it) freed
// memory sits in quarantine and every block carries redzones, so RSS grows by
// hundreds of MiB that the release build never holds; there the memory
// assertions are skipped and the behaviour is still checked. CI runs the
// release build too, where they apply.
// A field of /proc/<pid>/status in MiB ("VmRSS", "VmHWM"), or -1.
double StatusMiB(pid_t pid, const std::string& field);

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kResidentMemoryIsMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kResidentMemoryIsMeaningful = false;
#else
inline constexpr bool kResidentMemoryIsMeaningful = true;
#endif
#else
inline constexpr bool kResidentMemoryIsMeaningful = true;
#endif

struct MountOutcome {
  grpc::Status status;
  v1alpha1::MountResponse response;

  // Contents of the file at `path` ("" if absent).
  std::string File(const std::string& path) const;
  int Mode(const std::string& path) const;
  std::string Version(const std::string& id) const;
};

// Runs `command` with /bin/sh and returns its standard output; its exit
// status goes to `*exit_code` (-1 when it did not exit normally).
std::string RunShell(const std::string& command, int* exit_code = nullptr);

// GET /metrics from the provider's health address ("host:port"); "" on failure.
std::string ScrapeMetrics(const std::string& host_port);

// The value of the sample `series` (name{labels}, labels exactly as rendered)
// in a Prometheus text exposition, or -1 when absent.
double MetricSample(const std::string& metrics, const std::string& series);

class E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // Starts the provider against the shared Vault double with mTLS flags plus `extra`.
  ProviderProcess& StartProvider(std::vector<std::string> extra = {},
                                 const std::vector<std::string>& env = {});
  // Options for a Vault double like the shared one: HTTPS with the suite's
  // CA-issued certificate, client certificates required, the suite's JWT key.
  static VaultDoubleOptions VaultOptions();
  // The provider-facing flags for the Vault double (address, CA, client cert).
  static std::vector<std::string> VaultFlags();

  // A pod's projected service-account token for `audience`.
  static std::string Jwt(const Pod& pod, const std::string& audience = "vault");
  // A driver mount of `objects_yaml` for `pod` with roleName=app and a token for "vault".
  static DriverMount Mount(const std::string& objects_yaml, const Pod& pod = Pod());
  MountOutcome Send(const DriverMount& mount, std::chrono::milliseconds deadline = std::chrono::seconds(30));
  MountOutcome SendRaw(const v1alpha1::MountRequest& request,
                       std::chrono::milliseconds deadline = std::chrono::seconds(30));

  // Writes KV v2 data with the double's root token.
  static void WriteKv2(const std::string& path, const nlohmann::json& data, const std::string& ns = "");

  static std::string dir_;
  static std::string jwt_key_;
  static CertAndKey ca_;
  static std::unique_ptr<VaultDouble> vault_;
  std::unique_ptr<ProviderProcess> provider_;
};

}  // namespace vcp::testing
