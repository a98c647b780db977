// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/expiring_lru.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace vcp {
namespace {

struct Session {
  std::string token;
};

class ExpiringLruTest : public ::testing::Test {
 protected:
  std::shared_ptr<Session> Get(ExpiringLru<Session>& lru, const std::string& key,
                               std::vector<std::shared_ptr<Session>>* dropped = nullptr, bool* hit = nullptr) {
    return lru.GetOrCreate(key, [] { return std::make_shared<Session>(); }, dropped, hit);
  }
  testing::FakeClock clock_;
};

TEST_F(ExpiringLruTest, SameKeySameValue) {
  ExpiringLru<Session> lru(clock_, 10, std::chrono::seconds(0));
  bool hit = true;
  auto a = Get(lru, "pod-a", nullptr, &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(a, Get(lru, "pod-a", nullptr, &hit));
  EXPECT_TRUE(hit);
  EXPECT_NE(a, Get(lru, "pod-b"));
  EXPECT_EQ(lru.size(), 2u);
}

TEST_F(ExpiringLruTest, DropsTheLeastRecentlyUsedBeyondCapacity) {
  ExpiringLru<Session> lru(clock_, 2, std::chrono::seconds(0));
  auto a = Get(lru, "a");
  auto b = Get(lru, "b");
  b->token = "t";
  Get(lru, "a");  // a is now more recent than b
  std::vector<std::shared_ptr<Session>> dropped;
  Get(lru, "c", &dropped);  // drops b
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0], b) << "the dropped value is handed back (to revoke its token)";
  EXPECT_EQ(lru.size(), 2u);
  EXPECT_EQ(Get(lru, "a"), a);
  EXPECT_TRUE(Get(lru, "b")->token.empty()) << "b was dropped, so it is a new value";
}

TEST_F(ExpiringLruTest, TakeAllEmptiesTheMap) {
  ExpiringLru<Session> lru(clock_, 2, std::chrono::seconds(0));
  auto a = Get(lru, "a");
  auto b = Get(lru, "b");
  auto all = lru.TakeAll();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(lru.size(), 0u);
  EXPECT_NE(Get(lru, "b"), b) << "taken values are gone from the map";
}

TEST_F(ExpiringLruTest, CapacityZeroOrNegativeKeepsNothing) {
  for (int capacity : {0, -1}) {
    ExpiringLru<Session> lru(clock_, capacity, std::chrono::seconds(0));
    EXPECT_NE(Get(lru, "a"), Get(lru, "a"));
    EXPECT_EQ(lru.size(), 0u);
  }
}

TEST_F(ExpiringLruTest, EntriesIdleLongerThanTheTimeoutAreDroppedAtTheNextLookup) {
  ExpiringLru<Session> lru(clock_, 100, std::chrono::seconds(600));
  auto gone = Get(lru, "gone-pod");
  auto polling = Get(lru, "polling-pod");
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(std::chrono::seconds(120));  // a rotation poll every 2 minutes
    EXPECT_EQ(Get(lru, "polling-pod"), polling);
  }
  EXPECT_EQ(lru.size(), 2u) << "8 minutes idle: kept";
  clock_.Advance(std::chrono::seconds(240));
  std::vector<std::shared_ptr<Session>> dropped;
  EXPECT_EQ(Get(lru, "polling-pod", &dropped), polling);
  ASSERT_EQ(dropped.size(), 1u) << "12 minutes without a lookup: dropped";
  EXPECT_EQ(dropped[0], gone);
  EXPECT_EQ(lru.size(), 1u);
  EXPECT_NE(Get(lru, "gone-pod"), gone) << "a later lookup starts a new value";
}

TEST_F(ExpiringLruTest, ZeroIdleTimeoutKeepsEntriesUntilCapacityDropsThem) {
  ExpiringLru<Session> lru(clock_, 100, std::chrono::seconds(0));
  auto first = Get(lru, "a");
  clock_.Advance(std::chrono::hours(24 * 365));
  Get(lru, "b");
  EXPECT_EQ(Get(lru, "a"), first);
}

}  // namespace
}  // namespace vcp
