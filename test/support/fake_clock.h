// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A Clock whose time moves only when a test says so. Advance runs every task
// that falls due, in time order, on the calling thread; tasks scheduled while
// it runs are run too if they fall due within the advance.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "vcp/util/clock.h"

namespace vcp::testing {

class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary monotonic time and at `unix_seconds` on the wall clock.
  explicit FakeClock(int64_t unix_seconds = 1'700'000'000)
      : now_(TimePoint(std::chrono::hours(1))), wall_(std::chrono::seconds(unix_seconds)) {}

  TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  std::chrono::system_clock::time_point WallNow() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return wall_;
  }
  TimerId Schedule(TimePoint when, absl::AnyInvocable<void()> task) override {
    std::lock_guard<std::mutex> lock(mu_);
    const TimerId id = next_id_++;
    tasks_.emplace(std::make_pair(when, id), std::move(task));
    due_.emplace(id, when);
    return id;
  }
  bool Cancel(TimerId id) override {
    absl::AnyInvocable<void()> cancelled;
    std::lock_guard<std::mutex> lock(mu_);
    auto due = due_.find(id);
    if (due == due_.end()) return false;
    auto task = tasks_.find(std::make_pair(due->second, id));
    cancelled = std::move(task->second);
    tasks_.erase(task);
    due_.erase(due);
    return true;
  }

  // Moves both clocks forward by `d`, running the tasks that fall due.
  void Advance(std::chrono::nanoseconds d) {
    TimePoint target;
    {
      std::lock_guard<std::mutex> lock(mu_);
      target = now_ + std::chrono::duration_cast<TimePoint::duration>(d);
    }
    for (;;) {
      absl::AnyInvocable<void()> task;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (tasks_.empty() || tasks_.begin()->first.first > target) {
          wall_ += target - now_;
          now_ = target;
          return;
        }
        auto first = tasks_.begin();
        if (first->first.first > now_) {
          wall_ += first->first.first - now_;
          now_ = first->first.first;
        }
        task = std::move(first->second);
        due_.erase(first->first.second);
        tasks_.erase(first);
      }
      std::move(task)();
    }
  }

  // How far away the earliest scheduled task is (zero if due), if any.
  std::optional<std::chrono::nanoseconds> NextTaskIn() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (tasks_.empty()) return std::nullopt;
    return std::max(std::chrono::nanoseconds(0), tasks_.begin()->first.first - now_);
  }

  // Tasks scheduled and not yet run or cancelled.
  size_t pending() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tasks_.size();
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
  std::chrono::system_clock::time_point wall_;
  std::map<std::pair<TimePoint, TimerId>, absl::AnyInvocable<void()>> tasks_;
  std::unordered_map<TimerId, TimePoint> due_;
  TimerId next_id_ = 1;
};

}  // namespace vcp::testing
