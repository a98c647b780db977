// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// mount_bench: the provider's Mount latency, throughput and CPU against the
// work no provider can avoid, measured in the same run, on the same machine,
// against the same fixed-answer Vault (docs/benchmarks.md).
//
// Ratio rows, for each added Vault delay x clients (C) x objects per Mount (K):
//   provider: C client threads in a closed loop on one shared gRPC channel
//             send driver-shaped Mounts (100 pods round-robin, K distinct KV
//             paths each) to the real daemon, whose Vault is nginx answering
//             from its configuration (fixed_vault.h).
//   baseline: the same C threads, the same requests: one gRPC call over a
//             Unix socket to a hop that does nothing (noop_provider, its own
//             process), then the same K reads from libcurl's multi interface
//             driven by the thread itself over kept-alive connections, to the
//             same nginx.
//   Rounds of each alternate (P B, B P, ...) so that drift hits both; each
//   figure is the median of the rounds. CPU: the daemon's, the hop's and
//   nginx's from their CPU-time clocks; the bench's own from getrusage and,
//   for the reads alone, from each client thread's CPU clock.
// Behaviour rows (behaviour_rows.cc), against the Vault double.
//
// It prints figures; it asserts none.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "baseline_reads.h"
#include "bench_common.h"
#include "child_process.h"
#include "closed_loop.h"
#include "fixed_vault.h"
#include "support/jwt.h"
#include "v1alpha1/service.grpc.pb.h"

namespace vcp::bench {

std::string BenchObjects(int objects) {
  std::string yaml;
  for (int i = 0; i < objects; ++i) absl::StrAppend(&yaml, "- {objectName: o", i, ", secretPath: secret/data/bench/", i, ", secretKey: v}\n");
  return yaml;
}

BenchPods::BenchPods(int count, const std::string& jwt_key_pem, int accounts) {
  for (int p = 0; p < count; ++p) {
    testing::Pod pod;
    pod.name = absl::StrCat("bench-", p);
    pod.uid = absl::StrCat("6d1f0c2e-0000-4000-8000-", absl::Dec(p, absl::kZeroPad12));
    pod.service_account = accounts > 1 ? absl::StrCat("bench-", p % accounts) : "bench";
    jwts.push_back(testing::SignJwt(jwt_key_pem, testing::ServiceAccountClaims(pod.ns, pod.service_account, pod.name,
                                                                               pod.uid, "vault"))
                       .value());
    pods.push_back(pod);
  }
}

v1alpha1::MountRequest BenchPods::Request(int pod, const std::map<std::string, std::string>& parameters) const {
  testing::DriverMount mount;
  mount.pod = pods[static_cast<size_t>(pod)];
  mount.secret_provider_class = "vault-bench";
  mount.parameters = parameters;
  mount.tokens["vault"] = jwts[static_cast<size_t>(pod)];
  return testing::BuildMountRequest(mount);
}

long ProcStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
  }
  return -1;
}

bool MountOnce(v1alpha1::CSIDriverProvider::Stub& stub, const v1alpha1::MountRequest& request, int deadline_seconds) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(deadline_seconds));
  v1alpha1::MountResponse response;
  return stub.Mount(&context, request, &response).ok();
}

std::unique_ptr<testing::ProviderProcess> StartProvider(const BenchFlags& flags, const std::string& dir,
                                                        std::vector<std::string> args) {
  args.insert(args.end(), flags.provider_flags.begin(), flags.provider_flags.end());
  // The environment the image gives the daemon (Dockerfile: GnuTLS, which
  // libcurl's librtmp drags in, is not initialised).
  auto started = testing::ProviderProcess::Start(flags.provider, dir, args, {"GNUTLS_NO_IMPLICIT_INIT=1"});
  if (!started.ok()) {
    std::fprintf(stderr, "mount_bench: the provider did not start: %s\n", std::string(started.status().message()).c_str());
    std::exit(1);
  }
  return std::move(*started);
}

namespace {

using Clock = std::chrono::steady_clock;
using Stub = v1alpha1::CSIDriverProvider::Stub;

constexpr char kSecretValue[] = "fixed-answer-secret-value-0123456789abcdef";
constexpr char kVaultToken[] = "hvs.CAESIBenchFixedAnswerToken0123456789abcdefghijk";

// ---------------------------------------------------------------- flags

bool ParseInts(const std::string& text, std::vector<int>* out) {
  out->clear();
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value)) return false;
    out->push_back(value);
  }
  return !out->empty();
}

constexpr char kUsage[] = R"(usage: mount_bench [flags]
  -provider=PATH          the vault-csi-provider binary (build/release/src/vault-csi-provider)
  -noop-provider=PATH     the baseline's hop (the noop_provider built beside mount_bench)
  -nginx=PATH             nginx (/usr/sbin/nginx)
  -echo-module=PATH       nginx's echo module, for delays (/usr/lib/nginx/modules/ngx_http_echo_module.so)
  -latency-ms=LIST        delays the fixed-answer Vault adds per request (0,1)
  -clients=LIST           concurrent clients (1,64)
  -objects=LIST           objects per Mount (1,5)
  -rounds=N               rounds of each side per row; figures are their medians (5)
  -round-seconds=S        length of a round (1.0)
  -pods=N                 distinct pods, mounted round-robin (100)
  -provider-flags="..."   extra daemon flags, space-separated (e.g. "-max-concurrent-mounts=0")
  -ratio-rows=false       skip the ratio rows
  -behaviour-rows=false   skip the behaviour rows
  -identity-rows=false    skip the shared-identity rows
)";

bool ParseFlags(int argc, char** argv, BenchFlags* flags) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) arg.erase(0, 1);
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "true" : arg.substr(eq + 1);
    bool ok = true;
    if (name == "-provider") {
      flags->provider = value;
    } else if (name == "-noop-provider") {
      flags->noop_provider = value;
    } else if (name == "-nginx") {
      flags->nginx = value;
    } else if (name == "-echo-module") {
      flags->echo_module = value;
    } else if (name == "-latency-ms") {
      ok = ParseInts(value, &flags->latencies_ms);
    } else if (name == "-clients") {
      ok = ParseInts(value, &flags->clients);
    } else if (name == "-objects") {
      ok = ParseInts(value, &flags->objects);
    } else if (name == "-rounds") {
      ok = absl::SimpleAtoi(value, &flags->rounds) && flags->rounds > 0;
    } else if (name == "-round-seconds") {
      ok = absl::SimpleAtod(value, &flags->round_seconds) && flags->round_seconds > 0;
    } else if (name == "-pods") {
      ok = absl::SimpleAtoi(value, &flags->pods) && flags->pods > 0;
    } else if (name == "-provider-flags") {
      flags->provider_flags = absl::StrSplit(value, ' ', absl::SkipEmpty());
    } else if (name == "-ratio-rows") {
      ok = absl::SimpleAtob(value, &flags->ratio_rows);
    } else if (name == "-behaviour-rows") {
      ok = absl::SimpleAtob(value, &flags->behaviour_rows);
    } else if (name == "-identity-rows") {
      ok = absl::SimpleAtob(value, &flags->identity_rows);
    } else if (name == "-help" || name == "-h") {
      std::printf("%s", kUsage);
      std::exit(0);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "mount_bench: bad flag %s\n%s", argv[i], kUsage);
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- machine

std::string CommandOutput(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
    pclose(pipe);
  }
  return out;
}

std::string FirstLine(const std::string& path, const std::string& prefix = "") {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return "";
}

void PrintMachine(const BenchFlags& flags) {
  utsname name{};
  uname(&name);
  std::string cpu = FirstLine("/proc/cpuinfo", "model name");
  if (const size_t colon = cpu.find(": "); colon != std::string::npos) cpu = cpu.substr(colon + 2);
  std::string provider = flags.provider;
  const auto version = nlohmann::json::parse(CommandOutput(flags.provider + " -version 2>/dev/null"), nullptr, false);
  if (version.is_object()) {
    provider += absl::StrCat(" (", version.value("gitVersion", "?"), ", commit ", version.value("gitCommit", "?"), ", ",
                             version.value("gitTreeState", "?"), ")");
  }
  std::printf("# mount_bench\n\n");
  std::printf("- machine: %ld CPUs (nproc), %s, Linux %s; load average at start: %s\n", sysconf(_SC_NPROCESSORS_ONLN),
              cpu.c_str(), name.release, FirstLine("/proc/loadavg").c_str());
  std::printf("- provider: %s\n", provider.c_str());
  std::printf("- %d pods round-robin; %d rounds of %.1f s per side per row, alternating; figures are medians of the rounds\n",
              flags.pods, flags.rounds, flags.round_seconds);
  std::fflush(stdout);
}

// ---------------------------------------------------------------- the hop

// The baseline's hop: noop_provider as a child process.
class Hop {
 public:
  static std::unique_ptr<Hop> Start(const std::string& binary, const std::string& dir) {
    std::unique_ptr<Hop> hop(new Hop());
    hop->socket_ = dir + "/noop.sock";
    const std::string out = dir + "/noop.out";
    const pid_t pid = Spawn({binary, "-socket=" + hop->socket_, absl::StrCat("-value=", kSecretValue)}, out);
    hop->pid_ = pid;
    for (int i = 0; i < 1000; ++i) {
      if (FirstLine(out).rfind("serving", 0) == 0) return hop;
      if (pid < 0 || Exited(pid)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::fprintf(stderr, "mount_bench: %s did not start: %s\n", binary.c_str(), FirstLine(out).c_str());
    hop->pid_ = -1;
    return nullptr;
  }
  ~Hop() { Stop(pid_); }
  pid_t pid() const { return pid_; }
  const std::string& socket() const { return socket_; }

 private:
  Hop() = default;
  pid_t pid_ = -1;
  std::string socket_;
};

std::unique_ptr<Stub> StubOn(const std::string& socket) {
  return v1alpha1::CSIDriverProvider::NewStub(
      grpc::CreateChannel(absl::StrCat("unix:", socket), grpc::InsecureChannelCredentials()));
}

bool CallMount(Stub& stub, const v1alpha1::MountRequest& request, std::string* error = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1alpha1::MountResponse response;
  const grpc::Status status = stub.Mount(&context, request, &response);
  if (!status.ok() && error != nullptr) *error = status.error_message();
  return status.ok();
}

// ---------------------------------------------------------------- a row

// One side's figures in one round.
struct Sample {
  double p50_ms = 0, p99_ms = 0, per_second = 0;
  double cpu_us = 0;           // provider: the daemon's; baseline: the bench's whole process (getrusage)
  double reads_cpu_us = 0;     // baseline: the client threads' CPU in the K reads
  double hop_cpu_us = 0;       // baseline: noop_provider's
  double driver_cpu_us = 0;    // provider: the bench's whole process, i.e. the driver's side
  double nginx_requests = 0;   // per operation
  double nginx_cpu_us = 0;     // per nginx request
  int64_t failures = 0;
};

struct Row {
  int latency_ms = 0, clients = 0, objects = 0;
  std::string skipped;
  std::vector<Sample> provider, baseline;
};

Sample Summarise(const Round& round) {
  Sample s;
  s.p50_ms = Quantile(round.latencies_ms, 0.5);
  s.p99_ms = Quantile(round.latencies_ms, 0.99);
  s.per_second = static_cast<double>(round.latencies_ms.size()) / round.seconds;
  s.failures = round.failures;
  return s;
}

// The median over rounds of one figure.
double MedianOf(const std::vector<Sample>& samples, double Sample::*field) {
  std::vector<double> values;
  for (const Sample& s : samples) values.push_back(s.*field);
  return Median(values);
}

class RatioRows {
 public:
  RatioRows(const BenchFlags& flags, const std::string& dir) : flags_(flags), dir_(dir) {}

  void Run() {
    FixedVaultOptions options;
    options.nginx = flags_.nginx;
    options.echo_module = flags_.echo_module;
    options.delays_ms = {0};
    options.delays_ms.insert(options.delays_ms.end(), flags_.latencies_ms.begin(), flags_.latencies_ms.end());
    options.login_body = LoginBody(kVaultToken, 86400);  // no renewal within a run
    options.kv_body = KvV2ReadBody(kSecretValue);
    kv_bytes_ = options.kv_body.size();
    auto vault = FixedVault::Start(dir_, options);
    if (!vault.ok()) {
      std::printf("\nRatio rows skipped: the fixed-answer Vault did not start: %s\n",
                  std::string(vault.status().message()).c_str());
      return;
    }
    vault_ = std::move(*vault);
    const std::string noop = flags_.noop_provider;
    hop_ = Hop::Start(noop, dir_);
    if (!hop_) return;
    hop_stub_ = StubOn(hop_->socket());
    // A service account per pod: every Mount makes its own K reads, as the
    // baseline does (pods sharing an identity would coalesce reads in flight
    // together; the shared-identity rows show that).
    pods_ = std::make_unique<BenchPods>(flags_.pods, testing::GenerateRsaKeyPem(), flags_.pods);
    PrintFixedVault();

    for (int latency : flags_.latencies_ms) {
      if (!vault_->Serves(latency)) {
        for (int c : flags_.clients) {
          for (int k : flags_.objects) rows_.push_back(Row{latency, c, k, vault_->SkippedReason(latency), {}, {}});
        }
        continue;
      }
      // One daemon per delay, its Vault the server with that delay.
      provider_ = StartProvider(flags_, dir_, {"-vault-addr=" + vault_->Address(latency)});
      provider_stub_ = StubOn(provider_->socket_path());
      for (int c : flags_.clients) {
        for (int k : flags_.objects) rows_.push_back(MeasureRow(latency, c, k));
      }
      provider_stub_.reset();
      provider_->Stop();
      provider_.reset();
    }
    PrintTables();
    hop_stub_.reset();
    hop_.reset();
    vault_.reset();
  }

 private:
  // The server's delay as the clients see it: single sequential reads.
  void PrintFixedVault() {
    std::printf("- fixed-answer Vault: %s (one process, nginx's CPU is read from it); KV v2 answer %zu bytes\n",
                flags_.nginx.c_str(), kv_bytes_);
    for (int latency : flags_.latencies_ms) {
      if (!vault_->Serves(latency)) {
        std::printf("  - +%d ms: skipped: %s\n", latency, vault_->SkippedReason(latency).c_str());
        continue;
      }
      BaselineReads one(vault_->Address(latency), 1, kVaultToken, kv_bytes_);
      std::vector<double> ms;
      for (int i = 0; i < 200; ++i) {
        const auto t0 = Clock::now();
        one.ReadAll();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      std::printf("  - +%d ms (%s): one read, kept-alive connection, p50 %.3f ms, p99 %.3f ms\n", latency,
                  latency == 0 ? "`return 200`" : "echo_sleep, then the same body", Quantile(ms, 0.5),
                  Quantile(ms, 0.99));
    }
    std::fflush(stdout);
  }

  Row MeasureRow(int latency, int clients, int objects) {
    Row row{latency, clients, objects, "", {}, {}};
    std::fprintf(stderr, "mount_bench: +%d ms, %d x %d ...\n", latency, clients, objects);
    const std::map<std::string, std::string> parameters = {{"roleName", "bench"}, {"objects", BenchObjects(objects)}};
    std::vector<v1alpha1::MountRequest> requests;
    for (int p = 0; p < pods_->size(); ++p) requests.push_back(pods_->Request(p, parameters));
    // Every pod logged in (steady state), or the row cannot be measured.
    for (int p = 0; p < pods_->size(); ++p) {
      std::string error;
      if (!CallMount(*provider_stub_, requests[static_cast<size_t>(p)], &error)) {
        row.skipped = absl::StrCat("the provider failed a warm-up Mount: ", error);
        return row;
      }
    }
    std::vector<std::unique_ptr<BaselineReads>> readers;
    for (int c = 0; c < clients; ++c) {
      readers.push_back(std::make_unique<BaselineReads>(vault_->Address(latency), objects, kVaultToken, kv_bytes_));
    }
    std::vector<double> reads_cpu(static_cast<size_t>(clients), 0);
    std::atomic<int64_t> next_pod{0};
    auto pod_request = [&]() -> const v1alpha1::MountRequest& {
      return requests[static_cast<size_t>(next_pod.fetch_add(1, std::memory_order_relaxed) % pods_->size())];
    };
    auto provider_op = [&](int, int64_t) { return CallMount(*provider_stub_, pod_request()); };
    auto baseline_op = [&](int c, int64_t) {
      const bool hopped = CallMount(*hop_stub_, pod_request());
      const double t0 = ThreadCpuSeconds();
      const bool read = readers[static_cast<size_t>(c)]->ReadAll();
      reads_cpu[static_cast<size_t>(c)] += ThreadCpuSeconds() - t0;
      return hopped && read;
    };
    // Warm both sides: connections open, threads and caches hot.
    const double warm = std::min(0.3, flags_.round_seconds);
    RunClosedLoop(clients, warm, provider_op);
    RunClosedLoop(clients, warm, baseline_op);

    for (int r = 0; r < flags_.rounds; ++r) {
      if (r % 2 == 0) {
        row.provider.push_back(ProviderRound(clients, provider_op));
        row.baseline.push_back(BaselineRound(clients, baseline_op, &reads_cpu));
      } else {
        row.baseline.push_back(BaselineRound(clients, baseline_op, &reads_cpu));
        row.provider.push_back(ProviderRound(clients, provider_op));
      }
    }
    return row;
  }

  Sample ProviderRound(int clients, const std::function<bool(int, int64_t)>& op) {
    int64_t requests0 = 0, requests1 = 0;
    double daemon0 = 0, daemon1 = 0, self0 = 0, self1 = 0, nginx0 = 0, nginx1 = 0;
    const Round round = RunClosedLoop(
        clients, flags_.round_seconds, op,
        [&] {
          requests0 = vault_->Requests();
          daemon0 = ProcessCpuSeconds(provider_->pid());
          nginx0 = ProcessCpuSeconds(vault_->pid());
          self0 = SelfCpuSeconds();
        },
        [&] {
          self1 = SelfCpuSeconds();
          daemon1 = ProcessCpuSeconds(provider_->pid());
          nginx1 = ProcessCpuSeconds(vault_->pid());
          requests1 = vault_->Requests();
        });
    Sample s = Summarise(round);
    const double ops = static_cast<double>(round.latencies_ms.size());
    s.cpu_us = (daemon1 - daemon0) / ops * 1e6;
    s.driver_cpu_us = (self1 - self0) / ops * 1e6;
    s.nginx_requests = static_cast<double>(requests1 - requests0) / ops;
    s.nginx_cpu_us = (nginx1 - nginx0) / static_cast<double>(std::max<int64_t>(1, requests1 - requests0)) * 1e6;
    return s;
  }

  Sample BaselineRound(int clients, const std::function<bool(int, int64_t)>& op, std::vector<double>* reads_cpu) {
    int64_t requests0 = 0, requests1 = 0;
    double hop0 = 0, hop1 = 0, self0 = 0, self1 = 0, nginx0 = 0, nginx1 = 0, reads0 = 0, reads1 = 0;
    auto sum = [&] {
      double total = 0;
      for (double cpu : *reads_cpu) total += cpu;
      return total;
    };
    const Round round = RunClosedLoop(
        clients, flags_.round_seconds, op,
        [&] {
          requests0 = vault_->Requests();
          hop0 = ProcessCpuSeconds(hop_->pid());
          nginx0 = ProcessCpuSeconds(vault_->pid());
          reads0 = sum();
          self0 = SelfCpuSeconds();
        },
        [&] {
          self1 = SelfCpuSeconds();
          reads1 = sum();
          hop1 = ProcessCpuSeconds(hop_->pid());
          nginx1 = ProcessCpuSeconds(vault_->pid());
          requests1 = vault_->Requests();
        });
    Sample s = Summarise(round);
    const double ops = static_cast<double>(round.latencies_ms.size());
    s.cpu_us = (self1 - self0) / ops * 1e6;
    s.reads_cpu_us = (reads1 - reads0) / ops * 1e6;
    s.hop_cpu_us = (hop1 - hop0) / ops * 1e6;
    s.nginx_requests = static_cast<double>(requests1 - requests0) / ops;
    s.nginx_cpu_us = (nginx1 - nginx0) / static_cast<double>(std::max<int64_t>(1, requests1 - requests0)) * 1e6;
    return s;
  }

  void PrintTables() {
    std::printf("\n## Ratio rows (against the fixed-answer Vault)\n\n");
    std::printf("Latency and throughput; ratios are provider / baseline.\n\n");
    std::printf("| Vault +ms | C × K | Mount p50 | p99 | baseline p50 | p99 | p50 ratio | Mounts/s | baseline ops/s | "
                "throughput ratio | nginx requests per Mount / op | failures |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Row& row : rows_) {
      if (!row.skipped.empty()) {
        std::printf("| %d | %d × %d | skipped: %s |\n", row.latency_ms, row.clients, row.objects, row.skipped.c_str());
        continue;
      }
      const double p50 = MedianOf(row.provider, &Sample::p50_ms), b50 = MedianOf(row.baseline, &Sample::p50_ms);
      const double rate = MedianOf(row.provider, &Sample::per_second),
                   brate = MedianOf(row.baseline, &Sample::per_second);
      int64_t failures = 0;
      for (const Sample& s : row.provider) failures += s.failures;
      for (const Sample& s : row.baseline) failures += s.failures;
      std::printf("| %d | %d × %d | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.2f× | %.0f | %.0f | %.2f× | %.2f / %.2f | %lld |\n",
                  row.latency_ms, row.clients, row.objects, p50, MedianOf(row.provider, &Sample::p99_ms), b50,
                  MedianOf(row.baseline, &Sample::p99_ms), p50 / b50, rate, brate, rate / brate,
                  MedianOf(row.provider, &Sample::nginx_requests), MedianOf(row.baseline, &Sample::nginx_requests),
                  static_cast<long long>(failures));
    }
    std::printf("\nCPU per operation, µs. Baseline = its K reads (the client threads' CPU clocks) + its hop "
                "(noop_provider's CPU); the client column is the bench's whole process (getrusage) in the "
                "baseline rounds, which also holds the gRPC client's side of the hop call, as the driver column "
                "(the bench's whole process in the provider rounds) holds it for the provider: neither side is "
                "charged for it in the ratio.\n\n");
    std::printf("| Vault +ms | C × K | provider per Mount | baseline per op: reads + hop | CPU ratio | "
                "baseline client (getrusage) | driver side per Mount | nginx per request |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (const Row& row : rows_) {
      if (!row.skipped.empty()) {
        std::printf("| %d | %d × %d | skipped |\n", row.latency_ms, row.clients, row.objects);
        continue;
      }
      const double provider = MedianOf(row.provider, &Sample::cpu_us);
      const double reads = MedianOf(row.baseline, &Sample::reads_cpu_us);
      const double hop = MedianOf(row.baseline, &Sample::hop_cpu_us);
      std::vector<Sample> both = row.provider;
      both.insert(both.end(), row.baseline.begin(), row.baseline.end());
      std::printf("| %d | %d × %d | %.0f | %.0f + %.0f = %.0f | %.2f× | %.0f | %.0f | %.1f |\n", row.latency_ms,
                  row.clients, row.objects, provider, reads, hop, reads + hop, provider / (reads + hop),
                  MedianOf(row.baseline, &Sample::cpu_us), MedianOf(row.provider, &Sample::driver_cpu_us),
                  MedianOf(both, &Sample::nginx_cpu_us));
    }
    std::fflush(stdout);
  }

  const BenchFlags& flags_;
  const std::string dir_;
  size_t kv_bytes_ = 0;
  std::unique_ptr<FixedVault> vault_;
  std::unique_ptr<Hop> hop_;
  std::unique_ptr<Stub> hop_stub_;
  std::unique_ptr<BenchPods> pods_;
  std::unique_ptr<testing::ProviderProcess> provider_;
  std::unique_ptr<Stub> provider_stub_;
  std::vector<Row> rows_;
};

}  // namespace

int Main(int argc, char** argv) {
  BenchFlags flags;
  flags.noop_provider = VCP_NOOP_PROVIDER;
  if (!ParseFlags(argc, argv, &flags)) return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  signal(SIGPIPE, SIG_IGN);
  // C x K kept-alive connections on each side: lift the soft limit on files.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  char dir_template[] = "/tmp/vcp-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const auto started = Clock::now();
  PrintMachine(flags);
  if (flags.ratio_rows) RatioRows(flags, dir).Run();
  if (flags.behaviour_rows) RunBehaviourRows(flags, dir);
  if (flags.identity_rows) RunIdentityRows(flags, dir);
  std::printf("\n- load average at the end: %s; the run took %.0f s\n", FirstLine("/proc/loadavg").c_str(),
              std::chrono::duration<double>(Clock::now() - started).count());
  std::system(absl::StrCat("rm -rf ", dir).c_str());
  curl_global_cleanup();
  return 0;
}

}  // namespace vcp::bench

int main(int argc, char** argv) { return vcp::bench::Main(argc, argv); }
