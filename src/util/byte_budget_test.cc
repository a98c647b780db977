// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/byte_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace vcp {
namespace {

using ::testing::HasSubstr;

TEST(ByteBudgetTest, RefusesWhatWouldGoOverTheLimitAndKeepsWhatFits) {
  ByteBudget budget(100, "over 100");
  EXPECT_TRUE(budget.Take(60).ok());
  absl::Status refused = budget.Take(41);
  EXPECT_TRUE(absl::IsResourceExhausted(refused));
  EXPECT_EQ(refused.message(), "over 100");
  EXPECT_EQ(budget.used(), 60u) << "a refused Take takes nothing";
  EXPECT_TRUE(budget.Take(40).ok());
  EXPECT_EQ(budget.used(), 100u);
}

TEST(ByteBudgetTest, ZeroLimitOnlyCounts) {
  ByteBudget budget(0, "never");
  EXPECT_TRUE(budget.Take(size_t{1} << 40).ok());
  EXPECT_EQ(budget.used(), size_t{1} << 40);
}

TEST(ByteBudgetTest, NestedBudgetsTakeFromEveryLevelAndNameTheOneThatRefused) {
  ByteBudget total(100, "total");
  ByteBudget mount_a(80, "mount a", &total);
  ByteBudget mount_b(80, "mount b", &total);
  EXPECT_EQ(mount_a.Take(81).message(), "mount a");
  EXPECT_TRUE(mount_a.Take(70).ok());
  EXPECT_EQ(mount_b.Take(31).message(), "total");
  EXPECT_EQ(mount_b.used(), 0u) << "refused by the parent: rolled back here too";
  EXPECT_EQ(total.used(), 70u);
  EXPECT_TRUE(mount_b.Take(30).ok());
  EXPECT_EQ(total.used(), 100u);
}

TEST(ByteBudgetTest, DestroyingABudgetGivesItsBytesBackToTheEnclosingOnes) {
  ByteBudget total(100, "total");
  {
    ByteBudget mount(0, "", &total);
    ByteBudget read(0, "", &mount);
    ASSERT_TRUE(read.Take(90).ok());
    EXPECT_EQ(total.used(), 90u);
  }
  EXPECT_EQ(total.used(), 0u);
  EXPECT_TRUE(total.Take(100).ok());
}

TEST(ByteBudgetTest, ConcurrentTakersNeverExceedTheLimit) {
  ByteBudget total(1000, "total");
  std::vector<std::thread> threads;
  std::atomic<size_t> granted{0};
  std::atomic<int> finished{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      ByteBudget mine(0, "", &total);
      for (int i = 0; i < 1000; ++i) {
        if (mine.Take(7).ok()) granted += 7;
      }
      EXPECT_LE(total.used(), 1000u);
      // Keep `mine` (and its bytes) until every thread has stopped taking.
      finished.fetch_add(1);
      while (finished.load() < 8) std::this_thread::yield();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), 994u) << "142 takes of 7 fit in 1000";
  EXPECT_EQ(total.used(), 0u);
}

TEST(ByteBudgetTest, FormatBytes) {
  EXPECT_EQ(FormatBytes(8u << 20), "8 MiB");
  EXPECT_EQ(FormatBytes(256u << 10), "256 KiB");
  EXPECT_EQ(FormatBytes(1000), "1000 bytes");
}

TEST(ByteBudgetTest, BytesGivenBackCanBeTakenAgain) {
  ByteBudget mount(1000, "mount full");
  ByteBudget read(0, "", &mount);
  ASSERT_TRUE(read.Take(800).ok());
  EXPECT_FALSE(read.Take(800).ok());
  read.Give(800);  // the first response was dropped for a retry
  EXPECT_EQ(mount.used(), 0u);
  EXPECT_TRUE(read.Take(800).ok());
  EXPECT_EQ(mount.used(), 800u);
}

}  // namespace
}  // namespace vcp
