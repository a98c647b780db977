// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Reads shared between Mounts that read with the same token scope (the same
// Vault identity, or the same pod): identical static reads in flight at the
// same moment become one Vault request whose answer every waiting Mount
// gets, so a Deployment's replicas starting together cost one read per
// object; and, with -read-cache-ttl, a static answer is served for that long.
// Only answers known to be static are shared: a KV secret (Vault's
// `mount_type: kv`, or KV v2's data/metadata shape, for OpenBao, which sends
// no mount_type) with no lease, auth or wrapping. Anything else — database
// or cloud credentials, certificates, tokens, TOTP codes, answers of unknown
// engines — goes to the Mount that read it alone: a waiter reads for itself.
//
// Bounded: reads in flight by count (beyond it, Mounts read alone), cached
// answers by bytes and by their TTL.
#pragma once

#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "vcp/util/byte_budget.h"
#include "vcp/util/clock.h"
#include "vcp/util/flight.h"

namespace vcp::mount {

// A shared answer: one copy however many Mounts use it.
using SharedAnswer = std::shared_ptr<const nlohmann::json>;

// A shared read in flight: completes with the answer when it may be shared,
// null when not, when it failed, or when nobody waited (then read for
// yourself).
using SharedFlight = Flight<SharedAnswer>;

class SharedReads {
 public:
  // `cache_ttl` zero: no cache (coalescing only). `clock` must outlive it.
  SharedReads(Clock& clock, std::chrono::nanoseconds cache_ttl, size_t max_cache_bytes, size_t max_in_flight);

  SharedReads(const SharedReads&) = delete;
  SharedReads& operator=(const SharedReads&) = delete;

  // What a Mount should do about read `key` with a token of `scope`.
  struct Lookup {
    enum Kind {
      kCached,  // `cached` is a cached static answer
      kFollow,  // an identical read is in flight: wait for `flight`
      kLead,    // read it, then Finish(): others may wait on `flight`
      kAlone,   // read it; nothing to share (over the in-flight bound)
    };
    Kind kind = kAlone;
    SharedAnswer cached;
    std::shared_ptr<SharedFlight> flight;
  };
  Lookup Begin(const std::string& scope, const std::string& key);

  // The answer to a read this Mount led: shared with its followers (and
  // cached, counted by the memory it holds) when static and successful.
  // Thread-safe.
  void Finish(const std::string& scope, const std::string& key, const absl::StatusOr<nlohmann::json>& envelope,
              const std::shared_ptr<SharedFlight>& flight);

  bool caching() const { return cache_ttl_.count() > 0; }
  size_t cached_bytes() const;
  size_t in_flight() const;

 private:
  struct Cached {
    std::string key;  // scope and read key
    SharedAnswer envelope;
    TimePoint until;
    size_t bytes = 0;
  };
  void EvictLocked(std::list<Cached>::iterator it);  // REQUIRES: mu_ held

  Clock* const clock_;
  const std::chrono::nanoseconds cache_ttl_;
  const size_t max_cache_bytes_;
  const size_t max_in_flight_;
  mutable std::mutex mu_;
  struct InFlight {
    std::shared_ptr<SharedFlight> flight;
    size_t followers = 0;  // Mounts told to follow it: counted here, before they wait
  };
  std::unordered_map<std::string, InFlight> flights_;  // guarded by mu_
  std::list<Cached> lru_;                                                   // front: most recent; guarded by mu_
  std::unordered_map<std::string, std::list<Cached>::iterator> cache_;      // guarded by mu_
  size_t cache_bytes_ = 0;                                                  // guarded by mu_
};

// Whether `envelope` may be handed to another Mount of the same scope: a
// KV answer (as above) without a lease_id, auth block or wrap_info.
bool IsShareableAnswer(const nlohmann::json& envelope);

}  // namespace vcp::mount
