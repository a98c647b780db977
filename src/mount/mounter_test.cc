// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mounter.h"

#include <dirent.h>
#include <gmock/gmock.h>

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "vcp/util/encoding.h"

namespace vcp::mount {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::FakeTransport;

// The driver's token for service account prod/web (its signature a canary).
const std::string kWebJwt = absl::StrCat(EncodeBase64RawUrl(R"({"alg":"RS256"})"), ".",
                                         EncodeBase64RawUrl(R"({"sub":"system:serviceaccount:prod:web"})"),
                                         ".CANARY-JWT");

// What a Mount answered, once.
struct Outcome {
  bool answered = false;
  int answers = 0;
  absl::StatusOr<MountResult> result = absl::UnknownError("no answer");
  MountReport report;
};

// A Mount started and not necessarily answered yet.
using PendingMount = std::shared_ptr<Outcome>;

class MounterTest : public ::testing::Test {
 protected:
  MounterTest() : signer_(std::string(32, 'k')) {
    options_.default_connection.address = "https://vault:8200";
    options_.version_key = [](Deadline, Callback<std::string> done) { done(std::string(32, 'k')); };
  }

  // The attributes the driver sends for pod `pod` ("name" or "name/uid")
  // mounting `objects_yaml`, with `extra` attributes added or replaced.
  MountRequest Request(const std::string& objects_yaml, std::map<std::string, std::string> extra = {},
                       const std::string& pod = "web-1") {
    nlohmann::json attributes = {
        {"roleName", "app"},
        {"objects", objects_yaml},
        {"secretProviderClass", "app-secrets"},
        {"csi.storage.k8s.io/pod.name", pod},
        {"csi.storage.k8s.io/pod.uid", "uid-" + pod},
        {"csi.storage.k8s.io/pod.namespace", "prod"},
        {"csi.storage.k8s.io/serviceAccount.name", "web"},
        {"csi.storage.k8s.io/serviceAccount.tokens",
         absl::StrCat(R"({"vault":{"token":")", kWebJwt, R"(","expirationTimestamp":"2030-01-01T00:00:00Z"}})")},
    };
    for (auto& [key, value] : extra) {
      if (value == "<unset>") {
        attributes.erase(key);
      } else {
        attributes[key] = value;
      }
    }
    return MountRequest{attributes.dump(), "{}", "/var/lib/kubelet/pods/x/volumes/y", "420"};
  }

  Mounter& mounter() {
    if (!mounter_) mounter_ = std::make_unique<Mounter>(MounterServices{&transport_, &clock_, &metrics_}, options_);
    return *mounter_;
  }
  // A new Mounter with the current options_ (its sessions start empty).
  void Remake() { mounter_.reset(); }

  PendingMount Start(MountRequest request, std::chrono::milliseconds within = std::chrono::seconds(5),
                     http::HttpTransport* transport = nullptr) {
    auto outcome = std::make_shared<Outcome>();
    Mounter& m = transport == nullptr ? mounter() : *(other_ = std::make_unique<Mounter>(
                                                          MounterServices{transport, &clock_, &metrics_}, options_));
    m.Mount(std::move(request), clock_.Now() + within, [outcome](absl::StatusOr<MountResult> result, MountReport report) {
      outcome->answered = true;
      ++outcome->answers;
      outcome->result = std::move(result);
      outcome->report = std::move(report);
    });
    return outcome;
  }

  // Mounts; the fake transport answers inside the call, and the clock runs
  // any retry back-off, so the Mount has answered when this returns.
  Outcome Run(MountRequest request) {
    PendingMount pending = Start(std::move(request));
    while (!pending->answered) {
      const std::optional<std::chrono::nanoseconds> next = clock_.NextTaskIn();
      if (!next.has_value()) break;
      clock_.Advance(*next);
    }
    EXPECT_TRUE(pending->answered) << "a Mount whose Vault answers at once answers at once";
    EXPECT_EQ(pending->answers, 1);
    return *pending;
  }

  FakeTransport transport_;
  testing::FakeClock clock_;
  Metrics metrics_;
  VersionSigner signer_;
  MounterOptions options_;
  std::unique_ptr<Mounter> mounter_;
  std::unique_ptr<Mounter> other_;
};

TEST_F(MounterTest, LogsInOnceReadsEachDistinctRequestOnceAndKeepsObjectOrder) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/secret/data/db", 200, testing::KvV2Body(R"({"user":"u","pass":"p"})"));
  auto out = Run(Request(R"(
- {objectName: pass, secretPath: secret/data/db, secretKey: pass, filePermission: 0600}
- {objectName: user, secretPath: /v1/secret/data/db, secretKey: user}
)"));
  ASSERT_TRUE(out.result.ok()) << out.result.status();
  ASSERT_EQ(out.result->files.size(), 2u);
  EXPECT_EQ(out.result->files[0].path, "pass");
  EXPECT_EQ(out.result->files[0].contents, "p");
  EXPECT_EQ(out.result->files[0].mode, 0600u);
  EXPECT_EQ(out.result->files[1].mode, 0644u);
  EXPECT_EQ(out.result->versions[1].id, "user");
  EXPECT_EQ(out.result->versions[1].version,
            signer_.Sign(ParseObjects("- {objectName: user, secretPath: /v1/secret/data/db, secretKey: user}")->at(0), "u"));
  EXPECT_EQ(transport_.CountOf("GET", "/v1/secret/data/db"), 1);
  EXPECT_EQ(out.report.logins, 1);
  EXPECT_EQ(out.report.vault_reads, std::vector<std::string>{"GET /v1/secret/data/db"});
  EXPECT_EQ(out.report.pod, "prod/web-1");
  EXPECT_EQ(out.report.secret_provider_class, "app-secrets");
}

TEST_F(MounterTest, TokenIsReusedAcrossMountsOfThePod) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  const auto r = Request("- {objectName: a, secretPath: kv/a, secretKey: k}");
  ASSERT_TRUE(Run(r).result.ok());
  auto second = Run(r);
  ASSERT_TRUE(second.result.ok());
  EXPECT_EQ(second.report.logins, 0);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/"), 1);
}

TEST_F(MounterTest, ConcurrentMountsOfOnePodShareOneLogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  transport_.Hold("/v1/auth/");
  std::vector<PendingMount> mounts;
  for (int i = 0; i < 5; ++i) mounts.push_back(Start(Request("- {objectName: a, secretPath: kv/a, secretKey: k}")));
  EXPECT_EQ(transport_.held(), 1u) << "the pod's Mounts wait for one login";
  transport_.Release();
  int logins = 0;
  for (const auto& m : mounts) {
    ASSERT_TRUE(m->answered && m->result.ok());
    logins += m->report.logins;
  }
  EXPECT_EQ(logins, 1);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 5);
}

TEST_F(MounterTest, ForbiddenCachedTokenTriggersOneReloginAndOneRetry) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("old"));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("new"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v1"}})");
  const auto r = Request("- {objectName: a, secretPath: kv/a, secretKey: k}");
  ASSERT_TRUE(Run(r).result.ok());
  transport_.Reset("GET", "/v1/kv/a");
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied"]})");
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v2"}})");
  auto out = Run(r);
  ASSERT_TRUE(out.result.ok()) << out.result.status();
  EXPECT_EQ(out.result->files[0].contents, "v2");
  EXPECT_EQ(out.report.logins, 1);
  const auto requests = transport_.requests();
  EXPECT_THAT(requests.back().headers, ::testing::Contains(std::make_pair(std::string("X-Vault-Token"), std::string("new"))));
}

TEST_F(MounterTest, DenialRightAfterAFreshLoginIsNotRetried) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  auto out = Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}"));
  EXPECT_EQ(out.result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(out.result.status().message()),
              HasSubstr("couldn't read secret \"a\" from Vault path \"kv/a\": GET https://vault:8200/v1/kv/a: Vault answered 403: permission denied"));
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/"), 1);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 1);
}

TEST_F(MounterTest, AnyFailingObjectFailsTheWholeMount) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  auto out = Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}\n- {objectName: b, secretPath: kv/b, secretKey: k}"));
  EXPECT_EQ(out.result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(out.result.status().message()), HasSubstr("\"b\""));
}

TEST_F(MounterTest, NoDriverTokenExplainsTokenRequestsAndCallsNoVault) {
  auto out = Run(Request("- {objectName: a, secretPath: kv/a}",
                         {{"csi.storage.k8s.io/serviceAccount.tokens", "<unset>"}, {"audience", "custom"}}));
  EXPECT_EQ(out.result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(out.result.status().message()), HasSubstr("tokenRequests[0].audience=custom"));
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(MounterTest, WithoutADriverTokenTheFallbackTokenIsUsedOnlyForLogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  int minted = 0;
  options_.auth.request_token = [&](const PodInfo& pod, const std::string& audience, Deadline,
                                    Callback<std::string> done) {
    ++minted;
    EXPECT_EQ(pod.name, "web-1");
    EXPECT_EQ(audience, "");
    done(std::string("minted-jwt"));
  };
  const auto r = Request("- {objectName: a, secretPath: kv/a, secretKey: k}",
                         {{"csi.storage.k8s.io/serviceAccount.tokens", "<unset>"}});
  ASSERT_TRUE(Run(r).result.ok());
  ASSERT_TRUE(Run(r).result.ok());
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
  MounterClockTest() { transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"},"mount_type":"kv"})"); }
  MountRequest P() { return Request("- {objectName: a, secretPath: kv/a, secretKey: k}"); }
};

TEST_F(MounterClockTest, RenewableTokenIsRenewedAtTwoThirdsOfItsTtl) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, LoginWithTtl("tok", 3600, true));
  ASSERT_TRUE(Run(P()).result.ok());
  clock_.Advance(std::chrono::seconds(2399));
  ASSERT_TRUE(Run(P()).result.ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 0);
  clock_.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(Run(P()).result.ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 1);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 1);
  clock_.Advance(std::chrono::seconds(2401));  // the renewal granted another full TTL
  ASSERT_TRUE(Run(P()).result.ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 2);
}

TEST_F(MounterClockTest, NonRenewableOrCappedTokensAreReplacedByALogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("batch", 600, false));
  ASSERT_TRUE(Run(P()).result.ok());
  clock_.Advance(std::chrono::seconds(401));
  auto second = Run(P());
  ASSERT_TRUE(second.result.ok());
  EXPECT_EQ(second.report.logins, 1);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 0);
  // A renewable token whose renewal is capped near its max TTL is replaced too.
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3000, true));
  transport_.Script("POST", "/v1/auth/token/renew-self", 200, LoginWithTtl("tok", 60, true));
  clock_.Advance(std::chrono::seconds(401));
  ASSERT_TRUE(Run(P()).result.ok());  // login (the batch token expired), TTL 3000
  clock_.Advance(std::chrono::seconds(2001));
  auto capped = Run(P());
  ASSERT_TRUE(capped.result.ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/renew-self"), 1);
  EXPECT_EQ(capped.report.logins, 1);
}

TEST_F(MounterClockTest, PolicyDenialCausesNoLoginStorm) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Script("GET", "/v1/kv/denied", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  // The pod's token is cached by a Mount that succeeds.
  ASSERT_TRUE(Run(P()).result.ok());
  const auto denied = Request("- {objectName: a, secretPath: kv/denied, secretKey: k}");
  // The first denial of the cached token gets its second chance: one login and one retry.
  clock_.Advance(std::chrono::seconds(1));
  auto first = Run(denied);
  ASSERT_EQ(first.result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(first.report.logins, 1) << "the promised second chance";
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/denied"), 2);
  // Every later denial within 5 minutes is the policy's: no login, one read.
  for (int i = 0; i < 100; ++i) {
    clock_.Advance(std::chrono::seconds(1));
    auto result = Run(denied);
    ASSERT_EQ(result.result.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(result.result.status().message()), HasSubstr("check the role's policies"));
  }
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 2);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/denied"), 102);
  clock_.Advance(std::chrono::minutes(6));  // a role fixed meanwhile gets one more chance
  (void)Run(denied);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 3);
}

TEST_F(MounterClockTest, RevokedTokenRecoversAndLaterRevocationsRecoverToo) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  ASSERT_TRUE(Run(P()).result.ok());
  for (int round = 0; round < 2; ++round) {  // revoked twice within the denial interval
    transport_.Reset("GET", "/v1/kv/a");
    transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied","invalid token"]})");
    transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
    clock_.Advance(std::chrono::seconds(10));
    EXPECT_TRUE(Run(P()).result.ok()) << "round " << round;
  }
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 3);
}

TEST_F(MounterClockTest, AnInvalidTokenAlwaysGetsItsReloginEvenRightAfterADenial) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Script("GET", "/v1/kv/denied", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  ASSERT_TRUE(Run(P()).result.ok());
  ASSERT_FALSE(Run(Request("- {objectName: a, secretPath: kv/denied, secretKey: k}")).result.ok());  // a denial re-login
  const int logins = transport_.CountOf("POST", "/v1/auth/kubernetes/login");
  EXPECT_EQ(logins, 2);
  transport_.Reset("GET", "/v1/kv/a");
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied","invalid token"]})");
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  clock_.Advance(std::chrono::seconds(1));  // well within the denial interval
  auto out = Run(P());
  EXPECT_TRUE(out.result.ok()) << out.result.status();
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), logins + 1);
}

TEST_F(MounterClockTest, AnInvalidTokenRightAfterTheLoginIsRetriedOnce) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 3600, true));
  transport_.Reset("GET", "/v1/kv/a");
  transport_.Script("GET", "/v1/kv/a", 403, R"({"errors":["permission denied","invalid token"]})");
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  auto out = Run(P());
  EXPECT_TRUE(out.result.ok()) << out.result.status();
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/kubernetes/login"), 2);
}

TEST_F(MounterClockTest, ATokenWithAnOutOfRangeTtlIsRefreshedAtTheNextMount) {
  // 317,000 years: two thirds of it in nanoseconds overflowed, and the token was never refreshed.
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("tok", 10'000'000'000'000, false));
  ASSERT_TRUE(Run(P()).result.ok());
  ASSERT_TRUE(Run(P()).result.ok());
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
  MountRequest Db(const std::string& extra = "", const std::string& pod = "web-1") {
    return Request("- {objectName: user, secretPath: database/creds/app, secretKey: username" + extra +
                       "}\n- {objectName: pass, secretPath: database/creds/app, secretKey: password}",
                   {}, pod);
  }
};

TEST_F(MounterLeaseTest, LeasedCredentialsAreReusedUntilTwoThirdsOfTheLease) {
  auto first = Run(Db());
  ASSERT_TRUE(first.result.ok());
  clock_.Advance(std::chrono::seconds(2399));
  auto poll = Run(Db());
  ASSERT_TRUE(poll.result.ok());
  EXPECT_EQ(poll.report.reused, 1);
  EXPECT_EQ(poll.report.vault_reads, std::vector<std::string>{"GET /v1/database/creds/app (lease reused)"});
  EXPECT_EQ(poll.result->files[0].contents, "u1");
  EXPECT_EQ(poll.result->versions[0].version, first.result->versions[0].version)
      << "same credential, same version: no rotation event";
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 1);
  clock_.Advance(std::chrono::seconds(2));
  auto fresh = Run(Db());
  ASSERT_TRUE(fresh.result.ok());
  EXPECT_EQ(fresh.report.reused, 0);
  EXPECT_EQ(fresh.result->files[0].contents, "u2");
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2);
}

TEST_F(MounterLeaseTest, ConcurrentMountsOfOnePodMintOneCredential) {
  ASSERT_TRUE(Run(P()).result.ok());  // the pod's token is cached
  transport_.Hold("/v1/database/");
  std::vector<PendingMount> mounts;
  for (int i = 0; i < 4; ++i) mounts.push_back(Start(Db()));
  EXPECT_EQ(transport_.held(), 1u) << "the pod's other Mounts wait for the leading read";
  transport_.Release();
  for (const auto& m : mounts) {
    ASSERT_TRUE(m->answered && m->result.ok());
    EXPECT_EQ(m->result->files[0].contents, "u1");
  }
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 1);
}

TEST_F(MounterLeaseTest, StaticSecretsAreReadFreshAndOnlyReadsInFlightTogetherAreShared) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Run(P()).result.ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 3) << "no cache by default: every Mount sees Vault's current answer";
  transport_.Hold("/v1/kv/");
  auto a = Start(P());
  auto b = Start(P());
  EXPECT_EQ(transport_.held(), 1u) << "the second Mount waits for the identical read in flight";
  transport_.Release();
  ASSERT_TRUE(a->answered && a->result.ok() && b->answered && b->result.ok());
  EXPECT_EQ(b->report.vault_reads, std::vector<std::string>{"GET /v1/kv/a (coalesced)"});
  EXPECT_EQ(a->result->files[0].contents, b->result->files[0].contents);
}

TEST_F(MounterLeaseTest, CertificatesAreReusedUntilTwoThirdsOfTheirValidity) {
  const int64_t in_an_hour = clock_.UnixSeconds() + 3600;
  transport_.Script("PUT", "/v1/pki/issue/web", 200,
                    absl::StrCat(R"({"lease_id":"","lease_duration":0,"data":{"certificate":"C1","expiration":)", in_an_hour, "}}"));
  const auto p = Request("- {objectName: c, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: a}, secretKey: certificate}");
  ASSERT_TRUE(Run(p).result.ok());
  clock_.Advance(std::chrono::minutes(30));
  ASSERT_TRUE(Run(p).result.ok());
  EXPECT_EQ(transport_.CountOf("PUT", "/v1/pki/issue/web"), 1);
  clock_.Advance(std::chrono::minutes(11));  // past 40 minutes
  ASSERT_TRUE(Run(p).result.ok());
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
    const auto p = Request("- {objectName: c, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: a}, secretKey: certificate}");
    const int before = transport_.CountOf("PUT", "/v1/pki/issue/web");
    ASSERT_TRUE(Run(p).result.ok());
    auto second = Run(p);
    ASSERT_TRUE(second.result.ok());
    EXPECT_EQ(second.report.reused, 0) << expiration;
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
    ASSERT_TRUE(Run(Db()).result.ok());
    auto second = Run(Db());
    ASSERT_TRUE(second.result.ok());
    EXPECT_EQ(second.report.reused, 0) << duration;
    EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), before + 2) << duration;
  }
}

TEST_F(MounterLeaseTest, ReuseCanBeTurnedOffPerObjectOrEverywhere) {
  ASSERT_TRUE(Run(Db(", reuseLease: false")).result.ok());
  ASSERT_TRUE(Run(Db(", reuseLease: false")).result.ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2) << "one object opting out makes the shared read fresh";
  options_.lease_reuse = false;
  Remake();
  ASSERT_TRUE(Run(Db()).result.ok());
  ASSERT_TRUE(Run(Db()).result.ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 4);
}

TEST_F(MounterLeaseTest, ANewTokenDropsTheOldTokensLeases) {
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, LoginWithTtl("short", 600, false));
  ASSERT_TRUE(Run(Db()).result.ok());
  clock_.Advance(std::chrono::seconds(401));  // the token is replaced by a login; its leases die with it in Vault
  auto after = Run(Db());
  ASSERT_TRUE(after.result.ok());
  EXPECT_EQ(after.report.reused, 0);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2);
}

TEST_F(MounterLeaseTest, LeasesAreNeverSharedBetweenPods) {
  ASSERT_TRUE(Run(Db()).result.ok());
  auto other = Run(Db("", "web-2"));
  ASSERT_TRUE(other.result.ok());
  EXPECT_EQ(other.report.reused, 0);
  EXPECT_EQ(other.result->files[0].contents, "u2");
}

TEST_F(MounterLeaseTest, LeasesPastTheirReuseWindowAreDroppedAtThePodsNextMount) {
  transport_.Script("GET", "/v1/db/creds/a", 200, R"({"lease_id":"db/creds/a/1","lease_duration":60,"data":{"k":"a"}})");
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: db/creds/a, secretKey: k}")).result.ok());
  EXPECT_GT(mounter().lease_cache_bytes(), 0u);
  clock_.Advance(std::chrono::seconds(50));  // past two thirds of 60 s
  ASSERT_TRUE(Run(P()).result.ok());
  EXPECT_EQ(mounter().lease_cache_bytes(), 0u) << "the pod no longer reads db/creds/a: its stale lease is gone";
}

TEST_F(MounterLeaseTest, TheLeaseCacheIsBoundedInBytesOverEveryPod) {
  options_.max_lease_cache_bytes = 1500;  // room for about two parsed credentials
  for (int i = 0; i < 6; ++i) {
    transport_.Script("GET", "/v1/database/creds/app", 200,
                      absl::StrCat(R"({"lease_id":"database/creds/app/)", i,
                                   R"(","lease_duration":3600,"data":{"username":"u","password":"p"}})"));
  }
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Run(Db("", absl::StrCat("pod-", i))).result.ok());
  EXPECT_LE(mounter().lease_cache_bytes(), 1500u);
  EXPECT_GT(mounter().lease_cache_bytes(), 0u);
}

TEST_F(MounterTest, SpcConnectionLayerAndAuthMountAreUsed) {
  transport_.Script("POST", "/v1/auth/cluster-b/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}",
                          {{"vaultAuthMountPath", "cluster-b"}, {"vaultAddress", "https://other:8200"}}))
                  .result.ok());
  EXPECT_EQ(transport_.requests().at(0).url, "https://other:8200/v1/auth/cluster-b/login");
}

// The X-Vault-Namespace header `request` carried, or "" without one.
std::string NamespaceOf(const http::HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (name == "X-Vault-Namespace") return value;
  }
  return "";
}

TEST_F(MounterTest, AnObjectsOwnNamespaceIsReadWithTheClassLogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  auto out = Run(Request(R"(
- {objectName: here, secretPath: kv/a, secretKey: k}
- {objectName: child, secretPath: kv/a, secretKey: k, vaultNamespace: team-a/child}
- {objectName: again, secretPath: kv/a, secretKey: k, vaultNamespace: team-a/child}
)",
                         {{"vaultNamespace", "team-a"}}));
  ASSERT_TRUE(out.result.ok()) << out.result.status();
  const auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 3u) << "one login, and one read per namespace: the same path in two namespaces is two reads";
  EXPECT_EQ(NamespaceOf(requests[0]), "team-a") << "the login stays in the class's namespace";
  std::multiset<std::string> read_namespaces = {NamespaceOf(requests[1]), NamespaceOf(requests[2])};
  EXPECT_EQ(read_namespaces, (std::multiset<std::string>{"team-a", "team-a/child"}));
  EXPECT_EQ(out.report.logins, 1);
}

TEST_F(MounterTest, AFilesObjectWritesAFilePerKeyEachWithItsVersionAndTheObjectsMode) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/secret/data/app", 200, testing::KvV2Body(R"({"user":"u","port":5432})"));
  auto out = Run(Request("- {objectName: app, secretPath: secret/data/app, output: files, filePermission: 0440}"));
  ASSERT_TRUE(out.result.ok()) << out.result.status();
  ASSERT_EQ(out.result->files.size(), 2u);
  EXPECT_EQ(out.result->files[0].path, "app/port");
  EXPECT_EQ(out.result->files[0].contents, "5432");
  EXPECT_EQ(out.result->files[1].path, "app/user");
  EXPECT_EQ(out.result->files[1].contents, "u");
  for (const auto& file : out.result->files) EXPECT_EQ(file.mode, 0440u);
  ASSERT_EQ(out.result->versions.size(), 2u);
  EXPECT_EQ(out.result->versions[1].id, "app/user");
  EXPECT_NE(out.result->versions[0].version, out.result->versions[1].version);
}

// Vault's answer to a KV v2 secret read without /data/.
constexpr char kKvV2WithoutData[] =
    R"({"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,)"
    R"("warnings":["Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API )"
    R"(endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation."],"auth":null})";

TEST_F(MounterTest, AKvV2PathWithoutDataIsReadAtItsDataPathAndLearned) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/team/kv/app", 404, kKvV2WithoutData);
  transport_.Script("GET", "/v1/sys/internal/ui/mounts/team/kv/app", 200,
                    R"({"data":{"path":"team/kv/","type":"kv","options":{"version":"2"}}})");
  transport_.Script("GET", "/v1/team/kv/data/app", 200, testing::KvV2Body(R"({"password":"p"})"));
  const auto r = Request(R"(- {objectName: pw, secretPath: "team/kv/app?version=3", secretKey: password})");
  auto first = Run(r);
  ASSERT_TRUE(first.result.ok()) << first.result.status();
  EXPECT_EQ(first.result->files[0].contents, "p") << "secretKey works on the KV v2 data";
  EXPECT_EQ(first.report.vault_reads, std::vector<std::string>{"GET /v1/team/kv/data/app"});
  EXPECT_EQ(transport_.requests().back().url, "https://vault:8200/v1/team/kv/data/app?version=3")
      << "the query goes with it";
  auto second = Run(r);
  ASSERT_TRUE(second.result.ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/team/kv/app"), 1) << "learned: later Mounts read the /data/ path at once";
  EXPECT_EQ(transport_.CountOf("GET", "/v1/sys/internal/ui/mounts/"), 1);
  EXPECT_EQ(second.result->versions, first.result->versions);
}

TEST_F(MounterTest, WithoutThePreflightTheFirstElementIsTheMount) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/secret/db", 404, kKvV2WithoutData);
  transport_.Script("GET", "/v1/sys/internal/ui/mounts/secret/db", 403, R"({"errors":["permission denied"]})");
  transport_.Script("GET", "/v1/secret/data/db", 200, testing::KvV2Body(R"({"user":"u"})"));
  auto out = Run(Request("- {objectName: u, secretPath: secret/db, secretKey: user}"));
  ASSERT_TRUE(out.result.ok()) << out.result.status();
  EXPECT_EQ(out.result->files[0].contents, "u");
}

TEST_F(MounterTest, APathThatWorksAsWrittenCostsNoExtraRequestAndAPlain404Stands) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/secret/data/db", 200, testing::KvV2Body(R"({"user":"u"})"));
  transport_.Script("GET", "/v1/secret/data/gone", 404, R"({"errors":[]})");
  ASSERT_TRUE(Run(Request("- {objectName: u, secretPath: secret/data/db, secretKey: user}")).result.ok());
  auto gone = Run(Request("- {objectName: u, secretPath: secret/data/gone, secretKey: user}"));
  EXPECT_EQ(gone.result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(transport_.requests().size(), 3u) << "one login and one read each: no preflight";
}

TEST_F(MounterTest, ErrorsNeverContainTokensOrValues) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("hvs.CANARY-TOKEN"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"CANARY-VALUE"}})");
  auto out = Run(Request("- {objectName: a, secretPath: kv/a, secretKey: missing}"));
  ASSERT_FALSE(out.result.ok());
  for (const std::string canary : {"CANARY-TOKEN", "CANARY-VALUE", "hvs.", "CANARY-JWT"}) {
    for (size_t len = 4; len <= canary.size(); ++len) {
      for (size_t at = 0; at + len <= canary.size(); ++at) {
        EXPECT_THAT(std::string(out.result.status().message()), Not(HasSubstr(canary.substr(at, len))))
            << canary.substr(at, len);
      }
    }
  }
}

TEST_F(MounterTest, ResponsesOverTheMountsBudgetFailNamingTheObjectAndTheLimit) {
  options_.max_mount_response_bytes = 1000;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, absl::StrCat(R"({"data":{"k":")", std::string(600, 'a'), R"("}})"));
  transport_.Script("GET", "/v1/kv/b", 200, absl::StrCat(R"({"data":{"k":")", std::string(600, 'b'), R"("}})"));
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}")).result.ok()) << "one fits";
  auto out = Run(Request(R"(
- {objectName: a, secretPath: kv/a, secretKey: k}
- {objectName: b, secretPath: kv/b, secretKey: k}
)"));
  ASSERT_FALSE(out.result.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(out.result.status())) << out.result.status();
  EXPECT_THAT(std::string(out.result.status().message()),
              AllOf(HasSubstr("couldn't read secret \""), HasSubstr("from Vault path \"kv/"),
                    HasSubstr("1000 bytes per Mount (-max-mount-response-bytes)")));
}

TEST_F(MounterTest, TheTotalResponseBudgetIsGivenBackWhenAMountEnds) {
  options_.max_mount_response_bytes = 0;
  options_.max_total_response_bytes = 1000;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, absl::StrCat(R"({"data":{"k":")", std::string(600, 'a'), R"("}})"));
  transport_.Script("GET", "/v1/kv/big", 200, absl::StrCat(R"({"data":{"k":")", std::string(1000, 'b'), R"("}})"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}")).result.ok()) << i;
  }
  auto big = Run(Request("- {objectName: a, secretPath: kv/big, secretKey: k}"));
  EXPECT_TRUE(absl::IsResourceExhausted(big.result.status())) << big.result.status();
  EXPECT_THAT(std::string(big.result.status().message()), HasSubstr("(-max-total-response-bytes)"));
}

TEST_F(MounterTest, LargeLeasedResponsesAreNotKeptForReuse) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  const std::string leased = absl::StrCat(R"({"lease_id":"db/creds/app/1","lease_duration":3600,"data":{"k":")",
                                          std::string(300 << 10, 'p'), R"("}})");
  transport_.Script("GET", "/v1/db/creds/app", 200, leased);
  const auto r = Request("- {objectName: a, secretPath: db/creds/app, secretKey: k}");
  ASSERT_TRUE(Run(r).result.ok());
  ASSERT_TRUE(Run(r).result.ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/db/creds/app"), 2) << "300 KiB is over the 256 KiB kept per lease";
}

// Requests to the host "hung" are never answered (until released, with an
// error); others go to `inner`.
class HangingTransport final : public http::HttpTransport {
 public:
  explicit HangingTransport(http::HttpTransport& inner) : inner_(&inner) {}
  void Send(http::HttpRequest request, http::HttpCallback done) override {
    if (absl::AsciiStrToLower(request.url).find("://hung:") == std::string::npos) {
      inner_->Send(std::move(request), std::move(done));
      return;
    }
    hanging_.push_back(std::move(done));
  }
  void Release() {
    auto hanging = std::move(hanging_);
    for (auto& done : hanging) done(absl::UnavailableError("hung up"));
  }
  size_t hanging() const { return hanging_.size(); }

 private:
  http::HttpTransport* inner_;
  std::vector<http::HttpCallback> hanging_;
};

TEST_F(MounterTest, AHungVaultTakesOnlyItsShareOfTheMountSlots) {
  options_.max_concurrent_mounts = 8;  // a share of 2 per address
  options_.retry.max_retries = 0;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  HangingTransport hanging(transport_);
  std::vector<PendingMount> tenants;
  for (int i = 0; i < 10; ++i) {
    const std::string address = i % 2 == 0 ? "https://hung:8200" : "https://HUNG:8200/";  // one address, two spellings
    tenants.push_back(Start(Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {{"vaultAddress", address}},
                                    absl::StrCat("hung-", i)),
                            std::chrono::milliseconds(500), i == 0 ? &hanging : nullptr));
    if (i == 0) {
      // The rest go through the same Mounter.
      mounter_ = std::move(other_);
    }
  }
  EXPECT_EQ(hanging.hanging(), 2u) << "only the address's share reached the hung Vault";
  auto healthy = Start(Request("- {objectName: a, secretPath: kv/a, secretKey: k}"), std::chrono::milliseconds(200));
  ASSERT_TRUE(healthy->answered) << "a healthy Vault's Mount is not held up by the hung one";
  EXPECT_TRUE(healthy->result.ok()) << healthy->result.status();
  clock_.Advance(std::chrono::milliseconds(600));  // every tenant's deadline passes
  int waited_for_share = 0, no_answer = 0;
  for (const auto& t : tenants) {
    ASSERT_TRUE(t->answered) << "a Mount never outlives its deadline";
    EXPECT_TRUE(absl::IsDeadlineExceeded(t->result.status())) << t->result.status();
    if (absl::StrContains(t->result.status().message(), "-max-concurrent-mounts-per-vault")) ++waited_for_share;
    if (absl::StrContains(t->result.status().message(), "while logging in to Vault")) ++no_answer;
  }
  EXPECT_EQ(waited_for_share, 8);
  EXPECT_EQ(no_answer, 2) << "the two stuck in the hung Vault end at their deadline too, saying where they were";
  hanging.Release();  // Vault answers at last: nobody is answered twice
  for (const auto& t : tenants) EXPECT_EQ(t->answers, 1);
}

TEST_F(MounterTest, WithOneMountSlotTheNodeWideLimitSaysWhyAMountWaits) {
  options_.max_concurrent_mounts = 1;  // a quarter of 1 is every slot: no per-address share
  options_.retry.max_retries = 0;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  HangingTransport hanging(transport_);
  const auto hung = Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {{"vaultAddress", "https://hung:8200"}});
  auto first = Start(hung, std::chrono::seconds(5), &hanging);
  mounter_ = std::move(other_);
  auto second = Start(hung, std::chrono::milliseconds(50));
  clock_.Advance(std::chrono::milliseconds(60));
  ASSERT_TRUE(second->answered);
  EXPECT_THAT(std::string(second->result.status().message()), HasSubstr("(-max-concurrent-mounts)"));
  EXPECT_FALSE(first->answered);
  hanging.Release();
  EXPECT_TRUE(first->answered);
}

TEST_F(MounterTest, AMountAnswersByItsDeadlineWhateverVaultDoes) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  transport_.Hold("/v1/kv/");
  auto m = Start(Request("- {objectName: a, secretPath: kv/a, secretKey: k}"), std::chrono::seconds(10));
  clock_.Advance(std::chrono::milliseconds(9499));
  EXPECT_FALSE(m->answered);
  // The caller's deadline less a reserve (a tenth, at most 2 s): the error
  // comes from the provider, before the caller gives up.
  clock_.Advance(std::chrono::milliseconds(2));
  ASSERT_TRUE(m->answered);
  EXPECT_EQ(m->result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(m->result.status().message()), HasSubstr("while reading from Vault"));
  transport_.Release();
  EXPECT_EQ(m->answers, 1);
}

// Counts the threads of this process.
int Threads() {
  int count = 0;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* entry = readdir(dir)) count += entry->d_name[0] != '.' ? 1 : 0;
    closedir(dir);
  }
  return count;
}

TEST_F(MounterTest, MountsWaitingForVaultHoldNoThread) {
  options_.max_concurrent_mounts = 0;
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  transport_.Hold("/v1/kv/");
  const int before = Threads();
  std::vector<PendingMount> mounts;
  for (int i = 0; i < 300; ++i) {
    mounts.push_back(Start(Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {}, absl::StrCat("p", i))));
  }
  EXPECT_EQ(transport_.held(), 300u) << "300 Mounts wait for Vault at once";
  EXPECT_EQ(Threads(), before) << "none of them holds a thread";
  transport_.Release();
  for (const auto& m : mounts) EXPECT_TRUE(m->answered && m->result.ok());
}

// Drops the callbacks of requests to `path` without ever running them.
class DroppingTransport final : public http::HttpTransport {
 public:
  DroppingTransport(http::HttpTransport& inner, std::string path) : inner_(&inner), path_(std::move(path)) {}
  void Send(http::HttpRequest request, http::HttpCallback done) override {
    if (request.url.find(path_) != std::string::npos) return;  // `done` is destroyed unrun
    inner_->Send(std::move(request), std::move(done));
  }

 private:
  http::HttpTransport* inner_;
  std::string path_;
};

TEST_F(MounterTest, AStepWhoseCallbackIsLostStillAnswersAndReleasesWaiters) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  DroppingTransport dropping(transport_, "/v1/db/creds/a");
  auto out = Start(Request("- {objectName: a, secretPath: db/creds/a, secretKey: k}"), std::chrono::seconds(5),
                   &dropping);
  ASSERT_TRUE(out->answered) << "the Mount answers even though its read never did";
  EXPECT_EQ(out->result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(out->result.status().message()), HasSubstr("while reading from Vault"));
}

TEST_F(MounterTest, QueryStringsStayOutOfErrors) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/app", 403, R"({"errors":["permission denied"]})");
  transport_.Fail("GET", "/v1/kv/down", absl::UnavailableError("GET https://vault:8200/v1/kv/down: refused"));
  for (const char* yaml : {"- {objectName: a, secretPath: \"kv/app?token=CANARY\", secretKey: k}",
                           "- {objectName: a, secretPath: \"kv/down?token=CANARY\", secretKey: k}",
                           "- {objectName: a, secretPath: \"kv/app?token=%CANARY\", secretKey: k}"}) {
    auto out = Run(Request(yaml));
    ASSERT_FALSE(out.result.ok()) << yaml;
    EXPECT_THAT(std::string(out.result.status().message()),
                AllOf(HasSubstr("kv/"), Not(HasSubstr("CANARY")), Not(HasSubstr("token="))))
        << yaml;
  }
}

TEST_F(MounterTest, AHexValueThatIsNotHexNamesThePositionNotTheByte) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"00ffSECRET-CANARY"}})");
  auto out = Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k, encoding: hex}"));
  ASSERT_FALSE(out.result.ok());
  EXPECT_THAT(std::string(out.result.status().message()),
              AllOf(HasSubstr("invalid byte at input byte 4"), Not(HasSubstr("'S'")), Not(HasSubstr("U+0053"))));
}

TEST_F(MounterTest, AHugeVaultErrorIsShortened) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 500, absl::StrCat(R"({"errors":[")", std::string(5'000'000, 'e'), R"("]})"));
  auto out = Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}"));
  ASSERT_FALSE(out.result.ok());
  EXPECT_LT(out.result.status().message().size(), 1000u);
  EXPECT_THAT(std::string(out.result.status().message()), HasSubstr("… (5000000 bytes)"));
}

TEST_F(MounterTest, ABadRequestFailsBeforeAnySlotOrVaultCall) {
  options_.max_concurrent_mounts = 1;
  auto out = Run(MountRequest{"{\"roleName\":", "", "/t", "420"});
  EXPECT_EQ(out.result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.report.pod, "?");
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(MounterTest, RevocationAtShutdownAndOfDroppedSessions) {
  options_.auth.revoke_tokens = true;
  options_.auth.cache_size = 1;  // room for one pod
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok-a"));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok-b"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  transport_.Script("POST", "/v1/auth/token/revoke-self", 204, "");
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {}, "one")).result.ok());
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {}, "two")).result.ok());
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/revoke-self"), 1) << "pod one's session was dropped: revoked";
  vault::RevokeTally tally{-1, -1};
  mounter().RevokeCachedTokens(clock_.Now() + std::chrono::seconds(5), [&](vault::RevokeTally t) { tally = t; });
  EXPECT_EQ(tally.revoked, 1);
  EXPECT_EQ(tally.held, 1);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/revoke-self"), 2);
  EXPECT_EQ(mounter().sessions(), 0u);
}

TEST_F(MounterTest, NoRevocationByDefault) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"}})");
  options_.auth.cache_size = 1;
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {}, "one")).result.ok());
  ASSERT_TRUE(Run(Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {}, "two")).result.ok());
  vault::RevokeTally tally{-1, -1};
  mounter().RevokeCachedTokens(clock_.Now() + std::chrono::seconds(5), [&](vault::RevokeTally t) { tally = t; });
  EXPECT_EQ(tally.revoked, 0);
  EXPECT_EQ(transport_.CountOf("POST", "/v1/auth/token/revoke-self"), 0);
}

}  // namespace
}  // namespace vcp::mount

namespace vcp::mount {
namespace {

// A Kubernetes auth login of service account prod/web: Vault's answer names it
// in auth.metadata.
std::string KubernetesLogin(const std::string& token, const std::string& account = "web") {
  return absl::StrCat(R"({"auth":{"client_token":")", token,
                      R"(","lease_duration":3600,"renewable":true,"metadata":{"role":"app",)",
                      R"("service_account_namespace":"prod","service_account_name":")", account,
                      R"(","service_account_uid":"u"}}})");
}

class MounterSharingTest : public MounterTest {
 protected:
  MounterSharingTest() {
    transport_.Script("GET", "/v1/kv/a", 200, R"({"data":{"k":"v"},"mount_type":"kv"})");
    transport_.Script("GET", "/v1/database/creds/app", 200,
                      R"({"lease_id":"database/creds/app/1","lease_duration":3600,"renewable":true,"data":{"username":"u1"}})");
    transport_.Script("GET", "/v1/database/creds/app", 200,
                      R"({"lease_id":"database/creds/app/2","lease_duration":3600,"renewable":true,"data":{"username":"u2"}})");
  }
  MountRequest Kv(const std::string& pod) { return Request("- {objectName: a, secretPath: kv/a, secretKey: k}", {}, pod); }
  int Logins() { return transport_.CountOf("POST", "/v1/auth/kubernetes/login"); }
};

TEST_F(MounterSharingTest, PodsOfAServiceAccountShareTheTokenOfAKubernetesAuthLogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  auto first = Run(Kv("web-1"));
  ASSERT_TRUE(first.result.ok()) << first.result.status();
  auto second = Run(Kv("web-2"));
  ASSERT_TRUE(second.result.ok()) << second.result.status();
  EXPECT_EQ(Logins(), 1);
  EXPECT_TRUE(first.report.shared_token);
  EXPECT_TRUE(second.report.shared_token);
  EXPECT_EQ(second.report.logins, 0);
  EXPECT_THAT(transport_.requests().back().headers,
              ::testing::Contains(std::make_pair(std::string("X-Vault-Token"), std::string("shared"))));
}

TEST_F(MounterSharingTest, ALoginThatNamesNoServiceAccountStaysWithItsPod) {
  // JWT auth (or anything else whose answer does not name the pod's service
  // account) may have bound pod claims: each pod logs in.
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, testing::LoginBody("tok"));
  for (const char* pod : {"web-1", "web-2", "web-1", "web-3"}) {
    auto out = Run(Kv(pod));
    ASSERT_TRUE(out.result.ok()) << out.result.status();
    EXPECT_FALSE(out.report.shared_token) << pod;
  }
  EXPECT_EQ(Logins(), 3) << "one per pod, the first pod's kept";
  // And a login for another service account than the pod's.
  transport_.Reset("POST", "/v1/auth/kubernetes/login");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("tok", "someone-else"));
  Remake();
  ASSERT_TRUE(Run(Kv("web-1")).result.ok());
  ASSERT_TRUE(Run(Kv("web-2")).result.ok());
  EXPECT_EQ(Logins(), 5);
}

TEST_F(MounterSharingTest, WithSharingOffEveryPodLogsInAsTheIncumbentDoes) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("tok"));
  options_.auth.share_tokens = false;
  for (const char* pod : {"web-1", "web-2", "web-3", "web-1"}) ASSERT_TRUE(Run(Kv(pod)).result.ok());
  EXPECT_EQ(Logins(), 3);
}

TEST_F(MounterSharingTest, ConcurrentFirstMountsOfADeploymentWaitForOneLogin) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  transport_.Hold("/v1/auth/");
  std::vector<PendingMount> mounts;
  for (int i = 0; i < 5; ++i) mounts.push_back(Start(Kv(absl::StrCat("web-", i))));
  EXPECT_EQ(transport_.held(), 1u) << "the other pods wait for the first pod's login";
  transport_.Release();
  for (const auto& m : mounts) ASSERT_TRUE(m->answered && m->result.ok()) << m->result.status();
  EXPECT_EQ(Logins(), 1);
}

TEST_F(MounterSharingTest, AFailedFirstLoginIsNotSharedAndTheNextPodLogsInAgain) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 403, R"({"errors":["permission denied"]})");
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  transport_.Hold("/v1/auth/");
  auto first = Start(Kv("web-1"));
  auto second = Start(Kv("web-2"));
  transport_.StopHolding();
  transport_.Release();
  ASSERT_TRUE(first->answered && second->answered);
  EXPECT_EQ(first->result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(second->result.ok()) << "the waiting pod led the next login: " << second->result.status();
  EXPECT_EQ(Logins(), 2);
}

// The token of a first login that outlived its Mount's deadline lands in the
// identity's session later; the next Mount of the identity must judge it
// like a fresh one: never use another pod's unshareable token, never leave
// the identity waiting on a first login that nobody leads.
TEST_F(MounterSharingTest, AFirstLoginThatOutlivesItsMountIsJudgedWhenItLands) {
  for (const bool kubernetes_auth : {false, true}) {
    SCOPED_TRACE(kubernetes_auth ? "Kubernetes auth" : "JWT auth");
    transport_.Reset("POST", "/v1/auth/kubernetes/login");
    for (const char* token : {"tok-a", "tok-b", "tok-c"}) {
      transport_.Script("POST", "/v1/auth/kubernetes/login", 200,
                        kubernetes_auth ? KubernetesLogin(token) : testing::LoginBody(token));
    }
    Remake();
    const int logins_before = Logins();
    transport_.Hold("/v1/auth/");
    auto slow = Start(Kv("web-1"), std::chrono::seconds(2));
    clock_.Advance(std::chrono::seconds(2));
    ASSERT_TRUE(slow->answered);
    EXPECT_EQ(slow->result.status().code(), absl::StatusCode::kDeadlineExceeded);
    transport_.StopHolding();
    transport_.Release();  // the login lands: tok-a, in the identity's session
    for (const char* pod : {"web-2", "web-3"}) {
      auto out = Run(Kv(pod));
      ASSERT_TRUE(out.result.ok()) << pod << ": " << out.result.status();
      const auto headers = transport_.requests().back().headers;
      const bool used_tok_a =
          std::find(headers.begin(), headers.end(), std::make_pair(std::string("X-Vault-Token"), std::string("tok-a"))) !=
          headers.end();
      EXPECT_EQ(used_tok_a, kubernetes_auth) << pod << ": pod web-1's token is shared only when Vault says so";
    }
    EXPECT_EQ(Logins() - logins_before, kubernetes_auth ? 1 : 3);
  }
}

TEST_F(MounterSharingTest, DynamicCredentialsReadTogetherAreStillEachPodsOwn) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  ASSERT_TRUE(Run(Kv("web-1")).result.ok());
  transport_.Hold("/v1/database/");
  const std::string db = "- {objectName: user, secretPath: database/creds/app, secretKey: username}";
  auto a = Start(Request(db, {}, "web-1"));
  auto b = Start(Request(db, {}, "web-2"));
  EXPECT_EQ(transport_.held(), 1u) << "the read is coalesced until its answer shows a lease";
  transport_.StopHolding();
  transport_.Release();
  ASSERT_TRUE(a->answered && a->result.ok() && b->answered && b->result.ok());
  EXPECT_NE(a->result->files[0].contents, b->result->files[0].contents) << "never another pod's credentials";
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 2);
}

TEST_F(MounterSharingTest, TheReadCacheServesStaticAnswersForItsTtl) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  options_.read_cache_ttl = std::chrono::seconds(30);
  ASSERT_TRUE(Run(Kv("web-1")).result.ok());
  clock_.Advance(std::chrono::seconds(29));
  auto cached = Run(Kv("web-2"));
  ASSERT_TRUE(cached.result.ok());
  EXPECT_EQ(cached.report.vault_reads, std::vector<std::string>{"GET /v1/kv/a (cached)"});
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 1);
  clock_.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(Run(Kv("web-3")).result.ok());
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/a"), 2) << "past the TTL Vault is asked again";
  // Dynamic answers are never cached.
  const std::string db = "- {objectName: user, secretPath: database/creds/app, secretKey: username}";
  ASSERT_TRUE(Run(Request(db, {}, "web-1")).result.ok());
  auto other = Run(Request(db, {}, "web-2"));
  ASSERT_TRUE(other.result.ok());
  EXPECT_EQ(other.result->files[0].contents, "u2");
}

TEST_F(MounterSharingTest, ADeniedReadOfASharedTokenGetsOneSecondChanceForTheIdentity) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  transport_.Script("GET", "/v1/kv/denied", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  ASSERT_TRUE(Run(Kv("web-1")).result.ok());
  const std::string denied = "- {objectName: a, secretPath: kv/denied, secretKey: k}";
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(std::chrono::seconds(1));
    EXPECT_EQ(Run(Request(denied, {}, absl::StrCat("web-", i))).result.status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(Logins(), 2) << "one re-login for the identity, not one per pod";
}

TEST_F(MounterSharingTest, ADeniedPathLeavesTheIdentitysTokenAndEveryPodsLeasesAlone) {
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("shared"));
  transport_.Script("POST", "/v1/auth/kubernetes/login", 200, KubernetesLogin("probe"));
  transport_.Script("GET", "/v1/kv/denied", 403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})");
  const std::string db = "- {objectName: user, secretPath: database/creds/app, secretKey: username}";
  auto before = Run(Request(db, {}, "web-2"));
  ASSERT_TRUE(before.result.ok()) << before.result.status();
  clock_.Advance(std::chrono::seconds(1));
  auto denied = Run(Request("- {objectName: a, secretPath: kv/denied, secretKey: k}", {}, "web-1"));
  ASSERT_EQ(denied.result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Logins(), 2) << "the second chance: a probe login, and the read retried with it";
  EXPECT_EQ(transport_.CountOf("GET", "/v1/kv/denied"), 2);
  // The probe was denied too: the identity keeps its token, so web-2's
  // database credentials (leased with it) are still the ones it has.
  auto after = Run(Request(db, {}, "web-2"));
  ASSERT_TRUE(after.result.ok()) << after.result.status();
  EXPECT_EQ(after.result->files[0].contents, before.result->files[0].contents);
  EXPECT_EQ(transport_.CountOf("GET", "/v1/database/creds/app"), 1) << "the lease is reused, not read again";
  ASSERT_TRUE(Run(Kv("web-3")).result.ok());
  EXPECT_THAT(transport_.requests().back().headers,
              ::testing::Contains(std::make_pair(std::string("X-Vault-Token"), std::string("shared"))));
}

}  // namespace
}  // namespace vcp::mount
