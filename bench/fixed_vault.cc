// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "fixed_vault.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "child_process.h"

namespace vcp::bench {
namespace {

// A loopback port that was free a moment ago (nginx binds it next).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// `text` as an nginx single-quoted string. `$` would start a variable in
// `return` and `echo`, so bodies may not contain one.
absl::StatusOr<std::string> Quoted(const std::string& text) {
  if (absl::StrContains(text, "$")) return absl::InvalidArgumentError("an nginx body may not contain '$'");
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"'", "\\'"}, {"\n", "\\n"}}), "'");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string KvV2ReadBody(const std::string& value) {
  return absl::StrCat(
      R"({"request_id":"6f1c1e39-4b1e-2b8c-5d3e-0a1b2c3d4e5f","lease_id":"","renewable":false,"lease_duration":0,)",
      R"("data":{"data":{"v":")", value, R"("},"metadata":{"created_time":"2026-01-01T00:00:00.000000000Z",)",
      R"("custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}},)",
      R"("wrap_info":null,"warnings":null,"auth":null,"mount_type":"kv"})", "\n");
}

std::string LoginBody(const std::string& client_token, int lease_seconds) {
  return absl::StrCat(
      R"({"request_id":"5f0d7c1e-2c5e-8b1a-3c1b-9d1a1f1c2b3a","lease_id":"","renewable":false,"lease_duration":0,)",
      R"("data":null,"wrap_info":null,"warnings":null,"auth":{"client_token":")", client_token,
      R"(","accessor":"0b3hW9benchaccessor","policies":["bench","default"],"token_policies":["bench","default"],)",
      R"("metadata":{"role":"bench","service_account_name":"bench","service_account_namespace":"default",)",
      R"("service_account_secret_name":"","service_account_uid":"8f2f1b6e-7c1d-4a2b-9a58-2f1a0e5d9c11"},)",
      R"("lease_duration":)", lease_seconds,
      R"(,"renewable":true,"entity_id":"7d2e3179-f69b-450c-7179-ac8ee8bd8ca9","token_type":"service",)",
      R"("orphan":true,"mfa_requirement":null,"num_uses":0},"mount_type":""})", "\n");
}

std::string HttpGet(const std::string& url, bool* ok) {
  std::string body;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2000L);
  long code = 0;
  const bool sent = curl_easy_perform(curl) == CURLE_OK;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  *ok = sent && code == 200;
  return *ok ? body : "";
}

absl::StatusOr<std::unique_ptr<FixedVault>> FixedVault::Start(const std::string& dir,
                                                              const FixedVaultOptions& options) {
  std::unique_ptr<FixedVault> vault(new FixedVault());
  vault->dir_ = absl::StrCat(dir, "/nginx");
  mkdir(vault->dir_.c_str(), 0700);
  const std::string& d = vault->dir_;
  auto login = Quoted(options.login_body);
  auto kv = Quoted(options.kv_body);
  if (!login.ok()) return login.status();
  if (!kv.ok()) return kv.status();

  const bool has_echo = access(options.echo_module.c_str(), R_OK) == 0;
  std::string servers;
  for (int delay : options.delays_ms) {
    if (vault->ports_.count(delay) != 0) continue;
    if (delay > 0 && !has_echo) {
      vault->skipped_[delay] = absl::StrCat("nginx cannot delay a `return` and its echo module (",
                                            options.echo_module, ", package libnginx-mod-http-echo) is missing");
      continue;
    }
    const int port = FreePort();
    if (port < 0) return absl::UnavailableError("no free loopback port for nginx");
    vault->ports_[delay] = port;
    // The answer: at once with `return`, or after `delay` ms with the echo module.
    auto answer = [&](const std::string& body) {
      if (delay == 0) return absl::StrCat("return 200 ", body, ";");
      return absl::StrCat("echo_sleep ", delay / 1000.0, "; echo -n ", body, ";");
    };
    absl::StrAppend(&servers, "  server {\n", "    listen 127.0.0.1:", port, " backlog=4096;\n",
                    "    location = /v1/auth/kubernetes/login { ", answer(*login), " }\n",
                    "    location /v1/secret/data/bench/ { ", answer(*kv), " }\n",
                    delay == 0 ? "    location = /_bench/status { stub_status; }\n" : "",
                    "    location / { return 404 '{\"errors\":[]}\\n'; }\n", "  }\n");
  }
  if (vault->ports_.count(0) == 0) return absl::InvalidArgumentError("the fixed-answer Vault needs a 0 ms server");

  // One process (no master): its CPU is nginx's whole CPU, it stops with its
  // child's SIGTERM, and every path it writes is inside `d`. As root, `user
  // root` keeps it from switching to an account that cannot write there.
  const std::string config = absl::StrCat(
      has_echo && vault->ports_.size() > 1 ? absl::StrCat("load_module ", options.echo_module, ";\n") : "",
      geteuid() == 0 ? "user root;\n" : "",
      "daemon off;\nmaster_process off;\nworker_processes 1;\nworker_rlimit_nofile 8192;\n",
      "pid ", d, "/nginx.pid;\nerror_log ", d, "/error.log warn;\n",
      "events { worker_connections 4096; multi_accept on; }\n",
      "http {\n  access_log off;\n  default_type application/json;\n",
      "  keepalive_requests 10000000;\n  keepalive_timeout 3600s;\n  client_body_buffer_size 16k;\n",
      "  client_body_temp_path ", d, "/body;\n  proxy_temp_path ", d, "/proxy;\n  fastcgi_temp_path ", d,
      "/fastcgi;\n  uwsgi_temp_path ", d, "/uwsgi;\n  scgi_temp_path ", d, "/scgi;\n", servers, "}\n");
  std::ofstream(absl::StrCat(d, "/nginx.conf")) << config;

  const std::string out = d + "/nginx.out";
  const pid_t pid = Spawn({options.nginx, "-e", d + "/error.log", "-p", d + "/", "-c", d + "/nginx.conf"}, out);
  if (pid < 0) return absl::InternalError("fork failed");
  vault->pid_ = pid;
  const std::string status_url = absl::StrCat(vault->Address(0), "/_bench/status");
  for (int attempt = 0; attempt < 500; ++attempt) {
    bool ok = false;
    HttpGet(status_url, &ok);
    if (ok) {
      ++vault->status_queries_;
      return vault;
    }
    if (Exited(pid)) {
      vault->pid_ = -1;
      return absl::UnavailableError(absl::StrCat("nginx exited at startup: ", ReadFile(out),
                                                 ReadFile(d + "/error.log")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::DeadlineExceededError(absl::StrCat("nginx did not answer: ", ReadFile(d + "/error.log")));
}

FixedVault::~FixedVault() { Stop(pid_); }

std::string FixedVault::SkippedReason(int delay_ms) const {
  auto it = skipped_.find(delay_ms);
  return it == skipped_.end() ? "" : it->second;
}

std::string FixedVault::Address(int delay_ms) const {
  auto it = ports_.find(delay_ms);
  return it == ports_.end() ? "" : absl::StrCat("http://127.0.0.1:", it->second);
}

int64_t FixedVault::Requests() {
  bool ok = false;
  const std::string status = HttpGet(absl::StrCat(Address(0), "/_bench/status"), &ok);
  ++status_queries_;
  // "server accepts handled requests\n <accepts> <handled> <requests>"
  const size_t at = status.find("requests\n");
  if (!ok || at == std::string::npos) return -1;
  std::vector<std::string> numbers = absl::StrSplit(status.substr(at + 9), ' ', absl::SkipEmpty());
  int64_t requests = 0;
  if (numbers.size() < 3 || !absl::SimpleAtoi(numbers[2], &requests)) return -1;
  return requests - status_queries_;
}

}  // namespace vcp::bench
