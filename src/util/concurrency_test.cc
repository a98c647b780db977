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

}  // namespace
}  // namespace vcp
