// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_cache.h"

#include <gtest/gtest.h>

namespace vcp::vault {
namespace {

TEST(TokenCacheTest, SameKeySameSession) {
  TokenCache cache(10);
  auto a = cache.GetOrCreate("pod-a");
  EXPECT_EQ(a, cache.GetOrCreate("pod-a"));
  EXPECT_NE(a, cache.GetOrCreate("pod-b"));
  EXPECT_EQ(cache.size(), 2u);
}

TEST(TokenCacheTest, EvictsLeastRecentlyUsed) {
  TokenCache cache(2);
  auto a = cache.GetOrCreate("a");
  cache.GetOrCreate("b");
  cache.GetOrCreate("a");  // a is now more recent than b
  cache.GetOrCreate("c");  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.GetOrCreate("a"), a);
  auto b = cache.GetOrCreate("b");
  {
    std::lock_guard<std::mutex> lock(b->mu);
    EXPECT_TRUE(b->token.empty()) << "b was evicted, so it is a fresh session";
  }
}

TEST(TokenCacheTest, EvictedSessionsAreHandedBackAndTakeAllEmptiesTheCache) {
  TokenCache cache(2);
  std::vector<std::shared_ptr<PodSession>> evicted;
  auto a = cache.GetOrCreate("a", &evicted);
  auto b = cache.GetOrCreate("b", &evicted);
  EXPECT_TRUE(evicted.empty());
  cache.GetOrCreate("c", &evicted);
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0], a);
  auto all = cache.TakeAll();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_NE(cache.GetOrCreate("b"), b) << "taken sessions are gone from the cache";
}

TEST(TokenCacheTest, CapacityZeroOrNegativeDisablesSharing) {
  for (int capacity : {0, -1}) {
    TokenCache cache(capacity);
    EXPECT_NE(cache.GetOrCreate("a"), cache.GetOrCreate("a"));
    EXPECT_EQ(cache.size(), 0u);
  }
}

TEST(TokenCacheTest, SessionsIdleLongerThanTheTimeoutAreDroppedAtTheNextLookup) {
  auto now = std::chrono::steady_clock::time_point() + std::chrono::hours(1);
  TokenCache cache(100, std::chrono::seconds(600), [&] { return now; });
  auto gone = cache.GetOrCreate("gone-pod");
  gone->token = "t1";
  auto polling = cache.GetOrCreate("polling-pod");
  for (int i = 0; i < 4; ++i) {
    now += std::chrono::seconds(120);  // a rotation poll every 2 minutes
    EXPECT_EQ(cache.GetOrCreate("polling-pod"), polling);
  }
  EXPECT_EQ(cache.size(), 2u) << "8 minutes idle: kept";
  now += std::chrono::seconds(240);
  std::vector<std::shared_ptr<PodSession>> evicted;
  EXPECT_EQ(cache.GetOrCreate("polling-pod", &evicted), polling);
  ASSERT_EQ(evicted.size(), 1u) << "12 minutes without a Mount: dropped";
  EXPECT_EQ(evicted[0], gone);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_NE(cache.GetOrCreate("gone-pod"), gone) << "a later Mount starts a new session";
}

TEST(TokenCacheTest, ZeroIdleTimeoutKeepsSessionsUntilEvicted) {
  auto now = std::chrono::steady_clock::time_point();
  TokenCache cache(100, std::chrono::seconds(0), [&] { return now; });
  auto first = cache.GetOrCreate("a");
  now += std::chrono::hours(24 * 365);
  cache.GetOrCreate("b");
  EXPECT_EQ(cache.GetOrCreate("a"), first);
}

}  // namespace
}  // namespace vcp::vault
