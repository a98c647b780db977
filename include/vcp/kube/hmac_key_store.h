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
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "vcp/util/callback.h"
#include "vcp/util/clock.h"
#include "vcp/kube/kube_client.h"

namespace vcp::kube {

class HmacKeyStore {
 public:
  // `client` may be null (outside a cluster): then the fallback key is always
  // used. `client` and `clock` must outlive the store and its calls in flight.
  HmacKeyStore(KubeClient* client, Clock& clock, std::string secret_name, std::string fallback_key,
               std::chrono::milliseconds check_interval);

  HmacKeyStore(const HmacKeyStore&) = delete;
  HmacKeyStore& operator=(const HmacKeyStore&) = delete;

  // Yields the key to sign versions with now. Calls the API at most once per
  // check interval: the caller that finds the interval over waits for the
  // fresh key (by `deadline`, or it gets the current one); concurrent callers
  // get the current key at once rather than waiting on the API server. Never
  // fails: without the Secret, the fallback key. Thread-safe.
  void Key(Deadline deadline, Callback<std::string> done);

  // Gets or creates the key in the Secret (no caching). Errors use the
  // incumbent's texts for a Secret without a usable key.
  void FetchOrCreate(Deadline deadline, Callback<std::string> done);

 private:
  std::string CurrentLocked() const;  // REQUIRES: mu_ held
  void Checked(const absl::StatusOr<std::string>& key, TimePoint started);

  KubeClient* client_;
  Clock* clock_;
  const std::string secret_name_;
  const std::string fallback_key_;
  const std::chrono::milliseconds check_interval_;

  std::mutex mu_;
  std::string secret_key_;  // last key read from the Secret; guarded by mu_
  bool checked_ = false;    // guarded by mu_
  bool warned_;             // guarded by mu_
  bool refreshing_ = false; // a caller is fetching the key; guarded by mu_
  TimePoint next_check_;    // guarded by mu_
};

}  // namespace vcp::kube
