// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_cache.h"

namespace vcp::vault {

TokenCache::TokenCache(int capacity, std::chrono::seconds idle_timeout, Clock now)
    : capacity_(capacity), idle_timeout_(idle_timeout), now_(std::move(now)) {}

std::shared_ptr<PodSession> TokenCache::GetOrCreate(const std::string& key,
                                                    std::vector<std::shared_ptr<PodSession>>* evicted) {
  if (capacity_ <= 0) return std::make_shared<PodSession>();
  const auto now = now_ ? now_() : std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    lru_.push_front(Entry{key, std::make_shared<PodSession>(), now});
    index_[key] = lru_.begin();
  }
  lru_.front().used = now;
  // The back is the least recently used: drop beyond capacity, then while idle.
  const auto drop_back = [&] {
    if (evicted != nullptr) evicted->push_back(std::move(lru_.back().session));
    index_.erase(lru_.back().key);
    lru_.pop_back();
  };
  while (lru_.size() > static_cast<size_t>(capacity_)) drop_back();
  while (idle_timeout_.count() > 0 && lru_.size() > 1 && now - lru_.back().used > idle_timeout_) drop_back();
  return lru_.front().session;
}

std::vector<std::shared_ptr<PodSession>> TokenCache::TakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<PodSession>> all;
  all.reserve(lru_.size());
  for (auto& entry : lru_) all.push_back(std::move(entry.session));
  lru_.clear();
  index_.clear();
  return all;
}

size_t TokenCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace vcp::vault
