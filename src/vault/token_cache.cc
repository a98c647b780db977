// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_cache.h"

namespace vcp::vault {

TokenCache::TokenCache(int capacity) : capacity_(capacity) {}

std::shared_ptr<PodSession> TokenCache::GetOrCreate(const std::string& key,
                                                    std::vector<std::shared_ptr<PodSession>>* evicted) {
  if (capacity_ <= 0) return std::make_shared<PodSession>();
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  lru_.emplace_front(key, std::make_shared<PodSession>());
  index_[key] = lru_.begin();
  while (lru_.size() > static_cast<size_t>(capacity_)) {
    if (evicted != nullptr) evicted->push_back(std::move(lru_.back().second));
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return lru_.front().second;
}

std::vector<std::shared_ptr<PodSession>> TokenCache::TakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<PodSession>> all;
  all.reserve(lru_.size());
  for (auto& entry : lru_) all.push_back(std::move(entry.second));
  lru_.clear();
  index_.clear();
  return all;
}

size_t TokenCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace vcp::vault
