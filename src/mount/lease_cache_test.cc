// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/lease_cache.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace vcp::mount {
namespace {

const nlohmann::json kLease = {{"lease_id", "db/creds/app/1"}, {"lease_duration", 3600}, {"data", {{"u", "x"}}}};
const nlohmann::json kStatic = {{"data", {{"k", "v"}}}};

class LeaseCacheTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  std::shared_ptr<ByteBudget> budget_ = std::make_shared<ByteBudget>(10'000, "full");
};

TEST_F(LeaseCacheTest, TheFirstReaderLeadsOthersFollowAndALeaseIsThenReused) {
  LeaseCache cache(budget_);
  auto lead = cache.Begin("GET /v1/db/creds/app -", 1, clock_.Now());
  ASSERT_EQ(lead.kind, LeaseCache::Lookup::kLead);
  auto follow = cache.Begin("GET /v1/db/creds/app -", 1, clock_.Now());
  ASSERT_EQ(follow.kind, LeaseCache::Lookup::kFollow);
  EXPECT_EQ(follow.flight, lead.flight);
  std::optional<nlohmann::json> followed;
  follow.flight->Wait(clock_, clock_.Now() + std::chrono::seconds(5), "", [&](auto result) { followed = *result; });
  cache.Record("GET /v1/db/creds/app -", 1, kLease, clock_.Now() + std::chrono::seconds(2400), 100, lead.flight);
  ASSERT_TRUE(followed.has_value());
  EXPECT_EQ(*followed, kLease) << "the follower gets the leader's credential";
  auto reuse = cache.Begin("GET /v1/db/creds/app -", 1, clock_.Now());
  EXPECT_EQ(reuse.kind, LeaseCache::Lookup::kReuse);
  EXPECT_EQ(reuse.envelope, kLease);
  EXPECT_EQ(budget_->used(), 100u);
}

TEST_F(LeaseCacheTest, AStaticAnswerIsReadFreshAndNeverWaitedFor) {
  LeaseCache cache(budget_);
  auto lead = cache.Begin("GET /v1/kv/x -", 1, clock_.Now());
  std::optional<std::optional<nlohmann::json>> followed;
  lead.flight->Wait(clock_, clock_.Now() + std::chrono::seconds(5), "", [&](auto result) { followed = *result; });
  cache.Record("GET /v1/kv/x -", 1, kStatic, std::nullopt, 50, lead.flight);
  ASSERT_TRUE(followed.has_value());
  EXPECT_FALSE(followed->has_value()) << "no lease: followers read for themselves";
  EXPECT_EQ(cache.Begin("GET /v1/kv/x -", 1, clock_.Now()).kind, LeaseCache::Lookup::kReadFresh);
  EXPECT_EQ(budget_->used(), 0u);
}

TEST_F(LeaseCacheTest, LeasesEndWithTheirWindowAndWithTheirToken) {
  LeaseCache cache(budget_);
  auto lead = cache.Begin("k", 1, clock_.Now());
  cache.Record("k", 1, kLease, clock_.Now() + std::chrono::seconds(60), 100, lead.flight);
  EXPECT_EQ(cache.Begin("k", 2, clock_.Now()).kind, LeaseCache::Lookup::kLead) << "another token: Vault revoked it";
  EXPECT_EQ(budget_->used(), 0u);
  auto again = cache.Begin("k", 2, clock_.Now());
  cache.Record("k", 2, kLease, clock_.Now() + std::chrono::seconds(60), 100, again.flight);
  clock_.Advance(std::chrono::seconds(60));
  EXPECT_NE(cache.Begin("other", 2, clock_.Now()).kind, LeaseCache::Lookup::kReuse);
  EXPECT_EQ(cache.size(), 0u) << "past its window: dropped at the pod's next lookup";
}

TEST_F(LeaseCacheTest, TheSharedBudgetBoundsWhatIsKeptAndGetsItBackAtTheEnd) {
  {
    LeaseCache a(budget_), b(budget_);
    auto la = a.Begin("k", 1, clock_.Now());
    a.Record("k", 1, kLease, clock_.Now() + std::chrono::hours(1), 8'000, la.flight);
    auto lb = b.Begin("k", 1, clock_.Now());
    b.Record("k", 1, kLease, clock_.Now() + std::chrono::hours(1), 8'000, lb.flight);
    EXPECT_EQ(a.size(), 1u);
    EXPECT_EQ(b.size(), 0u) << "over the budget: not kept (the next Mount reads it fresh)";
    EXPECT_EQ(budget_->used(), 8'000u);
  }
  EXPECT_EQ(budget_->used(), 0u) << "a pod session that goes gives its bytes back";
}

}  // namespace
}  // namespace vcp::mount
