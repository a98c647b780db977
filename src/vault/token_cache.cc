// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_cache.h"

namespace vcp::vault {

TokenCache::TokenCache(int capacity) : capacity_(capacity) {}

std::shared_ptr<PodSession> TokenCache::GetOrCreate(const std::string& key) {
  if (capacity_ <= 0) return std::make_shared<PodSession>();
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  lru_.emplace_front(key, std::make_shared<PodSession>());
  index_[key] = lru_.begin();
  while (lru_.size() > static_cast<size_t>(capacity_)) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return lru_.front().second;
}

size_t TokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return lru_.size();
}

}  // namespace vcp::vault
