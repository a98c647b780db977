// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Bounded fan-out for the independent Vault reads of one Mount, and a bound
// on how many Mounts run at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace vcp {

// Calls `work(i)` for every i in [0, count), at most `max_parallel` at a
// time, and returns when all calls have returned. The calling thread takes a
// share of the work, so count == 1 costs no thread. `work` must be safe to
// call concurrently for different i. (Helpers are fresh threads: a pool kept
// between calls was measured to raise peak memory by 13 MiB for no
// measurable latency gain, see docs/benchmarks.md.)
void ForEachConcurrently(size_t count, size_t max_parallel, const std::function<void(size_t)>& work);

// A counting semaphore with deadlines: at most `limit` holders at a time
// (`limit` <= 0: no limit). Waiters are woken in no particular order.
class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(int limit) : limit_(limit) {}

  ConcurrencyLimit(const ConcurrencyLimit&) = delete;
  ConcurrencyLimit& operator=(const ConcurrencyLimit&) = delete;

  // Takes a slot, waiting until `deadline` at most; false when none freed up
  // in time. Thread-safe.
  bool Acquire(std::chrono::steady_clock::time_point deadline);

  // Returns a slot taken by a successful Acquire. Thread-safe.
  void Release();

  // Holders right now.
  int in_use() const;

 private:
  const int limit_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int in_use_ = 0;  // guarded by mu_
};

// At most `limit` holders per key at a time (`limit` <= 0: no limit), e.g.
// Mounts per Vault address, so that one slow key cannot take every slot of a
// ConcurrencyLimit behind it. Memory: one entry per key while it has holders
// or waiters.
class KeyedConcurrencyLimit {
 public:
  explicit KeyedConcurrencyLimit(int limit) : limit_(limit) {}

  KeyedConcurrencyLimit(const KeyedConcurrencyLimit&) = delete;
  KeyedConcurrencyLimit& operator=(const KeyedConcurrencyLimit&) = delete;

  // Takes a slot for `key`, waiting until `deadline` at most; false when
  // none of the key's slots freed up in time. Thread-safe.
  bool Acquire(const std::string& key, std::chrono::steady_clock::time_point deadline);

  // Returns a slot of `key` taken by a successful Acquire. Thread-safe.
  void Release(const std::string& key);

  // Holders of `key` right now; keys with neither holders nor waiters held.
  int in_use(const std::string& key) const;
  size_t keys() const;

  int limit() const { return limit_; }

 private:
  struct Slots {
    int in_use = 0;
    int waiting = 0;
  };
  const int limit_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::map<std::string, Slots> slots_;  // guarded by mu_
};

}  // namespace vcp
