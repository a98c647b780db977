// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/kv2_paths.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace vcp::mount {
namespace {

// <mount>/data/<rest> for `path` ("/v1/<mount>/<rest>"), or nullopt when the
// path is not under the mount or has nothing after it.
std::optional<vault::SecretPath> UnderData(const vault::SecretPath& path, absl::string_view mount) {
  while (absl::ConsumeSuffix(&mount, "/")) {
  }
  absl::string_view rest = path.path;
  if (mount.empty() || !absl::ConsumePrefix(&rest, "/v1/") || !absl::ConsumePrefix(&rest, mount) ||
      !absl::ConsumePrefix(&rest, "/") || rest.empty() || absl::StartsWith(rest, "data/")) {
    return std::nullopt;
  }
  vault::SecretPath data = path;
  data.path = absl::StrCat("/v1/", mount, "/data/", rest);
  return data;
}

}  // namespace

std::string KvV2PathMemory::Key(const vault::VaultClient& client, const vault::SecretPath& path) {
  const vault::ConnectionConfig& c = client.config();
  return absl::StrCat(c.address.size(), ":", c.address, c.ns.size(), ":", c.ns, path.path);
}

std::optional<vault::SecretPath> KvV2PathMemory::Find(const vault::VaultClient& client,
                                                      const vault::SecretPath& path) {
  const std::string key = Key(client, path);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  vault::SecretPath found = it->second->second;
  found.query = path.query;  // the query is the object's own
  return found;
}

bool KvV2PathMemory::Remember(const vault::VaultClient& client, const vault::SecretPath& path,
                              const vault::SecretPath& data_path) {
  if (capacity_ == 0) return true;
  std::string key = Key(client, path);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return false;
  }
  lru_.emplace_front(std::move(key), data_path);
  index_.emplace(lru_.front().first, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return true;
}

void ResolveKvV2DataPath(const vault::VaultClient& client, const std::string& token, const vault::SecretPath& path,
                         Deadline deadline, Callback<vault::SecretPath> done) {
  absl::string_view relative = path.path;
  absl::ConsumePrefix(&relative, "/v1/");
  const std::string first_element(relative.substr(0, relative.find('/')));
  auto fallback = [path, first_element]() -> absl::StatusOr<vault::SecretPath> {
    std::optional<vault::SecretPath> data = UnderData(path, first_element);
    if (!data.has_value()) return absl::NotFoundError("not a KV v2 secret's path");
    return *data;
  };
  vault::SecretPath mounts;
  mounts.path = absl::StrCat("/v1/sys/internal/ui/mounts/", relative);
  client.Request("GET", mounts, std::nullopt, token, deadline, nullptr,
                 [path, fallback, done = std::move(done)](absl::StatusOr<nlohmann::json> answer) mutable {
                   if (answer.ok()) {
                     const nlohmann::json& data = (*answer)["data"];
                     if (data.is_object() && data.contains("path") && data["path"].is_string()) {
                       if (std::optional<vault::SecretPath> under =
                               UnderData(path, data["path"].get<std::string>())) {
                         done(*std::move(under));
                         return;
                       }
                     }
                   }
                   // Vault would not say (an older Vault, or a policy without the preflight):
                   // the first element is the mount, as for the default `secret/`.
                   done(fallback());
                 });
}

}  // namespace vcp::mount
