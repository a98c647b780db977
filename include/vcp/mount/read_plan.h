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
#include "absl/types/span.h"
#include "vcp/mount/mount_params.h"
#include "vcp/vault/secret_path.h"

namespace vcp::mount {

// One distinct Vault request of a Mount.
struct PlannedRead {
  std::string method;                  // "GET", "PUT", ... as written (GET when empty)
  vault::SecretPath path;
  std::optional<nlohmann::json> body;  // secretArgs, or a template call's "key=value" arguments
  std::string ns;                      // the object's vaultNamespace; empty: the class's
  std::string key;                     // namespace, method, target and body: what makes two reads the same
  bool reusable = true;                // every object sharing it allows lease reuse
};

struct ReadPlan {
  std::vector<PlannedRead> reads;  // distinct, in the order objects first use them
  // Which reads answer which object, flattened: objects[i] is answered by
  // reads[answers[j]] for j in [first_answer[i], first_answer[i + 1]). An
  // object with a secretPath has one answer; a templated object one per
  // secret call, in the order of its template's secret_calls().
  std::vector<size_t> answers;
  std::vector<size_t> first_answer;  // objects.size() + 1 entries

  // The indices into `reads` that answer objects[object].
  absl::Span<const size_t> ReadsOf(size_t object) const {
    return absl::MakeConstSpan(answers).subspan(first_answer[object], first_answer[object + 1] - first_answer[object]);
  }
};

// Plans the reads of `objects`. Objects read the same thing when namespace,
// method, normalised path and query, and arguments agree. A templated
// object's `secret "PATH"` call is a GET of PATH, and `secret "PATH"
// "k=v"...` a PUT of PATH with the JSON object of those strings as its body
// (as Vault Agent writes them), read in the object's namespace: a call and
// an object that read the same thing, or two calls in different templates,
// share one read. A read is reusable when `lease_reuse` is on and every
// object sharing it allows it (reuseLease). InvalidArgument when a
// secretPath's (or a call's path's) query does not parse, naming the object
// and the path without its query.
absl::StatusOr<ReadPlan> PlanReads(const std::vector<SecretObject>& objects, bool lease_reuse);

}  // namespace vcp::mount
