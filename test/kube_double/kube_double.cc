// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "kube_double/kube_double.h"

#include <httplib.h>

#include <chrono>
#include <ctime>
#include <regex>

#include "absl/strings/str_cat.h"
#include "support/jwt.h"
#include "vcp/util/encoding.h"

namespace vcp::testing {
namespace {

std::string Status(int code, const std::string& reason, const std::string& message, const std::string& name = "",
                   const std::string& kind = "") {
  nlohmann::json body = {{"kind", "Status"},  {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                         {"status", "Failure"}, {"message", message}, {"reason", reason}, {"code", code}};
  if (!name.empty()) body["details"] = {{"name", name}, {"kind", kind}};
  return body.dump();
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

KubeDouble::KubeDouble(KubeDoubleOptions options) : options_(std::move(options)) {}
KubeDouble::~KubeDouble() { Stop(); }

absl::Status KubeDouble::Start() {
  server_ = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(), options_.tls_key_file.c_str());
  if (!server_->is_valid()) return absl::InternalError("kube double: bad TLS material");
  server_->set_keep_alive_timeout(1);
  server_->set_tcp_nodelay(true);  // as Go servers do; avoids 40 ms Nagle/delayed-ACK stalls
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Reply reply = Handle(req.method, req.path, req.get_header_value("Authorization"), req.body);
    res.status = reply.status;
    res.set_content(reply.body, "application/json");
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Delete(".*", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ < 0) return absl::UnavailableError("kube double: cannot bind");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return absl::OkStatus();
}

void KubeDouble::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void KubeDouble::ForbidTokenRequests(bool forbid) {
  std::lock_guard<std::mutex> lock(mu_);
  forbid_token_requests_ = forbid;
}
void KubeDouble::SetDown(bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  down_ = down;
}
int64_t KubeDouble::Count(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second;
}
std::map<std::string, std::string> KubeDouble::SecretData(const std::string& ns, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  auto it = secrets_.find(absl::StrCat(ns, "/", name));
  if (it == secrets_.end()) return out;
  const nlohmann::json data = it->second.value("data", nlohmann::json::object());
  for (auto& [k, v] : data.items()) {
    out[k] = DecodeBase64Std(v.get<std::string>()).value_or("");
  }
  return out;
}
void KubeDouble::DeleteSecret(const std::string& ns, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_.erase(absl::StrCat(ns, "/", name));
}
nlohmann::json KubeDouble::LastTokenRequest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_token_request_;
}

KubeDouble::Reply KubeDouble::Handle(const std::string& method, const std::string& path,
                                     const std::string& authorization, const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return {503, Status(503, "ServiceUnavailable", "the server is currently unable to handle the request")};
  if (authorization != "Bearer " + options_.bearer_token) {
    ++counters_["unauthorized"];
    return {401, Status(401, "Unauthorized", "Unauthorized")};
  }
  static const std::regex kToken(R"(^/api/v1/namespaces/([^/]+)/serviceaccounts/([^/]+)/token$)");
  static const std::regex kSecrets(R"(^/api/v1/namespaces/([^/]+)/secrets$)");
  static const std::regex kSecret(R"(^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$)");
  std::smatch m;
  if (method == "POST" && std::regex_match(path, m, kToken)) {
    ++counters_["tokenrequest"];
    const std::string ns = m[1], sa = m[2];
    if (forbid_token_requests_) {
      return {403, Status(403, "Forbidden",
                          absl::StrCat("serviceaccounts \"", sa, "\" is forbidden: User \"system:serviceaccount:",
                                       options_.provider_namespace,
                                       ":vault-csi-provider\" cannot create resource \"serviceaccounts/token\" in API "
                                       "group \"\" in the namespace \"", ns, "\""),
                          sa, "serviceaccounts")};
    }
    nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
    if (!request.is_object() || !request.contains("spec")) return {400, Status(400, "BadRequest", "invalid body")};
    last_token_request_ = request;
    const auto& spec = request["spec"];
    const int64_t seconds = spec.value("expirationSeconds", 3600);
    if (seconds < 600) {
      return {422, Status(422, "Invalid", "TokenRequest.authentication.k8s.io \"" + sa +
                                              "\" is invalid: spec.expirationSeconds: Invalid value: " +
                                              std::to_string(seconds) + ": may not specify a duration less than 10 minutes")};
    }
    std::string audience = "https://kubernetes.default.svc.cluster.local";
    if (spec.contains("audiences") && spec["audiences"].is_array() && !spec["audiences"].empty()) {
      audience = spec["audiences"][0].get<std::string>();
    }
    const auto& pod = spec.value("boundObjectRef", nlohmann::json::object());
    nlohmann::json claims = ServiceAccountClaims(ns, sa, pod.value("name", ""), pod.value("uid", ""), audience, seconds);
    if (spec.contains("audiences") && spec["audiences"].is_array() && !spec["audiences"].empty()) {
      claims["aud"] = spec["audiences"];
    }
    auto jwt = SignJwt(options_.jwt_key_pem, claims);
    nlohmann::json response = request;
    response["status"] = {{"token", jwt.value()},
                          {"expirationTimestamp", Rfc3339(std::chrono::system_clock::now() + std::chrono::seconds(seconds))}};
    return {201, response.dump()};
  }
  if (std::regex_match(path, m, kSecret)) {
    const std::string key = absl::StrCat(m[1].str(), "/", m[2].str());
    auto it = secrets_.find(key);
    if (method == "GET" || method == "DELETE") {
      ++counters_[method == "GET" ? "secret:get" : "secret:delete"];
      if (it == secrets_.end()) {
        return {404, Status(404, "NotFound", "secrets \"" + m[2].str() + "\" not found", m[2], "secrets")};
      }
      nlohmann::json secret = it->second;
      if (method == "DELETE") secrets_.erase(it);
      return {200, secret.dump()};
    }
    if (method == "PUT") {
      if (it != secrets_.end() && it->second.value("immutable", false)) {
        return {422, Status(422, "Invalid", "Secret \"" + m[2].str() + "\" is invalid: data: Forbidden: field is immutable when `immutable` is set")};
      }
      return {405, Status(405, "MethodNotAllowed", "not supported by this double")};
    }
  }
  if (method == "POST" && std::regex_match(path, m, kSecrets)) {
    ++counters_["secret:create"];
    nlohmann::json secret = nlohmann::json::parse(body, nullptr, false);
    if (!secret.is_object() || !secret.contains("metadata")) return {400, Status(400, "BadRequest", "invalid body")};
    const std::string name = secret["metadata"].value("name", "");
    const std::string key = absl::StrCat(m[1].str(), "/", name);
    if (secrets_.count(key) > 0) {
      return {409, Status(409, "AlreadyExists", "secrets \"" + name + "\" already exists", name, "secrets")};
    }
    secret["metadata"]["namespace"] = m[1].str();
    secrets_[key] = secret;
    return {201, secret.dump()};
  }
  return {404, Status(404, "NotFound", "the server could not find the requested resource")};
}

}  // namespace vcp::testing
