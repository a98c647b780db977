// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/vault_client.h"

#include <sys/stat.h>

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/go_json.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::vault {
namespace {

using std::chrono::milliseconds;

// A response and where it came from.
struct Answer {
  http::HttpResponse response;
  std::string where;  // "<METHOD> <url>" of the request that was answered
};

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
std::string DescribeBody(const http::HttpResponse& response) {
  auto it = response.headers.find("content-type");
  return absl::StrCat(response.body.size(), " bytes",
                      it == response.headers.end() ? "" : absl::StrCat(", ", it->second));
}

absl::Status ErrorFromResponse(const std::string& where, const http::HttpResponse& response) {
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
  if (response.status == 404 && body.is_object() && body.contains("warnings") && body["warnings"].is_array()) {
    for (const auto& warning : body["warnings"]) {
      if (warning.is_string() &&
          absl::StartsWith(warning.get_ref<const std::string&>(), "Invalid path for a versioned K/V secrets engine")) {
        status.SetPayload(kKvV2PathPayload, absl::Cord("true"));
      }
    }
  }
  return status;
}

// Connection failures and the statuses the Go client retries: 412, 429, 5xx but 501.
bool ShouldRetry(const absl::StatusOr<Answer>& answer) {
  if (!answer.ok()) return absl::IsUnavailable(answer.status());
  const int s = answer->response.status;
  return s == 412 || s == 429 || (s >= 500 && s != 501);
}

// Whether another address of the cluster should be asked instead: this one
// cannot be reached, is sealed or has no active node (503), is a standby
// that could neither forward nor redirect usefully, or refused a redirect.
bool NodeCannotServe(const absl::StatusOr<Answer>& answer) {
  if (!answer.ok()) {
    return absl::IsUnavailable(answer.status()) || absl::IsFailedPrecondition(answer.status()) ||
           absl::IsDeadlineExceeded(answer.status());
  }
  const http::HttpResponse& r = answer->response;
  return r.status == 503 || IsRedirect(r.status) ||
         (r.status == 500 && absl::StrContains(r.body, "not active but active"));
}

// A few words on why an address was skipped, for the final error message.
std::string Summary(const absl::StatusOr<Answer>& answer) {
  if (!answer.ok()) {
    absl::string_view message = answer.status().message();
    const size_t colon = message.find(": ");
    return std::string(colon == absl::string_view::npos ? message : message.substr(colon + 2));
  }
  const http::HttpResponse& r = answer->response;
  const nlohmann::json body = ParseUntrustedJson(r.body).value_or(nlohmann::json());
  std::string detail =
      body.is_object() && body.contains("errors") ? Shorten(FlattenVaultErrors(body["errors"])) : "";
  return absl::StrCat("HTTP ", r.status, detail.empty() ? "" : ": ", detail);
}

// Retry-After in seconds, or exponential backoff with +-25% jitter.
milliseconds Backoff(const absl::StatusOr<Answer>& answer, int attempt, const RetryPolicy& policy) {
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

bool IsKvV2PathWithoutData(const absl::Status& status) {
  return status.GetPayload(kKvV2PathPayload).has_value();
}

namespace {

// One call to Vault in flight, from its first attempt to its callback:
// retries on the clock, failover across the address list, one redirect.
// Owned by the callbacks it hands to the transport and the clock.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<const VaultClient::State> client, std::string operation, http::HttpRequest request,
           std::string target, Deadline deadline, Callback<Answer> done)
      : client_(std::move(client)),
        operation_(std::move(operation)),
        request_(std::move(request)),
        target_(std::move(target)),
        deadline_(deadline),
        done_(std::move(done)) {}

  void StartRound();

 private:
  void TryNode(size_t i);
  void OnNodeAnswer(size_t i, absl::StatusOr<Answer> answer);
  void EndRound(absl::StatusOr<Answer> answer);
  void SendFollowingRedirect(http::HttpRequest request, const VaultEndpoint& endpoint, Callback<Answer> done);
  void SendOnce(http::HttpRequest request, const VaultEndpoint& endpoint, Callback<http::HttpResponse> done);

  const std::shared_ptr<const VaultClient::State> client_;
  const std::string operation_;  // login, read, renew, revoke: the metric's label
  const http::HttpRequest request_;
  const std::string target_;
  const Deadline deadline_;
  Callback<Answer> done_;
  int attempt_ = 0;
  size_t first_ = 0;                  // the address this round starts with
  std::vector<std::string> skipped_;  // what the addresses before the answering one said
};

}  // namespace

struct VaultClient::State {
  VaultContext context;
  ConnectionConfig config;
  std::vector<VaultEndpoint> endpoints;  // at least one

  Clock& clock() const { return *context.clock; }
  Metrics& metrics() const { return *context.metrics; }
  size_t Preferred() const {
    const size_t count = endpoints.size();
    return count > 1 && context.memory != nullptr ? context.memory->Preferred(config.address) % count : 0;
  }
  std::string DisplayUrl(const std::string& path) const { return absl::StrCat(Display(endpoints[Preferred()]), path); }
};

namespace {

void Exchange::StartRound() {
  first_ = client_->Preferred();
  skipped_.clear();
  TryNode(0);
}

void Exchange::TryNode(size_t i) {
  const VaultEndpoint& endpoint = client_->endpoints[(first_ + i) % client_->endpoints.size()];
  const bool last = i + 1 == client_->endpoints.size();
  const auto left = std::chrono::duration_cast<milliseconds>(deadline_ - client_->clock().Now());
  http::HttpRequest request = request_;
  request.url = absl::StrCat(endpoint.base_url, target_);
  request.unix_socket = endpoint.unix_socket;
  request.timeout = std::min(std::max(left, milliseconds(1)), milliseconds(60000));
  // With addresses left to try, a node that does not even accept the
  // connection may use at most half of the remaining time.
  request.connect_timeout = std::min(request.timeout, last ? milliseconds(10000)
                                                           : std::min(milliseconds(10000), request.timeout / 2));
  SendFollowingRedirect(std::move(request), endpoint,
                        [self = shared_from_this(), i](absl::StatusOr<Answer> answer) mutable {
                          self->OnNodeAnswer(i, std::move(answer));
                        });
}

void Exchange::OnNodeAnswer(size_t i, absl::StatusOr<Answer> answer) {
  const size_t count = client_->endpoints.size();
  const size_t index = (first_ + i) % count;
  const VaultEndpoint& endpoint = client_->endpoints[index];
  const bool node_cannot_serve = NodeCannotServe(answer);
  if (!node_cannot_serve && count > 1 && client_->context.memory != nullptr) {
    client_->context.memory->Remember(client_->config.address, index);
  }
  if (node_cannot_serve && i + 1 < count && client_->clock().Now() < deadline_) {
    skipped_.push_back(absl::StrCat(Display(endpoint), " (", Summary(answer), ")"));
    client_->metrics().VaultFailover();
    TryNode(i + 1);
    return;
  }
  if (!skipped_.empty()) {
    const std::string note = absl::StrCat(" [after trying ", absl::StrJoin(skipped_, ", "), "]");
    if (answer.ok()) {
      answer->where = absl::StrCat(answer->where, note);
    } else {
      answer = absl::Status(answer.status().code(), absl::StrCat(answer.status().message(), note));
    }
  }
  EndRound(std::move(answer));
}

void Exchange::EndRound(absl::StatusOr<Answer> answer) {
  const RetryPolicy& retry = client_->context.retry;
  std::optional<milliseconds> wait;
  if (attempt_ < retry.max_retries && ShouldRetry(answer)) wait = Backoff(answer, attempt_, retry);
  Clock& clock = client_->clock();
  if (!wait.has_value() || clock.Now() + *wait + milliseconds(50) >= deadline_) {
    std::move(done_)(std::move(answer));
    return;
  }
  // The answer is dropped for the retry: its bytes no longer count.
  if (request_.response_budget != nullptr && answer.ok()) {
    request_.response_budget->Give(answer->response.body.size());
  }
  ++attempt_;
  clock.Schedule(clock.Now() + *wait, [self = shared_from_this()] { self->StartRound(); });
}

void Exchange::SendFollowingRedirect(http::HttpRequest request, const VaultEndpoint& endpoint,
                                     Callback<Answer> done) {
  std::string where = absl::StrCat(request.method, " ", Display(endpoint),
                                   ForMessage(request.url.substr(endpoint.base_url.size())));
  // What a redirected request needs from this one; the rest is request_'s.
  const bool https = absl::StartsWith(request.url, "https://");
  const auto timeout = request.timeout, connect_timeout = request.connect_timeout;
  SendOnce(std::move(request), endpoint,
           [self = shared_from_this(), https, timeout, connect_timeout, endpoint, where = std::move(where),
            done = std::move(done)](absl::StatusOr<http::HttpResponse> first) mutable {
             if (!first.ok()) {
               std::move(done)(first.status());
               return;
             }
             http::HttpResponse& response = *first;
             if (!IsRedirect(response.status)) {
               std::move(done)(Answer{std::move(response), std::move(where)});
               return;
             }
             auto location = response.headers.find("location");
             if (location == response.headers.end() || location->second.empty()) {
               // Reported as an unexpected answer by the caller.
               std::move(done)(Answer{std::move(response), std::move(where)});
               return;
             }
             std::string next = location->second;
             if (absl::StartsWith(next, "/")) next = absl::StrCat(endpoint.base_url, next);
             if (!absl::StartsWith(next, "http://") && !absl::StartsWith(next, "https://")) {
               std::move(done)(absl::UnavailableError(
                   absl::StrCat(where, ": Vault answered ", response.status, " with a redirect to ",
                                QuoteShortened(WithoutQuery(next)), ", which is not an http(s) URL")));
               return;
             }
             if (https && absl::StartsWith(next, "http://")) {
               std::move(done)(absl::FailedPreconditionError(absl::StrCat(
                   where, ": redirect would cause protocol downgrade: Vault answered ", response.status,
                   " with a redirect to ", ForMessage(next),
                   "; refusing to send the request over plain HTTP (set the active node's api_addr to an "
                   "https:// address)")));
               return;
             }
             const AddressPolicy* policy = self->client_->context.policy;
             if (policy != nullptr && !policy->AllowsRedirectTo(next)) {
               std::move(done)(absl::FailedPreconditionError(absl::StrCat(
                   where, ": Vault answered ", response.status, " with a redirect to ",
                   WithoutQuery(next).substr(0, 256),
                   ", which -allowed-vault-addrs does not list; not following it (the request carries a token)")));
               return;
             }
             const size_t authority = next.find("://") + 3;
             const size_t path_start = next.find('/', authority);
             if (path_start == std::string::npos || !IsVaultApiTarget(std::string_view(next).substr(path_start))) {
               std::move(done)(absl::FailedPreconditionError(absl::StrCat(
                   where, ": Vault answered ", response.status,
                   " with a redirect outside the /v1/ API; not following it")));
               return;
             }
             self->client_->metrics().VaultRedirect();
             http::HttpRequest again = self->request_;
             again.url = next;
             again.timeout = timeout;
             again.connect_timeout = connect_timeout;  // the redirect names a network address: no unix_socket
             std::string redirected_where =
                 absl::StrCat(again.method, " ", ForMessage(next), " (redirected from ", where, ")");
             const VaultEndpoint redirected{next, "", ""};
             self->SendOnce(std::move(again), redirected,
                            [where = std::move(where), redirected_where = std::move(redirected_where),
                             done = std::move(done)](absl::StatusOr<http::HttpResponse> second) mutable {
                              if (!second.ok()) {
                                std::move(done)(absl::Status(
                                    second.status().code(),
                                    absl::StrCat(second.status().message(), " (redirected from ", where, ")")));
                                return;
                              }
                              std::move(done)(Answer{std::move(*second), std::move(redirected_where)});
                            });
           });
}

void Exchange::SendOnce(http::HttpRequest request, const VaultEndpoint& endpoint,
                        Callback<http::HttpResponse> done) {
  const TimePoint started = client_->clock().Now();
  const bool via_socket = !endpoint.unix_socket.empty();
  std::string display = via_socket ? Display(endpoint) : "";
  client_->context.transport->Send(
      std::move(request), [self = shared_from_this(), started, display = std::move(display),
                           done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
        self->client_->metrics().VaultRequest(
            self->operation_, response.ok() ? response->status : 0,
            std::chrono::duration<double>(self->client_->clock().Now() - started).count());
        if (!response.ok() && !display.empty()) {
          response = absl::Status(response.status().code(),
                                  absl::StrCat(response.status().message(), " [via ", display, "]"));
        }
        std::move(done)(std::move(response));
      });
}

// Parses a login or renew response's auth block.
absl::StatusOr<LoginResult> ParseAuth(const std::string& where, const http::HttpResponse& response) {
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
  if (auth.contains("metadata") && auth["metadata"].is_object()) {
    for (const auto& [key, value] : auth["metadata"].items()) {
      if (value.is_string()) result.metadata.emplace(key, value.get<std::string>());
    }
  }
  return result;
}

// Parses a read's response into its envelope.
absl::StatusOr<nlohmann::json> ParseEnvelope(Answer answer) {
  const std::string& where = answer.where;
  const http::HttpResponse* response = &answer.response;
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
    return absl::InternalError(absl::StrCat(where, ": empty response (data is null)", Warnings(envelope)));
  }
  return envelope;
}

// Starts a call: checks the deadline and the target, then sends with
// retries, failover and redirects. `done` runs exactly once.
void Send(const std::shared_ptr<const VaultClient::State>& client, std::string operation, const std::string& method,
          const std::string& target, std::optional<std::string> body, const std::string& token, Deadline deadline,
          ByteBudget* response_budget, Callback<Answer> done) {
  if (deadline - client->clock().Now() < milliseconds(1)) {
    std::move(done)(absl::DeadlineExceededError(absl::StrCat(
        method, " ", client->DisplayUrl(ForMessage(target)), ": the Mount's deadline passed before Vault answered")));
    return;
  }
  if (!IsVaultApiTarget(target)) {
    // Every path comes through ParseSecretPath and CheckSecretPathStaysInApi;
    // this is the last line, where requests are built.
    std::move(done)(absl::InternalError(absl::StrCat(method, " ", client->DisplayUrl(ForMessage(target)),
                                                     ": refusing a request outside Vault's /v1/ API")));
    return;
  }
  http::HttpRequest request;
  request.method = method;
  request.tls = client->config.tls;
  request.body = std::move(body);
  request.response_budget = response_budget;
  request.headers.emplace_back("X-Vault-Request", "true");
  if (!client->config.ns.empty()) request.headers.emplace_back("X-Vault-Namespace", client->config.ns);
  if (!token.empty()) request.headers.emplace_back("X-Vault-Token", token);
  std::make_shared<Exchange>(client, std::move(operation), std::move(request), target, deadline, std::move(done))
      ->StartRound();
}

}  // namespace

absl::StatusOr<VaultClient> VaultClient::Create(const VaultContext& context, ConnectionConfig config) {
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
  auto state = std::make_shared<State>();
  state->context = context;
  state->config = std::move(config);
  state->endpoints = std::move(endpoints);
  return VaultClient(std::move(state));
}

std::string VaultClient::DisplayUrl(const std::string& path) const { return state_->DisplayUrl(path); }

const ConnectionConfig& VaultClient::config() const { return state_->config; }

VaultClient VaultClient::InNamespace(const std::string& ns) const {
  if (ns == state_->config.ns) return *this;
  auto state = std::make_shared<State>(*state_);
  state->config.ns = ns;
  return VaultClient(std::move(state));
}

void VaultClient::Login(const std::string& auth_mount, const std::string& role, const std::string& jwt,
                        Deadline deadline, Callback<LoginResult> done) const {
  const std::string path = absl::StrCat("/v1/auth/", auth_mount, "/login");
  const nlohmann::json body = {{"jwt", jwt}, {"role", role}};
  Send(state_, "login", "POST", EscapeUrlPath(path), GoJsonEncode(body), "", deadline, nullptr,
       [done = std::move(done)](absl::StatusOr<Answer> answer) mutable {
         if (!answer.ok()) {
           std::move(done)(answer.status());
           return;
         }
         std::move(done)(ParseAuth(answer->where, answer->response));
       });
}

void VaultClient::RenewSelf(const std::string& token, Deadline deadline, Callback<LoginResult> done) const {
  Send(state_, "renew", "POST", "/v1/auth/token/renew-self", std::string("{}"), token, deadline, nullptr,
       [done = std::move(done)](absl::StatusOr<Answer> answer) mutable {
         if (!answer.ok()) {
           std::move(done)(answer.status());
           return;
         }
         std::move(done)(ParseAuth(answer->where, answer->response));
       });
}

void VaultClient::RevokeSelf(const std::string& token, Deadline deadline, StatusCallback done) const {
  Send(state_, "revoke", "POST", "/v1/auth/token/revoke-self", std::string("{}"), token, deadline, nullptr,
       [done = std::move(done)](absl::StatusOr<Answer> answer) mutable {
         if (!answer.ok()) {
           std::move(done)(answer.status());
         } else if (answer->response.status < 200 || answer->response.status >= 300) {
           std::move(done)(ErrorFromResponse(answer->where, answer->response));
         } else {
           std::move(done)(absl::OkStatus());
         }
       });
}

void VaultClient::Request(const std::string& method, const SecretPath& path,
                          const std::optional<nlohmann::json>& body, const std::string& token, Deadline deadline,
                          ByteBudget* response_budget, Callback<nlohmann::json> done) const {
  std::optional<std::string> encoded;
  if (body.has_value()) encoded = GoJsonEncode(*body);
  Send(state_, "read", method, path.RequestTarget(), std::move(encoded), token, deadline, response_budget,
       [done = std::move(done)](absl::StatusOr<Answer> answer) mutable {
         if (!answer.ok()) {
           std::move(done)(answer.status());
           return;
         }
         std::move(done)(ParseEnvelope(std::move(*answer)));
       });
}

}  // namespace vcp::vault
