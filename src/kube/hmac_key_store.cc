// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/hmac_key_store.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "vcp/util/random.h"

namespace vcp::kube {
namespace {

constexpr char kDataKey[] = "key";

}  // namespace

HmacKeyStore::HmacKeyStore(KubeClient* client, std::string secret_name, std::string fallback_key,
                           std::chrono::milliseconds check_interval, Clock clock)
    : client_(client),
      secret_name_(std::move(secret_name)),
      fallback_key_(std::move(fallback_key)),
      check_interval_(check_interval),
      clock_(std::move(clock)),
      warned_(client == nullptr) {}  // outside a cluster the daemon warns once at startup

absl::StatusOr<std::string> HmacKeyStore::FetchOrCreate() {
  if (client_ == nullptr) return absl::FailedPreconditionError("not running in a Kubernetes cluster");
  const std::string& ns = client_->config().ns;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto secret = client_->GetSecret(ns, secret_name_, deadline);
  if (absl::IsNotFound(secret.status())) {
    Secret fresh;
    fresh.data[kDataKey] = RandomKey();
    absl::Status created = client_->CreateSecret(ns, secret_name_, fresh, /*immutable=*/true, deadline);
    if (created.ok()) {
      spdlog::info("created HMAC key Secret {}/{} for object versions", ns, secret_name_);
      return fresh.data[kDataKey];
    }
    if (!absl::IsAlreadyExists(created)) return created;
    secret = client_->GetSecret(ns, secret_name_, deadline);  // another node won the race
  }
  if (!secret.ok()) return secret.status();
  auto it = secret->data.find(kDataKey);
  if (it == secret->data.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "expected secret \"", secret_name_,
        "\" to have a key \"key\"; delete the kubernetes secret to trigger an automatic regeneration"));
  }
  if (it->second.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "expected secret \"", secret_name_,
        "\" to have a non-zero HMAC key; delete the kubernetes secret to trigger an automatic regeneration"));
  }
  return it->second;
}

std::string HmacKeyStore::Key() {
  const auto now = clock_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // One caller refreshes; the others keep signing with the current key
    // rather than waiting on the API server (every Mount asks for the key).
    if ((checked_ && now < next_check_) || refreshing_) return CurrentLocked();
    refreshing_ = true;
  }
  auto key = FetchOrCreate();  // network I/O without the lock
  std::lock_guard<std::mutex> lock(mu_);
  refreshing_ = false;
  checked_ = true;
  next_check_ = now + check_interval_;
  if (key.ok()) {
    if (warned_) spdlog::info("HMAC key Secret {} is usable again; object versions use it", secret_name_);
    warned_ = false;
    secret_key_ = std::move(*key);
  } else if (!warned_) {
    spdlog::warn("could not get the HMAC key from Secret {} ({}); object versions use {} and change when the "
                 "provider restarts",
                 secret_name_, std::string(key.status().message()),
                 secret_key_.empty() ? "a per-process key" : "the last key read");
    warned_ = true;
  }
  return CurrentLocked();
}

std::string HmacKeyStore::CurrentLocked() const { return secret_key_.empty() ? fallback_key_ : secret_key_; }

}  // namespace vcp::kube
