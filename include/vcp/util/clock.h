// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Time as one injected interface: what time it is, and running a task at a
// later time. Every part of the provider that needs either takes a Clock&;
// nothing else reads std::chrono's clocks or sleeps. Production passes a
// SystemClock; tests pass a fake (test/support/fake_clock.h) and move time
// forward by hand, so a token TTL, a retry back-off or a deadline is a test
// input rather than a wait.
//
// Tasks run on the clock's own thread (SystemClock) or inside the fake's
// Advance: they must be short and must not block.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "absl/functional/any_invocable.h"

namespace vcp {

// A point on the monotonic clock; deadlines are such points.
using TimePoint = std::chrono::steady_clock::time_point;
using Deadline = TimePoint;

// A handle of a scheduled task. 0 is never a valid handle.
using TimerId = uint64_t;

class Clock {
 public:
  virtual ~Clock() = default;

  // The monotonic time now (for deadlines, TTLs and intervals).
  virtual TimePoint Now() const = 0;

  // The wall-clock time now (Unix times from Vault, gRPC deadlines).
  virtual std::chrono::system_clock::time_point WallNow() const = 0;

  // Runs `task` once, at or soon after `when` (at once if that has passed),
  // unless Cancel wins first. Thread-safe. The task runs on the clock's
  // thread, never inside Schedule itself.
  virtual TimerId Schedule(TimePoint when, absl::AnyInvocable<void()> task) = 0;

  // Cancels a scheduled task: true when it had not started and now never
  // will (it is destroyed, not run); false when it has run, is running, was
  // cancelled before, or `id` is unknown. Thread-safe; never waits for a
  // running task, so a caller that races with its own task must make the
  // task harmless (see Flight and AsyncLimit for the pattern).
  virtual bool Cancel(TimerId id) = 0;

  // Seconds since the Unix epoch now (certificate expirations are Unix times).
  int64_t UnixSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(WallNow().time_since_epoch()).count();
  }
};

// The real clocks, and one thread (started on the first Schedule) that runs
// scheduled tasks in time order.
class SystemClock final : public Clock {
 public:
  SystemClock() = default;
  // Shutdown().
  ~SystemClock() override;

  // Stops the thread; tasks still scheduled are destroyed without running,
  // and later Schedule calls destroy their task at once (returning 0).
  // Idempotent; must not be called from a task.
  void Shutdown();

  SystemClock(const SystemClock&) = delete;
  SystemClock& operator=(const SystemClock&) = delete;

  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point WallNow() const override { return std::chrono::system_clock::now(); }
  TimerId Schedule(TimePoint when, absl::AnyInvocable<void()> task) override;
  bool Cancel(TimerId id) override;

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::pair<TimePoint, TimerId>, absl::AnyInvocable<void()>> tasks_;  // guarded by mu_
  std::unordered_map<TimerId, TimePoint> due_;                                 // guarded by mu_
  TimerId next_id_ = 1;                                                        // guarded by mu_
  // When the thread will wake by itself (max: not until notified). A task due
  // later needs no wake-up: most tasks are deadlines that are cancelled, and
  // waking the thread for each would cost a context switch per Mount.
  TimePoint sleeping_until_ = TimePoint::max();                                // guarded by mu_
  bool stopping_ = false;                                                      // guarded by mu_
  std::thread thread_;                                                         // started under mu_
};

// A one-shot signal that a thread can wait for with a deadline on any Clock
// (a fake one included: the deadline is a scheduled task, not a timed wait).
// For the few places that must block: startup and shutdown, the CLI, tests.
class Notification {
 public:
  Notification() = default;
  Notification(const Notification&) = delete;
  Notification& operator=(const Notification&) = delete;

  // Signals every waiter, now and later. Thread-safe; a waiter may destroy
  // the Notification as soon as it wakes.
  void Notify();

  // Blocks until Notify, or until `deadline` on `clock`; true when notified.
  bool WaitUntil(Clock& clock, Deadline deadline);

  // Blocks until Notify.
  void Wait();

  bool notified() const;

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool notified = false;  // guarded by mu
  };
  // Shared with the deadline tasks, which may run after this object is gone.
  const std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace vcp
