// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The HMAC key for object versions, kept in a Kubernetes Secret so that
// versions are the same on every node and across restarts: get it, or create
// it (32 random bytes, data key "key", immutable) if absent; on a create
// conflict take the winner's. Cached in memory and re-checked at most once per
// interval, so deleting the Secret rotates the key within that interval. If
// the key cannot be obtained, versions use a per-process key instead (one
// warning), and the last key read from the Secret is kept over API hiccups.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "vcp/kube/kube_client.h"

namespace vcp::kube {

class HmacKeyStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `client` may be null (outside a cluster): then the fallback key is always used.
  HmacKeyStore(KubeClient* client, std::string secret_name, std::string fallback_key,
               std::chrono::milliseconds check_interval,
               Clock clock = [] { return std::chrono::steady_clock::now(); });

  HmacKeyStore(const HmacKeyStore&) = delete;
  HmacKeyStore& operator=(const HmacKeyStore&) = delete;

  // The key to sign versions with now. Thread-safe; calls the API at most
  // once per check interval, without holding up concurrent callers (they get
  // the current key while one caller refreshes it).
  std::string Key();

  // Gets or creates the key in the Secret (no caching). Errors use the
  // incumbent's texts for a Secret without a usable key.
  absl::StatusOr<std::string> FetchOrCreate();

 private:
  std::string CurrentLocked() const;  // REQUIRES: mu_ held

  KubeClient* client_;
  const std::string secret_name_;
  const std::string fallback_key_;
  const std::chrono::milliseconds check_interval_;
  Clock clock_;

  std::mutex mu_;
  std::string secret_key_;  // last key read from the Secret; guarded by mu_
  bool checked_ = false;    // guarded by mu_
  bool warned_;             // guarded by mu_
  bool refreshing_ = false; // a caller is fetching the key; guarded by mu_
  std::chrono::steady_clock::time_point next_check_;  // guarded by mu_
};

}  // namespace vcp::kube
