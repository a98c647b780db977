// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A budget of bytes that concurrent readers draw on as data arrives, nested
// in larger budgets: one Vault read inside its Mount inside the provider's
// total. Taking bytes takes them from every enclosing budget; destroying a
// budget gives what it took back to the enclosing ones (the bytes it counted
// are freed by then, or soon).
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "absl/status/status.h"

namespace vcp {

class ByteBudget {
 public:
  // `limit` 0 means unlimited (the budget only counts). `exhausted` is the
  // message of the ResourceExhausted status Take returns when this budget
  // refuses, e.g. "the Mount's Vault responses exceed 8 MiB (-max-...)".
  // `parent` (may be null) must outlive this budget.
  ByteBudget(size_t limit, std::string exhausted, ByteBudget* parent = nullptr);
  ~ByteBudget();

  ByteBudget(const ByteBudget&) = delete;
  ByteBudget& operator=(const ByteBudget&) = delete;

  // Takes `bytes` from this budget and every enclosing one, or none of them
  // when one would go over its limit: then ResourceExhausted with the message
  // of the innermost budget that refused. Thread-safe.
  absl::Status Take(size_t bytes);

  // Gives `bytes` taken earlier back to this budget and every enclosing one,
  // when what they counted is dropped before the budget ends (a response
  // discarded for a retry). REQUIRES: at most what was taken and not given back.
  void Give(size_t bytes);

  // Bytes taken through this budget (and not given back) so far; never more
  // than the limit, even while other threads take.
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  const std::string exhausted_;
  ByteBudget* const parent_;
  std::atomic<size_t> used_{0};
};

// "8 MiB", "512 KiB", "1000 bytes": a byte count for messages, exact when it
// is a whole number of KiB or MiB.
std::string FormatBytes(size_t bytes);

}  // namespace vcp
