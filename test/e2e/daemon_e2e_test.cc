// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: the daemon's process behaviour (socket, Version, flags,
// health, signals, transports).
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"
#include "support/jwt.h"

namespace vcp::testing {
namespace {

using ::testing::HasSubstr;

class DaemonE2eTest : public E2eTest {};

std::string RunBinary(const std::string& args, int* exit_code) {
  return RunShell(absl::StrCat(VCP_PROVIDER_BINARY, " ", args, " 2>&1"), exit_code);
}

TEST_F(DaemonE2eTest, VersionNamesTheGitCommitItWasBuiltFrom) {
  // The test binary and the provider are built from the same checkout.
  std::string head = RunShell(absl::StrCat("git -C ", VCP_SOURCE_DIR, " rev-parse HEAD 2>/dev/null"));
  if (head.empty()) GTEST_SKIP() << "not a git checkout";
  head.pop_back();  // newline
  int code = 0;
  auto info = nlohmann::json::parse(RunBinary("-version", &code));
  EXPECT_EQ(code, 0);
  EXPECT_EQ(info["gitCommit"], head);
  EXPECT_THAT(info["gitTreeState"].get<std::string>(), ::testing::AnyOf("clean", "dirty"));
  EXPECT_THAT(info["buildDate"].get<std::string>(),
              ::testing::MatchesRegex(R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)"));
}

TEST_F(DaemonE2eTest, VersionAnswersWithEitherAuthorityTheDriverSends) {
  auto& provider = StartProvider();
  // Drivers before v1.6 send the socket path as :authority, v1.6+ "localhost".
  for (const std::string& authority : {std::string("localhost"), provider.socket_path()}) {
    grpc::ClientContext context;
    v1alpha1::VersionRequest request;
    request.set_version("v1alpha1");
    v1alpha1::VersionResponse response;
    const grpc::Status status = provider.Stub(authority)->Version(&context, request, &response);
    ASSERT_TRUE(status.ok()) << authority << ": " << status.error_message();
    EXPECT_EQ(response.version(), "v1alpha1");
    EXPECT_EQ(response.runtime_name(), "vault-csi-provider");
    EXPECT_THAT(response.runtime_version(), ::testing::MatchesRegex(R"([0-9]+\.[0-9]+\.[0-9]+.*)"));
  }
}

TEST_F(DaemonE2eTest, StaleSocketIsReplacedAndNewSocketIsOwnerOnly) {
  const std::string path = dir_ + "/stale.sock";
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(fd);  // leaves a dead socket file behind, as a crashed provider would
  auto& provider = StartProvider({"-endpoint=" + path});
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0077, 0u) << "socket must not be accessible to group or others";
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}"));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_THAT(provider.Log(), HasSubstr("replaced the existing file at socket path"));
}

TEST_F(DaemonE2eTest, HealthTellsTheTruthAndSigtermShutsDownCleanly) {
  auto& provider = StartProvider();
  EXPECT_EQ(HttpGetStatus(provider.health_address(), "/health/ready"), 200);
  EXPECT_EQ(HttpGetStatus(provider.health_address(), "/health/live"), 200);
  EXPECT_EQ(HttpGetStatus(provider.health_address(), "/nope"), 404);
  EXPECT_EQ(provider.Stop(SIGTERM), 0);
  struct stat st {};
  EXPECT_NE(stat(provider.socket_path().c_str(), &st), 0) << "socket must be removed on shutdown";
  EXPECT_EQ(HttpGetStatus(provider.health_address(), "/health/ready"), 0);
}

TEST_F(DaemonE2eTest, InFlightMountFinishesDuringShutdown) {
  auto& provider = StartProvider();
  vault_->SetLatency(std::chrono::milliseconds(400));
  auto pending = std::async(std::launch::async, [&] {
    return Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}"));
  });
  // Once the read is at Vault (held there for 400 ms), the signal.
  for (int i = 0; i < 2000 && vault_->Count("GET /v1/secret/data/app") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(vault_->Count("GET /v1/secret/data/app"), 1);
  provider.Signal(SIGINT);
  int ready = 200;
  for (int i = 0; i < 300 && ready == 200; ++i) ready = HttpGetStatus(provider.health_address(), "/health/ready");
  EXPECT_EQ(ready, 503) << "not ready while draining";
  EXPECT_EQ(pending.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "the Mount is still at Vault";
  EXPECT_EQ(HttpGetStatus(provider.health_address(), "/health/live"), 200);
  const int exit_code = provider.Stop(SIGINT);
  auto out = pending.get();
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
  EXPECT_EQ(exit_code, 0);
}

TEST_F(DaemonE2eTest, ConcurrentMountsBeyondTheLimitWaitForASlot) {
  StartProvider({"-max-concurrent-mounts=1"});
  vault_->SetLatency(std::chrono::milliseconds(100));
  std::vector<std::future<MountOutcome>> mounts;
  for (int i = 0; i < 4; ++i) {
    Pod pod;
    pod.name = absl::StrCat("app-", i);
    pod.uid = absl::StrCat("uid-", i);
    mounts.push_back(std::async(std::launch::async, [this, pod] {
      return Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", pod));
    }));
  }
  for (auto& mount : mounts) {
    auto out = mount.get();
    EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  }
  EXPECT_EQ(vault_->Count("max_inflight"), 1) << "one Mount at a time reached Vault";
}

TEST_F(DaemonE2eTest, AMountThatCannotGetASlotInTimeSaysWhy) {
  StartProvider({"-max-concurrent-mounts=1"});
  vault_->SetLatency(std::chrono::milliseconds(400));
  auto slow = std::async(std::launch::async, [this] {
    return Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Pod other;
  other.name = "app-2";
  other.uid = "uid-2";
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}", other),
                  std::chrono::milliseconds(500));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(out.status.error_message(), HasSubstr("concurrent Mount slots (-max-concurrent-mounts)"));
  EXPECT_TRUE(slow.get().status.ok());
}

TEST_F(DaemonE2eTest, AProviderThatExitsLeavesItsSuccessorsSocketAlone) {
  // A rolling update with a surge, or two providers during a migration: the
  // second binds the same path; the first must not delete it when it exits.
  auto& first = StartProvider();
  // While the second one starts, the path never goes missing (it is renamed over).
  std::atomic<bool> starting{true};
  std::atomic<int> missing{0};
  std::thread watcher([&] {
    struct stat st {};
    while (starting) {
      if (lstat(first.socket_path().c_str(), &st) != 0) ++missing;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  auto second = ProviderProcess::Start(VCP_PROVIDER_BINARY, dir_, VaultFlags(), {});
  starting = false;
  watcher.join();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(missing, 0) << "the socket path was missing while the successor started";
  EXPECT_EQ(first.Stop(SIGTERM), 0);
  struct stat st {};
  ASSERT_EQ(lstat((*second)->socket_path().c_str(), &st), 0) << "the successor's socket was removed";
  EXPECT_THAT(first.Log(), HasSubstr("another process has replaced this provider's socket"));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1alpha1::VersionRequest request;
  request.set_version("v1alpha1");
  v1alpha1::VersionResponse response;
  EXPECT_TRUE((*second)->Stub()->Version(&context, request, &response).ok());
  EXPECT_EQ((*second)->Stop(SIGTERM), 0);
  EXPECT_NE(lstat((*second)->socket_path().c_str(), &st), 0) << "the last provider removes its own socket";
}

TEST_F(DaemonE2eTest, FlagsFollowGoSyntaxAndUnknownFlagsFail) {
  int code = 0;
  std::string out = RunBinary("-not-a-flag", &code);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("flag provided but not defined: -not-a-flag"));
  EXPECT_THAT(out, HasSubstr("-vault-tls-skip-verify"));
  out = RunBinary("--version --output json-pretty", &code);
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, HasSubstr("\"minDriverVersion\": \"v0.0.21\""));
  out = RunBinary("-version -output=toml", &code);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("--output should be one of: 'yaml', 'json', 'json-pretty'"));
  out = RunBinary("-help", &code);
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, HasSubstr("Usage of vault-csi-provider:"));
}

TEST_F(DaemonE2eTest, EnvironmentIsOverriddenByFlagsAndFlagsBySecretProviderClass) {
  // VAULT_ADDR points nowhere; the flag points at the double: the flag wins.
  std::vector<std::string> env = {"VAULT_ADDR=https://127.0.0.1:1"};
  StartProvider({}, env);
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  EXPECT_TRUE(Send(mount).status.ok());
  // The SecretProviderClass's vaultAddress beats the flag.
  mount.parameters["vaultAddress"] = "https://127.0.0.1:1";
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(out.status.error_message(), HasSubstr("https://127.0.0.1:1"));
}

TEST_F(DaemonE2eTest, EnvironmentAloneConfiguresVault) {
  const std::vector<std::string> env = {
      "VAULT_ADDR=" + vault_->address(), "VAULT_CACERT=" + dir_ + "/ca.pem",
      "VAULT_CLIENT_CERT=" + dir_ + "/client.pem", "VAULT_CLIENT_KEY=" + dir_ + "/client-key.pem"};
  auto started = ProviderProcess::Start(VCP_PROVIDER_BINARY, dir_, {}, env);
  ASSERT_TRUE(started.ok()) << started.status();  // ASSERT returns before the dereference
  provider_ = std::move(*started);
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}"));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
}

TEST_F(DaemonE2eTest, UntrustedVaultCertificateFailsClearlyUnlessSkipVerify) {
  StartProvider();
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["vaultCACertPath"] = "/etc/ssl/certs/ca-certificates.crt";  // not the double's CA
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(out.status.error_message(), HasSubstr("not trusted"));
  mount.parameters["vaultSkipTLSVerify"] = "true";
  out = Send(mount);
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
}

TEST_F(DaemonE2eTest, CaDirectoryWithPlainFileNamesIsTrustedLikeGoDoes) {
  const std::string ca_dir = dir_ + "/cas";
  mkdir(ca_dir.c_str(), 0700);
  WriteFile(ca_dir + "/my-company-root.pem", ca_.cert_pem);  // not an OpenSSL hash name
  WriteFile(ca_dir + "/README", "not a certificate");
  StartProvider();
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["vaultCADirectory"] = ca_dir;  // replaces the flag's CA file
  auto out = Send(mount);
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
}

TEST_F(DaemonE2eTest, ConnectionsToVaultAreKeptAlive) {
  StartProvider();
  const auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Send(mount).status.ok());
  EXPECT_EQ(vault_->Count("total"), 11);  // 1 login + 10 reads
  EXPECT_LE(vault_->Count("connections"), 2) << "sequential Mounts reuse the pooled connection";
}

TEST_F(DaemonE2eTest, TlsServerNameIsVerifiedInsteadOfTheHost) {
  StartProvider();
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["vaultTLSServerName"] = "vault.test";  // in the certificate's SANs
  EXPECT_TRUE(Send(mount).status.ok());
  mount.parameters["vaultTLSServerName"] = "other.test";  // not in them
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << out.status.error_message();
}

// A Vault Agent / Proxy style listener: a Unix socket relayed to the double.
class UnixRelay {
 public:
  UnixRelay(const std::string& path, int tcp_port) : path_(path), port_(tcp_port) {
    listener_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    unlink(path.c_str());
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(listener_, 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~UnixRelay() {
    stop_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
    unlink(path_.c_str());
  }

 private:
  void Loop() {
    while (!stop_) {
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      std::thread([client, port = port_] {
        const int upstream = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
          close(client);
          return;
        }
        auto pump = [](int from, int to) {
          char buffer[16384];
          ssize_t n = 0;
          while ((n = read(from, buffer, sizeof(buffer))) > 0) {
            if (write(to, buffer, static_cast<size_t>(n)) != n) break;
          }
          shutdown(to, SHUT_WR);
        };
        std::thread up(pump, client, upstream);
        pump(upstream, client);
        up.join();
        close(client);
        close(upstream);
      }).detach();
    }
  }
  std::string path_;
  int port_;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(DaemonE2eTest, UnixSocketVaultAddressLikeAVaultAgent) {
  VaultDoubleOptions options;
  options.jwt_key_pem = jwt_key_;
  options.keep_alive_seconds = 1;
  VaultDouble agent_side(options);  // plain HTTP, as an Agent listener with tls_disable
  ASSERT_TRUE(agent_side.Start().ok());
  const std::string socket_path = dir_ + "/agent.sock";
  UnixRelay relay(socket_path, agent_side.port());
  StartProvider({"-vault-addr=unix://" + socket_path});
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user");
  EXPECT_EQ(agent_side.Count("login"), 1);
}

}  // namespace
}  // namespace vcp::testing
