// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/read_plan.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "vcp/util/go_json.h"
#include "vcp/util/text.h"

namespace vcp::mount {

absl::StatusOr<ReadPlan> PlanReads(const std::vector<SecretObject>& objects, bool lease_reuse) {
  ReadPlan plan;
  std::map<std::string, size_t> index;
  for (const SecretObject& object : objects) {
    auto path = vault::ParseSecretPath(object.secret_path);
    if (!path.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "failed to parse query parameters from secretPath ", QuoteShortened(WithoutQuery(object.secret_path)),
          object.secret_path.find('?') == std::string::npos ? "" : " (query not shown)", " for objectName ",
          QuoteShortened(object.object_name), ": ", path.status().message()));
    }
    PlannedRead read;
    read.method = object.method.empty() ? "GET" : object.method;
    read.path = std::move(*path);
    read.body = object.secret_args;
    read.ns = object.vault_namespace;
    read.key = absl::StrCat(read.ns.size(), ":", read.ns, " ", read.method, " ", read.path.RequestTarget(), " ",
                            read.body.has_value() ? GoJsonEncode(*read.body) : "-");
    auto [it, inserted] = index.emplace(read.key, plan.reads.size());
    if (inserted) plan.reads.push_back(std::move(read));
    PlannedRead& planned = plan.reads[it->second];
    planned.reusable = planned.reusable && object.reuse_lease && lease_reuse;
    plan.read_of_object.push_back(it->second);
  }
  return plan;
}

}  // namespace vcp::mount
