// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mounter.h"

#include <gmock/gmock.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "support/fake_transport.h"

namespace vcp::mount {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::FakeTransport;

class MounterTest : public ::testing::Test {
 protected:
  MounterTest() : tokens_(100), signer_(std::string(32, 'k')) {
    options_.default_connection.address = "https://vault:8200";
    options_.version_key = [] { return std::string(32, 'k'); };
  }

  MountParams Params(const std::string& objects_yaml) {
    MountParams p;
    p.role_name = "app";
    p.pod = {"web-1", "uid-1", "prod", "web"};
    p.sa_tokens["vault"] = "jwt";
    p.objects = ParseObjects(objects_yaml).value();
    p.target_path = "/t";
    return p;
  }

  absl::StatusOr<MountResult> Run(const MountParams& p) {
    Mounter mounter(transport_, tokens_, options_);
    return mounter.Mount(p, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }

  FakeTransport transport_;
  vault::TokenCache tokens_;
  VersionSigner signer_;
  MounterOptions options_;
};

TEST_F(MounterTest, LogsInOnceReadsEachDistinctRequestOnceAndKeepsObjectOrder) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/secret/data/db", 200, testing::KvV2Body(R"({"user":"u","pass":"p"})"));
  auto result = Run(Params(R"(
- {objectName: pass, secretPath: secret/data/db, secretKey: pass, filePermission: 0600}
- {objectName: user, secretPath: /v1/secret/data/db, secretKey: user}
)"));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->files.size(), 2u);
  EXPECT_EQ(result->files[0].path, "pass");
  EXPECT_EQ(result->files[0].contents, "p");
  EXPECT_EQ(result->files[0].mode, 0600u);
  EXPECT_EQ(result->files[1].mode, 0644u);
  EXPECT_EQ(result->versions[1].id, "user");
  EXPECT_EQ(result->versions[1].version, signer_.Sign(Params("- {objectName: user, secretPath: /v1/secret/data/db, secretKey: user}").objects[0], "u"));
  EXPECT_EQ(transport_.CountOf("GET", "/v1/secret/data/db"), 1);
  EXPECT_EQ(result->logins, 1);
  EXPECT_EQ(result->vault_reads, std::vector<std::string>{"GET /v1/secret/data/db"});
}

TEST_F(MounterTest, TokenIsReusedAcrossMountsOfThePod) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  const auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
  ASSERT_TRUE(Run(p).ok());
  auto second = Run(p);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->logins, 0);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/"), 1);
}

TEST_F(MounterTest, ForbiddenCachedTokenTriggersOneReloginAndOneRetry) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("old"));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("new"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v1"}})");
  const auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
  ASSERT_TRUE(Run(p).ok());
  transport_.Reset("GET", "/v1/kv/a");
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied"]})");
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v2"}})");
  auto result = Run(p);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->files[0].contents, "v2");
  EXPECT_EQ(result->logins, 1);
  const auto requests = transport_.requests();
  EXPECT_THAT(requests.back().headers, ::testing::Contains(std::make_pair(std::string("X-Vault-Token"), std::string("new"))));
}

TEST_F(MounterTest, DenialRightAfterAFreshLoginIsNotRetried) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  auto result = Run(Params("- {objectName: a, secretPath: kv/a, secretKey: k}"));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("couldn't read secret \"a\" from Vault path \"kv/a\": GET https://vault:8200/v1/kv/a: Vault answered 403: permission denied"));
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/"), 1);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 1);
}

TEST_F(MounterTest, AnyFailingObjectFailsTheWholeMount) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  auto result = Run(Params("- {objectName: a, secretPath: kv/a, secretKey: k}\n- {objectName: b, secretPath: kv/b, secretKey: k}"));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("\"b\""));
}

TEST_F(MounterTest, NoDriverTokenExplainsTokenRequestsAndCallsNoVault) {
  auto p = Params("- {objectName: a, secretPath: kv/a}");
  p.sa_tokens.clear();
  p.audience = "custom";
  auto result = Run(p);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("tokenRequests[0].audience=custom"));
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(MounterTest, WithoutADriverTokenTheFallbackTokenIsUsedOnlyForLogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  int minted = 0;
  options_.request_token = [&](const MountParams& p, vault::Deadline) -> absl::StatusOr<std::string> {
    ++minted;
    EXPECT_EQ(p.pod.name, "web-1");
    return std::string("minted-jwt");
  };
  auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
  p.sa_tokens.clear();
  ASSERT_TRUE(Run(p).ok());
  ASSERT_TRUE(Run(p).ok());
  EXPECT_EQ(minted, 1) << "a cached Vault token needs no new JWT";
  EXPECT_THAT(*transport_.requests().at(0).body, HasSubstr("minted-jwt"));
}

// A login that grants `ttl` seconds.
std::string LoginWithTtl(const std::string& token, int64_t ttl, bool renewable) {
  return absl::StrCat(R"({"auth":{"client_token":")", token, R"(","lease_duration":)", ttl,
                      R"(,"renewable":)", renewable ? "true" : "false", "}}");
}

class MounterClockTest : public MounterTest {
 protected:
  MounterClockTest() {
    options_.now = [this] { return now_; };
    transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  }
  MountParams P() { return Params("- {objectName: a, secretPath: kv/a, secretKey: k}"); }
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

TEST_F(MounterClockTest, RenewableTokenIsRenewedAtTwoThirdsOfItsTtl) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, LoginWithTtl("tok", 3600, true));
  ASSERT_TRUE(Run(P()).ok());
  now_ += std::chrono::seconds(2399);
  ASSERT_TRUE(Run(P()).ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 0);
  now_ += std::chrono::seconds(2);
  ASSERT_TRUE(Run(P()).ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 1);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 1);
  now_ += std::chrono::seconds(2401);  // the renewal granted another full TTL
  ASSERT_TRUE(Run(P()).ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 2);
}

TEST_F(MounterClockTest, NonRenewableOrCappedTokensAreReplacedByALogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("batch", 600, false));
  ASSERT_TRUE(Run(P()).ok());
  now_ += std::chrono::seconds(401);
  auto second = Run(P());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->logins, 1);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 0);
  // A renewable token whose renewal is capped near its max TTL is replaced too.
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3000, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, LoginWithTtl("tok", 60, true));
  now_ += std::chrono::seconds(401);
  ASSERT_TRUE(Run(P()).ok());  // login (the batch token expired), TTL 3000
  now_ += std::chrono::seconds(2001);
  auto capped = Run(P());
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 1);
  EXPECT_EQ(capped->logins, 1);
}

TEST_F(MounterClockTest, PolicyDenialCausesNoLoginStorm) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Script("GET", "/v1/kv/denied", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  const auto p = Params("- {objectName: a, secretPath: kv/denied, secretKey: k}");
  for (int i = 0; i < 100; ++i) {
    now_ += std::chrono::seconds(1);
    auto result = Run(p);
    ASSERT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
    if (i > 1) {
      EXPECT_THAT(std::string(result.status().message()), HasSubstr("check the role's policies"));
    }
  }
  EXPECT_LE(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 2);
  now_ += std::chrono::minutes(6);  // a role fixed meanwhile gets one more chance
  (void)Run(p);
  EXPECT_LE(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 3);
}

TEST_F(MounterClockTest, RevokedTokenRecoversAndLaterRevocationsRecoverToo) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  ASSERT_TRUE(Run(P()).ok());
  for (int round = 0; round < 2; ++round) {  // revoked twice within the denial interval
    transport_.Reset("GET", "/v1/kv/a");
    transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied","invalid token"]})");
    transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
    now_ += std::chrono::seconds(10);
    EXPECT_TRUE(Run(P()).ok()) << "round " << round;
  }
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 3);
}

TEST_F(MounterClockTest, AnInvalidTokenAlwaysGetsItsReloginEvenRightAfterADenial) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Script("GET", "/v1/kv/denied", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  ASSERT_FALSE(Run(Params("- {objectName: a, secretPath: kv/denied, secretKey: k}")).ok());  // a denial re-login
  const int logins = transport_.CountOf("POST", "/v1/auth/kubernetes/login");
  transport_.Reset("GET", "/v1/kv/a");
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied","invalid token"]})");
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  now_ += std::chrono::seconds(1);  // well within the denial interval
  auto result = Run(P());
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), logins + 1);
}

TEST_F(MounterClockTest, AnInvalidTokenRightAfterTheLoginIsRetriedOnce) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Reset("GET", "/v1/kv/a");
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied","invalid token"]})");
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  auto result = Run(P());
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 2);
}

class MounterLeaseTest : public MounterClockTest {
 protected:
  MounterLeaseTest() {
    transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 36000, true));
    transport_.Script("GET", "/v1/database/creds/app", 200,
                      R"({"lease_id":"database/creds/app/1","lease_duration":3600,"renewable":true,"data":{"username":"u1","password":"p1"}})");
    transport_.Script("GET", "/v1/database/creds/app", 200,
                      R"({"lease_id":"database/creds/app/2","lease_duration":3600,"renewable":true,"data":{"username":"u2","password":"p2"}})");
  }
  MountParams Db(const std::string& extra = "") {
    return Params("- {objectName: user, secretPath: database/creds/app, secretKey: username" + extra +
                  "}\n- {objectName: pass, secretPath: database/creds/app, secretKey: password}");
  }
};

TEST_F(MounterLeaseTest, LeasedCredentialsAreReusedUntilTwoThirdsOfTheLease) {
  auto first = Run(Db());
  ASSERT_TRUE(first.ok());
  now_ += std::chrono::seconds(2399);
  auto poll = Run(Db());
  ASSERT_TRUE(poll.ok());
  EXPECT_EQ(poll->reused, 1);
  EXPECT_EQ(poll->files[0].contents, "u1");
  EXPECT_EQ(poll->versions[0].version, first->versions[0].version) << "same credential, same version: no rotation event";
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 1);
  now_ += std::chrono::seconds(2);
  auto fresh = Run(Db());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->reused, 0);
  EXPECT_EQ(fresh->files[0].contents, "u2");
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2);
}

TEST_F(MounterLeaseTest, StaticSecretsAreAlwaysReadFresh) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Run(P()).ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 3);
}

TEST_F(MounterLeaseTest, CertificatesAreReusedUntilTwoThirdsOfTheirValidity) {
  const int64_t in_an_hour = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count() + 3600;
  transport_.Script("PUT", "/v1/pki/issue/web", 200,
                    absl::StrCat(R"({"lease_id":"","lease_duration":0,"data":{"certificate":"C1","expiration":)", in_an_hour, "}}"));
  const auto p = Params("- {objectName: c, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: a}, secretKey: certificate}");
  ASSERT_TRUE(Run(p).ok());
  now_ += std::chrono::minutes(30);
  ASSERT_TRUE(Run(p).ok());
  EXPECT_EQ(transport_.CountOf("PUT", "/v1/pki/issue/web"), 1);
  now_ += std::chrono::minutes(11);  // past 40 minutes
  ASSERT_TRUE(Run(p).ok());
  EXPECT_EQ(transport_.CountOf("PUT", "/v1/pki/issue/web"), 2);
}

TEST_F(MounterLeaseTest, ACertificateWithAnOutOfRangeExpirationIsIssuedAgain) {
  // -2^63 - now overflows; 10^13 (the year 318,857) overflowed in nanoseconds
  // into a reuse window of about 200 years.
  for (const char* expiration :
       {"-9223372036854775808", "10000000000000", "9223372036854775807", "18446744073709551615"}) {
    transport_.Reset("PUT", "/v1/pki/issue/web");
    transport_.Script("PUT", "/v1/pki/issue/web", 200,
                      absl::StrCat(R"({"lease_id":"","lease_duration":0,"data":{"certificate":"C1","expiration":)",
                                   expiration, "}}"));
    const auto p = Params("- {objectName: c, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: a}, secretKey: certificate}");
    const int before = transport_.CountOf("PUT", "/v1/pki/issue/web");
    ASSERT_TRUE(Run(p).ok());
    auto second = Run(p);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->reused, 0) << expiration;
    EXPECT_EQ(transport_.CountOf("PUT", "/v1/pki/issue/web"), before + 2) << expiration;
  }
}

TEST_F(MounterLeaseTest, AnOutOfRangeLeaseDurationIsNotReused) {
  for (const char* duration : {"10000000000000", "9223372036854775807"}) {
    transport_.Reset("GET", "/v1/database/creds/app");
    transport_.Script("GET", "/v1/database/creds/app", 200,
                      absl::StrCat(R"({"lease_id":"database/creds/app/1","lease_duration":)", duration,
                                   R"(,"data":{"username":"u1","password":"p1"}})"));
    const int before = transport_.CountOf("GET", "/v1/database/creds/app");
    ASSERT_TRUE(Run(Db()).ok());
    auto second = Run(Db());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->reused, 0) << duration;
    EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), before + 2) << duration;
  }
}

TEST_F(MounterClockTest, ATokenWithAnOutOfRangeTtlIsRefreshedAtTheNextMount) {
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  // 317,000 years: two thirds of it in nanoseconds overflowed, and the token was never refreshed.
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 10'000'000'000'000, false));
  ASSERT_TRUE(Run(P()).ok());
  ASSERT_TRUE(Run(P()).ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 2);
}

TEST_F(MounterLeaseTest, ReuseCanBeTurnedOffPerObjectOrEverywhere) {
  ASSERT_TRUE(Run(Db(", reuseLease: false")).ok());
  ASSERT_TRUE(Run(Db(", reuseLease: false")).ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2) << "one object opting out makes the shared read fresh";
  options_.lease_reuse = false;
  ASSERT_TRUE(Run(Db()).ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 3);
}

TEST_F(MounterLeaseTest, ANewTokenDropsTheOldTokensLeases) {
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("short", 600, false));
  ASSERT_TRUE(Run(Db()).ok());
  now_ += std::chrono::seconds(401);  // the token is replaced by a login; its leases die with it in Vault
  auto after = Run(Db());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->reused, 0);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2);
}

TEST_F(MounterLeaseTest, LeasesAreNeverSharedBetweenPods) {
  ASSERT_TRUE(Run(Db()).ok());
  auto other = Db();
  other.pod.uid = "uid-2";
  auto result = Run(other);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reused, 0);
  EXPECT_EQ(result->files[0].contents, "u2");
}

TEST_F(MounterTest, SpcConnectionLayerAndAuthMountAreUsed) {
  transport_.Script("POST", "/v1/auth/cluster-b/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
  p.auth_mount = "cluster-b";
  p.connection.address = "https://other:8200";
  ASSERT_TRUE(Run(p).ok());
  EXPECT_EQ(transport_.requests().at(0).url, "https://other:8200/v1/auth/cluster-b/login");
}

TEST_F(MounterTest, ErrorsNeverContainTokensOrValues) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("hvs.CANARY-TOKEN"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"CANARY-VALUE"}})");
  auto result = Run(Params("- {objectName: a, secretPath: kv/a, secretKey: missing}"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("CANARY")));
}

TEST_F(MounterTest, ResponsesOverTheMountsBudgetFailNamingTheObjectAndTheLimit) {
  options_.max_mount_response_bytes = 1000;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, absl::StrCat(R"({"data":{"k":")", std::string(600, 'a'), R"("}})"));
  transport_.Script("GET", "/v1/kv/b", 200, absl::StrCat(R"({"data":{"k":")", std::string(600, 'b'), R"("}})"));
  ASSERT_TRUE(Run(Params("- {objectName: a, secretPath: kv/a, secretKey: k}")).ok()) << "one fits";
  auto result = Run(Params(R"(
- {objectName: a, secretPath: kv/a, secretKey: k}
- {objectName: b, secretPath: kv/b, secretKey: k}
)"));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(std::string(result.status().message()),
              AllOf(HasSubstr("couldn't read secret \""), HasSubstr("from Vault path \"kv/"),
                    HasSubstr("1000 bytes per Mount (-max-mount-response-bytes)")));
}

TEST_F(MounterTest, TheTotalResponseBudgetIsGivenBackWhenAMountEnds) {
  options_.max_mount_response_bytes = 0;
  options_.max_total_response_bytes = 1000;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, absl::StrCat(R"({"data":{"k":")", std::string(600, 'a'), R"("}})"));
  transport_.Script("GET", "/v1/kv/big", 200, absl::StrCat(R"({"data":{"k":")", std::string(1000, 'b'), R"("}})"));
  Mounter mounter(transport_, tokens_, options_);
  const auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(5); };
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(mounter.Mount(Params("- {objectName: a, secretPath: kv/a, secretKey: k}"), deadline()).ok()) << i;
  }
  auto big = mounter.Mount(Params("- {objectName: a, secretPath: kv/big, secretKey: k}"), deadline());
  EXPECT_TRUE(absl::IsResourceExhausted(big.status())) << big.status();
  EXPECT_THAT(std::string(big.status().message()), HasSubstr("(-max-total-response-bytes)"));
}

TEST_F(MounterTest, LargeLeasedResponsesAreNotKeptForReuse) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  const std::string leased = absl::StrCat(R"({"lease_id":"db/creds/app/1","lease_duration":3600,"data":{"k":")",
                                          std::string(300 << 10, 'p'), R"("}})");
  transport_.Script("GET", "/v1/db/creds/app", 200, leased);
  const auto p = Params("- {objectName: a, secretPath: db/creds/app, secretKey: k}");
  ASSERT_TRUE(Run(p).ok());
  ASSERT_TRUE(Run(p).ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/db/creds/app"), 2) << "300 KiB is over the 256 KiB kept per lease";
}

TEST_F(MounterTest, LeasesPastTheirReuseWindowAreDroppedAtThePodsNextMount) {
  auto now = std::chrono::steady_clock::time_point() + std::chrono::hours(1);
  options_.now = [&] { return now; };
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/db/creds/a", 200, R"({"lease_id":"db/creds/a/1","lease_duration":60,"data":{"k":"a"}})");
  transport_.Script("GET", "/v1/kv/b", 200, R"({"data":{"k":"b"}})");
  ASSERT_TRUE(Run(Params("- {objectName: a, secretPath: db/creds/a, secretKey: k}")).ok());
  now += std::chrono::seconds(50);  // past two thirds of 60 s
  ASSERT_TRUE(Run(Params("- {objectName: b, secretPath: kv/b, secretKey: k}")).ok());
  auto sessions = tokens_.TakeAll();
  ASSERT_EQ(sessions.size(), 1u);
  std::lock_guard<std::mutex> lock(sessions[0]->mu);
  EXPECT_TRUE(sessions[0]->leases.empty()) << "the pod no longer reads db/creds/a: its stale lease is gone";
}

// Requests to the host "hung" wait until released; others go to `inner`.
class HangingTransport final : public http::HttpTransport {
 public:
  explicit HangingTransport(http::HttpTransport& inner) : inner_(&inner) {}
  absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest& request) override {
    if (absl::AsciiStrToLower(request.url).find("://hung:") == std::string::npos) return inner_->Send(request);
    std::unique_lock<std::mutex> lock(mu_);
    ++hanging_;
    released_cv_.wait(lock, [&] { return released_; });
    return absl::UnavailableError("hung up");
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    released_cv_.notify_all();
  }
  int hanging() {
    std::lock_guard<std::mutex> lock(mu_);
    return hanging_;
  }

 private:
  http::HttpTransport* inner_;
  std::mutex mu_;
  std::condition_variable released_cv_;
  bool released_ = false;
  int hanging_ = 0;
};

TEST_F(MounterTest, AHungVaultTakesOnlyItsShareOfTheMountSlots) {
  options_.max_concurrent_mounts = 8;  // a share of 2 per address
  options_.retry.max_retries = 0;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  HangingTransport hanging(transport_);
  Mounter mounter(hanging, tokens_, options_);
  std::vector<std::thread> tenants;
  std::atomic<int> waited_for_share{0};
  for (int i = 0; i < 10; ++i) {
    tenants.emplace_back([&, i] {
      auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
      p.pod.uid = absl::StrCat("hung-", i);
      p.connection.address = i % 2 == 0 ? "https://hung:8200" : "https://HUNG:8200/";  // one address, two spellings
      auto result = mounter.Mount(p, std::chrono::steady_clock::now() + std::chrono::milliseconds(500));
      if (absl::IsDeadlineExceeded(result.status()) &&
          absl::StrContains(result.status().message(), "-max-concurrent-mounts-per-vault")) {
        ++waited_for_share;
      }
    });
  }
  while (hanging.hanging() < 2) std::this_thread::yield();
  const auto started = std::chrono::steady_clock::now();
  auto healthy = mounter.Mount(Params("- {objectName: a, secretPath: kv/a, secretKey: k}"),
                               std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
  EXPECT_TRUE(healthy.ok()) << healthy.status();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the waiters give up at their deadline
  hanging.Release();
  for (auto& tenant : tenants) tenant.join();
  EXPECT_EQ(hanging.hanging(), 2) << "only the address's share reached the hung Vault";
  EXPECT_EQ(waited_for_share.load(), 8);
}

TEST_F(MounterTest, WithOneMountSlotTheNodeWideLimitSaysWhyAMountWaits) {
  options_.max_concurrent_mounts = 1;  // a quarter of 1 is every slot: no per-address share
  options_.retry.max_retries = 0;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  HangingTransport hanging(transport_);
  Mounter mounter(hanging, tokens_, options_);
  std::thread first([&] {
    auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
    p.connection.address = "https://hung:8200";
    (void)mounter.Mount(p, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  });
  while (hanging.hanging() < 1) std::this_thread::yield();
  auto p = Params("- {objectName: a, secretPath: kv/a, secretKey: k}");
  p.connection.address = "https://hung:8200";
  auto second = mounter.Mount(p, std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("(-max-concurrent-mounts)"));
  hanging.Release();
  first.join();
}

TEST_F(MounterTest, QueryStringsStayOutOfErrors) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/app", 403, R"({"errors":["permission denied"]})");
  transport_.Fail("GET", "/v1/kv/down", absl::UnavailableError("GET https://vault:8200/v1/kv/down: refused"));
  for (const char* yaml : {"- {objectName: a, secretPath: \"kv/app?token=CANARY\", secretKey: k}",
                           "- {objectName: a, secretPath: \"kv/down?token=CANARY\", secretKey: k}",
                           "- {objectName: a, secretPath: \"kv/app?token=%CANARY\", secretKey: k}"}) {
    auto result = Run(Params(yaml));
    ASSERT_FALSE(result.ok()) << yaml;
    EXPECT_THAT(std::string(result.status().message()), AllOf(HasSubstr("kv/"), Not(HasSubstr("CANARY")),
                                                              Not(HasSubstr("token="))))
        << yaml;
  }
}

TEST_F(MounterTest, AHexValueThatIsNotHexNamesThePositionNotTheByte) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"00ffSECRET-CANARY"}})");
  auto result = Run(Params("- {objectName: a, secretPath: kv/a, secretKey: k, encoding: hex}"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              AllOf(HasSubstr("invalid byte at input byte 4"), Not(HasSubstr("'S'")), Not(HasSubstr("U+0053"))));
}

TEST_F(MounterTest, AHugeVaultErrorIsShortened) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 500, absl::StrCat(R"({"errors":[")", std::string(5'000'000, 'e'), R"("]})"));
  auto result = Run(Params("- {objectName: a, secretPath: kv/a, secretKey: k}"));
  ASSERT_FALSE(result.ok());
  EXPECT_LT(result.status().message().size(), 1000u);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("… (5000000 bytes)"));
}

}  // namespace
}  // namespace vcp::mount
