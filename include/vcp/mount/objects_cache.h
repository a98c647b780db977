// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Parsed `objects` by their YAML text. The driver sends the same text on every
// Mount of a SecretProviderClass (each pod start, each rotation poll), and
// yaml-cpp parsing is the largest cost of a Mount without it. An LRU bounded
// in bytes (the text, stored once, plus an estimate of the parsed objects),
// so that distinct large texts cannot grow the process: a text larger than an
// eighth of the budget is parsed every time and never kept. Templates are
// kept parsed (mount_params.h), counted at an upper bound of their tree's
// memory, so a class with a large template is parsed on every Mount too.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "vcp/mount/mount_params.h"

namespace vcp::mount {

class ObjectsCache {
 public:
  // `max_bytes` 0 disables caching (every Get parses).
  explicit ObjectsCache(size_t max_bytes);

  ObjectsCache(const ObjectsCache&) = delete;
  ObjectsCache& operator=(const ObjectsCache&) = delete;

  // ParseObjects(yaml_text), from the cache when it holds the text. Errors are
  // never cached (they are cheap and rare). Thread-safe; parsing runs outside
  // the lock.
  absl::StatusOr<std::vector<SecretObject>> Get(const std::string& yaml_text);

  // What the cache holds now: entries, and their estimated bytes (<= max_bytes).
  size_t entries() const;
  size_t bytes() const;

  // The estimated memory of one entry: its text and its parsed objects.
  static size_t Cost(const std::string& yaml_text, const std::vector<SecretObject>& objects);

 private:
  struct Entry {
    std::string text;  // the key, stored once: the index points into it
    std::vector<SecretObject> objects;
    size_t cost = 0;
  };

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used; guarded by mu_
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views of Entry::text
  size_t bytes_ = 0;  // sum of lru_'s costs; guarded by mu_
};

}  // namespace vcp::mount
