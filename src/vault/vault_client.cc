// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/vault_client.h"
#include "vcp/util/bounded_json.h"

#include <sys/stat.h>

#include <algorithm>
#include <random>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/go_json.h"
#include "vcp/util/metrics.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::vault {
namespace {

using std::chrono::milliseconds;

absl::Status CheckFile(const std::string& path, const char* what, bool directory) {
  if (path.empty()) return absl::OkStatus();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", QuoteShortened(path), " is not a readable ", directory ? "directory" : "file",
        " on the provider's filesystem (TLS paths refer to the provider pod, not the "
        "application pod)"));
  }
  return absl::OkStatus();
}

// An endpoint as messages show it: the URL, or the unix:// address (shortened).
std::string Display(const VaultEndpoint& endpoint) {
  return Shorten(endpoint.unix_socket.empty() ? endpoint.base_url : endpoint.address);
}

// A URL or request target as messages show it: without its query string
// (which may carry credentials), shortened.
std::string ForMessage(absl::string_view url) { return Shorten(WithoutQuery(url)); }

bool IsRedirect(int status) { return status == 301 || status == 302 || status == 307; }

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
    case 301:
    case 302:
    case 307:
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
  return absl::StrCat(" (Vault warnings: ", Shorten(absl::StrJoin(texts, "; ")), ")");
}

// Describes a body that is not what was expected without echoing it: a
// misbehaving proxy may put anything there.
std::string DescribeBody(const HttpResponse& response) {
  auto it = response.headers.find("content-type");
  return absl::StrCat(response.body.size(), " bytes",
                      it == response.headers.end() ? "" : absl::StrCat(", ", it->second));
}

absl::Status ErrorFromResponse(const std::string& where, const HttpResponse& response) {
  absl::StatusOr<nlohmann::json> parsed = ParseUntrustedJson(response.body);
  const nlohmann::json body = parsed.ok() ? *std::move(parsed) : nlohmann::json();
  std::vector<std::string> errors;
  if (body.is_object() && body.contains("errors")) errors = VaultErrorTexts(body["errors"]);
  // Vault's own words, shortened: whoever answers at a class's vaultAddress
  // chooses them, and they end up in the pod's events and the provider's log.
  std::string detail = Shorten(absl::StrJoin(errors, "; "));
  if (detail.empty()) {
    switch (response.status) {
      case 404:
        detail = "nothing found at this path (for KV v2 the path must include /data/, "
                 "e.g. secret/data/my-app)";
        break;
      case 403:
        detail = "permission denied";
        break;
      case 301:
      case 302:
      case 307: {
        auto location = response.headers.find("location");
        detail = location == response.headers.end()
                     ? "a redirect without a Location header"
                     : absl::StrCat("another redirect, to ", ForMessage(location->second),
                                    " (only one redirect is followed: point vaultAddress at the "
                                    "active node or a load balancer)");
        break;
      }
      default:
        detail = !parsed.ok() && !response.body.empty()
                     ? absl::StrCat("unexpected response body (", DescribeBody(response), ")")
                     : "no error text";
    }
  }
  std::string message =
      absl::StrCat(where, ": Vault answered ", response.status, ": ", detail, Warnings(body));
  if (response.status == 429) {
    if (auto it = response.headers.find("retry-after"); it != response.headers.end()) {
      absl::StrAppend(&message, " (Retry-After: ", Shorten(it->second, 32), "s)");
    }
  }
  absl::Status status(CodeForHttpStatus(response.status), message);
  if (response.status == 403 && std::find(errors.begin(), errors.end(), "invalid token") != errors.end()) {
    status.SetPayload(kInvalidTokenPayload, absl::Cord("true"));
  }
  return status;
}

// Connection failures and the statuses the Go client retries: 412, 429, 5xx but 501.
bool ShouldRetry(const absl::StatusOr<VaultClient::Answer>& answer) {
  if (!answer.ok()) return absl::IsUnavailable(answer.status());
  const int s = answer->response.status;
  return s == 412 || s == 429 || (s >= 500 && s != 501);
}

// Whether another address of the cluster should be asked instead: this one
// cannot be reached, is sealed or has no active node (503), is a standby
// that could neither forward nor redirect usefully, or refused a redirect.
bool NodeCannotServe(const absl::StatusOr<VaultClient::Answer>& answer) {
  if (!answer.ok()) {
    return absl::IsUnavailable(answer.status()) || absl::IsFailedPrecondition(answer.status()) ||
           absl::IsDeadlineExceeded(answer.status());
  }
  const HttpResponse& r = answer->response;
  return r.status == 503 || IsRedirect(r.status) ||
         (r.status == 500 && absl::StrContains(r.body, "not active but active"));
}

// A few words on why an address was skipped, for the final error message.
std::string Summary(const absl::StatusOr<VaultClient::Answer>& answer) {
  if (!answer.ok()) {
    absl::string_view message = answer.status().message();
    const size_t colon = message.find(": ");
    return std::string(colon == absl::string_view::npos ? message : message.substr(colon + 2));
  }
  const HttpResponse& r = answer->response;
  const nlohmann::json body = ParseUntrustedJson(r.body).value_or(nlohmann::json());
  std::string detail =
      body.is_object() && body.contains("errors") ? Shorten(FlattenVaultErrors(body["errors"])) : "";
  return absl::StrCat("HTTP ", r.status, detail.empty() ? "" : ": ", detail);
}

// Retry-After in seconds, or exponential backoff with +-25% jitter.
milliseconds Backoff(const absl::StatusOr<VaultClient::Answer>& answer, int attempt, const RetryPolicy& policy) {
  if (answer.ok()) {
    const auto& headers = answer->response.headers;
    auto it = headers.find("retry-after");
    int seconds = 0;
    if (it != headers.end() && absl::SimpleAtoi(it->second, &seconds) && seconds >= 0) {
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

std::vector<std::string> VaultErrorTexts(const nlohmann::json& errors) {
  std::vector<std::string> out;
  if (!errors.is_array()) return out;
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
  return out;
}

std::string FlattenVaultErrors(const nlohmann::json& errors) {
  return absl::StrJoin(VaultErrorTexts(errors), "; ");
}

bool IsInvalidToken(const absl::Status& status) {
  return status.GetPayload(kInvalidTokenPayload).has_value();
}

VaultClient::VaultClient(HttpTransport& transport, ConnectionConfig config, RetryPolicy retry,
                         std::vector<VaultEndpoint> endpoints, HealthyAddressMemory* memory,
                         const AddressPolicy* policy)
    : transport_(&transport),
      config_(std::move(config)),
      retry_(std::move(retry)),
      endpoints_(std::move(endpoints)),
      memory_(memory),
      policy_(policy) {}

absl::StatusOr<VaultClient> VaultClient::Create(HttpTransport& transport, ConnectionConfig config,
                                                RetryPolicy retry, HealthyAddressMemory* memory,
                                                const AddressPolicy* policy) {
  config.address = std::string(absl::StripAsciiWhitespace(config.address));
  VCP_ASSIGN_OR_RETURN(std::vector<VaultEndpoint> endpoints, ParseVaultAddresses(config.address));
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
  return VaultClient(transport, std::move(config), std::move(retry), std::move(endpoints), memory, policy);
}

std::string VaultClient::DisplayUrl(const std::string& path) const {
  const size_t first = memory_ != nullptr && endpoints_.size() > 1 ? memory_->Preferred(config_.address) : 0;
  return absl::StrCat(Display(endpoints_[first < endpoints_.size() ? first : 0]), path);
}

absl::StatusOr<VaultClient::Answer> VaultClient::Send(const std::string& operation, const std::string& method,
                                                      const std::string& target,
                                                      const std::optional<std::string>& body,
                                                      const std::string& token, Deadline deadline,
                                                      ByteBudget* response_budget) const {
  const auto remaining =
      std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
  if (remaining <= milliseconds(0)) {
    return absl::DeadlineExceededError(absl::StrCat(
        method, " ", DisplayUrl(ForMessage(target)), ": the Mount's deadline passed before Vault answered"));
  }
  if (!IsVaultApiTarget(target)) {
    // Every path comes through ParseSecretPath and CheckSecretPathStaysInApi;
    // this is the last line, where requests are built.
    return absl::InternalError(absl::StrCat(method, " ", DisplayUrl(ForMessage(target)),
                                            ": refusing a request outside Vault's /v1/ API"));
  }
  HttpRequest request;
  request.method = method;
  request.tls = config_.tls;
  request.body = body;
  request.response_budget = response_budget;
  request.headers.emplace_back("X-Vault-Request", "true");
  if (!config_.ns.empty()) request.headers.emplace_back("X-Vault-Namespace", config_.ns);
  if (!token.empty()) request.headers.emplace_back("X-Vault-Token", token);
  for (int attempt = 0;; ++attempt) {
    auto answer = SendToCluster(operation, request, target, deadline);
    std::optional<milliseconds> wait;
    if (attempt < retry_.max_retries && ShouldRetry(answer)) wait = Backoff(answer, attempt, retry_);
    if (!wait.has_value() || std::chrono::steady_clock::now() + *wait + milliseconds(50) >= deadline) {
      return answer;
    }
    // The answer is dropped for the retry: its bytes no longer count.
    if (response_budget != nullptr && answer.ok()) response_budget->Give(answer->response.body.size());
    if (retry_.sleep) {
      retry_.sleep(*wait);
    } else {
      std::this_thread::sleep_for(*wait);
    }
  }
}

absl::StatusOr<VaultClient::Answer> VaultClient::SendToCluster(const std::string& operation, HttpRequest request,
                                                               const std::string& target,
                                                               Deadline deadline) const {
  const size_t count = endpoints_.size();
  const size_t first = count > 1 && memory_ != nullptr ? memory_->Preferred(config_.address) % count : 0;
  std::vector<std::string> skipped;  // what the addresses before the answering one said
  for (size_t i = 0;; ++i) {
    const size_t index = (first + i) % count;
    const VaultEndpoint& endpoint = endpoints_[index];
    const bool last = i + 1 == count;
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    request.url = absl::StrCat(endpoint.base_url, target);
    request.unix_socket = endpoint.unix_socket;
    request.timeout = std::min(std::max(left, milliseconds(1)), milliseconds(60000));
    // With addresses left to try, a node that does not even accept the
    // connection may use at most half of the remaining time.
    request.connect_timeout = std::min(request.timeout, last ? milliseconds(10000)
                                                             : std::min(milliseconds(10000), request.timeout / 2));
    auto answer = SendFollowingRedirect(operation, request, endpoint);
    const bool node_cannot_serve = NodeCannotServe(answer);
    if (!node_cannot_serve && count > 1 && memory_ != nullptr) memory_->Remember(config_.address, index);
    if (node_cannot_serve && !last && std::chrono::steady_clock::now() < deadline) {
      skipped.push_back(absl::StrCat(Display(endpoint), " (", Summary(answer), ")"));
      Metrics::Get().VaultFailover();
      continue;
    }
    if (skipped.empty()) return answer;
    const std::string note = absl::StrCat(" [after trying ", absl::StrJoin(skipped, ", "), "]");
    if (!answer.ok()) return absl::Status(answer.status().code(), absl::StrCat(answer.status().message(), note));
    answer->where = absl::StrCat(answer->where, note);
    return answer;
  }
}

absl::StatusOr<VaultClient::Answer> VaultClient::SendFollowingRedirect(const std::string& operation,
                                                                       HttpRequest request,
                                                                       const VaultEndpoint& endpoint) const {
  const std::string where = absl::StrCat(request.method, " ", Display(endpoint),
                                         ForMessage(request.url.substr(endpoint.base_url.size())));
  VCP_ASSIGN_OR_RETURN(HttpResponse response, SendOnce(operation, request, endpoint));
  if (!IsRedirect(response.status)) return Answer{std::move(response), where};
  auto location = response.headers.find("location");
  if (location == response.headers.end() || location->second.empty()) {
    return Answer{std::move(response), where};  // reported as an unexpected answer by the caller
  }
  std::string next = location->second;
  if (absl::StartsWith(next, "/")) next = absl::StrCat(endpoint.base_url, next);
  if (!absl::StartsWith(next, "http://") && !absl::StartsWith(next, "https://")) {
    return absl::UnavailableError(absl::StrCat(where, ": Vault answered ", response.status,
                                               " with a redirect to ", QuoteShortened(WithoutQuery(next)),
                                               ", which is not an http(s) URL"));
  }
  if (absl::StartsWith(request.url, "https://") && absl::StartsWith(next, "http://")) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, ": redirect would cause protocol downgrade: Vault answered ", response.status,
        " with a redirect to ", ForMessage(next),
        "; refusing to send the request over plain HTTP (set the active node's api_addr to an "
        "https:// address)"));
  }
  if (policy_ != nullptr && !policy_->AllowsRedirectTo(next)) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, ": Vault answered ", response.status, " with a redirect to ", WithoutQuery(next).substr(0, 256),
        ", which -allowed-vault-addrs does not list; not following it (the request carries a token)"));
  }
  {
    const size_t authority = next.find("://") + 3;
    const size_t path_start = next.find('/', authority);
    if (path_start == std::string::npos || !IsVaultApiTarget(std::string_view(next).substr(path_start))) {
      return absl::FailedPreconditionError(absl::StrCat(where, ": Vault answered ", response.status,
                                                        " with a redirect outside the /v1/ API; not following it"));
    }
  }
  Metrics::Get().VaultRedirect();
  request.url = next;
  request.unix_socket.clear();  // the redirect names a network address
  const VaultEndpoint redirected{next, "", ""};
  const std::string redirected_where =
      absl::StrCat(request.method, " ", ForMessage(next), " (redirected from ", where, ")");
  auto second = SendOnce(operation, request, redirected);
  if (!second.ok()) {
    return absl::Status(second.status().code(),
                        absl::StrCat(second.status().message(), " (redirected from ", where, ")"));
  }
  return Answer{std::move(*second), redirected_where};
}

absl::StatusOr<HttpResponse> VaultClient::SendOnce(const std::string& operation, const HttpRequest& request,
                                                   const VaultEndpoint& endpoint) const {
  const auto started = std::chrono::steady_clock::now();
  auto response = transport_->Send(request);
  Metrics::Get().VaultRequest(operation, response.ok() ? response->status : 0,
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!response.ok() && !endpoint.unix_socket.empty()) {
    return absl::Status(response.status().code(),
                        absl::StrCat(response.status().message(), " [via ", Display(endpoint), "]"));
  }
  return response;
}

absl::StatusOr<LoginResult> VaultClient::Login(const std::string& auth_mount,
                                               const std::string& role, const std::string& jwt,
                                               Deadline deadline) const {
  const std::string path = absl::StrCat("/v1/auth/", auth_mount, "/login");
  nlohmann::json body = {{"jwt", jwt}, {"role", role}};
  VCP_ASSIGN_OR_RETURN(Answer answer, Send("login", "POST", EscapeUrlPath(path), GoJsonEncode(body), "", deadline));
  return ParseAuth(answer.where, answer.response);
}

absl::StatusOr<LoginResult> VaultClient::RenewSelf(const std::string& token, Deadline deadline) const {
  const std::string path = "/v1/auth/token/renew-self";
  VCP_ASSIGN_OR_RETURN(Answer answer, Send("renew", "POST", path, std::string("{}"), token, deadline));
  return ParseAuth(answer.where, answer.response);
}

absl::Status VaultClient::RevokeSelf(const std::string& token, Deadline deadline) const {
  VCP_ASSIGN_OR_RETURN(Answer answer,
                       Send("revoke", "POST", "/v1/auth/token/revoke-self", std::string("{}"), token, deadline));
  if (answer.response.status < 200 || answer.response.status >= 300) {
    return ErrorFromResponse(answer.where, answer.response);
  }
  return absl::OkStatus();
}

absl::StatusOr<LoginResult> VaultClient::ParseAuth(const std::string& where, const HttpResponse& response) const {
  if (response.status < 200 || response.status >= 300) return ErrorFromResponse(where, response);
  absl::StatusOr<nlohmann::json> parsed = ParseUntrustedJson(response.body);
  if (!parsed.ok() || !parsed->is_object()) {
    return absl::InternalError(absl::StrCat(where, ": login response is not a JSON object (",
                                            parsed.ok() ? "" : absl::StrCat(parsed.status().message(), "; "),
                                            "HTTP ", response.status, ", ", DescribeBody(response), ")"));
  }
  const nlohmann::json& envelope = *parsed;
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
                                                    Deadline deadline, ByteBudget* response_budget) const {
  std::optional<std::string> encoded;
  if (body.has_value()) encoded = GoJsonEncode(*body);
  VCP_ASSIGN_OR_RETURN(Answer answer, Send("read", method, path.RequestTarget(), encoded, token, deadline,
                                           response_budget));
  const std::string& where = answer.where;
  const HttpResponse* response = &answer.response;
  if (response->status < 200 || response->status >= 300) return ErrorFromResponse(where, *response);
  if (response->body.empty()) {
    return absl::InternalError(absl::StrCat(where, ": Vault answered ", response->status,
                                            " with an empty body; nothing to mount"));
  }
  absl::StatusOr<nlohmann::json> parsed = ParseUntrustedJsonKeepingNumbers(response->body);
  if (!parsed.ok() || !parsed->is_object()) {
    return absl::InternalError(absl::StrCat(where, ": response is not a JSON object (",
                                            parsed.ok() ? "" : absl::StrCat(parsed.status().message(), "; "),
                                            "HTTP ", response->status, ", ", DescribeBody(*response), ")"));
  }
  std::string().swap(answer.response.body);  // parsed: free the text before the caller renders
  nlohmann::json envelope = std::move(*parsed);
  if (!LooksLikeEnvelope(envelope)) envelope = nlohmann::json{{"data", std::move(envelope)}};
  if (!envelope.contains("data") || envelope["data"].is_null()) {
    return absl::InternalError(
        absl::StrCat(where, ": empty response (data is null)", Warnings(envelope)));
  }
  return envelope;
}

}  // namespace vcp::vault
