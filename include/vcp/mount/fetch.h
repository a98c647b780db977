// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The fetch step of a Mount: every planned read, issued together (up to a
// bound per Mount) on the transport's event loop. A reusable read is first
// looked up in the pod's leases: reused while in its window, waited for
// while another Mount of the pod is reading it, else read and recorded. A
// 403 on a cached token earns one new login (shared by every read denied
// that token, and at most one per pod per 5 minutes for a plain denial) and
// one retry. A static GET is shared with the other Mounts reading with the
// same token scope (mount/shared_reads.h): coalesced while in flight, cached
// with -read-cache-ttl. A KV v2 path written without /data/ is read at its /data/ path
// (mount/kv2_paths.h).
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "vcp/mount/authenticate.h"
#include "vcp/mount/kv2_paths.h"
#include "vcp/mount/read_plan.h"
#include "vcp/mount/shared_reads.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/clock.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/vault_client.h"

namespace vcp::mount {

// The answer to one planned read.
struct ReadOutcome {
  // Where the answer came from.
  enum Source {
    kVault,        // this Mount's own request
    kLeaseReused,  // the pod's leases (or another Mount of the pod reading the same lease)
    kCoalesced,    // another Mount's identical request in flight (same token scope)
    kCached,       // the -read-cache-ttl cache
  };
  absl::StatusOr<nlohmann::json> envelope = absl::UnknownError("not fetched");
  bool reused = false;  // source == kLeaseReused
  Source source = kVault;
  std::string path;     // the path read, when not the planned one (a KV v2 path with /data/ added)
};

struct FetchResult {
  std::vector<ReadOutcome> reads;  // one per planned read, same order
  int relogins = 0;                // logins this step performed after denials
};

struct FetchInputs {
  std::vector<PlannedRead> reads;
  vault::VaultClient client;
  Authenticated auth;
  // The Mount's response budget (its parent is the provider's total): every
  // response byte of the Mount is taken from it as it arrives.
  std::shared_ptr<ByteBudget> responses;
  size_t max_parallel_reads = 8;  // reads of one Mount in flight at once
  Deadline deadline;
  KvV2PathMemory* kv2_paths = nullptr;  // KV v2 paths learned (may be null: learn every time)
  SharedReads* shared_reads = nullptr;  // reads shared by Mounts of one token scope (may be null: none)
  std::string secret_provider_class;    // for the log line that says what to write instead
};

// Fetches every read of `inputs` and calls `done` once all have an outcome
// (on the transport's or the clock's thread, or inside Fetch when nothing
// needs Vault). Each failed read's status says what Vault said; it never
// contains a token or a secret value. `clock` and `metrics` must outlive the
// step.
void Fetch(Clock& clock, Metrics& metrics, FetchInputs inputs, absl::AnyInvocable<void(FetchResult)> done);

}  // namespace vcp::mount
