// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// mount_bench: Mount latency and throughput of the real provider against the
// physical-limit baseline, measured in the same run on the same machine.
//
// For each (added Vault latency, clients, objects per Mount):
//   provider: C client threads in a closed loop send Mounts over the provider's
//             Unix socket, each Mount reading K distinct KV paths, pods round-robin.
//   baseline: the work no provider can avoid, in the same closed loop: one no-op
//             gRPC call over a Unix socket (the driver's hop) followed by the same
//             K Vault reads issued directly with libcurl over kept-alive
//             connections, concurrently, as the provider does.
// Then: Vault requests per Mount and per rotation poll, daemon RSS idle and with
// 1,000 cached pods under 256 concurrent Mounts, and start-to-ready time.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "support/driver.h"
#include "support/jwt.h"
#include "support/provider_process.h"
#include "v1alpha1/service.grpc.pb.h"
#include "vault_double/vault_double.h"
#include "vcp/config/flag_set.h"
#include "vcp/util/clock.h"
#include "vcp/util/metrics.h"
#include "vcp/http/curl_transport.h"
#include "vcp/vault/vault_client.h"

namespace vcp::bench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::DriverMount;
using testing::Pod;

struct Stats {
  double p50_ms = 0, p99_ms = 0, per_second = 0;
};

Stats Summarise(std::vector<double> ms, double seconds) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  if (ms.empty()) return s;
  s.p50_ms = ms[ms.size() / 2];
  s.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  s.per_second = static_cast<double>(ms.size()) / seconds;
  return s;
}

// Runs `op` in `clients` threads, `per_client` times each; returns per-op latencies.
std::vector<double> ClosedLoop(int clients, int per_client, const std::function<void(int, int)>& op, double* seconds) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < per_client; ++i) {
        const auto t0 = Clock::now();
        op(c, i);
        latencies[static_cast<size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  *seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return all;
}

// The no-op half of the baseline: a gRPC server answering Version on a Unix socket.
class NoopProvider final : public v1alpha1::CSIDriverProvider::Service {
  grpc::Status Version(grpc::ServerContext*, const v1alpha1::VersionRequest*, v1alpha1::VersionResponse* r) override {
    r->set_version("v1alpha1");
    return grpc::Status::OK;
  }
};

long RssKiB(pid_t pid, const char* field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return -1;
}

std::string Objects(int k) {
  std::string yaml;
  for (int i = 0; i < k; ++i) absl::StrAppend(&yaml, "- {objectName: o", i, ", secretPath: secret/data/bench/", i, ", secretKey: v}\n");
  return yaml;
}

}  // namespace

int Main(int argc, char** argv) {
  std::string binary = "build/release/src/vault-csi-provider", latencies_text = "0,1", clients_text = "1,64",
              objects_text = "1,5";
  int mounts_per_client = 200, pods = 64;
  config::FlagSet flags("mount_bench");
  flags.String("provider", &binary, "vault-csi-provider binary");
  flags.String("latency-ms", &latencies_text, "comma-separated latencies the test Vault adds per request");
  flags.String("clients", &clients_text, "comma-separated numbers of concurrent clients");
  flags.String("objects", &objects_text, "comma-separated objects per Mount");
  flags.Int("mounts-per-client", &mounts_per_client, "Mounts each client sends per measurement");
  flags.Int("pods", &pods, "distinct pods the clients mount (round-robin)");
  std::string provider_flags;
  flags.String("provider-flags", &provider_flags, "extra flags for the daemon, space-separated (e.g. \"-max-concurrent-mounts=32\")");
  if (auto rest = flags.Parse(std::vector<std::string>(argv + 1, argv + argc)); !rest.ok()) {
    std::fprintf(stderr, "%s\n%s", std::string(rest.status().message()).c_str(), flags.Usage().c_str());
    return 2;
  }
  auto ints = [](const std::string& text) {
    std::vector<int> out;
    for (absl::string_view part : absl::StrSplit(text, ',')) out.push_back(std::stoi(std::string(part)));
    return out;
  };
  char dir_template[] = "/tmp/vcp-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string key = testing::GenerateRsaKeyPem();
  int max_objects = 0;
  for (int k : ints(objects_text)) max_objects = std::max(max_objects, k);

  testing::VaultDoubleOptions vault_options;
  vault_options.jwt_key_pem = key;
  // cpp-httplib serves one connection per thread; keep-alive connections from the
  // provider's pool and the baseline's must never wait for a free thread.
  vault_options.threads = 768;
  nlohmann::json seed = testing::DemoSeed();
  for (int i = 0; i < max_objects; ++i) seed["namespaces"][""]["kv"][absl::StrCat("secret/bench/", i)] = {{"v", "value"}};
  seed["namespaces"][""]["auth"]["kubernetes"]["roles"]["bench"] = {{"bound_service_account_names", {"*"}},
                                                                   {"bound_service_account_namespaces", {"*"}},
                                                                   {"token_policies", {"app"}}};
  vault_options.seed = seed;
  testing::VaultDouble vault(vault_options);
  if (!vault.Start().ok()) return 1;

  std::vector<std::string> daemon_args = {"-vault-addr=" + vault.address()};
  for (absl::string_view flag : absl::StrSplit(provider_flags, ' ', absl::SkipEmpty())) daemon_args.emplace_back(flag);

  // Start-to-ready and idle RSS.
  const auto launch = Clock::now();
  auto provider = testing::ProviderProcess::Start(binary, dir, daemon_args);
  if (!provider.ok()) {
    std::fprintf(stderr, "%s\n", std::string(provider.status().message()).c_str());
    return 1;
  }
  while (testing::HttpGetStatus((*provider)->health_address(), "/health/ready") != 200) {
  }
  const double ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - launch).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long idle_rss = RssKiB((*provider)->pid(), "VmRSS:"), idle_anon = RssKiB((*provider)->pid(), "RssAnon:");

  std::vector<Pod> pod_list;
  std::vector<std::string> jwts;
  for (int p = 0; p < pods; ++p) {
    Pod pod;
    pod.name = absl::StrCat("bench-", p);
    pod.uid = absl::StrCat("uid-", p);
    pod.service_account = "bench";
    jwts.push_back(testing::SignJwt(key, testing::ServiceAccountClaims(pod.ns, pod.service_account, pod.name, pod.uid, "vault")).value());
    pod_list.push_back(pod);
  }
  auto request_for = [&](int pod, int objects) {
    DriverMount mount;
    mount.pod = pod_list[static_cast<size_t>(pod)];
    mount.parameters = {{"roleName", "bench"}, {"objects", Objects(objects)}};
    mount.tokens["vault"] = jwts[static_cast<size_t>(pod)];
    return testing::BuildMountRequest(mount);
  };
  auto stub = (*provider)->Stub();

  // The baseline's pieces: a no-op gRPC server on a Unix socket, and libcurl to Vault.
  NoopProvider noop;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("unix:", dir, "/noop.sock"), grpc::InsecureServerCredentials());
  builder.RegisterService(&noop);
  auto noop_server = builder.BuildAndStart();
  auto noop_stub = v1alpha1::CSIDriverProvider::NewStub(
      grpc::CreateChannel(absl::StrCat("unix:", dir, "/noop.sock"), grpc::InsecureChannelCredentials()));
  SystemClock clock;
  Metrics metrics;
  http::CurlTransport curl(clock);
  vault::ConnectionConfig connection;
  connection.address = vault.address();
  const vault::VaultClient direct =
      vault::VaultClient::Create(vault::VaultContext{&curl, &clock, &metrics, nullptr, nullptr, {}}, connection)
          .value();

  std::printf("\nmount_bench: %d pods, %d Mounts per client per row; ratios are provider / baseline\n\n", pods, mounts_per_client);
  std::printf("| Vault +ms | clients | objects | Mount p50 | p99 | baseline p50 | p99 | p50 ratio | Mounts/s | baseline/s | throughput ratio | Vault req/Mount |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int latency : ints(latencies_text)) {
    vault.SetLatency(std::chrono::milliseconds(latency));
    for (int clients : ints(clients_text)) {
      for (int objects : ints(objects_text)) {
        // Warm up: every pod logged in, connections open.
        for (int p = 0; p < pods; ++p) {
          grpc::ClientContext context;
          v1alpha1::MountResponse response;
          stub->Mount(&context, request_for(p, objects), &response);
        }
        std::vector<v1alpha1::MountRequest> requests;
        for (int p = 0; p < pods; ++p) requests.push_back(request_for(p, objects));
        vault.ResetCounters();
        std::atomic<int> failures{0};
        double provider_seconds = 0;
        auto provider_ms = ClosedLoop(clients, mounts_per_client, [&](int c, int i) {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
          v1alpha1::MountResponse response;
          if (!stub->Mount(&context, requests[static_cast<size_t>((c + i * clients) % pods)], &response).ok()) ++failures;
        }, &provider_seconds);
        const double total_mounts = static_cast<double>(clients) * mounts_per_client;
        const double reads_per_mount = static_cast<double>(vault.Count("total")) / total_mounts;

        std::vector<vault::SecretPath> paths;
        for (int i = 0; i < objects; ++i) paths.push_back(vault::ParseSecretPath(absl::StrCat("secret/data/bench/", i)).value());
        double base_seconds = 0;
        auto base_ms = ClosedLoop(clients, mounts_per_client, [&](int, int) {
          grpc::ClientContext context;
          v1alpha1::VersionRequest request;
          v1alpha1::VersionResponse response;
          noop_stub->Version(&context, request, &response);
          const auto deadline = Clock::now() + std::chrono::seconds(30);
          std::vector<std::promise<bool>> done(paths.size());
          for (size_t k = 0; k < paths.size(); ++k) {
            direct.Request("GET", paths[k], std::nullopt, "root", deadline, nullptr,
                           [&done, k](absl::StatusOr<nlohmann::json> r) { done[k].set_value(r.ok()); });
          }
          for (auto& d : done) {
            if (!d.get_future().get()) ++failures;
          }
        }, &base_seconds);
        const Stats p = Summarise(provider_ms, provider_seconds), b = Summarise(base_ms, base_seconds);
        std::printf("| %d | %d | %d | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.2fx | %.0f | %.0f | %.2fx | %.2f |%s\n", latency,
                    clients, objects, p.p50_ms, p.p99_ms, b.p50_ms, b.p99_ms, p.p50_ms / b.p50_ms, p.per_second,
                    b.per_second, p.per_second / b.per_second, reads_per_mount,
                    failures > 0 ? absl::StrCat(" (", failures.load(), " failures)").c_str() : "");
        std::fflush(stdout);
      }
    }
  }
  vault.SetLatency(std::chrono::milliseconds(0));

  // A rotation cycle: pods already mounted, mounted again (as a poll does).
  const std::string rotation_objects = Objects(2) +
      "- {objectName: db-user, secretPath: database/creds/app, secretKey: username}\n"
      "- {objectName: db-pass, secretPath: database/creds/app, secretKey: password}\n";
  auto rotation_request = [&](int p) {
    DriverMount mount;
    mount.pod = pod_list[static_cast<size_t>(p)];
    mount.parameters = {{"roleName", "bench"}, {"objects", rotation_objects}};
    mount.tokens["vault"] = jwts[static_cast<size_t>(p)];
    return testing::BuildMountRequest(mount);
  };
  auto mount_all = [&] {
    for (int p = 0; p < pods; ++p) {
      grpc::ClientContext context;
      v1alpha1::MountResponse response;
      stub->Mount(&context, rotation_request(p), &response);
    }
  };
  mount_all();  // first mounts
  vault.ResetCounters();
  mount_all();  // the poll
  std::printf("\nRotation poll of %d mounted pods (2 static objects + a database username/password each):\n", pods);
  std::printf("  per pod: %.2f logins, %.2f new leases, %.2f reads of static objects, %.2f Vault requests in all\n",
              static_cast<double>(vault.Count("login")) / pods, static_cast<double>(vault.Count("lease:new")) / pods,
              static_cast<double>(vault.Count("GET /v1/secret/data/bench/0") + vault.Count("GET /v1/secret/data/bench/1")) / pods,
              static_cast<double>(vault.Count("total")) / pods);

  // Memory with 1,000 cached pod tokens and 256 concurrent Mounts.
  std::vector<v1alpha1::MountRequest> many;
  for (int p = 0; p < 1000; ++p) {
    DriverMount mount;
    mount.pod.name = absl::StrCat("many-", p);
    mount.pod.uid = absl::StrCat("many-uid-", p);
    mount.pod.service_account = "bench";
    mount.parameters = {{"roleName", "bench"}, {"objects", Objects(1)}};
    mount.tokens["vault"] = testing::SignJwt(key, testing::ServiceAccountClaims(mount.pod.ns, "bench", mount.pod.name, mount.pod.uid, "vault")).value();
    many.push_back(testing::BuildMountRequest(mount));
  }
  // A fresh daemon, so that the peak is this scenario's and not the latency
  // rows' (64 clients x 5 objects run 320 threads at once).
  (*provider)->Stop();
  provider = testing::ProviderProcess::Start(binary, dir, daemon_args);
  if (!provider.ok()) {
    std::fprintf(stderr, "%s\n", std::string(provider.status().message()).c_str());
    return 1;
  }
  auto fresh_stub = (*provider)->Stub();
  double seconds = 0;
  ClosedLoop(256, 8, [&](int c, int i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1alpha1::MountResponse response;
    fresh_stub->Mount(&context, many[static_cast<size_t>((c * 8 + i) % 1000)], &response);
  }, &seconds);
  const long peak = RssKiB((*provider)->pid(), "VmHWM:"), loaded_anon = RssKiB((*provider)->pid(), "RssAnon:");
  std::printf("\nDaemon memory: idle RSS %.1f MiB (%.1f MiB anonymous); peak RSS %.1f MiB with 1,000 cached pods and 256 "
              "concurrent Mounts in a fresh daemon (%.1f MiB anonymous after)\n",
              idle_rss / 1024.0, idle_anon / 1024.0, peak / 1024.0, loaded_anon / 1024.0);
  std::printf("Start to ready (/health/ready = 200): %.1f ms\n", ready_ms);
  (*provider)->Stop();
  noop_server->Shutdown();
  vault.Stop();
  std::system(absl::StrCat("rm -rf ", dir).c_str());
  return 0;
}

}  // namespace vcp::bench

int main(int argc, char** argv) { return vcp::bench::Main(argc, argv); }
