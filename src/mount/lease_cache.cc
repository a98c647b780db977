// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/lease_cache.h"

#include <utility>
#include <vector>

namespace vcp::mount {

LeaseCache::LeaseCache(std::shared_ptr<ByteBudget> budget, size_t max_entry_bytes, size_t max_unleased)
    : budget_(std::move(budget)), max_entry_bytes_(max_entry_bytes), max_unleased_(max_unleased) {}

LeaseCache::~LeaseCache() {
  for (auto it = leases_.begin(); it != leases_.end();) EraseLocked(it++);
}

void LeaseCache::EraseLocked(std::map<std::string, Lease>::iterator it) {
  if (budget_ != nullptr) budget_->Give(it->second.bytes);
  leases_.erase(it);
}

LeaseCache::Lookup LeaseCache::Begin(const std::string& key, uint64_t generation, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (now >= it->second.reuse_until || it->second.generation != generation) {
      EraseLocked(it++);
    } else {
      ++it;
    }
  }
  Lookup lookup;
  if (auto lease = leases_.find(key); lease != leases_.end()) {
    lookup.kind = Lookup::kReuse;
    lookup.envelope = lease->second.envelope;
    return lookup;
  }
  if (unleased_.count(key) != 0) return lookup;  // kReadFresh: nobody to wait for
  if (auto flight = flights_.find(key); flight != flights_.end() && !flight->second->completed()) {
    lookup.kind = Lookup::kFollow;
    lookup.flight = flight->second;
    return lookup;
  }
  lookup.kind = Lookup::kLead;
  lookup.flight = std::make_shared<LeaseFlight>();
  flights_[key] = lookup.flight;
  return lookup;
}

void LeaseCache::Record(const std::string& key, uint64_t generation, const absl::StatusOr<nlohmann::json>& envelope,
                        std::optional<TimePoint> reuse_until, size_t bytes,
                        const std::shared_ptr<LeaseFlight>& flight) {
  bool keep = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Store a lease before the flight ends, so that a Mount arriving now
    // finds one or the other.
    if (envelope.ok() && reuse_until.has_value()) {
      keep = bytes <= max_entry_bytes_ && (budget_ == nullptr || budget_->Take(bytes).ok());
      if (keep) {
        if (auto old = leases_.find(key); old != leases_.end()) EraseLocked(old);
        leases_.emplace(key, Lease{*envelope, *reuse_until, generation, bytes});
        unleased_.erase(key);
      }
    } else if (envelope.ok() && unleased_.size() < max_unleased_) {
      unleased_.insert(key);
    }
    if (flight != nullptr) {
      auto it = flights_.find(key);
      if (it != flights_.end() && it->second == flight) flights_.erase(it);
    }
  }
  if (flight != nullptr) {
    flight->Complete(keep || (envelope.ok() && reuse_until.has_value()) ? std::optional<nlohmann::json>(*envelope)
                                                                        : std::optional<nlohmann::json>());
  }
}

size_t LeaseCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leases_.size();
}

}  // namespace vcp::mount
