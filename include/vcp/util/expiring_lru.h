// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A bounded map of shared state by key: at most `capacity` entries, the least
// recently used dropped first, and entries not looked up for `idle_timeout`
// dropped at the next lookup of any key. What the provider keeps per pod (and
// per Vault identity) lives in one, so that memory follows the pods that are
// still mounting, never every pod the node has seen.
#pragma once

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "vcp/util/clock.h"

namespace vcp {

template <typename T>
class ExpiringLru {
 public:
  // `capacity` <= 0: nothing is kept (every lookup gets a new, unshared
  // value). `idle_timeout` zero or less: entries never expire. `clock` must
  // outlive the map.
  ExpiringLru(Clock& clock, int capacity, std::chrono::nanoseconds idle_timeout)
      : clock_(&clock), capacity_(capacity), idle_timeout_(idle_timeout) {}

  ExpiringLru(const ExpiringLru&) = delete;
  ExpiringLru& operator=(const ExpiringLru&) = delete;

  // Returns the value for `key`, made by `make()` when absent, and marks it
  // most recently used. Entries beyond capacity, then idle ones, are dropped
  // and, when `dropped` is given, appended to it (holders of the pointer keep
  // using them). `hit`, when given, says whether the key was present.
  // Thread-safe; `make` runs under the map's lock and must be cheap.
  template <typename Make>
  std::shared_ptr<T> GetOrCreate(const std::string& key, Make make,
                                 std::vector<std::shared_ptr<T>>* dropped = nullptr, bool* hit = nullptr) {
    if (capacity_ <= 0) {
      if (hit != nullptr) *hit = false;
      return make();
    }
    const TimePoint now = clock_->Now();
    std::lock_guard<std::mutex> lock(mu_);
    auto found = index_.find(key);
    if (hit != nullptr) *hit = found != index_.end();
    if (found != index_.end()) {
      lru_.splice(lru_.begin(), lru_, found->second);
    } else {
      lru_.push_front(Entry{key, make(), now});
      index_.emplace(key, lru_.begin());
    }
    lru_.front().used = now;
    // The back is the least recently used: drop beyond capacity, then while idle.
    const auto drop_back = [&] {
      if (dropped != nullptr) dropped->push_back(std::move(lru_.back().value));
      index_.erase(lru_.back().key);
      lru_.pop_back();
    };
    while (lru_.size() > static_cast<size_t>(capacity_)) drop_back();
    while (idle_timeout_.count() > 0 && lru_.size() > 1 && now - lru_.back().used > idle_timeout_) drop_back();
    return lru_.front().value;
  }

  // Removes and returns every value (at shutdown). Thread-safe.
  std::vector<std::shared_ptr<T>> TakeAll() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::shared_ptr<T>> all;
    all.reserve(lru_.size());
    for (Entry& entry : lru_) all.push_back(std::move(entry.value));
    lru_.clear();
    index_.clear();
    return all;
  }

  // Entries held now.
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lru_.size();
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<T> value;
    TimePoint used;  // last lookup
  };

  Clock* const clock_;
  const int capacity_;
  const std::chrono::nanoseconds idle_timeout_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used; guarded by mu_
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;  // guarded by mu_
};

}  // namespace vcp
