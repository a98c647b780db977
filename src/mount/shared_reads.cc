// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/shared_reads.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vcp/util/bounded_json.h"

namespace vcp::mount {
namespace {

std::string FullKey(const std::string& scope, const std::string& key) {
  return absl::StrCat(scope.size(), ":", scope, key);
}

}  // namespace

bool IsShareableAnswer(const nlohmann::json& envelope) {
  if (!envelope.is_object()) return false;
  const auto set = [&](const char* key) {
    auto it = envelope.find(key);
    return it != envelope.end() && !it->is_null() && !(it->is_string() && it->get_ref<const std::string&>().empty());
  };
  if (set("lease_id") || set("auth") || set("wrap_info")) return false;
  const auto mount_type = envelope.find("mount_type");
  if (mount_type != envelope.end() && mount_type->is_string() && !mount_type->get_ref<const std::string&>().empty()) {
    return *mount_type == "kv";
  }
  // No mount_type (OpenBao, older Vault): only KV v2's unmistakable shape.
  const auto data = envelope.find("data");
  if (data == envelope.end() || !data->is_object()) return false;
  const auto inner = data->find("data");
  const auto metadata = data->find("metadata");
  return inner != data->end() && metadata != data->end() && metadata->is_object() && metadata->contains("version") &&
         metadata->contains("created_time") && data->size() == 2;
}

SharedReads::SharedReads(Clock& clock, std::chrono::nanoseconds cache_ttl, size_t max_cache_bytes,
                         size_t max_in_flight)
    : clock_(&clock), cache_ttl_(cache_ttl), max_cache_bytes_(max_cache_bytes), max_in_flight_(max_in_flight) {}

void SharedReads::EvictLocked(std::list<Cached>::iterator it) {
  cache_bytes_ -= it->bytes;
  cache_.erase(it->key);
  lru_.erase(it);
}

SharedReads::Lookup SharedReads::Begin(const std::string& scope, const std::string& key) {
  const std::string full = FullKey(scope, key);
  Lookup lookup;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto cached = cache_.find(full); cached != cache_.end()) {
    if (clock_->Now() < cached->second->until) {
      lru_.splice(lru_.begin(), lru_, cached->second);
      lookup.kind = Lookup::kCached;
      lookup.cached = cached->second->envelope;
      return lookup;
    }
    EvictLocked(cached->second);
  }
  if (auto in_flight = flights_.find(full); in_flight != flights_.end()) {
    if (!in_flight->second.flight->completed()) {
      lookup.kind = Lookup::kFollow;
      lookup.flight = in_flight->second.flight;
      ++in_flight->second.followers;
      return lookup;
    }
    flights_.erase(in_flight);  // its leader ended without Finish (a dropped Mount)
  }
  if (flights_.size() >= max_in_flight_) {
    // Flights whose leaders ended without Finish: clear them out before giving up.
    for (auto it = flights_.begin(); it != flights_.end();) {
      it = it->second.flight->completed() ? flights_.erase(it) : std::next(it);
    }
    if (flights_.size() >= max_in_flight_) return lookup;  // kAlone
  }
  lookup.kind = Lookup::kLead;
  lookup.flight = std::make_shared<SharedFlight>();
  flights_[full] = InFlight{lookup.flight, 0};
  return lookup;
}

void SharedReads::Finish(const std::string& scope, const std::string& key,
                         const absl::StatusOr<nlohmann::json>& envelope,
                         const std::shared_ptr<SharedFlight>& flight) {
  const std::string full = FullKey(scope, key);
  // Followers are counted when Begin hands them the flight, not when they
  // start waiting, so that one told to follow just before this is never
  // missed.
  bool waited = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = flights_.find(full); it != flights_.end() && it->second.flight == flight) {
      waited = it->second.followers > 0;
      flights_.erase(it);
    }
  }
  // Past this point nobody new finds the flight. The answer is copied once,
  // outside the lock, and only when someone follows it or it is cached.
  SharedAnswer answer;
  if (envelope.ok() && (waited || caching()) && IsShareableAnswer(*envelope)) {
    answer = std::make_shared<const nlohmann::json>(*envelope);
  }
  if (answer != nullptr && caching()) {
    // The answer, its key twice (list entry and index) and the nodes.
    const size_t bytes = JsonMemoryBytes(*answer) + 2 * full.size() + sizeof(Cached) + 96;
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes <= max_cache_bytes_ / 8) {
      if (auto old = cache_.find(full); old != cache_.end()) EvictLocked(old->second);
      lru_.push_front(Cached{full, answer, clock_->Now() + cache_ttl_, bytes});
      cache_[full] = lru_.begin();
      cache_bytes_ += bytes;
      while (cache_bytes_ > max_cache_bytes_ && !lru_.empty()) EvictLocked(std::prev(lru_.end()));
    }
  }
  if (flight != nullptr) flight->Complete(answer);
}

size_t SharedReads::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_bytes_;
}

size_t SharedReads::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flights_.size();
}

}  // namespace vcp::mount
