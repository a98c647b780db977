// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/byte_budget.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace vcp {

ByteBudget::ByteBudget(size_t limit, std::string exhausted, ByteBudget* parent)
    : limit_(limit), exhausted_(std::move(exhausted)), parent_(parent) {}

ByteBudget::~ByteBudget() {
  if (parent_ != nullptr) parent_->Give(used());
}

absl::Status ByteBudget::Take(size_t bytes) {
  if (limit_ == 0) {
    used_.fetch_add(bytes, std::memory_order_relaxed);
  } else {
    // Added only when it fits, so that used() is never over the limit, not
    // even while a refused taker would take its bytes back.
    size_t before = used_.load(std::memory_order_relaxed);
    do {
      if (before + bytes > limit_ || before + bytes < before) return absl::ResourceExhaustedError(exhausted_);
    } while (!used_.compare_exchange_weak(before, before + bytes, std::memory_order_relaxed));
  }
  if (parent_ != nullptr) {
    if (absl::Status s = parent_->Take(bytes); !s.ok()) {
      used_.fetch_sub(bytes, std::memory_order_relaxed);
      return s;
    }
  }
  return absl::OkStatus();
}

void ByteBudget::Give(size_t bytes) {
  used_.fetch_sub(bytes, std::memory_order_relaxed);
  if (parent_ != nullptr) parent_->Give(bytes);
}

std::string FormatBytes(size_t bytes) {
  constexpr size_t kKiB = 1024, kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return absl::StrCat(bytes / kMiB, " MiB");
  if (bytes >= kKiB && bytes % kKiB == 0) return absl::StrCat(bytes / kKiB, " KiB");
  return absl::StrCat(bytes, " bytes");
}

}  // namespace vcp
