// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/vault_client.h"

#include <sys/stat.h>

#include <algorithm>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/go_json.h"
#include "vcp/util/metrics.h"

namespace vcp::vault {
namespace {

using std::chrono::milliseconds;

absl::Status CheckFile(const std::string& path, const char* what, bool directory) {
  if (path.empty()) return absl::OkStatus();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", GoJsonQuote(path), " is not a readable ", directory ? "directory" : "file",
        " on the provider's filesystem (TLS paths refer to the provider pod, not the "
        "application pod)"));
  }
  return absl::OkStatus();
}

absl::StatusCode CodeForHttpStatus(int status) {
  switch (status) {
    case 400:
    case 405:
    case 413:
    case 415:
      return absl::StatusCode::kInvalidArgument;
    case 401:
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 412:
    case 502:
    case 503:
    case 504:
      return absl::StatusCode::kUnavailable;
    default:
      return status >= 500 ? absl::StatusCode::kInternal : absl::StatusCode::kUnknown;
  }
}

std::string Warnings(const nlohmann::json& envelope) {
  if (!envelope.is_object() || !envelope.contains("warnings") || !envelope["warnings"].is_array() ||
      envelope["warnings"].empty()) {
    return "";
  }
  std::vector<std::string> texts;
  for (const auto& w : envelope["warnings"]) {
    if (w.is_string()) texts.push_back(w.get<std::string>());
  }
  return absl::StrCat(" (Vault warnings: ", absl::StrJoin(texts, "; "), ")");
}

// Describes a body that is not what was expected without echoing it: a
// misbehaving proxy may put anything there.
std::string DescribeBody(const HttpResponse& response) {
  auto it = response.headers.find("content-type");
  return absl::StrCat(response.body.size(), " bytes",
                      it == response.headers.end() ? "" : absl::StrCat(", ", it->second));
}

absl::Status ErrorFromResponse(const std::string& where, const HttpResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  std::string detail;
  if (body.is_object() && body.contains("errors")) {
    detail = FlattenVaultErrors(body["errors"]);
  }
  if (detail.empty()) {
    switch (response.status) {
      case 404:
        detail = "nothing found at this path (for KV v2 the path must include /data/, "
                 "e.g. secret/data/my-app)";
        break;
      case 403:
        detail = "permission denied";
        break;
      default:
        detail = body.is_discarded() && !response.body.empty()
                     ? absl::StrCat("unexpected response body (", DescribeBody(response), ")")
                     : "no error text";
    }
  }
  std::string message =
      absl::StrCat(where, ": Vault answered ", response.status, ": ", detail, Warnings(body));
  if (response.status == 429) {
    if (auto it = response.headers.find("retry-after"); it != response.headers.end()) {
      absl::StrAppend(&message, " (Retry-After: ", it->second, "s)");
    }
  }
  return absl::Status(CodeForHttpStatus(response.status), message);
}

// Connection failures and the statuses the Go client retries: 412, 429, 5xx but 501.
bool ShouldRetry(const absl::StatusOr<HttpResponse>& response) {
  if (!response.ok()) return absl::IsUnavailable(response.status());
  const int s = response->status;
  return s == 412 || s == 429 || (s >= 500 && s != 501);
}

// Retry-After in seconds, or exponential backoff with +-25% jitter.
milliseconds Backoff(const absl::StatusOr<HttpResponse>& response, int attempt, const RetryPolicy& policy) {
  if (response.ok()) {
    auto it = response->headers.find("retry-after");
    int seconds = 0;
    if (it != response->headers.end() && absl::SimpleAtoi(it->second, &seconds) && seconds >= 0) {
      return milliseconds(static_cast<int64_t>(seconds) * 1000);
    }
  }
  thread_local std::mt19937 random(std::random_device{}());
  const double jitter = std::uniform_real_distribution<double>(0.75, 1.25)(random);
  const double base = static_cast<double>(policy.initial_backoff.count()) * static_cast<double>(1 << std::min(attempt, 16));
  return milliseconds(static_cast<int64_t>(std::min(base, static_cast<double>(policy.max_backoff.count())) * jitter));
}

bool LooksLikeEnvelope(const nlohmann::json& body) {
  for (const char* key : {"request_id", "lease_id", "data", "auth", "warnings", "wrap_info"}) {
    if (body.contains(key)) return true;
  }
  return false;
}

}  // namespace

std::string FlattenVaultErrors(const nlohmann::json& errors) {
  if (!errors.is_array()) return "";
  std::vector<std::string> out;
  for (const auto& e : errors) {
    if (!e.is_string()) continue;
    const std::string text = e.get<std::string>();
    if (absl::StrContains(text, " occurred:\n")) {
      for (absl::string_view line : absl::StrSplit(text, '\n')) {
        line = absl::StripLeadingAsciiWhitespace(line);
        if (absl::ConsumePrefix(&line, "* ")) out.emplace_back(line);
      }
    } else {
      out.push_back(text);
    }
  }
  return absl::StrJoin(out, "; ");
}

VaultClient::VaultClient(HttpTransport& transport, ConnectionConfig config, RetryPolicy retry,
                         std::string base_url, std::string unix_socket)
    : transport_(&transport),
      config_(std::move(config)),
      retry_(std::move(retry)),
      base_url_(std::move(base_url)),
      unix_socket_(std::move(unix_socket)) {}

absl::StatusOr<VaultClient> VaultClient::Create(HttpTransport& transport, ConnectionConfig config,
                                                RetryPolicy retry) {
  std::string address(absl::StripTrailingAsciiWhitespace(config.address));
  std::string base_url;
  std::string unix_socket;
  if (absl::StartsWith(address, "unix://")) {
    unix_socket = address.substr(7);
    if (unix_socket.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid Vault address ", GoJsonQuote(address), ": unix:// needs a socket path"));
    }
    base_url = "http://localhost";
  } else if (absl::StartsWith(address, "http://") || absl::StartsWith(address, "https://")) {
    base_url = std::string(absl::StripSuffix(address, "/"));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid Vault address ", GoJsonQuote(address),
        ": want http://host:port, https://host:port or unix:///path (set vaultAddress, "
        "-vault-addr or VAULT_ADDR)"));
  }
  const TlsConfig& tls = config.tls;
  if (tls.client_cert.empty() != tls.client_key.empty()) {
    return absl::InvalidArgumentError(
        "both client cert and client key must be provided (vaultTLSClientCertPath and "
        "vaultTLSClientKeyPath, or -vault-tls-client-cert and -vault-tls-client-key)");
  }
  if (absl::Status s = CheckFile(tls.ca_cert, "Vault CA certificate", false); !s.ok()) return s;
  if (tls.ca_cert.empty()) {
    if (absl::Status s = CheckFile(tls.ca_directory, "Vault CA directory", true); !s.ok()) return s;
  }
  if (absl::Status s = CheckFile(tls.client_cert, "Vault client certificate", false); !s.ok()) return s;
  if (absl::Status s = CheckFile(tls.client_key, "Vault client key", false); !s.ok()) return s;
  return VaultClient(transport, std::move(config), std::move(retry), std::move(base_url), std::move(unix_socket));
}

std::string VaultClient::DisplayUrl(const std::string& path) const {
  return absl::StrCat(unix_socket_.empty() ? base_url_ : config_.address, path);
}

absl::StatusOr<HttpResponse> VaultClient::Send(const std::string& operation, const std::string& method,
                                               const std::string& target,
                                               const std::optional<std::string>& body,
                                               const std::string& token, Deadline deadline) const {
  const auto remaining =
      std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
  if (remaining <= milliseconds(0)) {
    return absl::DeadlineExceededError(absl::StrCat(
        method, " ", DisplayUrl(target), ": the Mount's deadline passed before Vault answered"));
  }
  HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(base_url_, target);
  request.unix_socket = unix_socket_;
  request.tls = config_.tls;
  request.body = body;
  request.headers.emplace_back("X-Vault-Request", "true");
  if (!config_.ns.empty()) request.headers.emplace_back("X-Vault-Namespace", config_.ns);
  if (!token.empty()) request.headers.emplace_back("X-Vault-Token", token);
  for (int attempt = 0;; ++attempt) {
    const auto now = std::chrono::steady_clock::now();
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
    request.timeout = std::min(std::max(left, milliseconds(1)), milliseconds(60000));
    auto response = SendOnce(operation, request);
    std::optional<milliseconds> wait;
    if (attempt < retry_.max_retries && ShouldRetry(response)) wait = Backoff(response, attempt, retry_);
    if (!wait.has_value() || std::chrono::steady_clock::now() + *wait + milliseconds(50) >= deadline) {
      return response;
    }
    if (retry_.sleep) {
      retry_.sleep(*wait);
    } else {
      std::this_thread::sleep_for(*wait);
    }
  }
}

absl::StatusOr<HttpResponse> VaultClient::SendOnce(const std::string& operation, const HttpRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  auto response = transport_->Send(request);
  Metrics::Get().VaultRequest(operation, response.ok() ? response->status : 0,
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!response.ok() && !unix_socket_.empty()) {
    return absl::Status(response.status().code(),
                        absl::StrCat(response.status().message(), " [via ", config_.address, "]"));
  }
  return response;
}

absl::StatusOr<LoginResult> VaultClient::Login(const std::string& auth_mount,
                                               const std::string& role, const std::string& jwt,
                                               Deadline deadline) const {
  const std::string path = absl::StrCat("/v1/auth/", auth_mount, "/login");
  const std::string where = absl::StrCat("POST ", DisplayUrl(path));
  nlohmann::json body = {{"jwt", jwt}, {"role", role}};
  auto response = Send("login", "POST", EscapeUrlPath(path), GoJsonEncode(body), "", deadline);
  if (!response.ok()) return response.status();
  return ParseAuth(where, *response);
}

absl::StatusOr<LoginResult> VaultClient::RenewSelf(const std::string& token, Deadline deadline) const {
  const std::string path = "/v1/auth/token/renew-self";
  auto response = Send("renew", "POST", path, std::string("{}"), token, deadline);
  if (!response.ok()) return response.status();
  return ParseAuth(absl::StrCat("POST ", DisplayUrl(path)), *response);
}

absl::StatusOr<LoginResult> VaultClient::ParseAuth(const std::string& where, const HttpResponse& response) const {
  if (response.status < 200 || response.status >= 300) return ErrorFromResponse(where, response);
  nlohmann::json envelope = nlohmann::json::parse(response.body, nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object()) {
    return absl::InternalError(absl::StrCat(where, ": login response is not JSON (HTTP ", response.status, ", ",
                                            DescribeBody(response), ")"));
  }
  const nlohmann::json& auth = envelope.contains("auth") ? envelope["auth"] : nlohmann::json();
  if (!auth.is_object() || !auth.contains("client_token") || !auth["client_token"].is_string() ||
      auth["client_token"].get<std::string>().empty()) {
    return absl::InternalError(absl::StrCat(
        where, ": login response has no auth.client_token (is this a Kubernetes or JWT auth mount?)",
        Warnings(envelope)));
  }
  LoginResult result;
  result.client_token = auth["client_token"].get<std::string>();
  if (auth.contains("lease_duration") && auth["lease_duration"].is_number_integer()) {
    result.lease_duration_seconds = auth["lease_duration"].get<int64_t>();
  }
  if (auth.contains("renewable") && auth["renewable"].is_boolean()) {
    result.renewable = auth["renewable"].get<bool>();
  }
  return result;
}

absl::StatusOr<nlohmann::json> VaultClient::Request(const std::string& method,
                                                    const SecretPath& path,
                                                    const std::optional<nlohmann::json>& body,
                                                    const std::string& token,
                                                    Deadline deadline) const {
  const std::string where = absl::StrCat(method, " ", DisplayUrl(path.path));
  std::optional<std::string> encoded;
  if (body.has_value()) encoded = GoJsonEncode(*body);
  auto response = Send("read", method, path.RequestTarget(), encoded, token, deadline);
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status >= 400) return ErrorFromResponse(where, *response);
  if (response->body.empty()) {
    return absl::InternalError(absl::StrCat(where, ": Vault answered ", response->status,
                                            " with an empty body; nothing to mount"));
  }
  nlohmann::json envelope = nlohmann::json::parse(response->body, nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object()) {
    return absl::InternalError(absl::StrCat(where, ": response is not a JSON object (HTTP ",
                                            response->status, ", ", DescribeBody(*response), ")"));
  }
  if (!LooksLikeEnvelope(envelope)) envelope = nlohmann::json{{"data", std::move(envelope)}};
  if (!envelope.contains("data") || envelope["data"].is_null()) {
    return absl::InternalError(
        absl::StrCat(where, ": empty response (data is null)", Warnings(envelope)));
  }
  return envelope;
}

}  // namespace vcp::vault
