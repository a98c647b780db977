// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/concurrency.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace vcp {
namespace {

TEST(ConcurrencyTest, RunsEveryIndexExactlyOnce) {
  std::vector<std::atomic<int>> seen(100);
  ForEachConcurrently(seen.size(), 8, [&](size_t i) { seen[i]++; });
  for (auto& s : seen) EXPECT_EQ(s.load(), 1);
}

TEST(ConcurrencyTest, NeverExceedsTheBoundAndDoesOverlap) {
  std::atomic<int> running{0}, peak{0};
  ForEachConcurrently(12, 3, [&](size_t) {
    const int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
  });
  EXPECT_EQ(peak.load(), 3);
}

TEST(ConcurrencyTest, ZeroAndOneItemsNeedNoThreads) {
  int calls = 0;
  ForEachConcurrently(0, 8, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  const auto caller = std::this_thread::get_id();
  ForEachConcurrently(1, 8, [&](size_t) { EXPECT_EQ(std::this_thread::get_id(), caller); ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(ConcurrencyLimitTest, HoldersNeverExceedTheLimitAndWaitersGiveUpAtTheirDeadline) {
  ConcurrencyLimit limit(2);
  const auto soon = [] { return std::chrono::steady_clock::now() + std::chrono::milliseconds(50); };
  ASSERT_TRUE(limit.Acquire(soon()));
  ASSERT_TRUE(limit.Acquire(soon()));
  EXPECT_FALSE(limit.Acquire(soon())) << "a third holder must wait, and gives up at its deadline";
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    limit.Release();
  });
  EXPECT_TRUE(limit.Acquire(std::chrono::steady_clock::now() + std::chrono::seconds(5))) << "woken by the release";
  releaser.join();
  EXPECT_EQ(limit.in_use(), 2);
}

TEST(ConcurrencyLimitTest, ZeroMeansUnlimited) {
  ConcurrencyLimit limit(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limit.Acquire(std::chrono::steady_clock::now()));
  EXPECT_EQ(limit.in_use(), 1000);
}

TEST(KeyedConcurrencyLimitTest, ABusyKeyDoesNotDelayAnotherKey) {
  KeyedConcurrencyLimit limit(2);
  const auto soon = [] { return std::chrono::steady_clock::now() + std::chrono::milliseconds(30); };
  ASSERT_TRUE(limit.Acquire("hung", soon()));
  ASSERT_TRUE(limit.Acquire("hung", soon()));
  EXPECT_FALSE(limit.Acquire("hung", soon())) << "the key's share is taken; gives up at its deadline";
  EXPECT_TRUE(limit.Acquire("healthy", std::chrono::steady_clock::now())) << "another key never waits";
  EXPECT_EQ(limit.in_use("hung"), 2);
  EXPECT_EQ(limit.in_use("healthy"), 1);
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    limit.Release("hung");
  });
  EXPECT_TRUE(limit.Acquire("hung", std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  releaser.join();
}

TEST(KeyedConcurrencyLimitTest, KeysWithoutHoldersOrWaitersAreForgotten) {
  KeyedConcurrencyLimit limit(1);
  for (int i = 0; i < 100; ++i) {
    const std::string key = std::to_string(i);
    ASSERT_TRUE(limit.Acquire(key, std::chrono::steady_clock::now()));
    EXPECT_FALSE(limit.Acquire(key, std::chrono::steady_clock::now()));
    limit.Release(key);
  }
  EXPECT_EQ(limit.keys(), 0u);
}

TEST(KeyedConcurrencyLimitTest, ZeroMeansUnlimited) {
  KeyedConcurrencyLimit limit(0);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limit.Acquire("a", std::chrono::steady_clock::now()));
  EXPECT_EQ(limit.keys(), 0u);
}

}  // namespace
}  // namespace vcp
