// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/async_limit.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/fake_clock.h"

namespace vcp {
namespace {

// Records what an Acquire yielded.
struct Taken {
  bool answered = false;
  std::optional<KeyedAsyncLimit::Slot> slot;
  KeyedAsyncLimit::Callback Callback() {
    return [this](std::optional<KeyedAsyncLimit::Slot> got) {
      answered = true;
      slot = std::move(got);
    };
  }
  bool granted() const { return answered && slot.has_value(); }
};

TEST(AsyncLimitTest, AtMostTheLimitHoldAndWaitersGetFreedSlotsInArrivalOrder) {
  testing::FakeClock clock;
  AsyncLimit limit(clock, 2);
  const Deadline later = clock.Now() + std::chrono::seconds(30);
  Taken a, b, c, d;
  limit.Acquire(later, a.Callback());
  limit.Acquire(later, b.Callback());
  limit.Acquire(later, c.Callback());
  limit.Acquire(later, d.Callback());
  EXPECT_TRUE(a.granted());
  EXPECT_TRUE(b.granted());
  EXPECT_FALSE(c.answered) << "a waiter holds no thread: it is a callback";
  EXPECT_EQ(limit.in_use(), 2);
  a.slot.reset();  // returns the slot: the first waiter gets it
  EXPECT_TRUE(c.granted());
  EXPECT_FALSE(d.answered);
  EXPECT_EQ(limit.in_use(), 2);
  b.slot->Release();
  EXPECT_TRUE(d.granted());
  c.slot.reset();
  d.slot.reset();
  EXPECT_EQ(limit.in_use(), 0);
}

TEST(AsyncLimitTest, AWaiterWhoseDeadlinePassesGetsNothingAndLeavesNoTrace) {
  testing::FakeClock clock;
  AsyncLimit limit(clock, 1);
  Taken holder, hurried, patient;
  limit.Acquire(clock.Now() + std::chrono::seconds(30), holder.Callback());
  limit.Acquire(clock.Now() + std::chrono::seconds(1), hurried.Callback());
  limit.Acquire(clock.Now() + std::chrono::seconds(30), patient.Callback());
  clock.Advance(std::chrono::seconds(2));
  EXPECT_TRUE(hurried.answered);
  EXPECT_FALSE(hurried.slot.has_value());
  EXPECT_FALSE(patient.answered);
  holder.slot.reset();
  EXPECT_TRUE(patient.granted()) << "the slot skips the waiter that gave up";
}

TEST(KeyedAsyncLimitTest, OneKeyCannotTakeAnotherKeysSlots) {
  testing::FakeClock clock;
  KeyedAsyncLimit limit(clock, 1);
  const Deadline later = clock.Now() + std::chrono::seconds(30);
  Taken slow1, slow2, other;
  limit.Acquire("https://slow", later, slow1.Callback());
  limit.Acquire("https://slow", later, slow2.Callback());
  limit.Acquire("https://other", later, other.Callback());
  EXPECT_TRUE(slow1.granted());
  EXPECT_FALSE(slow2.answered);
  EXPECT_TRUE(other.granted());
  EXPECT_EQ(limit.keys(), 2u);
  slow1.slot.reset();
  slow2.slot.reset();
  other.slot.reset();
  EXPECT_EQ(limit.keys(), 0u) << "memory is one entry per key that has holders or waiters";
}

TEST(KeyedAsyncLimitTest, NoLimitGrantsEveryoneAtOnce) {
  testing::FakeClock clock;
  KeyedAsyncLimit limit(clock, 0);
  std::vector<Taken> taken(100);
  for (Taken& t : taken) limit.Acquire("k", clock.Now(), t.Callback());
  for (Taken& t : taken) EXPECT_TRUE(t.granted());
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(KeyedAsyncLimitTest, SlotsMayOutliveTheLimit) {
  testing::FakeClock clock;
  Taken holder;
  {
    KeyedAsyncLimit limit(clock, 1);
    limit.Acquire("k", clock.Now() + std::chrono::seconds(1), holder.Callback());
  }
  holder.slot.reset();  // no use of the destroyed limit (ASan would say)
  SUCCEED();
}

}  // namespace
}  // namespace vcp
