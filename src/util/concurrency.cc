// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/concurrency.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace vcp {

void ForEachConcurrently(size_t count, size_t max_parallel, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  auto drain = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) work(i);
  };
  const size_t helpers = std::min(count, std::max<size_t>(1, max_parallel)) - (count > 0 ? 1 : 0);
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) threads.emplace_back(drain);
  drain();
  for (auto& thread : threads) thread.join();
}

bool ConcurrencyLimit::Acquire(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (limit_ > 0 && !freed_.wait_until(lock, deadline, [this] { return in_use_ < limit_; })) return false;
  ++in_use_;
  return true;
}

void ConcurrencyLimit::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
  }
  freed_.notify_one();
}

int ConcurrencyLimit::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

}  // namespace vcp
