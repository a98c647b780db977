// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// One pod's leased Vault responses (database credentials, certificates),
// reused across its Mounts until two thirds of the lease, so a rotation poll
// does not mint a new credential every two minutes. Also the pod's reads in
// flight: a second Mount of the pod that asks for the same request while
// the first is reading it waits for that answer instead of minting a second
// credential. A request that answered without a lease (static KV) is
// remembered and never waited for: it is always read fresh.
//
// Leases are tied to the token generation that obtained them (Vault revokes
// them with the token) and bounded in bytes over every pod by a shared
// budget: a response that does not fit is simply not kept.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "vcp/util/byte_budget.h"
#include "vcp/util/clock.h"
#include "vcp/util/flight.h"

namespace vcp::mount {

// A read in flight for a pod: completes with the envelope when it carried a
// lease, nullopt when it did not (or failed): then read fresh.
using LeaseFlight = Flight<std::optional<nlohmann::json>>;

class LeaseCache {
 public:
  // `budget`: the bytes of leases kept over every pod (null: no bound). A response over `max_entry_bytes` is never
  // kept; at most `max_unleased` requests are remembered as unleased.
  explicit LeaseCache(std::shared_ptr<ByteBudget> budget, size_t max_entry_bytes = 256 << 10,
                      size_t max_unleased = 256);
  ~LeaseCache();  // gives the kept bytes back to the budget

  LeaseCache(const LeaseCache&) = delete;
  LeaseCache& operator=(const LeaseCache&) = delete;

  // What a Mount should do about one reusable read.
  struct Lookup {
    enum Kind {
      kReuse,      // `envelope` is a lease still in its reuse window
      kFollow,     // another Mount of the pod is reading it: wait for `flight`
      kLead,       // read it, then Record() the answer: others may wait on `flight`
      kReadFresh,  // read it; it answered without a lease before, so nobody waits
    };
    Kind kind = kReadFresh;
    nlohmann::json envelope;
    std::shared_ptr<LeaseFlight> flight;
  };

  // Looks up `key` for a read with a token of `generation` at `now`: leases
  // past their window or of another token generation are dropped first.
  // Thread-safe.
  Lookup Begin(const std::string& key, uint64_t generation, TimePoint now);

  // Records the answer to a read this pod made (led or read fresh) with a
  // token of `generation`: keeps `envelope` until `reuse_until` when it is a
  // lease (`reuse_until` set) of at most `bytes`, else remembers the request
  // as unleased when it succeeded. Then completes `flight` (when leading)
  // with the envelope (leases only). Thread-safe.
  void Record(const std::string& key, uint64_t generation, const absl::StatusOr<nlohmann::json>& envelope,
              std::optional<TimePoint> reuse_until, size_t bytes, const std::shared_ptr<LeaseFlight>& flight);

  // Leases held now (for tests).
  size_t size() const;

 private:
  struct Lease {
    nlohmann::json envelope;
    TimePoint reuse_until;
    uint64_t generation = 0;
    size_t bytes = 0;  // taken from budget_
  };
  void EraseLocked(std::map<std::string, Lease>::iterator it);  // REQUIRES: mu_ held

  const std::shared_ptr<ByteBudget> budget_;  // shared: a session may outlive its Mounter by a moment
  const size_t max_entry_bytes_;
  const size_t max_unleased_;
  mutable std::mutex mu_;
  std::map<std::string, Lease> leases_;                             // guarded by mu_
  std::map<std::string, std::shared_ptr<LeaseFlight>> flights_;     // guarded by mu_
  std::set<std::string> unleased_;                                  // guarded by mu_
};

}  // namespace vcp::mount
