// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Vault tokens shared by the Mounts of one pod: a bounded LRU of sessions,
// one per pod and auth configuration. The key never includes the pod's JWT
// (the driver hands out a fresh one on every Mount).
//
// Locks are std::mutex rather than absl::Mutex: Debian's abseil is built
// without ThreadSanitizer annotations, so TSan cannot see absl::Mutex
// ordering, while it understands std::mutex fully.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "vcp/vault/connection_config.h"

namespace vcp::vault {

// The Vault token of one pod and auth configuration. Its mutex serialises
// logins, so concurrent Mounts of one pod log in once. Every field is
// guarded by `mu`.
struct PodSession {
  using TimePoint = std::chrono::steady_clock::time_point;

  std::mutex mu;
  std::string token;                 // empty until the first login
  ConnectionConfig connection;       // where the token was issued (to revoke it)
  bool renewable = false;
  int64_t login_ttl_seconds = 0;               // TTL the login granted
  TimePoint refresh_at = TimePoint::max();     // renew or log in again from here on
  // When a 403 on a cached token last caused a re-login (limits re-logins on policy denials).
  std::optional<TimePoint> denial_relogin_at;

  // Leased responses (database credentials, certificates, ...) obtained with
  // this token, by request, reused until `reuse_until`. Cleared when the
  // token is replaced: Vault revokes a token's leases with the token.
  struct Lease {
    nlohmann::json envelope;
    TimePoint reuse_until;
  };
  std::map<std::string, Lease> leases;

  // A reusable read in progress for this pod, by request: concurrent Mounts
  // of the pod wait for it instead of minting a second credential.
  struct Flight {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;                 // guarded by Flight::mu
    std::optional<nlohmann::json> envelope;  // the response, when it carried a lease
  };
  std::map<std::string, std::shared_ptr<Flight>> flights;
  // Requests that answered without a lease (static reads): no flight needed.
  std::set<std::string> unleased_reads;
};

class TokenCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Holds at most `capacity` sessions; `capacity` <= 0 disables caching
  // (every lookup returns a new, unshared session). A session not looked up
  // for `idle_timeout` (-session-idle-timeout; zero or less: never) is
  // dropped at the next lookup of any key, with its token and leases: a pod
  // that stopped mounting (gone, or rotation off) does not keep memory for
  // good. `now` is the clock (empty: steady_clock).
  explicit TokenCache(int capacity, std::chrono::seconds idle_timeout = std::chrono::seconds(0), Clock now = {});

  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // Returns the session for `key`, creating it when absent and marking it
  // most recently used; evicts the least recently used beyond capacity, and
  // the idle ones, and, when `evicted` is given, appends them to it. Thread-safe. An evicted
  // session stays valid for holders of the pointer.
  std::shared_ptr<PodSession> GetOrCreate(const std::string& key,
                                          std::vector<std::shared_ptr<PodSession>>* evicted = nullptr);

  // Removes and returns every session (at shutdown). Thread-safe.
  std::vector<std::shared_ptr<PodSession>> TakeAll();

  // Number of sessions held.
  size_t size() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<PodSession> session;
    std::chrono::steady_clock::time_point used;  // last lookup
  };

  const int capacity_;
  const std::chrono::seconds idle_timeout_;
  const Clock now_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used; guarded by mu_
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
};

}  // namespace vcp::vault
