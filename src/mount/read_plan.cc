// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/read_plan.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "vcp/util/go_json.h"
#include "vcp/util/text.h"

namespace vcp::mount {

namespace {

// The plan under construction: distinct reads by key.
class Planner {
 public:
  Planner(ReadPlan* plan, bool lease_reuse) : plan_(plan), lease_reuse_(lease_reuse) {}

  // Adds `read` (or finds the same one) as the next answer of the current object.
  void Add(PlannedRead read, bool reuse_lease) {
    read.key = absl::StrCat(read.ns.size(), ":", read.ns, " ", read.method, " ", read.path.RequestTarget(), " ",
                            read.body.has_value() ? GoJsonEncode(*read.body) : "-");
    auto [it, inserted] = index_.emplace(read.key, plan_->reads.size());
    if (inserted) plan_->reads.push_back(std::move(read));
    PlannedRead& planned = plan_->reads[it->second];
    planned.reusable = planned.reusable && reuse_lease && lease_reuse_;
    plan_->answers.push_back(it->second);
  }

 private:
  ReadPlan* plan_;
  const bool lease_reuse_;
  std::map<std::string, size_t> index_;
};

absl::Status QueryError(const std::string& path, const std::string& what, const SecretObject& object,
                        const absl::Status& status) {
  return absl::InvalidArgumentError(absl::StrCat(
      "failed to parse query parameters from ", what, " ", QuoteShortened(WithoutQuery(path)),
      path.find('?') == std::string::npos ? "" : " (query not shown)", " for objectName ",
      QuoteShortened(object.object_name), ": ", status.message()));
}

}  // namespace

absl::StatusOr<ReadPlan> PlanReads(const std::vector<SecretObject>& objects, bool lease_reuse) {
  ReadPlan plan;
  plan.first_answer.reserve(objects.size() + 1);
  Planner planner(&plan, lease_reuse);
  for (const SecretObject& object : objects) {
    plan.first_answer.push_back(plan.answers.size());
    if (object.IsTemplated()) {
      for (const tmpl::SecretCall& call : object.parsed_template->secret_calls()) {
        auto path = vault::ParseSecretPath(call.path);
        if (!path.ok()) {
          return QueryError(call.path, absl::StrCat("the secret at template ", call.line, ":", call.column), object,
                            path.status());
        }
        PlannedRead read;
        read.method = call.args.empty() ? "GET" : "PUT";
        read.path = *std::move(path);
        if (!call.args.empty()) {
          nlohmann::json body = nlohmann::json::object();
          for (const auto& [key, value] : call.args) body[key] = value;
          read.body = std::move(body);
        }
        read.ns = object.vault_namespace;
        planner.Add(std::move(read), object.reuse_lease);
      }
      continue;
    }
    auto path = vault::ParseSecretPath(object.secret_path);
    if (!path.ok()) return QueryError(object.secret_path, "secretPath", object, path.status());
    PlannedRead read;
    read.method = object.method.empty() ? "GET" : object.method;
    read.path = *std::move(path);
    read.body = object.secret_args;
    read.ns = object.vault_namespace;
    planner.Add(std::move(read), object.reuse_lease);
  }
  plan.first_answer.push_back(plan.answers.size());
  return plan;
}

}  // namespace vcp::mount
