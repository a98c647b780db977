// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/kube_client.h"
#include "vcp/util/bounded_json.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"
#include "vcp/util/text.h"

namespace vcp::kube {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusCode CodeForHttpStatus(int status) {
  switch (status) {
    case 400:
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAlreadyExists;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      return status >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kUnknown;
  }
}

// The API server's metav1.Status message, or a description of the body.
absl::Status ApiError(const std::string& where, const http::HttpResponse& response) {
  const nlohmann::json body = ParseUntrustedJson(response.body).value_or(nlohmann::json());
  std::string message = body.is_object() && body.contains("message") && body["message"].is_string()
                            ? Shorten(body["message"].get<std::string>())
                            : absl::StrCat(response.body.size(), " byte response");
  return absl::Status(CodeForHttpStatus(response.status),
                      absl::StrCat(where, ": Kubernetes API answered ", response.status, ": ", message));
}

}  // namespace

absl::StatusOr<KubeConfig> LoadInClusterConfig(const EnvLookup& env,
                                               const std::string& service_account_dir) {
  const auto host = env("KUBERNETES_SERVICE_HOST");
  const auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host.has_value() || host->empty() || !port.has_value() || port->empty()) {
    return absl::FailedPreconditionError(
        "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT must be defined");
  }
  KubeConfig config;
  const bool ipv6 = host->find(':') != std::string::npos;
  config.api_url = absl::StrCat("https://", ipv6 ? "[" : "", *host, ipv6 ? "]" : "", ":", *port);
  config.ca_file = absl::StrCat(service_account_dir, "/ca.crt");
  config.token_file = absl::StrCat(service_account_dir, "/token");
  for (const std::string& file : {config.ca_file, config.token_file}) {
    if (!ReadFile(file).has_value()) {
      return absl::FailedPreconditionError(absl::StrCat("unable to load in-cluster configuration: cannot read ", file));
    }
  }
  const auto ns = ReadFile(absl::StrCat(service_account_dir, "/namespace"));
  if (!ns.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("failed to read namespace from file: ", service_account_dir, "/namespace"));
  }
  config.ns = std::string(absl::StripAsciiWhitespace(*ns));
  return config;
}

KubeClient::KubeClient(http::HttpTransport& transport, Clock& clock, KubeConfig config)
    : transport_(&transport), clock_(&clock), config_(std::move(config)) {}

absl::StatusOr<std::string> KubeClient::BearerToken() {
  // Projected tokens rotate; re-read the file at most once a minute, as client-go does.
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (token_.empty() || now - token_read_ > std::chrono::minutes(1)) {
    auto text = ReadFile(config_.token_file);
    if (!text.has_value()) {
      if (!token_.empty()) return token_;  // keep the last good token
      return absl::FailedPreconditionError(absl::StrCat("cannot read service account token ", config_.token_file));
    }
    token_ = std::string(absl::StripAsciiWhitespace(*text));
    token_read_ = now;
  }
  return token_;
}

void KubeClient::Call(const std::string& method, const std::string& path, std::optional<std::string> body,
                      Deadline deadline, Callback<http::HttpResponse> done) {
  auto token = BearerToken();
  if (!token.ok()) {
    done(token.status());
    return;
  }
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_->Now());
  if (remaining <= std::chrono::milliseconds(0)) {
    done(absl::DeadlineExceededError(absl::StrCat(method, " ", config_.api_url, path, ": deadline passed")));
    return;
  }
  http::HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(config_.api_url, path);
  request.body = std::move(body);
  request.tls.ca_cert = config_.ca_file;
  request.timeout = std::min(remaining, std::chrono::milliseconds(30000));
  request.headers.emplace_back("Authorization", absl::StrCat("Bearer ", *token));
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", "vault-csi-provider");
  transport_->Send(std::move(request), std::move(done));
}

void KubeClient::CreateServiceAccountToken(const std::string& ns, const std::string& service_account,
                                           const std::vector<std::string>& audiences, const std::string& pod_name,
                                           const std::string& pod_uid, int64_t expiration_seconds, Deadline deadline,
                                           Callback<std::string> done) {
  const std::string path = absl::StrCat("/api/v1/namespaces/", ns, "/serviceaccounts/", service_account, "/token");
  const nlohmann::json body = {
      {"apiVersion", "authentication.k8s.io/v1"},
      {"kind", "TokenRequest"},
      {"spec",
       {{"audiences", audiences},
        {"expirationSeconds", expiration_seconds},
        {"boundObjectRef", {{"kind", "Pod"}, {"apiVersion", "v1"}, {"name", pod_name}, {"uid", pod_uid}}}}}};
  Call("POST", path, GoJsonEncode(body), deadline,
       [where = absl::StrCat("POST ", path), done = std::move(done)](
           absl::StatusOr<http::HttpResponse> response) mutable {
         if (!response.ok()) {
           done(response.status());
           return;
         }
         if (response->status != 200 && response->status != 201) {
           done(ApiError(where, *response));
           return;
         }
         const nlohmann::json parsed = ParseUntrustedJson(response->body).value_or(nlohmann::json());
         if (!parsed.is_object() || !parsed.contains("status") || !parsed["status"].contains("token") ||
             !parsed["status"]["token"].is_string()) {
           done(absl::InternalError(absl::StrCat(where, ": TokenRequest response has no status.token")));
           return;
         }
         done(parsed["status"]["token"].get<std::string>());
       });
}

void KubeClient::GetSecret(const std::string& ns, const std::string& name, Deadline deadline,
                           Callback<Secret> done) {
  const std::string path = absl::StrCat("/api/v1/namespaces/", ns, "/secrets/", name);
  Call("GET", path, std::nullopt, deadline,
       [path, done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (!response.ok()) {
           done(response.status());
           return;
         }
         if (response->status != 200) {
           done(ApiError(absl::StrCat("GET ", path), *response));
           return;
         }
         const nlohmann::json parsed = ParseUntrustedJson(response->body).value_or(nlohmann::json());
         if (!parsed.is_object()) {
           done(absl::InternalError(absl::StrCat("GET ", path, ": response is not JSON")));
           return;
         }
         Secret secret;
         if (parsed.contains("data") && parsed["data"].is_object()) {
           for (auto& [key, value] : parsed["data"].items()) {
             if (!value.is_string()) continue;
             auto decoded = DecodeBase64Std(value.get<std::string>());
             if (decoded.ok()) secret.data[key] = std::move(*decoded);
           }
         }
         done(std::move(secret));
       });
}

void KubeClient::CreateSecret(const std::string& ns, const std::string& name, const Secret& secret, bool immutable,
                              Deadline deadline, StatusCallback done) {
  const std::string path = absl::StrCat("/api/v1/namespaces/", ns, "/secrets");
  nlohmann::json data = nlohmann::json::object();
  for (const auto& [key, value] : secret.data) data[key] = EncodeBase64Std(value);
  const nlohmann::json body = {{"apiVersion", "v1"},
                               {"kind", "Secret"},
                               {"metadata", {{"name", name}, {"namespace", ns}}},
                               {"type", "Opaque"},
                               {"immutable", immutable},
                               {"data", data}};
  Call("POST", path, GoJsonEncode(body), deadline,
       [path, done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (!response.ok()) {
           done(response.status());
         } else if (response->status != 200 && response->status != 201) {
           done(ApiError(absl::StrCat("POST ", path), *response));
         } else {
           done(absl::OkStatus());
         }
       });
}

}  // namespace vcp::kube
