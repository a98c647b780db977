// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Concurrency under load, below the gRPC adapter: many threads start Mounts
// for many pods through the real Mounter, pod sessions, revoker and the
// libcurl event loop against the in-process Vault double, while tokens
// expire, a node of the address list is dead and the session map evicts.
// Every Mount must return exactly its own pod's files: each pod reads a KV
// secret whose value is its own, and gets a database credential no other pod
// ever sees, so a response delivered to the wrong Mount shows. Built and run in every CI build,
// including the ThreadSanitizer one (the daemon binary itself links
// Debian's uninstrumented gRPC, whose internal locking TSan cannot see).
#include <curl/curl.h>
#include <gmock/gmock.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "support/driver.h"
#include "support/jwt.h"
#include "vault_double/vault_double.h"
#include "vcp/http/curl_transport.h"
#include "vcp/mount/mounter.h"

namespace vcp::testing {
namespace {

constexpr int kThreads = 16;
constexpr int kMountsPerThread = 30;
constexpr int kPods = 24;

class MountConcurrencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  MountConcurrencyTest() {
    key_ = GenerateRsaKeyPem();
    VaultDoubleOptions options;
    options.jwt_key_pem = key_;
    options.threads = 32;
    vault_ = std::make_unique<VaultDouble>(options);
  }
  void SetUp() override {
    ASSERT_TRUE(vault_->Start().ok());
    for (int i = 0; i < kPods; ++i) {
      const auto written = vault_->Handle("POST", absl::StrCat("/v1/secret/data/pods/pod-", i), {},
                                          {{"x-vault-token", "root"}},
                                          nlohmann::json({{"data", {{"username", PodUser(i)}}}}).dump());
      ASSERT_EQ(written.status, 200) << written.body;
    }
  }
  void TearDown() override { vault_->Stop(); }

  // The value of pod `index`'s own KV secret.
  static std::string PodUser(int index) { return absl::StrCat("user-of-pod-", index); }

  // Pod `index`'s Mount request; its service account is "app", or one of
  // `accounts_` accounts when set.
  mount::MountRequest Pod(int index) const {
    DriverMount mount;
    mount.pod = {absl::StrCat("pod-", index), "default", absl::StrCat("uid-", index),
                 accounts_ > 0 ? absl::StrCat("account-", index % accounts_) : std::string("app")};
    mount.parameters = {{"roleName", "any"},
                        {"objects", absl::StrCat("- {objectName: user, secretPath: secret/data/pods/pod-", index,
                                                 R"(, secretKey: username}
- {objectName: api, secretPath: kv/app, secretKey: api-key}
- {objectName: db, secretPath: database/creds/app}
)")}};
    mount.tokens["vault"] =
        SignJwt(key_, ServiceAccountClaims("default", mount.pod.service_account, mount.pod.name, mount.pod.uid, "vault"))
            .value();
    const v1alpha1::MountRequest request = BuildMountRequest(mount);
    return mount::MountRequest{request.attributes(), request.secrets(), request.target_path(), request.permission()};
  }

  // Runs kThreads x kMountsPerThread Mounts over kPods pods; returns the
  // failures' messages: failed Mounts, files that are not the pod's own, and
  // database credentials seen by more than one pod. Fills `db_users` (pod ->
  // the database usernames it was given), when not null.
  std::vector<std::string> Hammer(mount::Mounter& mounter, const std::function<void(int)>& between = {},
                                  std::map<int, std::set<std::string>>* db_users = nullptr) {
    std::vector<mount::MountRequest> pods;
    for (int i = 0; i < kPods; ++i) pods.push_back(Pod(i));
    std::mutex mu;
    std::vector<std::string> failures;
    std::map<std::string, std::set<int>> pods_of_db_user;
    std::map<int, std::set<std::string>> db_users_of_pod;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kMountsPerThread; ++i) {
          if (between && t == 0) between(i);
          const int pod = (t * 7 + i) % kPods;
          std::promise<absl::StatusOr<mount::MountResult>> answered;
          mounter.Mount(pods[static_cast<size_t>(pod)], clock_.Now() + std::chrono::seconds(30),
                        [&](absl::StatusOr<mount::MountResult> result, mount::MountReport) {
                          answered.set_value(std::move(result));
                        });
          absl::StatusOr<mount::MountResult> result = answered.get_future().get();
          std::string problem;
          std::string db_user;
          if (!result.ok()) {
            problem = std::string(result.status().message());
          } else if (result->files.size() != 3 || result->files[0].contents != PodUser(pod) ||
                     result->files[1].contents != "kv1-api-key-value") {
            problem = absl::StrCat("pod-", pod, ": wrong files",
                                   result->files.empty() ? "" : absl::StrCat(" (user: ", result->files[0].contents, ")"));
          } else {
            const auto db = nlohmann::json::parse(result->files[2].contents, nullptr, false);
            if (db.is_discarded() || !db.contains("data") || !db["data"].contains("username")) {
              problem = absl::StrCat("pod-", pod, ": no database username");
            } else {
              db_user = db["data"]["username"].get<std::string>();
            }
          }
          std::lock_guard<std::mutex> lock(mu);
          if (!problem.empty()) failures.push_back(problem);
          if (!db_user.empty()) {
            pods_of_db_user[db_user].insert(pod);
            db_users_of_pod[pod].insert(db_user);
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& [user, owners] : pods_of_db_user) {
      if (owners.size() > 1) failures.push_back(absl::StrCat("database user ", user, " went to ", owners.size(), " pods"));
    }
    if (db_users != nullptr) *db_users = std::move(db_users_of_pod);
    return failures;
  }

  int RevokeCached(mount::Mounter& mounter) {
    std::promise<int> revoked;
    mounter.RevokeCachedTokens(clock_.Now() + std::chrono::seconds(10),
                               [&](vault::RevokeTally tally) { revoked.set_value(tally.revoked); });
    return revoked.get_future().get();
  }

  mount::MounterOptions Options() const {
    mount::MounterOptions options;
    options.default_connection.address = vault_->address();
    options.version_key = [](Deadline, Callback<std::string> done) { done(std::string(32, 'k')); };
    return options;
  }

  // A Mounter with the default options, sharing tokens or not, and the
  // double's counters reset.
  mount::Mounter& Fresh(bool share_tokens) {
    vault_->ResetCounters();
    mount::MounterOptions options = Options();
    options.auth.share_tokens = share_tokens;
    return Make(options);
  }

  // A Mounter that lives until the transport has stopped: a Mount's last
  // objects are released on the transport's thread after it answers.
  mount::Mounter& Make(const mount::MounterOptions& options) {
    mounters_.push_back(
        std::make_unique<mount::Mounter>(mount::MounterServices{&transport_, &clock_, &metrics_}, options));
    return *mounters_.back();
  }

  std::string key_;
  int accounts_ = 0;
  std::unique_ptr<VaultDouble> vault_;
  SystemClock clock_;
  Metrics metrics_;
  std::vector<std::unique_ptr<mount::Mounter>> mounters_;  // destroyed after the transport
  http::CurlTransport transport_{clock_};
};

TEST_F(MountConcurrencyTest, ManyPodsAtOnceLogInOncePerIdentityAndGetTheirOwnFiles) {
  for (const bool share : {true, false}) {
    SCOPED_TRACE(share ? "shared tokens" : "-share-tokens=false");
    mount::Mounter& mounter = Fresh(share);
    std::map<int, std::set<std::string>> db_users;
    EXPECT_THAT(Hammer(mounter, {}, &db_users), ::testing::IsEmpty());
    EXPECT_EQ(vault_->Count("login"), share ? 1 : kPods)
        << "one login per service account (or per pod), however many Mounts raced";
    EXPECT_EQ(vault_->Count("lease:new"), kPods) << "one database credential per pod, reused after";
    ASSERT_EQ(db_users.size(), static_cast<size_t>(kPods)) << "every pod was mounted";
    for (const auto& [pod, users] : db_users) EXPECT_EQ(users.size(), 1u) << "pod " << pod << " got another credential";
  }
}

TEST_F(MountConcurrencyTest, TokensExpiringMidLoadAreReplacedWithoutFailedMounts) {
  for (const bool share : {true, false}) {
    SCOPED_TRACE(share ? "shared tokens" : "-share-tokens=false");
    mount::Mounter& mounter = Fresh(share);
    EXPECT_THAT(Hammer(mounter, [this](int i) {
                  if (i == kMountsPerThread / 2) vault_->ExpireAllTokens();  // once, mid-run
                }),
                ::testing::IsEmpty());
    // Each token expires once: at most one more login per token, however
    // many Mounts and reads met the expired token at once.
    const int tokens = share ? 1 : kPods;
    EXPECT_GT(vault_->Count("login"), tokens) << "the expiry was never noticed";
    EXPECT_LE(vault_->Count("login"), 2 * tokens) << "more than one re-login for one expiry";
  }
}

// Eviction of pod sessions (per-pod tokens) and of identities (shared tokens,
// here 12 service accounts in a map of 8).
struct EvictionCase {
  const char* name;
  bool share;
  int accounts;
};
constexpr EvictionCase kEvictionCases[] = {{"per-pod tokens", false, 0}, {"shared tokens", true, 12}};

TEST_F(MountConcurrencyTest, EvictionWithRevocationAndFailoverUnderLoad) {
  for (const EvictionCase& c : kEvictionCases) {
    SCOPED_TRACE(c.name);
    vault_->ResetCounters();
    accounts_ = c.accounts;
    mount::MounterOptions options = Options();
    options.auth.cache_size = kPods / 3;  // constant eviction
    options.auth.revoke_tokens = true;
    options.auth.share_tokens = c.share;
    options.default_connection.address = absl::StrCat("http://127.0.0.1:9,", vault_->address());
    mount::Mounter& mounter = Make(options);
    EXPECT_THAT(Hammer(mounter), ::testing::IsEmpty());
    EXPECT_GT(vault_->Count("login"), c.share ? c.accounts : kPods) << "nothing was evicted and mounted again";
    EXPECT_EQ(RevokeCached(mounter), kPods / 3) << "the map was full at the end, and each of its tokens was revoked";
  }
  transport_.Shutdown();  // background revocations end before the Mounters go (and the test)
}

// -revoke-tokens promises that every token the provider stops holding is
// handed back. Under eviction, every login's token is either dropped (and
// revoked in the background once no Mount uses it) or still cached (and
// revoked by RevokeCachedTokens): revocations == logins, even for a Mount
// that logged in with a session already dropped from the map.
TEST_F(MountConcurrencyTest, UnderEvictionEveryTokenIsRevoked) {
  for (const EvictionCase& c : kEvictionCases) {
    SCOPED_TRACE(c.name);
    vault_->ResetCounters();
    accounts_ = c.accounts;
    mount::MounterOptions options = Options();
    options.auth.cache_size = kPods / 3;
    options.auth.revoke_tokens = true;
    options.auth.share_tokens = c.share;
    mount::Mounter& mounter = Make(options);
    EXPECT_THAT(Hammer(mounter), ::testing::IsEmpty());
    // The dropped ones are revoked in the background: wait (bounded) for the
    // queue to drain, then hand back the cached ones.
    const auto revoked = [this] { return vault_->Count("POST /v1/auth/token/revoke-self"); };
    for (int i = 0; i < 1000 && revoked() < vault_->Count("login") - kPods / 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(revoked(), vault_->Count("login") - kPods / 3) << "dropped tokens, revoked in the background";
    EXPECT_EQ(RevokeCached(mounter), kPods / 3);
    EXPECT_EQ(revoked(), vault_->Count("login")) << "every token the provider got was handed back";
  }
  transport_.Shutdown();
}

}  // namespace
}  // namespace vcp::testing
