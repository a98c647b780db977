// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// mount_bench's behaviour rows, against the Vault double (which counts what
// it is asked and checks logins like Vault): Vault requests per Mount and per
// rotation poll, the daemon's memory idle and under 256 concurrent Mounts of
// 1,000 pods, and its start-to-ready time. None of them is a timing ratio,
// so the double's own per-request cost does not matter here.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench_common.h"
#include "support/jwt.h"
#include "vault_double/vault_double.h"

namespace vcp::bench {

testing::VaultDoubleOptions BenchVaultOptions(const std::string& jwt_key_pem, int objects, int threads) {
  testing::VaultDoubleOptions options;
  options.jwt_key_pem = jwt_key_pem;
  options.threads = threads;
  nlohmann::json seed = testing::DemoSeed();
  for (int i = 0; i < objects; ++i) seed["namespaces"][""]["kv"][absl::StrCat("secret/bench/", i)] = {{"v", "value"}};
  seed["namespaces"][""]["auth"]["kubernetes"]["roles"]["bench"] = {{"bound_service_account_names", {"*"}},
                                                                   {"bound_service_account_namespaces", {"*"}},
                                                                   {"token_policies", {"app"}}};
  options.seed = seed;
  return options;
}

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

void RunBehaviourRows(const BenchFlags& flags, const std::string& dir) {
  const std::string key = testing::GenerateRsaKeyPem();
  int max_objects = 2;
  for (int k : flags.objects) max_objects = std::max(max_objects, k);
  // cpp-httplib serves one connection per thread: 256 concurrent Mounts must
  // never wait for a free thread.
  testing::VaultDouble vault(BenchVaultOptions(key, max_objects, 768));
  if (!vault.Start().ok()) {
    std::printf("\nBehaviour rows skipped: the Vault double did not start\n");
    return;
  }
  const std::vector<std::string> daemon_args = {"-vault-addr=" + vault.address()};
  const BenchPods pods(flags.pods, key);

  // Start to ready, and idle memory.
  const auto launch = Clock::now();
  auto provider = StartProvider(flags, dir, daemon_args);
  while (testing::HttpGetStatus(provider->health_address(), "/health/ready") != 200) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const double ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - launch).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long idle_rss = ProcStatusKiB(provider->pid(), "VmRSS:"), idle_anon = ProcStatusKiB(provider->pid(), "RssAnon:");
  auto stub = provider->Stub();

  std::printf("\n## Behaviour rows (against the Vault double)\n\n");
  // Vault requests per Mount, once every pod is logged in.
  for (int k : flags.objects) {
    const std::map<std::string, std::string> parameters = {{"roleName", "bench"}, {"objects", BenchObjects(k)}};
    int failures = 0;
    for (int p = 0; p < pods.size(); ++p) failures += MountOnce(*stub, pods.Request(p, parameters), 30) ? 0 : 1;
    vault.ResetCounters();
    for (int p = 0; p < pods.size(); ++p) failures += MountOnce(*stub, pods.Request(p, parameters), 30) ? 0 : 1;
    std::printf("- Vault requests per Mount of %d KV object%s (pods logged in): %.2f (%.2f logins)%s\n", k,
                k == 1 ? "" : "s", static_cast<double>(vault.Count("total")) / pods.size(),
                static_cast<double>(vault.Count("login")) / pods.size(),
                failures > 0 ? absl::StrCat(" — ", failures, " Mounts failed").c_str() : "");
  }

  // A rotation poll: pods already mounted, mounted again.
  const std::map<std::string, std::string> rotation = {
      {"roleName", "bench"},
      {"objects", BenchObjects(2) +
                      "- {objectName: db-user, secretPath: database/creds/app, secretKey: username}\n"
                      "- {objectName: db-pass, secretPath: database/creds/app, secretKey: password}\n"}};
  for (int p = 0; p < pods.size(); ++p) MountOnce(*stub, pods.Request(p, rotation), 30);
  vault.ResetCounters();
  for (int p = 0; p < pods.size(); ++p) MountOnce(*stub, pods.Request(p, rotation), 30);
  std::printf("- Rotation poll of %d mounted pods (2 static objects + a database username/password each), per pod: "
              "%.2f logins, %.2f new leases, %.2f reads of static objects, %.2f Vault requests in all\n",
              pods.size(), static_cast<double>(vault.Count("login")) / pods.size(),
              static_cast<double>(vault.Count("lease:new")) / pods.size(),
              static_cast<double>(vault.Count("GET /v1/secret/data/bench/0") + vault.Count("GET /v1/secret/data/bench/1")) /
                  pods.size(),
              static_cast<double>(vault.Count("total")) / pods.size());
  provider->Stop();

  // Memory with 1,000 cached pod tokens and 256 concurrent Mounts, in a
  // fresh daemon so that the peak is this scenario's alone.
  const BenchPods many(1000, key);
  const std::map<std::string, std::string> one = {{"roleName", "bench"}, {"objects", BenchObjects(1)}};
  std::vector<v1alpha1::MountRequest> requests;
  for (int p = 0; p < many.size(); ++p) requests.push_back(many.Request(p, one));
  provider = StartProvider(flags, dir, daemon_args);
  auto fresh = provider->Stub();
  std::atomic<int64_t> next{0};
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int c = 0; c < 256; ++c) {
    clients.emplace_back([&] {
      for (int64_t i = next++; i < 2048; i = next++) {
        if (!MountOnce(*fresh, requests[static_cast<size_t>(i % 1000)], 60)) ++failures;
      }
    });
  }
  for (auto& client : clients) client.join();
  const long peak = ProcStatusKiB(provider->pid(), "VmHWM:"), loaded_anon = ProcStatusKiB(provider->pid(), "RssAnon:");
  provider->Stop();
  std::printf("- Daemon memory: idle RSS %.1f MiB (%.1f MiB anonymous); peak RSS %.1f MiB with 1,000 cached pods and "
              "256 concurrent Mounts in a fresh daemon (%.1f MiB anonymous after); in the image's environment "
              "(GNUTLS_NO_IMPLICIT_INIT=1)%s\n",
              idle_rss / 1024.0, idle_anon / 1024.0, peak / 1024.0, loaded_anon / 1024.0,
              failures > 0 ? absl::StrCat(" — ", failures.load(), " Mounts failed").c_str() : "");
  std::printf("- Start to ready (exec until /health/ready is 200): %.1f ms\n", ready_ms);
  vault.Stop();
}

}  // namespace vcp::bench
