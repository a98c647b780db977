// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// What mount_bench's two parts share: its flags, the driver-shaped requests
// of the bench's pods, and starting the provider.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/driver.h"
#include "support/provider_process.h"
#include "v1alpha1/service.grpc.pb.h"
#include "vault_double/vault_double.h"
#include "v1alpha1/service.pb.h"

namespace vcp::bench {

struct BenchFlags {
  std::string provider = "build/release/src/vault-csi-provider";
  std::string noop_provider;  // default: the one built beside mount_bench
  std::string nginx = "/usr/sbin/nginx";
  std::string echo_module = "/usr/lib/nginx/modules/ngx_http_echo_module.so";
  std::vector<int> latencies_ms = {0, 1};
  std::vector<int> clients = {1, 64};
  std::vector<int> objects = {1, 5};
  int rounds = 5;
  double round_seconds = 1.0;
  int pods = 100;
  std::vector<std::string> provider_flags;
  bool ratio_rows = true;
  bool behaviour_rows = true;
  bool identity_rows = true;
};

// `objects` KV v2 objects, o<i> from secret/data/bench/<i>, key v.
std::string BenchObjects(int objects);

// The bench's pods ("bench-<i>", service account "bench", or with
// `accounts` > 1 "bench-<i % accounts>": one Deployment per account) and
// their signed service-account tokens for audience "vault".
struct BenchPods {
  BenchPods(int count, const std::string& jwt_key_pem, int accounts = 1);
  // The MountRequest the driver sends for pod `pod` with `parameters`.
  v1alpha1::MountRequest Request(int pod, const std::map<std::string, std::string>& parameters) const;
  int size() const { return static_cast<int>(pods.size()); }

  std::vector<testing::Pod> pods;
  std::vector<std::string> jwts;
};

// A field of /proc/<pid>/status in KiB ("VmRSS:", "VmHWM:", "RssAnon:"), or -1.
long ProcStatusKiB(pid_t pid, const std::string& field);

// Sends one Mount with a deadline of `deadline_seconds`; whether it succeeded.
bool MountOnce(v1alpha1::CSIDriverProvider::Stub& stub, const v1alpha1::MountRequest& request, int deadline_seconds);

// Starts the provider binary with `args` plus the flags' -provider-flags;
// exits the bench with a message if it does not start.
std::unique_ptr<testing::ProviderProcess> StartProvider(const BenchFlags& flags, const std::string& dir,
                                                        std::vector<std::string> args);

// The Vault double the behaviour and identity rows run against: the demo
// seed, `objects` KV secrets secret/bench/<i> and role "bench" (any service
// account), serving `threads` connections at once.
testing::VaultDoubleOptions BenchVaultOptions(const std::string& jwt_key_pem, int objects, int threads);

// The behaviour rows, against the Vault double (behaviour_rows.cc).
void RunBehaviourRows(const BenchFlags& flags, const std::string& dir);

// The shared-identity rows, against the Vault double (identity_rows.cc).
void RunIdentityRows(const BenchFlags& flags, const std::string& dir);

}  // namespace vcp::bench
