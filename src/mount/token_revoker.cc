// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/token_revoker.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include "vcp/util/concurrency.h"

namespace vcp::mount {
namespace {

constexpr size_t kMaxQueued = 1000;
constexpr size_t kParallelRevocations = 8;
constexpr std::chrono::seconds kBackgroundTimeout{10};

}  // namespace

TokenRevoker::TokenRevoker(http::HttpTransport& transport, vault::RetryPolicy retry,
                           vault::HealthyAddressMemory* addresses, const vault::AddressPolicy* policy)
    : transport_(&transport), retry_(std::move(retry)), addresses_(addresses), policy_(policy) {}

TokenRevoker::~TokenRevoker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void TokenRevoker::RevokeLater(std::vector<std::shared_ptr<vault::PodSession>> sessions) {
  if (sessions.empty()) return;
  size_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& session : sessions) queue_.push_back(std::move(session));
    while (queue_.size() > kMaxQueued) {
      queue_.pop_front();
      ++dropped;
    }
    if (!worker_.joinable()) worker_ = std::thread([this] { Work(); });
  }
  if (dropped > 0) {
    spdlog::warn("token revocation is falling behind: {} evicted Vault tokens were not revoked and will expire "
                 "with their TTL",
                 dropped);
  }
  wake_.notify_one();
}

int TokenRevoker::RevokeNow(const std::vector<std::shared_ptr<vault::PodSession>>& sessions,
                            vault::Deadline deadline) {
  std::atomic<int> revoked{0};
  ForEachConcurrently(sessions.size(), kParallelRevocations, [&](size_t i) {
    if (Revoke(*sessions[i], deadline)) ++revoked;
  });
  return revoked.load();
}

bool TokenRevoker::Revoke(vault::PodSession& session, vault::Deadline deadline) {
  std::lock_guard<std::mutex> lock(session.mu);
  if (session.token.empty()) return false;
  auto client = vault::VaultClient::Create(*transport_, session.connection, retry_, addresses_, policy_);
  if (!client.ok()) return false;
  const absl::Status revoked = client->RevokeSelf(session.token, deadline);
  if (!revoked.ok()) {
    spdlog::debug("could not revoke a pod's Vault token (it expires with its TTL): {}",
                  std::string(revoked.message()));
    return false;
  }
  session.token.clear();  // nobody may use it any more
  session.leases.clear();
  return true;
}

void TokenRevoker::Work() {
  for (;;) {
    std::shared_ptr<vault::PodSession> session;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      session = std::move(queue_.front());
      queue_.pop_front();
    }
    Revoke(*session, std::chrono::steady_clock::now() + kBackgroundTimeout);
  }
}

}  // namespace vcp::mount
