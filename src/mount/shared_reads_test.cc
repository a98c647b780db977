// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/shared_reads.h"

#include <gmock/gmock.h>

#include "support/fake_clock.h"

namespace vcp::mount {
namespace {

using Kind = SharedReads::Lookup::Kind;

const nlohmann::json kStatic =
    nlohmann::json::parse(R"({"lease_id":"","auth":null,"data":{"k":"v"},"mount_type":"kv"})");

class SharedReadsTest : public ::testing::Test {
 protected:
  // What a follower of `flight` got.
  static std::shared_ptr<std::optional<absl::StatusOr<SharedAnswer>>> Follow(
      testing::FakeClock& clock, const std::shared_ptr<SharedFlight>& flight) {
    auto got = std::make_shared<std::optional<absl::StatusOr<SharedAnswer>>>();
    flight->Wait(clock, clock.Now() + std::chrono::seconds(5), "timeout",
                 [got](absl::StatusOr<SharedAnswer> answer) { *got = std::move(answer); });
    return got;
  }

  testing::FakeClock clock_;
};

TEST_F(SharedReadsTest, AnIdenticalReadInFlightIsFollowedAndItsStaticAnswerShared) {
  SharedReads reads(clock_, std::chrono::seconds(0), 1 << 20, 64);
  auto lead = reads.Begin("identity-a", "GET kv/a");
  ASSERT_EQ(lead.kind, Kind::kLead);
  auto follow = reads.Begin("identity-a", "GET kv/a");
  ASSERT_EQ(follow.kind, Kind::kFollow);
  EXPECT_EQ(reads.Begin("identity-b", "GET kv/a").kind, Kind::kLead) << "another identity's token reads for itself";
  EXPECT_EQ(reads.Begin("identity-a", "GET kv/b").kind, Kind::kLead);
  auto got = Follow(clock_, follow.flight);
  reads.Finish("identity-a", "GET kv/a", kStatic, lead.flight);
  ASSERT_TRUE(got->has_value() && (*got)->ok() && ***got != nullptr);
  EXPECT_EQ((****got)["data"]["k"], "v");
  EXPECT_EQ(reads.Begin("identity-a", "GET kv/a").kind, Kind::kLead) << "no cache: the next read goes to Vault";
}

TEST_F(SharedReadsTest, AFollowerToldToFollowBeforeTheAnswerGetsItEvenIfItWaitsAfter) {
  // Begin answers kFollow under the lock; the follower waits only after it.
  // A leader finishing in between must still hand its answer over.
  SharedReads reads(clock_, std::chrono::seconds(0), 1 << 20, 64);
  auto lead = reads.Begin("identity-a", "GET kv/a");
  auto follow = reads.Begin("identity-a", "GET kv/a");
  ASSERT_EQ(follow.kind, Kind::kFollow);
  reads.Finish("identity-a", "GET kv/a", kStatic, lead.flight);
  auto got = Follow(clock_, follow.flight);
  ASSERT_TRUE(got->has_value() && (*got)->ok());
  ASSERT_NE(***got, nullptr) << "the follower is not sent to Vault for a read just answered";
  EXPECT_EQ((****got)["data"]["k"], "v");
}

TEST_F(SharedReadsTest, DynamicOrFailedAnswersAreNeverHandedToFollowers) {
  SharedReads reads(clock_, std::chrono::minutes(1), 1 << 20, 64);
  const nlohmann::json lease = nlohmann::json::parse(R"({"lease_id":"database/creds/app/1","data":{"username":"u1"}})");
  for (const absl::StatusOr<nlohmann::json>& answer :
       {absl::StatusOr<nlohmann::json>(lease), absl::StatusOr<nlohmann::json>(absl::PermissionDeniedError("403"))}) {
    auto lead = reads.Begin("pod", "GET database/creds/app");
    ASSERT_EQ(lead.kind, Kind::kLead);
    auto got = Follow(clock_, reads.Begin("pod", "GET database/creds/app").flight);
    reads.Finish("pod", "GET database/creds/app", answer, lead.flight);
    ASSERT_TRUE(got->has_value() && (*got)->ok());
    EXPECT_EQ(***got, nullptr) << "the follower reads for itself";
    auto again = reads.Begin("pod", "GET database/creds/app");
    EXPECT_EQ(again.kind, Kind::kLead) << "and nothing was cached";
    reads.Finish("pod", "GET database/creds/app", answer, again.flight);
  }
  EXPECT_EQ(reads.cached_bytes(), 0u);
}

TEST_F(SharedReadsTest, CachedAnswersServeForTheirTtlOnly) {
  SharedReads reads(clock_, std::chrono::seconds(30), 1 << 20, 64);
  auto lead = reads.Begin("id", "GET kv/a");
  reads.Finish("id", "GET kv/a", kStatic, lead.flight);
  clock_.Advance(std::chrono::seconds(29));
  auto cached = reads.Begin("id", "GET kv/a");
  ASSERT_EQ(cached.kind, Kind::kCached);
  EXPECT_EQ(*cached.cached, kStatic);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(reads.Begin("id", "GET kv/a").kind, Kind::kLead) << "expired at 30 s";
  EXPECT_EQ(reads.cached_bytes(), 0u) << "the expired entry gave its bytes back";
}

TEST_F(SharedReadsTest, TheCacheStaysWithinItsBytesEvictingTheLeastRecentlyUsed) {
  const size_t budget = 8 * 1024;
  SharedReads reads(clock_, std::chrono::minutes(10), budget, 64);
  for (int i = 0; i < 100; ++i) {
    const std::string key = "GET kv/" + std::to_string(i);
    auto lead = reads.Begin("id", key);
    reads.Finish("id", key, kStatic, lead.flight);
    ASSERT_LE(reads.cached_bytes(), budget);
  }
  EXPECT_EQ(reads.Begin("id", "GET kv/99").kind, Kind::kCached);
  EXPECT_EQ(reads.Begin("id", "GET kv/0").kind, Kind::kLead);
  // One answer larger than an eighth of the budget is not cached at all.
  auto big = reads.Begin("id", "GET kv/big");
  reads.Finish("id", "GET kv/big", nlohmann::json({{"data", {{"k", std::string(budget / 4, 'x')}}}}), big.flight);
  EXPECT_EQ(reads.Begin("id", "GET kv/big").kind, Kind::kLead);
  EXPECT_EQ(reads.Begin("id", "GET kv/99").kind, Kind::kCached) << "and evicts nobody";
}

TEST_F(SharedReadsTest, BeyondTheInFlightBoundMountsReadAlone) {
  SharedReads reads(clock_, std::chrono::seconds(0), 1 << 20, 2);
  auto a = reads.Begin("id", "GET kv/a");
  auto b = reads.Begin("id", "GET kv/b");
  EXPECT_EQ(reads.Begin("id", "GET kv/c").kind, Kind::kAlone);
  EXPECT_EQ(reads.Begin("id", "GET kv/a").kind, Kind::kFollow) << "a read in flight is still followed";
  reads.Finish("id", "GET kv/a", kStatic, a.flight);
  EXPECT_EQ(reads.Begin("id", "GET kv/c").kind, Kind::kLead);
  EXPECT_LE(reads.in_flight(), 2u);
}

TEST(IsShareableAnswerTest, OnlyKvAnswersWithoutLeaseAuthOrWrappingAreShared) {
  EXPECT_TRUE(IsShareableAnswer(kStatic));
  // KV v1 with its default lease_duration (and no lease_id); KV v2 from OpenBao (no mount_type).
  EXPECT_TRUE(IsShareableAnswer(nlohmann::json::parse(
      R"({"lease_id":"","lease_duration":2764800,"renewable":false,"data":{"k":"v"},"mount_type":"kv"})")));
  EXPECT_TRUE(IsShareableAnswer(nlohmann::json::parse(
      R"({"data":{"data":{"k":"v"},"metadata":{"version":3,"created_time":"2026-01-01T00:00:00Z"}}})")));
  for (const char* not_shared : {
           R"({"lease_id":"aws/creds/x/1","data":{},"mount_type":"aws"})",
           R"({"lease_id":"kv/odd/1","data":{},"mount_type":"kv"})",
           R"({"auth":{"client_token":"t"},"mount_type":"kv"})",
           R"({"wrap_info":{"token":"w"}})",
           R"({"data":{"certificate":"C","private_key":"K","expiration":1700000000},"mount_type":"pki"})",
           R"({"data":{"token":"ya29.x","expires_at_seconds":1700000000},"mount_type":"gcp"})",  // no lease
           R"({"data":{"code":"123456"},"mount_type":"totp"})",
           R"({"data":{"token":"eyJ..."},"mount_type":"identity"})",
           R"({"data":{"k":"v"}})",                                      // KV v1 shape without mount_type: unknown
           R"({"data":{"data":{"k":"v"},"metadata":{"version":1}}})",   // half a KV v2 shape
           R"([1,2])",
       }) {
    EXPECT_FALSE(IsShareableAnswer(nlohmann::json::parse(not_shared))) << not_shared;
  }
}

}  // namespace
}  // namespace vcp::mount
