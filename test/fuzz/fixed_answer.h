// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// For the response fuzz targets: a fake transport that answers every request
// with the fuzzer's status and body, a fake clock, and a way to take an
// asynchronous call's result (the fake answers inside the call).
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>

#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "vcp/util/callback.h"

namespace vcp::fuzzing {

struct FixedAnswer {
  // Takes the status from the first byte of `data` (from `statuses`) and the
  // body from the rest. REQUIRES: size > 0.
  template <size_t N>
  FixedAnswer(const uint8_t* data, size_t size, const int (&statuses)[N])
      : status(statuses[data[0] % N]), body(reinterpret_cast<const char*>(data) + 1, size - 1) {
    transport.SetHandler([this](const http::HttpRequest&) -> std::optional<absl::StatusOr<http::HttpResponse>> {
      return absl::StatusOr<http::HttpResponse>(http::HttpResponse{status, body, {{"content-type", "application/json"}}});
    });
  }

  Deadline Soon() { return clock.Now() + std::chrono::seconds(30); }

  const int status;
  const std::string body;
  testing::FakeTransport transport;
  testing::FakeClock clock;
};

// The result of a call that answers inside it (traps when it did not).
template <typename T>
class Answered {
 public:
  Callback<T> Callback() {
    return [this](absl::StatusOr<T> result) { result_ = std::move(result); };
  }
  absl::StatusOr<T> get() {
    if (!result_.has_value()) __builtin_trap();
    return *std::move(result_);
  }

 private:
  std::optional<absl::StatusOr<T>> result_;
};

}  // namespace vcp::fuzzing
