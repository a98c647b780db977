// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/clock.h"

#include <memory>
#include <vector>

namespace vcp {

SystemClock::~SystemClock() { Shutdown(); }

void SystemClock::Shutdown() {
  decltype(tasks_) dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    dropped.swap(tasks_);
    due_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  // `dropped` is destroyed here, outside the lock: a task's captures may
  // themselves cancel or schedule timers.
}

TimerId SystemClock::Schedule(TimePoint when, absl::AnyInvocable<void()> task) {
  bool earliest = false;
  TimerId id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return 0;  // the task is destroyed unrun, as at shutdown
    id = next_id_++;
    earliest = when < sleeping_until_;
    tasks_.emplace(std::make_pair(when, id), std::move(task));
    due_.emplace(id, when);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  // Only a task due before the thread wakes by itself needs a wake-up.
  if (earliest) wake_.notify_one();
  return id;
}

bool SystemClock::Cancel(TimerId id) {
  absl::AnyInvocable<void()> cancelled;  // destroyed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto due = due_.find(id);
    if (due == due_.end()) return false;
    auto task = tasks_.find(std::make_pair(due->second, id));
    cancelled = std::move(task->second);
    tasks_.erase(task);
    due_.erase(due);
  }
  return true;
}

void SystemClock::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      sleeping_until_ = TimePoint::max();
      wake_.wait(lock);
      sleeping_until_ = TimePoint::min();  // awake: a new task is seen before the next wait
      continue;
    }
    const TimePoint when = tasks_.begin()->first.first;
    if (Now() < when) {
      sleeping_until_ = when;
      wake_.wait_until(lock, when);
      sleeping_until_ = TimePoint::min();  // awake: a new task is seen before the next wait
      continue;
    }
    auto first = tasks_.begin();
    absl::AnyInvocable<void()> task = std::move(first->second);
    due_.erase(first->first.second);
    tasks_.erase(first);
    lock.unlock();
    std::move(task)();
    task = nullptr;  // its captures go before the lock is taken again
    lock.lock();
  }
}

void Notification::Notify() {
  // A waiter may return, and destroy this object, as soon as `notified` is
  // set: the state must outlive the notify_all that follows.
  const std::shared_ptr<State> state = state_;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    state->notified = true;
  }
  state->cv.notify_all();
}

bool Notification::WaitUntil(Clock& clock, Deadline deadline) {
  // The deadline is a task on `clock`, so that a fake clock's Advance ends
  // the wait too. It holds the state, not this object: it may run late.
  if (notified()) return true;
  auto timed_out = std::make_shared<bool>(false);  // guarded by state_->mu
  const TimerId timer = clock.Schedule(deadline, [state = state_, timed_out] {
    {
      std::lock_guard<std::mutex> lock(state->mu);
      *timed_out = true;
    }
    state->cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->notified || *timed_out; });
  const bool notified = state_->notified;
  lock.unlock();
  clock.Cancel(timer);
  return notified;
}

void Notification::Wait() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->cv.wait(lock, [this] { return state_->notified; });
}

bool Notification::notified() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->notified;
}

}  // namespace vcp
