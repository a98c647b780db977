// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The result of an asynchronous call, for tests: hand Callback() to the call,
// then check ready() and get() (fake transports and clocks answer at once or
// when advanced), or Wait() for a real transport.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include <gtest/gtest.h>

#include "vcp/util/callback.h"

namespace vcp::testing {

template <typename T>
class Pending {
 public:
  Pending() : state_(std::make_shared<State>()) {}

  // The callback to pass; counts how often it runs (it must run once).
  ::vcp::Callback<T> Callback() {
    return [state = state_](absl::StatusOr<T> result) {
      std::lock_guard<std::mutex> lock(state->mu);
      ++state->calls;
      state->result = std::move(result);
      state->cv.notify_all();
    };
  }

  bool ready() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->result.has_value();
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->calls;
  }

  // The result. REQUIRES: ready() (a test failure otherwise).
  absl::StatusOr<T> get() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!state_->result.has_value()) {
      ADD_FAILURE() << "the call has not answered yet";
      return absl::UnknownError("no answer yet");
    }
    return *state_->result;
  }

  // Moves the result out (for results that cannot be copied). REQUIRES: ready().
  absl::StatusOr<T> Take() {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!state_->result.has_value()) {
      ADD_FAILURE() << "the call has not answered yet";
      return absl::UnknownError("no answer yet");
    }
    return *std::move(state_->result);
  }

  // Blocks (in real time, for real transports) until the result is there.
  absl::StatusOr<T> Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
    std::unique_lock<std::mutex> lock(state_->mu);
    if (!state_->cv.wait_for(lock, timeout, [&] { return state_->result.has_value(); })) {
      ADD_FAILURE() << "no answer within " << timeout.count() << " ms";
      return absl::UnknownError("no answer in time");
    }
    return *state_->result;
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<absl::StatusOr<T>> result;
    int calls = 0;
  };
  std::shared_ptr<State> state_;
};

}  // namespace vcp::testing
