// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "e2e/e2e_fixture.h"

#include <fstream>

#include <httplib.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "support/jwt.h"

namespace vcp::testing {

std::string E2eTest::dir_;
std::string E2eTest::jwt_key_;
CertAndKey E2eTest::ca_;
std::unique_ptr<VaultDouble> E2eTest::vault_;

std::string MountOutcome::File(const std::string& path) const {
  for (const auto& f : response.files()) {
    if (f.path() == path) return f.contents();
  }
  return "";
}

int MountOutcome::Mode(const std::string& path) const {
  for (const auto& f : response.files()) {
    if (f.path() == path) return f.mode();
  }
  return -1;
}

std::string MountOutcome::Version(const std::string& id) const {
  for (const auto& v : response.object_version()) {
    if (v.id() == id) return v.version();
  }
  return "";
}

std::string RunShell(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  if (exit_code != nullptr) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string ScrapeMetrics(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  httplib::Client client(host_port.substr(0, colon), std::stoi(host_port.substr(colon + 1)));
  auto res = client.Get("/metrics");
  return res && res->status == 200 ? res->body : "";
}

double MetricSample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

void E2eTest::SetUpTestSuite() {
  char pattern[] = "/tmp/vcp-e2e-XXXXXX";
  dir_ = mkdtemp(pattern);
  ca_ = MakeCa("e2e test CA");
  const CertAndKey server = IssueLeaf(ca_, "vault.test", {"localhost", "vault.test"}, {"127.0.0.1"}, 86400, false);
  const CertAndKey client = IssueLeaf(ca_, "vault-csi-provider", {}, {}, 86400, true);
  WriteFile(dir_ + "/ca.pem", ca_.cert_pem);
  WriteFile(dir_ + "/server.pem", server.cert_pem);
  WriteFile(dir_ + "/server-key.pem", server.key_pem);
  WriteFile(dir_ + "/client.pem", client.cert_pem);
  WriteFile(dir_ + "/client-key.pem", client.key_pem);
  jwt_key_ = GenerateRsaKeyPem();
  vault_ = std::make_unique<VaultDouble>(VaultOptions());
  ASSERT_TRUE(vault_->Start().ok());
}

VaultDoubleOptions E2eTest::VaultOptions() {
  VaultDoubleOptions options;
  options.tls_cert_file = dir_ + "/server.pem";
  options.tls_key_file = dir_ + "/server-key.pem";
  options.client_ca_file = dir_ + "/ca.pem";
  options.jwt_key_pem = jwt_key_;
  return options;
}

void E2eTest::TearDownTestSuite() {
  vault_->Stop();
  vault_.reset();
  std::system(absl::StrCat("rm -rf ", dir_).c_str());
}

void E2eTest::SetUp() {
  vault_->ClearFaults();
  vault_->SetSealed(false);
  vault_->SetLatency(std::chrono::milliseconds(0));
  vault_->ResetCounters();
}

void E2eTest::TearDown() {
  if (provider_) {
    if (HasFailure()) std::fprintf(stderr, "--- provider log ---\n%s\n", provider_->Log().c_str());
    provider_.reset();
  }
}

std::vector<std::string> E2eTest::VaultFlags() {
  return {absl::StrCat("-vault-addr=", vault_->address()), absl::StrCat("-vault-tls-ca-cert=", dir_, "/ca.pem"),
          absl::StrCat("-vault-tls-client-cert=", dir_, "/client.pem"),
          absl::StrCat("-vault-tls-client-key=", dir_, "/client-key.pem")};
}

ProviderProcess& E2eTest::StartProvider(std::vector<std::string> extra, const std::vector<std::string>& env) {
  std::vector<std::string> args = VaultFlags();
  args.insert(args.end(), extra.begin(), extra.end());
  auto started = ProviderProcess::Start(VCP_PROVIDER_BINARY, dir_, args, env);
  if (!started.ok()) {
    // Nothing sensible can follow without a provider: say why and stop this test binary.
    std::fprintf(stderr, "FATAL: the provider did not start: %s\n", std::string(started.status().message()).c_str());
    std::abort();
  }
  provider_ = std::move(*started);
  return *provider_;
}

std::string E2eTest::Jwt(const Pod& pod, const std::string& audience) {
  return SignJwt(jwt_key_, ServiceAccountClaims(pod.ns, pod.service_account, pod.name, pod.uid, audience)).value();
}

DriverMount E2eTest::Mount(const std::string& objects_yaml, const Pod& pod) {
  DriverMount mount;
  mount.pod = pod;
  mount.parameters = {{"roleName", "app"}, {"objects", objects_yaml}};
  mount.tokens["vault"] = Jwt(pod);
  return mount;
}

MountOutcome E2eTest::SendRaw(const v1alpha1::MountRequest& request, std::chrono::milliseconds deadline) {
  MountOutcome outcome;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  outcome.status = provider_->Stub()->Mount(&context, request, &outcome.response);
  return outcome;
}

MountOutcome E2eTest::Send(const DriverMount& mount, std::chrono::milliseconds deadline) {
  return SendRaw(BuildMountRequest(mount), deadline);
}

void E2eTest::WriteKv2(const std::string& path, const nlohmann::json& data, const std::string& ns) {
  std::map<std::string, std::string> headers = {{"x-vault-token", "root"}};
  if (!ns.empty()) headers["x-vault-namespace"] = ns;
  auto reply = vault_->Handle("POST", "/v1/" + path, {}, headers, nlohmann::json({{"data", data}}).dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
}

double StatusMiB(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024;
  }
  return -1;
}

}  // namespace vcp::testing
