// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// mount_bench's shared-identity rows (issue #11), against the Vault double,
// which counts logins and reads and keeps a token store: a rotation cycle of
// 1,000 pods in 10 Deployments (10 service accounts, Kubernetes auth), 5
// static objects each, 100 concurrent Mounts — Vault logins, reads and live
// tokens with the defaults, with -read-cache-ttl=30s and with per-pod tokens,
// beside the incumbent's algorithm computed for the same cycle (a token per
// pod; per Mount an HMAC Secret GET and one read per object). Then the
// daemon's memory after 10,000 distinct pods. Counts, not timings.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_common.h"
#include "support/jwt.h"
#include "vault_double/vault_double.h"

namespace vcp::bench {
namespace {

constexpr int kPods = 1000;
constexpr int kAccounts = 10;
constexpr int kObjects = 5;
constexpr int kConcurrent = 100;

// Mounts every request once, `concurrent` at a time; returns the failures.
int MountAll(v1alpha1::CSIDriverProvider::Stub& stub, const std::vector<v1alpha1::MountRequest>& requests,
             int concurrent) {
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrent; ++c) {
    clients.emplace_back([&] {
      for (size_t i = next++; i < requests.size(); i = next++) {
        if (!MountOnce(stub, requests[i], 60)) ++failures;
      }
    });
  }
  for (auto& client : clients) client.join();
  return failures.load();
}

// What Vault saw during one cycle.
struct CycleLoad {
  int64_t logins = 0;
  int64_t reads = 0;        // of the static objects
  int64_t live_tokens = 0;  // at the end of the cycle
  int failures = 0;
};

CycleLoad Measure(testing::VaultDouble& vault, int failures) {
  CycleLoad load;
  load.logins = vault.Count("login");
  for (int o = 0; o < kObjects; ++o) load.reads += vault.Count(absl::StrCat("GET /v1/secret/data/bench/", o));
  load.live_tokens = vault.LiveTokens();
  load.failures = failures;
  return load;
}

std::string Row(const std::string& mode, const CycleLoad& warm_up, const CycleLoad& cycle, double cycle_seconds) {
  const int failures = warm_up.failures + cycle.failures;
  return absl::StrCat("| ", mode, " | ", warm_up.logins, " | ", warm_up.reads, " | ", cycle.logins, " | ", cycle.reads,
                      " | ", cycle.live_tokens, " | ", absl::StrFormat("%.1f s", cycle_seconds),
                      failures > 0 ? absl::StrCat(" (", failures, " Mounts failed)") : "", " |");
}

}  // namespace

void RunIdentityRows(const BenchFlags& flags, const std::string& dir) {
  const std::string key = testing::GenerateRsaKeyPem();
  testing::VaultDouble vault(BenchVaultOptions(key, kObjects, 3 * kConcurrent));
  if (!vault.Start().ok()) {
    std::printf("\nShared-identity rows skipped: the Vault double did not start\n");
    return;
  }
  const std::map<std::string, std::string> parameters = {{"roleName", "bench"}, {"objects", BenchObjects(kObjects)}};
  const BenchPods pods(kPods, key, kAccounts);
  std::vector<v1alpha1::MountRequest> requests;
  for (int p = 0; p < pods.size(); ++p) requests.push_back(pods.Request(p, parameters));

  std::printf("\n## Shared identities (against the Vault double)\n\n");
  std::printf("A rotation cycle of %d pods in %d Deployments (%d service accounts, Kubernetes auth), %d static "
              "objects each, %d concurrent Mounts. Warm-up: every pod's first Mount; cycle: every pod mounted "
              "again (a rotation poll). Live tokens: Vault's token store after the cycle.\n\n",
              kPods, kAccounts, kAccounts, kObjects, kConcurrent);
  std::printf("| Mode | Warm-up logins | Warm-up reads | Cycle logins | Cycle reads | Live tokens | Cycle time |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  // The incumbent: a token per pod, kept across polls; an HMAC Secret GET
  // (Kubernetes API) and one read per object on every Mount.
  std::printf("| incumbent's algorithm (computed; also %d HMAC Secret GETs per cycle) | %d | %d | 0 | %d | %d | |\n",
              kPods, kPods, kPods * kObjects, kPods * kObjects, kPods);
  struct Mode {
    const char* name;
    std::vector<std::string> flags;
  };
  for (const Mode& mode : {Mode{"defaults (`-share-tokens`)", {}},
                           Mode{"`-read-cache-ttl=30s`", {"-read-cache-ttl=30s"}},
                           Mode{"`-share-tokens=false` (per pod)", {"-share-tokens=false"}}}) {
    vault.ExpireAllTokens();  // the previous daemon's tokens are not this mode's
    vault.ResetCounters();
    std::vector<std::string> args = {"-vault-addr=" + vault.address(), "-max-concurrent-mounts=0"};
    args.insert(args.end(), mode.flags.begin(), mode.flags.end());
    auto provider = StartProvider(flags, dir, args);
    auto stub = provider->Stub();
    const CycleLoad warm_up = Measure(vault, MountAll(*stub, requests, kConcurrent));
    vault.ResetCounters();
    const auto cycle_start = std::chrono::steady_clock::now();
    const int failures = MountAll(*stub, requests, kConcurrent);
    const double cycle_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - cycle_start).count();
    const CycleLoad cycle = Measure(vault, failures);
    provider->Stop();
    std::printf("%s\n", Row(mode.name, warm_up, cycle, cycle_seconds).c_str());
  }

  // Memory after 10,000 distinct pods (1,000 sessions kept by -cache-size).
  std::printf("\n");
  const BenchPods many(10'000, key, kAccounts);
  std::vector<v1alpha1::MountRequest> distinct;
  for (int p = 0; p < many.size(); ++p) distinct.push_back(many.Request(p, parameters));
  for (const Mode& mode : {Mode{"defaults", {}}, Mode{"-share-tokens=false", {"-share-tokens=false"}}}) {
    vault.ExpireAllTokens();
    vault.ResetCounters();
    std::vector<std::string> args = {"-vault-addr=" + vault.address()};
    args.insert(args.end(), mode.flags.begin(), mode.flags.end());
    auto provider = StartProvider(flags, dir, args);
    auto stub = provider->Stub();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const long idle = ProcStatusKiB(provider->pid(), "VmRSS:");
    const int failures = MountAll(*stub, distinct, kConcurrent);
    const long after = ProcStatusKiB(provider->pid(), "VmRSS:"), peak = ProcStatusKiB(provider->pid(), "VmHWM:");
    const int64_t logins = vault.Count("login");
    provider->Stop();
    std::printf("- Memory, %s: 10,000 distinct pods mounted (%d at a time, %lld logins): RSS %.1f MiB idle, "
                "%.1f MiB after, peak %.1f MiB%s\n",
                mode.name, kConcurrent, static_cast<long long>(logins), idle / 1024.0, after / 1024.0, peak / 1024.0,
                failures > 0 ? absl::StrCat(" — ", failures, " Mounts failed").c_str() : "");
  }
  vault.Stop();
}

}  // namespace vcp::bench
