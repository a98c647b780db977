// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Single-flight results for asynchronous work: one producer computes a value
// (a login, a leased read) and any number of consumers wait for it, each
// with its own deadline. Nobody blocks a thread while waiting, and no lock
// is held while a callback runs.
//
// The producer holds a FlightLeader, which completes the flight when it is
// destroyed without having done so (an early return, an exception, a
// callback that is dropped unrun): a waiter never waits past its deadline
// because a producer forgot it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vcp/util/clock.h"

namespace vcp {

template <typename T>
class Flight : public std::enable_shared_from_this<Flight<T>> {
 public:
  using Callback = absl::AnyInvocable<void(absl::StatusOr<T>)>;

  // Flights are shared: create them with std::make_shared.
  Flight() = default;
  Flight(const Flight&) = delete;
  Flight& operator=(const Flight&) = delete;

  // Adds a waiter. `done` runs exactly once: with a copy of the result when
  // the flight completes (on the completing thread), or with
  // DeadlineExceeded(`timeout_message`) at `deadline` (on `clock`'s thread)
  // if that comes first. On a completed flight `done` runs inside Wait.
  // Thread-safe.
  void Wait(Clock& clock, Deadline deadline, std::string timeout_message, Callback done) {
    std::unique_lock<std::mutex> lock(mu_);
    if (result_.has_value()) {
      absl::StatusOr<T> copy = *result_;
      lock.unlock();
      done(std::move(copy));
      return;
    }
    const uint64_t id = next_waiter_++;
    Waiter& waiter = waiters_[id];
    waiter.done = std::move(done);
    waiter.clock = &clock;
    lock.unlock();
    // Scheduled outside the lock; if the flight completes meanwhile, the
    // waiter is already gone when the timer fires, and the timer is cancelled.
    const TimerId timer = clock.Schedule(
        deadline, [self = this->shared_from_this(), id, message = std::move(timeout_message)]() mutable {
          self->TimeOut(id, std::move(message));
        });
    lock.lock();
    auto it = waiters_.find(id);
    if (it == waiters_.end()) {
      lock.unlock();
      clock.Cancel(timer);
      return;
    }
    it->second.timer = timer;
  }

  // Completes the flight: every waiter's `done` runs on this thread with a
  // copy of `result`; later waiters get it at once. Only the first call
  // counts. Thread-safe.
  void Complete(const absl::StatusOr<T>& result) {
    std::map<uint64_t, Waiter> waiters;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (result_.has_value()) return;
      result_ = result;
      waiters.swap(waiters_);
    }
    for (auto& [id, waiter] : waiters) {
      if (waiter.timer != 0) waiter.clock->Cancel(waiter.timer);
      waiter.done(result);
    }
  }

  bool completed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return result_.has_value();
  }

  // Waiters that have neither been answered nor timed out.
  size_t waiting() const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiters_.size();
  }

 private:
  struct Waiter {
    Callback done;
    Clock* clock = nullptr;
    TimerId timer = 0;
  };

  void TimeOut(uint64_t id, std::string message) {
    Callback done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = waiters_.find(id);
      if (it == waiters_.end()) return;  // answered first
      done = std::move(it->second.done);
      waiters_.erase(it);
    }
    done(absl::DeadlineExceededError(std::move(message)));
  }

  mutable std::mutex mu_;
  std::optional<absl::StatusOr<T>> result_;  // guarded by mu_
  std::map<uint64_t, Waiter> waiters_;       // guarded by mu_
  uint64_t next_waiter_ = 1;                 // guarded by mu_
};

// The producer's side of a flight: complete it with the result, or let the
// destructor complete it with `abandoned`.
template <typename T>
class FlightLeader {
 public:
  FlightLeader(std::shared_ptr<Flight<T>> flight, absl::Status abandoned)
      : flight_(std::move(flight)), abandoned_(std::move(abandoned)) {}
  ~FlightLeader() {
    if (flight_) flight_->Complete(abandoned_);
  }
  FlightLeader(FlightLeader&&) noexcept = default;
  FlightLeader& operator=(FlightLeader&&) = delete;
  FlightLeader(const FlightLeader&) = delete;
  FlightLeader& operator=(const FlightLeader&) = delete;

  // Completes the flight with `result` (once; later calls do nothing).
  void Complete(const absl::StatusOr<T>& result) {
    if (std::shared_ptr<Flight<T>> flight = std::move(flight_)) flight->Complete(result);
  }

 private:
  std::shared_ptr<Flight<T>> flight_;
  absl::Status abandoned_;
};

}  // namespace vcp
