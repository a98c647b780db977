// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The plan step of a Mount: which Vault requests answer which objects. Two
// objects that read the same thing (method, normalised path, query and
// arguments) share one request, so a database credential's username and
// password come from one lease and Vault is asked once. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/mount/mount_params.h"
#include "vcp/vault/secret_path.h"

namespace vcp::mount {

// One distinct Vault request of a Mount.
struct PlannedRead {
  std::string method;                  // "GET", "PUT", ... as written (GET when empty)
  vault::SecretPath path;
  std::optional<nlohmann::json> body;  // secretArgs
  std::string ns;                      // the object's vaultNamespace; empty: the class's
  std::string key;                     // namespace, method, target and body: what makes two reads the same
  bool reusable = true;                // every object sharing it allows lease reuse
};

struct ReadPlan {
  std::vector<PlannedRead> reads;    // distinct, in the order objects first use them
  std::vector<size_t> read_of_object;  // objects[i] is answered by reads[read_of_object[i]]
};

// Plans the reads of `objects`. Objects read the same thing when namespace,
// method, normalised path and query, and arguments agree. A read is reusable
// when `lease_reuse` is on and every object sharing it allows it (reuseLease). InvalidArgument when a
// secretPath's query does not parse, naming the object and the path without
// its query.
absl::StatusOr<ReadPlan> PlanReads(const std::vector<SecretObject>& objects, bool lease_reuse);

}  // namespace vcp::mount
