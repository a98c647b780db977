// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/vault_client.h"

#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/pending.h"

namespace vcp::vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::FakeTransport;

// The asynchronous client driven to its answer: the fake transport answers
// inside Send, and the fake clock runs each retry back-off (recorded in
// `waits`) until the call has answered. Deadlines are offsets from the fake
// clock's now.
class SyncClient {
 public:
  SyncClient(FakeTransport& t, ConnectionConfig config, RetryPolicy retry = RetryPolicy(),
             HealthyAddressMemory* memory = nullptr)
      : clock_(std::make_unique<testing::FakeClock>()), metrics_(std::make_unique<Metrics>()) {
    VaultContext context{&t, clock_.get(), metrics_.get(), memory, nullptr, retry};
    client_ = VaultClient::Create(context, std::move(config));
  }

  absl::Status status() const { return client_.status(); }

  absl::StatusOr<LoginResult> Login(const std::string& mount, const std::string& role, const std::string& jwt,
                                    std::chrono::milliseconds within = std::chrono::seconds(5)) {
    testing::Pending<LoginResult> pending;
    client_->Login(mount, role, jwt, clock_->Now() + within, pending.Callback());
    return Run(pending);
  }
  absl::StatusOr<nlohmann::json> Request(const std::string& method, const SecretPath& path,
                                         const std::optional<nlohmann::json>& body, const std::string& token,
                                         std::chrono::milliseconds within = std::chrono::seconds(5)) {
    testing::Pending<nlohmann::json> pending;
    client_->Request(method, path, body, token, clock_->Now() + within, nullptr, pending.Callback());
    return Run(pending);
  }

  std::vector<std::chrono::milliseconds> waits;

 private:
  template <typename T>
  absl::StatusOr<T> Run(testing::Pending<T>& pending) {
    while (!pending.ready()) {
      const std::optional<std::chrono::nanoseconds> next = clock_->NextTaskIn();
      if (!next.has_value()) {
        ADD_FAILURE() << "the call neither answered nor scheduled a retry";
        return absl::UnknownError("stuck");
      }
      waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(*next));
      clock_->Advance(*next);
    }
    EXPECT_EQ(pending.calls(), 1) << "a call answers exactly once";
    return pending.get();
  }

  std::unique_ptr<testing::FakeClock> clock_;
  std::unique_ptr<Metrics> metrics_;
  absl::StatusOr<VaultClient> client_;
};

SyncClient Client(FakeTransport& t, const std::string& address = "https://vault:8200", const std::string& ns = "") {
  ConnectionConfig c;
  c.address = address;
  c.ns = ns;
  return SyncClient(t, c);
}

ConnectionConfig At(const std::string& address) {
  ConnectionConfig c;
  c.address = address;
  return c;
}

TEST(VaultClientTest, LoginSendsJwtAndRoleAndReadsTheToken) {
  FakeTransport t;
  t.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("hvs.abc"));
  auto login = Client(t, "https://vault:8200", "team-a").Login("kubernetes", "app", "eyJ.jwt");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->client_token, "hvs.abc");
  EXPECT_EQ(login->lease_duration_seconds, 3600);
  const auto request = t.requests().at(0);
  EXPECT_EQ(request.url, "https://vault:8200/v1/auth/kubernetes/login");
  EXPECT_EQ(*request.body, R"({"jwt":"eyJ.jwt","role":"app"})");
  EXPECT_THAT(request.headers, ::testing::Contains(std::make_pair(std::string("X-Vault-Namespace"), std::string("team-a"))));
  EXPECT_THAT(request.headers, ::testing::Contains(std::make_pair(std::string("X-Vault-Request"), std::string("true"))));
}

TEST(VaultClientTest, LoginErrorsCarryVaultsTextButNeverTheJwt) {
  FakeTransport t;
  t.Script("POST", "/v1/auth/kubernetes/login", 403, R"({"errors":["service account name not authorized"]})");
  auto login = Client(t).Login("kubernetes", "app", "eyJ.SECRET-JWT");
  EXPECT_EQ(login.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(login.status().message(), HasSubstr("POST https://vault:8200/v1/auth/kubernetes/login: Vault answered 403: service account name not authorized"));
  EXPECT_THAT(login.status().message(), Not(HasSubstr("SECRET-JWT")));
}

TEST(VaultClientTest, LoginWithoutAuthIsAnError) {
  FakeTransport t;
  t.Script("POST", "/v1/auth/kubernetes/login", 200, R"({"data":{},"auth":null})");
  EXPECT_THAT(Client(t).Login("kubernetes", "app", "j").status().message(), HasSubstr("no auth.client_token"));
}

TEST(VaultClientTest, RequestSendsTokenMethodQueryAndBody) {
  FakeTransport t;
  t.Script("PUT", "/v1/pki/issue/web", 200, R"({"data":{"certificate":"c"}})");
  SecretPath path = ParseSecretPath("pki/issue/web?x=1").value();
  auto result = Client(t).Request("PUT", path, nlohmann::json{{"common_name", "a"}}, "hvs.tok");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ((*result)["data"]["certificate"], "c");
  const auto request = t.requests().at(0);
  EXPECT_EQ(request.url, "https://vault:8200/v1/pki/issue/web?x=1");
  EXPECT_EQ(*request.body, R"({"common_name":"a"})");
  EXPECT_THAT(request.headers, ::testing::Contains(std::make_pair(std::string("X-Vault-Token"), std::string("hvs.tok"))));
}

TEST(VaultClientTest, ARequestOutsideTheApiIsNeverSent) {
  FakeTransport t;
  SecretPath escape;
  escape.path = "/v1/../../metadata/credentials";
  auto result = Client(t).Request("GET", escape, std::nullopt, "t");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("refusing a request outside Vault's /v1/ API"));
  EXPECT_TRUE(t.requests().empty());
}

TEST(VaultClientTest, VaultErrorsMapToCodesWithFlattenedText) {
  struct Case {
    int status;
    const char* body;
    absl::StatusCode code;
    const char* text;
  };
  const std::vector<Case> cases = {
      {403, "{\"errors\":[\"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n\"]}",
       absl::StatusCode::kPermissionDenied, "Vault answered 403: permission denied; invalid token"},
      {404, "{\"errors\":[]}", absl::StatusCode::kNotFound, "nothing found at this path"},
      {503, "{\"errors\":[\"Vault is sealed\"]}", absl::StatusCode::kUnavailable, "Vault is sealed"},
      {429, "{\"errors\":[\"rate limit quota exceeded\"]}", absl::StatusCode::kResourceExhausted, "rate limit"},
      {400, "{\"errors\":[\"unknown role: x\"]}", absl::StatusCode::kInvalidArgument, "unknown role: x"},
      {500, "<html>oops</html>", absl::StatusCode::kInternal, "unexpected response body (17 bytes"},
  };
  for (const auto& c : cases) {
    FakeTransport t;
    t.Script("GET", "/v1/secret/data/x", c.status, c.body);
    auto result = Client(t).Request("GET", ParseSecretPath("secret/data/x").value(), std::nullopt, "t");
    EXPECT_EQ(result.status().code(), c.code) << c.status;
    EXPECT_THAT(result.status().message(), HasSubstr(c.text)) << c.status;
    EXPECT_THAT(result.status().message(), HasSubstr("GET https://vault:8200/v1/secret/data/x")) << c.status;
  }
}

TEST(VaultClientTest, VaultsOwnTextIsShortened) {
  // Whoever answers at a class's vaultAddress chooses this text: 5 MB of
  // errors, of warnings, of a Retry-After, or a skipped node's error.
  const std::string huge(5'000'000, 'e');
  FakeTransport t;
  t.Script("GET", "/v1/a", 500, absl::StrCat(R"({"errors":[")", huge, R"(","second"]})"));
  t.Script("GET", "/v1/b", 200, absl::StrCat(R"({"data":null,"warnings":[")", huge, R"("]})"));
  t.ScriptWithHeaders("GET", "/v1/c", 429, "{}", {{"retry-after", huge}});
  RetryPolicy no_retries;
  no_retries.max_retries = 0;
  SyncClient client(t, At("https://vault:8200"), no_retries);
  for (const char* path : {"a", "b", "c"}) {
    auto result = client.Request("GET", ParseSecretPath(path).value(), std::nullopt, "t");
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_LT(result.status().message().size(), 700u) << path;
    EXPECT_THAT(result.status().message(), HasSubstr("bytes)")) << path;
  }
}

TEST(VaultClientTest, QueryStringsStayOutOfErrors) {
  FakeTransport t;
  t.Script("GET", "/v1/kv/app", 403, R"({"errors":["permission denied"]})");
  t.Fail("GET", "/v1/kv/down", absl::UnavailableError("GET https://vault:8200/v1/kv/down: refused"));
  for (const char* path : {"kv/app?token=CANARY", "kv/down?token=CANARY"}) {
    auto result = Client(t).Request("GET", ParseSecretPath(path).value(), std::nullopt, "t");
    EXPECT_THAT(result.status().message(), Not(HasSubstr("CANARY"))) << path;
  }
}

TEST(VaultClientTest, ARevokedOrExpiredTokenIsToldApartFromAPolicyDenial) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {R"({"errors":["permission denied","invalid token"]})", true},
      {"{\"errors\":[\"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n\"]}", true},
      {"{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}", false},
      {R"({"errors":["permission denied"]})", false},  // OpenBao says no more
  };
  for (const auto& [body, invalid] : cases) {
    FakeTransport t;
    t.Script("GET", "/v1/x", 403, body);
    auto result = Client(t).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
    EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied) << body;
    EXPECT_EQ(IsInvalidToken(result.status()), invalid) << body;
  }
}

TEST(VaultClientTest, UnusableBodiesAreClearErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty body"}, {"[1,2]", "not a JSON object"}, {R"({"data":null,"warnings":["w1"]})", "data is null) (Vault warnings: w1)"}};
  for (const auto& [body, text] : cases) {
    FakeTransport t;
    t.Script("GET", "/v1/x", body.empty() ? 204 : 200, body);
    auto result = Client(t).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal) << body;
    EXPECT_THAT(result.status().message(), HasSubstr(text));
  }
}

TEST(VaultClientTest, BareJsonWithoutEnvelopeBecomesData) {
  FakeTransport t;
  t.Script("GET", "/v1/x", 200, R"({"foo":"bar"})");
  auto result = Client(t).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)["data"]["foo"], "bar");
}

TEST(VaultClientTest, PassedDeadlineFailsWithoutCallingVault) {
  FakeTransport t;
  auto result = Client(t).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t",
                                  std::chrono::seconds(-1));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(t.requests().empty());
}

TEST(VaultClientTest, UnixAddressesUseTheSocket) {
  FakeTransport t;
  t.Script("GET", "/v1/x", 200, R"({"data":{"a":"b"}})");
  ASSERT_TRUE(Client(t, "unix:///var/run/vault/agent.sock").Request("GET", ParseSecretPath("x").value(), std::nullopt, "t").ok());
  EXPECT_EQ(t.requests().at(0).unix_socket, "/var/run/vault/agent.sock");
  EXPECT_EQ(t.requests().at(0).url, "http://localhost/v1/x");
}

class VaultClientRetryTest : public ::testing::Test {
 protected:
  absl::StatusOr<nlohmann::json> Read(FakeTransport& t, std::chrono::milliseconds within = std::chrono::seconds(5)) {
    SyncClient client(t, At("https://vault:8200"));
    auto result = client.Request("GET", ParseSecretPath("x").value(), std::nullopt, "t", within);
    waits_.insert(waits_.end(), client.waits.begin(), client.waits.end());
    return result;
  }
  std::vector<std::chrono::milliseconds> waits_;  // back-offs, on the clock: nothing sleeps
};

TEST_F(VaultClientRetryTest, TransientFailuresAreRetriedWithGrowingJitteredBackoff) {
  FakeTransport t;
  t.Script("GET", "/v1/x", 503, R"({"errors":["Vault is sealed"]})");
  t.Script("GET", "/v1/x", 502, "{}");
  t.Script("GET", "/v1/x", 200, R"({"data":{"a":"b"}})");
  ASSERT_TRUE(Read(t).ok());
  ASSERT_EQ(waits_.size(), 2u);
  EXPECT_GE(waits_[0].count(), 150);
  EXPECT_LE(waits_[0].count(), 250);
  EXPECT_GE(waits_[1].count(), 300);
  EXPECT_LE(waits_[1].count(), 500);
}

TEST_F(VaultClientRetryTest, RetryAfterIsHonoured) {
  FakeTransport t;
  t.ScriptWithHeaders("GET", "/v1/x", 429, R"({"errors":["rate limit quota exceeded"]})", {{"retry-after", "2"}});
  t.Script("GET", "/v1/x", 200, R"({"data":{"a":"b"}})");
  ASSERT_TRUE(Read(t).ok());
  EXPECT_EQ(waits_, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(2000)});
}

TEST_F(VaultClientRetryTest, DenialsAndClientErrorsAreNeverRetried) {
  for (int status : {400, 403, 404, 405, 501}) {
    FakeTransport t;
    t.Script("GET", "/v1/x", status, R"({"errors":["no"]})");
    EXPECT_FALSE(Read(t).ok());
    EXPECT_EQ(t.requests().size(), 1u) << status;
  }
  EXPECT_TRUE(waits_.empty());
}

TEST_F(VaultClientRetryTest, ConnectionFailuresAreRetriedUpToTheLimit) {
  FakeTransport t;
  t.Fail("GET", "/v1/x", absl::UnavailableError("connection refused"));
  EXPECT_TRUE(absl::IsUnavailable(Read(t).status()));
  EXPECT_EQ(t.requests().size(), 3u);  // 1 + VAULT_MAX_RETRIES (2)
}

TEST_F(VaultClientRetryTest, NoRetryThatWouldOutliveTheDeadline) {
  FakeTransport t;
  t.ScriptWithHeaders("GET", "/v1/x", 429, "{}", {{"retry-after", "30"}});
  auto result = Read(t, std::chrono::seconds(5));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("Retry-After: 30s"));
  EXPECT_EQ(t.requests().size(), 1u);
}

// Redirects and failover need answers that depend on the host.
absl::StatusOr<http::HttpResponse> Answer(int status, std::string body, std::map<std::string, std::string> headers = {}) {
  return http::HttpResponse{status, std::move(body), std::move(headers)};
}
bool HostIs(const http::HttpRequest& r, const std::string& base) { return r.url.rfind(base + "/", 0) == 0; }

TEST(VaultClientRedirectTest, A307FromAStandbyIsFollowedOnceWithBodyAndToken) {
  FakeTransport t;
  t.SetHandler([](const http::HttpRequest& r) -> std::optional<absl::StatusOr<http::HttpResponse>> {
    if (HostIs(r, "https://standby:8200")) {
      return Answer(307, "", {{"location", "https://active:8200/v1/pki/issue/web?x=1"}});
    }
    return Answer(200, R"({"data":{"certificate":"c"}})");
  });
  auto result = Client(t, "https://standby:8200")
                    .Request("PUT", ParseSecretPath("pki/issue/web?x=1").value(),
                             nlohmann::json{{"common_name", "a"}}, "hvs.tok");
  ASSERT_TRUE(result.ok()) << result.status();
  const auto requests = t.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].url, "https://active:8200/v1/pki/issue/web?x=1");
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(*requests[1].body, R"({"common_name":"a"})");
  EXPECT_THAT(requests[1].headers, ::testing::Contains(std::make_pair(std::string("X-Vault-Token"), std::string("hvs.tok"))));
}

TEST(VaultClientRedirectTest, ARedirectFromHttpsToHttpIsRefused) {
  FakeTransport t;
  t.SetHandler([](const http::HttpRequest&) -> std::optional<absl::StatusOr<http::HttpResponse>> {
    return Answer(307, "", {{"location", "http://active:8200/v1/auth/kubernetes/login"}});
  });
  auto login = Client(t).Login("kubernetes", "app", "eyJ.SECRET-JWT");
  EXPECT_EQ(login.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(login.status().message(), HasSubstr("redirect would cause protocol downgrade"));
  EXPECT_THAT(login.status().message(), HasSubstr("http://active:8200/v1/auth/kubernetes/login"));
  EXPECT_THAT(login.status().message(), Not(HasSubstr("SECRET-JWT")));
  EXPECT_EQ(t.requests().size(), 1u);  // nothing went out over plain HTTP
}

TEST(VaultClientRedirectTest, OnlyOneRedirectIsFollowed) {
  FakeTransport t;
  t.SetHandler([](const http::HttpRequest& r) -> std::optional<absl::StatusOr<http::HttpResponse>> {
    const std::string next = HostIs(r, "https://a:8200") ? "https://b:8200/v1/x" : "https://c:8200/v1/x";
    return Answer(307, "", {{"location", next}});
  });
  auto result = Client(t, "https://a:8200").Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("another redirect, to https://c:8200/v1/x"));
  EXPECT_THAT(result.status().message(), HasSubstr("redirected from GET https://a:8200/v1/x"));
  EXPECT_EQ(t.requests().size(), 2u);
}

TEST(VaultClientFailoverTest, AnUnreachableOrSealedNodeMovesOnAndTheHealthyOneIsRemembered) {
  for (const bool sealed : {false, true}) {
    FakeTransport t;
    t.SetHandler([sealed](const http::HttpRequest& r) -> std::optional<absl::StatusOr<http::HttpResponse>> {
      if (HostIs(r, "https://vault-0:8200")) {
        if (sealed) return Answer(503, R"({"errors":["Vault is sealed"]})");
        return absl::StatusOr<http::HttpResponse>(absl::UnavailableError("GET https://vault-0:8200/v1/x: Connection refused"));
      }
      return Answer(200, R"({"data":{"a":"b"}})");
    });
    HealthyAddressMemory memory;
    ConnectionConfig c;
    c.address = "https://vault-0:8200, https://vault-1:8200";
    SyncClient client(t, c, RetryPolicy(), &memory);
    ASSERT_TRUE(client.Request("GET", ParseSecretPath("x").value(), std::nullopt, "t").ok());
    ASSERT_EQ(t.requests().size(), 2u);
    EXPECT_TRUE(HostIs(t.requests()[1], "https://vault-1:8200"));
    // The next request, even from another client, starts at the healthy node.
    SyncClient another(t, c, RetryPolicy(), &memory);
    ASSERT_TRUE(another.Request("GET", ParseSecretPath("x").value(), std::nullopt, "t").ok());
    ASSERT_EQ(t.requests().size(), 3u);
    EXPECT_TRUE(HostIs(t.requests()[2], "https://vault-1:8200")) << sealed;
  }
}

TEST(VaultClientFailoverTest, ADenialIsAnAnswerNotAReasonToFailOver) {
  FakeTransport t;
  t.Script("GET", "/v1/x", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  ConnectionConfig c;
  c.address = "https://vault-0:8200,https://vault-1:8200";
  auto result = SyncClient(t, c).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(t.requests().size(), 1u);
}

TEST(VaultClientFailoverTest, WhenEveryNodeFailsTheErrorNamesEachOne) {
  FakeTransport t;
  t.SetHandler([](const http::HttpRequest& r) -> std::optional<absl::StatusOr<http::HttpResponse>> {
    if (HostIs(r, "https://vault-0:8200")) return Answer(503, R"({"errors":["Vault is sealed"]})");
    return absl::StatusOr<http::HttpResponse>(absl::UnavailableError("GET https://vault-1:8200/v1/x: Connection refused"));
  });
  RetryPolicy no_retries;
  no_retries.max_retries = 0;
  ConnectionConfig c;
  c.address = "https://vault-0:8200,https://vault-1:8200";
  auto result = SyncClient(t, c, no_retries).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("https://vault-1:8200/v1/x: Connection refused"));
  EXPECT_THAT(result.status().message(), HasSubstr("after trying https://vault-0:8200 (HTTP 503: Vault is sealed)"));
  EXPECT_EQ(t.requests().size(), 2u);
}

TEST(VaultClientFailoverTest, ASkippedNodesHugeErrorIsShortened) {
  const std::string huge(5'000'000, 'e');
  FakeTransport t;
  t.SetHandler([&](const http::HttpRequest& r) -> std::optional<absl::StatusOr<http::HttpResponse>> {
    if (HostIs(r, "https://vault-0:8200")) return Answer(503, absl::StrCat(R"({"errors":[")", huge, R"("]})"));
    return Answer(404, "{}");
  });
  RetryPolicy no_retries;
  no_retries.max_retries = 0;
  ConnectionConfig c;
  c.address = "https://vault-0:8200,https://vault-1:8200";
  auto result = SyncClient(t, c, no_retries).Request("GET", ParseSecretPath("x").value(), std::nullopt, "t");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_LT(result.status().message().size(), 900u);
  EXPECT_THAT(result.status().message(), HasSubstr("(HTTP 503: eee"));
}

TEST(VaultClientTest, CreateRejectsBadConfiguration) {
  FakeTransport t;
  ConnectionConfig c;
  c.address = "vault:8200";
  EXPECT_THAT(SyncClient(t, c).status().message(), HasSubstr("want http://host:port"));
  c.address = "https://vault-0:8200,vault-1:8200";
  EXPECT_THAT(SyncClient(t, c).status().message(), HasSubstr("\"vault-1:8200\" in"));
  c.address = "https://vault:8200";
  c.tls.client_cert = "/etc/hostname";
  EXPECT_THAT(SyncClient(t, c).status().message(), HasSubstr("both client cert and client key must be provided"));
  c.tls.client_cert.clear();
  c.tls.ca_cert = "/no/such/ca.pem";
  EXPECT_THAT(SyncClient(t, c).status().message(), HasSubstr("not the application pod"));
}

}  // namespace
}  // namespace vcp::vault
