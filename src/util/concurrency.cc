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

bool KeyedConcurrencyLimit::Acquire(const std::string& key, std::chrono::steady_clock::time_point deadline) {
  if (limit_ <= 0) return true;
  std::unique_lock<std::mutex> lock(mu_);
  Slots& slots = slots_[key];  // std::map: the reference survives other keys' inserts and erases
  ++slots.waiting;
  const bool got = freed_.wait_until(lock, deadline, [&] { return slots.in_use < limit_; });
  --slots.waiting;
  if (got) {
    ++slots.in_use;
  } else if (slots.in_use == 0 && slots.waiting == 0) {
    slots_.erase(key);
  }
  return got;
}

void KeyedConcurrencyLimit::Release(const std::string& key) {
  if (limit_ <= 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = slots_.find(key);
    if (it == slots_.end()) return;
    if (--it->second.in_use == 0 && it->second.waiting == 0) slots_.erase(it);
  }
  // Waiters of every key share the condition variable: wake them all, the
  // one whose key freed a slot proceeds.
  freed_.notify_all();
}

int KeyedConcurrencyLimit::in_use(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(key);
  return it == slots_.end() ? 0 : it->second.in_use;
}

size_t KeyedConcurrencyLimit::keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

}  // namespace vcp
