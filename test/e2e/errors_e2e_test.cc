// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: bad input and a misbehaving Vault. Every failure is a clear
// gRPC error with a meaningful code, no files, and the daemon keeps serving.
#include <gmock/gmock.h>

#include <functional>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class ErrorsE2eTest : public E2eTest {
 protected:
  // The provider still mounts a good class afterwards.
  void ExpectStillServing() {
    auto out = Send(Mount("- {objectName: ok, secretPath: secret/data/app, secretKey: username}"));
    EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  }
};

const char kOneObject[] = "- {objectName: a, secretPath: secret/data/app, secretKey: username}";

TEST_F(ErrorsE2eTest, RoleThatDoesNotAllowTheServiceAccountPassesVaultsReasonThrough) {
  StartProvider();
  Pod pod;
  pod.service_account = "intruder";
  auto out = Send(Mount(kOneObject, pod));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("service account name not authorized"), HasSubstr("role \"app\""),
                    HasSubstr("/v1/auth/kubernetes/login")));
  EXPECT_EQ(out.response.files_size(), 0);
  ExpectStillServing();
}

TEST_F(ErrorsE2eTest, PolicyDenialNamesObjectAndPathAndReturnsNoFiles) {
  StartProvider();
  auto out = Send(Mount(R"(
- {objectName: allowed, secretPath: secret/data/app, secretKey: username}
- {objectName: denied, secretPath: secret/metadata/app}
)"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("\"denied\""), HasSubstr("secret/metadata/app"), HasSubstr("permission denied")));
  EXPECT_EQ(out.response.files_size(), 0) << "all or nothing";
}

TEST_F(ErrorsE2eTest, HostileObjectNameFailsBeforeAnyVaultCall) {
  StartProvider();
  for (const char* name : {"../../etc/passwd", "/etc/shadow", "a/../../b", "..hidden", "a//b", "./a"}) {
    auto out = Send(Mount(absl::StrCat("- {objectName: \"", name, "\", secretPath: secret/data/app}")));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(out.status.error_message(), HasSubstr("invalid objectName")) << name;
  }
  EXPECT_EQ(vault_->Count("total"), 0);
}

TEST_F(ErrorsE2eTest, MalformedSecretProviderClassesGetTheIncumbentsTexts) {
  StartProvider();
  auto mount = Mount(kOneObject);
  mount.parameters.erase("roleName");
  EXPECT_THAT(Send(mount).status.error_message(), HasSubstr("missing 'roleName' in SecretProviderClass definition"));
  mount = Mount("");
  EXPECT_THAT(Send(mount).status.error_message(),
              HasSubstr("no secrets configured - the provider will not read any secret material"));
  mount = Mount(absl::StrCat(kOneObject, "\n", kOneObject));
  EXPECT_THAT(Send(mount).status.error_message(),
              HasSubstr("each `objectName` within a SecretProviderClass must be unique, but the following keys were duplicated: a"));
  mount = Mount(kOneObject);
  mount.parameters["vaultAuthMountPath"] = "a";
  mount.parameters["vaultKubernetesMountPath"] = "b";
  EXPECT_THAT(Send(mount).status.error_message(), HasSubstr("cannot set both vaultKubernetesMountPath and vaultAuthMountPath"));
  mount = Mount("objectName: a\nsecretPath: x\n");
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("expected a YAML list"));
  mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username, encoding: rot13}");
  EXPECT_THAT(Send(mount).status.error_message(), HasSubstr("invalid encoding type. Should be utf-8, base64, or hex"));
  EXPECT_EQ(vault_->Count("total"), 0);
}

TEST_F(ErrorsE2eTest, MissingDriverTokenExplainsTokenRequests) {
  StartProvider();
  auto mount = Mount(kOneObject);
  mount.tokens.clear();
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("tokenRequests"), HasSubstr("audience \"vault\"")));
}

TEST_F(ErrorsE2eTest, MissingKeyNamesKeyPathAndTheKeysThatExist) {
  StartProvider();
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: pasword}"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("key \"pasword\" does not exist"), HasSubstr("secret/data/app"), HasSubstr("\"password\"")));
  EXPECT_THAT(out.status.error_message(), Not(HasSubstr("s3cr3t"))) << "values never appear in errors";
}

TEST_F(ErrorsE2eTest, AKvV2PathWithoutDataIsReadAtItsDataPath) {
  auto& provider = StartProvider();
  auto mount = Mount("- {objectName: a, secretPath: secret/app, secretKey: username}");
  mount.parameters["roleName"] = "broad";  // a policy on secret/*: Vault's ACL lets the request reach KV
  auto out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "app-user") << "secretKey works on the KV v2 data";
  EXPECT_THAT(provider.Log(), HasSubstr("reads \"/v1/secret/app\" on a KV v2 mount: it is read at "
                                        "\"/v1/secret/data/app\"; write that path to skip the extra requests"));
  auto again = Send(mount);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(vault_->Count("GET /v1/secret/app"), 1) << "learned: the next Mount reads the /data/ path at once";
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/app"), 2);
  EXPECT_EQ(again.response.object_version(0).version(), out.response.object_version(0).version());
}

TEST_F(ErrorsE2eTest, AMissingKvV2SecretIsStillNotFoundWithNoExtraRequest) {
  StartProvider();
  auto mount = Mount("- {objectName: a, secretPath: secret/data/missing, secretKey: username}");
  mount.parameters["roleName"] = "broad";
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::NOT_FOUND) << out.status.error_message();
  EXPECT_EQ(vault_->Count("GET /v1/secret/data/missing"), 1);
  EXPECT_EQ(vault_->Counters().count("GET /v1/sys/internal/ui/mounts/secret/data/missing"), 0u);
}

TEST_F(ErrorsE2eTest, VaultDownIsUnavailableAndNamesTheAddress) {
  StartProvider();
  auto mount = Mount(kOneObject);
  mount.parameters["vaultAddress"] = "https://127.0.0.1:9";
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(out.status.error_message(), HasSubstr("https://127.0.0.1:9/v1/auth/kubernetes/login"));
  ExpectStillServing();
}

TEST_F(ErrorsE2eTest, SealedVaultIsUnavailableWithVaultsText) {
  StartProvider({}, {"VAULT_MAX_RETRIES=0"});
  vault_->SetSealed(true);
  auto out = Send(Mount(kOneObject));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(out.status.error_message(), HasSubstr("Vault is sealed"));
}

TEST_F(ErrorsE2eTest, GarbageResponsesGiveClearErrorsAndTheDaemonKeepsServing) {
  StartProvider();
  struct Case {
    Fault fault;
    const char* expect;
  };
  // The login case first: later pods of the service account share the
  // token the next case's login gets, and log in no more.
  const std::vector<Case> cases = {
      {{"POST", "/v1/auth/", 200, "{\"auth\": null}", {}, {}, -1}, "no auth.client_token"},
      {{"GET", "/v1/secret/", 204, "", {}, {}, -1}, "empty body"},
      {{"GET", "/v1/secret/", 200, "{\"data\": [1, 2", {}, {}, -1}, "not a JSON object"},
      {{"GET", "/v1/secret/", 200, "{\"data\": null, \"warnings\": [\"gone\"]}", {}, {}, -1}, "data is null"},
  };
  for (const auto& c : cases) {
    vault_->ClearFaults();
    vault_->AddFault(c.fault);
    Pod pod;
    pod.uid = absl::StrCat("uid-", c.expect);  // a fresh pod
    auto out = Send(Mount(kOneObject, pod));
    EXPECT_FALSE(out.status.ok()) << c.expect;
    EXPECT_THAT(out.status.error_message(), HasSubstr(c.expect));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INTERNAL) << c.expect << " is not transient";
  }
  // A proxy's 502 is transient: UNAVAILABLE, which the driver retries.
  vault_->ClearFaults();
  vault_->AddFault({"GET", "/v1/secret/", 502, "<html>bad gateway</html>", {}, {}, -1});
  auto out = Send(Mount(kOneObject));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("502"), HasSubstr("unexpected response body"),
                                                Not(HasSubstr("bad gateway"))));
  vault_->ClearFaults();
  ExpectStillServing();
}

// The caller's gRPC client enforces its own deadline: when it fires, the
// caller gets gRPC's bare "Deadline Exceeded" whether or not the provider
// noticed. So the test asks for the provider's own status (its code, its text
// naming what Vault did not answer) and for it to arrive before the caller's
// deadline: a provider that ignored the deadline fails both.
TEST_F(ErrorsE2eTest, SlowVaultNeverHoldsTheCallerPastItsDeadline) {
  StartProvider();
  const auto caller_deadline = std::chrono::milliseconds(2000);
  struct Case {
    const char* what;
    const char* uid;
    bool logged_in;  // whether the pod has a cached token before Vault slows down
    std::function<void()> slow_down;
    std::vector<std::string> named;  // what the provider's message names
  };
  const std::vector<Case> cases = {
      {"a slow login", "uid-slow-login", false, [] { vault_->SetLatency(std::chrono::milliseconds(5000)); },
       {"POST", "/v1/auth/kubernetes/login"}},
      {"a slow read", "uid-slow-read", true, [] { vault_->AddFault({"GET", "/v1/secret/", 0, {}, {}, std::chrono::milliseconds(5000), -1}); },
       {"couldn't read secret \"a\"", "secret/data/app"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    vault_->SetLatency(std::chrono::milliseconds(0));
    vault_->ClearFaults();
    Pod pod;
    pod.uid = c.uid;  // a fresh pod: a login, then (maybe) a cached token
    if (c.logged_in) {
      ASSERT_TRUE(Send(Mount(kOneObject, pod)).status.ok());
    }
    c.slow_down();
    const auto started = std::chrono::steady_clock::now();
    auto out = Send(Mount(kOneObject, pod), caller_deadline);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_THAT(out.status.error_code(),
                ::testing::AnyOf(grpc::StatusCode::DEADLINE_EXCEEDED, grpc::StatusCode::UNAVAILABLE));
    EXPECT_NE(out.status.error_message(), "Deadline Exceeded") << "gRPC's own status: the provider never answered";
    for (const std::string& name : c.named) {
      EXPECT_THAT(out.status.error_message(), HasSubstr(name));
    }
    EXPECT_LT(elapsed, caller_deadline) << "the provider's answer came after the caller's deadline";
    EXPECT_EQ(out.response.files_size(), 0);
  }
  vault_->SetLatency(std::chrono::milliseconds(0));
  vault_->ClearFaults();
}

TEST_F(ErrorsE2eTest, PersistentRateLimitSaysSoWithRetryAfter) {
  StartProvider({}, {"VAULT_MAX_RETRIES=1"});
  vault_->AddFault({"", "/v1/", 429, R"({"errors":["request path \"secret/data/app\": rate limit quota exceeded"]})", "1", {}, -1});
  auto out = Send(Mount(kOneObject));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("rate limit quota exceeded"), HasSubstr("Retry-After: 1")));
  EXPECT_EQ(vault_->Count("total"), 2) << "one try and VAULT_MAX_RETRIES=1 retry";
}

TEST_F(ErrorsE2eTest, RateLimitWithRetryAfterRecovers) {
  StartProvider();
  vault_->AddFault({"GET", "/v1/secret/", 429, R"({"errors":["rate limit quota exceeded"]})", "1", {}, 1});
  const auto started = std::chrono::steady_clock::now();
  auto out = Send(Mount(kOneObject));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(950)) << "Retry-After honoured";
}

TEST_F(ErrorsE2eTest, BrieflySealedOrOverloadedVaultRecovers) {
  StartProvider();
  vault_->AddFault({"", "/v1/", 503, R"({"errors":["Vault is sealed"]})", {}, {}, 2});
  auto out = Send(Mount(kOneObject));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(vault_->Count("POST /v1/auth/kubernetes/login"), 3);
}

}  // namespace
}  // namespace vcp::testing
