// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/fake_clock.h"

namespace vcp {
namespace {

TEST(SystemClockTest, RunsTasksInTimeOrderOnItsOwnThread) {
  SystemClock clock;
  std::mutex mu;
  std::vector<int> order;
  Notification all_ran;
  const TimePoint now = clock.Now();
  const auto record = [&](int n) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(n);
    if (order.size() == 3) all_ran.Notify();
  };
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> on_caller_thread{false};
  clock.Schedule(now + std::chrono::milliseconds(30), [&] { record(3); });
  clock.Schedule(now + std::chrono::milliseconds(10), [&] {
    on_caller_thread = std::this_thread::get_id() == caller;
    record(2);
  });
  clock.Schedule(now - std::chrono::seconds(1), [&] { record(1); });  // already due
  ASSERT_TRUE(all_ran.WaitUntil(clock, now + std::chrono::seconds(10)));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(on_caller_thread) << "tasks never run inside Schedule";
}

TEST(SystemClockTest, ACancelledTaskNeverRunsAndCancelSaysWhetherItWon) {
  SystemClock clock;
  std::atomic<int> ran{0};
  const TimerId later = clock.Schedule(clock.Now() + std::chrono::hours(1), [&] { ++ran; });
  EXPECT_TRUE(clock.Cancel(later));
  EXPECT_FALSE(clock.Cancel(later)) << "a second cancel finds nothing";
  Notification done;
  const TimerId soon = clock.Schedule(clock.Now(), [&] { done.Notify(); });
  done.Wait();
  EXPECT_FALSE(clock.Cancel(soon)) << "too late: it has run";
  EXPECT_EQ(ran.load(), 0);
}

TEST(SystemClockTest, ShutdownDropsTasksUnrunAndRefusesNewOnes) {
  auto flag = std::make_shared<int>(0);
  {
    SystemClock clock;
    clock.Schedule(clock.Now() + std::chrono::hours(1), [flag] { ++*flag; });
    EXPECT_EQ(flag.use_count(), 2);
    clock.Shutdown();
    EXPECT_EQ(flag.use_count(), 1) << "the task (and what it holds) is destroyed at shutdown";
    EXPECT_EQ(clock.Schedule(clock.Now(), [flag] { ++*flag; }), 0u);
  }
  EXPECT_EQ(*flag, 0);
}

TEST(NotificationTest, WaitUntilEndsAtTheDeadlineOnAFakeClock) {
  testing::FakeClock clock;
  Notification never;
  std::atomic<bool> woke{false};
  std::thread waiter([&] { woke = !never.WaitUntil(clock, clock.Now() + std::chrono::seconds(5)); });
  // The waiter registers its deadline on the clock; moving time past it ends the wait.
  while (clock.pending() == 0) std::this_thread::yield();
  clock.Advance(std::chrono::seconds(4));
  EXPECT_FALSE(woke.load());
  clock.Advance(std::chrono::seconds(1));
  waiter.join();
  EXPECT_TRUE(woke.load());
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(NotificationTest, NotifyWakesEveryWaiterAndLaterWaitsReturnAtOnce) {
  SystemClock clock;
  Notification ready;
  std::atomic<int> woken{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&] {
      if (ready.WaitUntil(clock, clock.Now() + std::chrono::seconds(30))) ++woken;
    });
  }
  ready.Notify();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(woken.load(), 3);
  EXPECT_TRUE(ready.WaitUntil(clock, clock.Now()));
}

TEST(FakeClockTest, AdvanceRunsDueTasksInOrderAndMovesBothClocks) {
  testing::FakeClock clock(1'000);
  std::vector<int> order;
  clock.Schedule(clock.Now() + std::chrono::seconds(2), [&] {
    order.push_back(2);
    // Scheduled while advancing, and due within it: runs in the same advance.
    clock.Schedule(clock.Now() + std::chrono::seconds(1), [&] { order.push_back(3); });
  });
  clock.Schedule(clock.Now() + std::chrono::seconds(1), [&] { order.push_back(1); });
  clock.Schedule(clock.Now() + std::chrono::seconds(10), [&] { order.push_back(10); });
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(clock.UnixSeconds(), 1'005);
  EXPECT_EQ(clock.NextTaskIn(), std::chrono::seconds(5));
}

}  // namespace
}  // namespace vcp
