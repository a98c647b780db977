// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/kube/hmac_key_store.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "vcp/util/random.h"

namespace vcp::kube {
namespace {

constexpr char kDataKey[] = "key";

}  // namespace

HmacKeyStore::HmacKeyStore(KubeClient* client, Clock& clock, std::string secret_name, std::string fallback_key,
                           std::chrono::milliseconds check_interval)
    : client_(client),
      clock_(&clock),
      secret_name_(std::move(secret_name)),
      fallback_key_(std::move(fallback_key)),
      check_interval_(check_interval),
      warned_(client == nullptr) {}  // outside a cluster the daemon warns once at startup

void HmacKeyStore::FetchOrCreate(Deadline deadline, Callback<std::string> done) {
  if (client_ == nullptr) {
    done(absl::FailedPreconditionError("not running in a Kubernetes cluster"));
    return;
  }
  // The key in a Secret that exists: the incumbent's texts when it is unusable.
  auto use = [name = secret_name_](const Secret& secret) -> absl::StatusOr<std::string> {
    auto it = secret.data.find(kDataKey);
    if (it == secret.data.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "expected secret \"", name,
          "\" to have a key \"key\"; delete the kubernetes secret to trigger an automatic regeneration"));
    }
    if (it->second.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "expected secret \"", name,
          "\" to have a non-zero HMAC key; delete the kubernetes secret to trigger an automatic regeneration"));
    }
    return it->second;
  };
  const std::string ns = client_->config().ns;
  client_->GetSecret(ns, secret_name_, deadline, [this, ns, deadline, use, done = std::move(done)](
                                                      absl::StatusOr<Secret> secret) mutable {
    if (!absl::IsNotFound(secret.status())) {
      done(secret.ok() ? use(*secret) : secret.status());
      return;
    }
    Secret fresh;
    fresh.data[kDataKey] = RandomKey();
    std::string key = fresh.data[kDataKey];
    client_->CreateSecret(
        ns, secret_name_, fresh, /*immutable=*/true, deadline,
        [this, ns, deadline, use, key = std::move(key), done = std::move(done)](absl::Status created) mutable {
          if (created.ok()) {
            spdlog::info("created HMAC key Secret {}/{} for object versions", ns, secret_name_);
            done(std::move(key));
            return;
          }
          if (!absl::IsAlreadyExists(created)) {
            done(created);
            return;
          }
          // Another node won the race: take its key.
          client_->GetSecret(ns, secret_name_, deadline,
                             [use, done = std::move(done)](absl::StatusOr<Secret> winner) mutable {
                               done(winner.ok() ? use(*winner) : winner.status());
                             });
        });
  });
}

void HmacKeyStore::Key(Deadline deadline, Callback<std::string> done) {
  const TimePoint now = clock_->Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // One caller refreshes; the others keep signing with the current key
    // rather than waiting on the API server (every Mount asks for the key).
    if ((checked_ && now < next_check_) || refreshing_ || client_ == nullptr) {
      done(CurrentLocked());
      return;
    }
    refreshing_ = true;
  }
  FetchOrCreate(std::min(deadline, now + std::chrono::seconds(10)), [this, now, done = std::move(done)](absl::StatusOr<std::string> key) mutable {
    Checked(key, now);
    std::string current;
    {
      std::lock_guard<std::mutex> lock(mu_);
      current = CurrentLocked();
    }
    done(std::move(current));
  });
}

void HmacKeyStore::Checked(const absl::StatusOr<std::string>& key, TimePoint started) {
  std::lock_guard<std::mutex> lock(mu_);
  refreshing_ = false;
  checked_ = true;
  next_check_ = started + check_interval_;
  if (key.ok()) {
    if (warned_) spdlog::info("HMAC key Secret {} is usable again; object versions use it", secret_name_);
    warned_ = false;
    secret_key_ = *key;
  } else if (!warned_) {
    spdlog::warn("could not get the HMAC key from Secret {} ({}); object versions use {} and change when the "
                 "provider restarts",
                 secret_name_, std::string(key.status().message()),
                 secret_key_.empty() ? "a per-process key" : "the last key read");
    warned_ = true;
  }
}

std::string HmacKeyStore::CurrentLocked() const { return secret_key_.empty() ? fallback_key_ : secret_key_; }

}  // namespace vcp::kube
