// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// KV v2 secretPaths written without /data/ (`secret/db` for `secret/data/db`,
// as `vault kv get` lets users write them). Vault answers such a read 404
// with the warning "Invalid path for a versioned K/V secrets engine"; the
// provider then asks Vault where the mount is (GET
// sys/internal/ui/mounts/<path>, as the Vault CLI does), reads
// <mount>/data/<rest> instead, and remembers the answer, so that later Mounts
// read the right path at once. A path that works as written never costs an
// extra request.
#pragma once

#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/vault/secret_path.h"
#include "vcp/vault/vault_client.h"

namespace vcp::mount {

// KV v2 paths learned, by Vault address, namespace and path. Bounded: the
// least recently used are forgotten (forgetting costs one extra 404).
// Thread-safe.
class KvV2PathMemory {
 public:
  explicit KvV2PathMemory(size_t capacity = 1024) : capacity_(capacity) {}

  // The /data/ path learned for `path` read through `client`, if any.
  std::optional<vault::SecretPath> Find(const vault::VaultClient& client, const vault::SecretPath& path);

  // Remembers `data_path` for `path`; true the first time it is learned.
  bool Remember(const vault::VaultClient& client, const vault::SecretPath& path, const vault::SecretPath& data_path);

 private:
  static std::string Key(const vault::VaultClient& client, const vault::SecretPath& path);

  const size_t capacity_;
  std::mutex mu_;
  std::list<std::pair<std::string, vault::SecretPath>> lru_;  // front: most recent; guarded by mu_
  std::unordered_map<std::string, std::list<std::pair<std::string, vault::SecretPath>>::iterator> index_;
};

// Yields where `path` (which Vault answered with the KV v2 warning) really
// is: <mount>/data/<rest>, with the mount from GET
// sys/internal/ui/mounts/<path> (made with `token`), or, when Vault will not
// say, the first path element as the mount (`secret/db` -> `secret/data/db`).
// The query is kept. NotFound when the path cannot be a KV v2 secret's.
void ResolveKvV2DataPath(const vault::VaultClient& client, const std::string& token, const vault::SecretPath& path,
                         Deadline deadline, Callback<vault::SecretPath> done);

}  // namespace vcp::mount
