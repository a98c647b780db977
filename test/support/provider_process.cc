// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "support/provider_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace vcp::testing {

absl::StatusOr<std::unique_ptr<ProviderProcess>> ProviderProcess::Start(
    const std::string& binary, const std::string& dir, std::vector<std::string> args,
    const std::vector<std::string>& env) {
  std::unique_ptr<ProviderProcess> p(new ProviderProcess());
  p->socket_path_ = absl::StrCat(dir, "/vault.sock");
  p->log_path_ = absl::StrCat(dir, "/provider-", std::chrono::steady_clock::now().time_since_epoch().count(), ".log");
  bool has_endpoint = false, has_health = false;
  for (const auto& a : args) {
    if (absl::StrContains(a, "endpoint")) has_endpoint = true;
    if (absl::StrContains(a, "health-addr")) has_health = true;
  }
  if (!has_endpoint) args.push_back(absl::StrCat("-endpoint=", p->socket_path_));
  if (!has_health) args.push_back("-health-addr=127.0.0.1:0");
  for (const auto& a : args) {
    if (absl::StartsWith(a, "-endpoint=")) p->socket_path_ = a.substr(10);
  }

  // Everything the child needs is built before fork: between fork and exec
  // the child may only make async-signal-safe calls. (Allocating there can
  // deadlock when another thread of this process held the allocator's lock at
  // the fork, as happened to two daemons started concurrently under ASan.)
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& o : env) overridden = overridden || absl::StartsWith(o, name + "=");
    if (!overridden) environment.push_back(entry);
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string log_path = p->log_path_;

  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    dup2(fd, 1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  p->pid_ = pid;
  const std::regex serving(R"(health checks on http://([0-9.]+:[0-9]+))");
  // Generous: sanitizer builds on a loaded 2-core machine start slowly.
  for (int i = 0; i < 3000; ++i) {
    std::smatch m;
    const std::string log = p->Log();
    if (std::regex_search(log, m, serving)) {
      p->health_address_ = m[1];
      return p;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      return absl::UnavailableError(absl::StrCat("provider exited during startup: ", log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::DeadlineExceededError(absl::StrCat("provider did not start: ", p->Log()));
}

ProviderProcess::~ProviderProcess() { Stop(SIGKILL); }

std::unique_ptr<v1alpha1::CSIDriverProvider::Stub> ProviderProcess::Stub(const std::string& authority) const {
  grpc::ChannelArguments args;
  if (!authority.empty()) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, authority);
  auto channel = grpc::CreateCustomChannel(absl::StrCat("unix:", socket_path_),
                                           grpc::InsecureChannelCredentials(), args);
  return v1alpha1::CSIDriverProvider::NewStub(channel);
}

std::string ProviderProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ProviderProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ProviderProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int HttpGetStatus(const std::string& host_port, const std::string& path) {
  const size_t colon = host_port.rfind(':');
  httplib::Client client(host_port.substr(0, colon), std::stoi(host_port.substr(colon + 1)));
  client.set_connection_timeout(2);
  auto res = client.Get(path.c_str());
  return res ? res->status : 0;
}

}  // namespace vcp::testing
