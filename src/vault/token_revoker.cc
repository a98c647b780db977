// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/token_revoker.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <utility>

namespace vcp::vault {
namespace {

constexpr size_t kMaxQueued = 1000;
constexpr int kParallelRevocations = 8;
constexpr std::chrono::seconds kBackgroundTimeout{10};

// Revokes one token; `done(true)` when Vault accepted.
void Revoke(const TokenSession::Revocable& revocable, Deadline deadline, absl::AnyInvocable<void(bool)> done) {
  revocable.client.RevokeSelf(revocable.token, deadline, [done = std::move(done)](absl::Status revoked) mutable {
    if (!revoked.ok()) {
      spdlog::debug("could not revoke a pod's Vault token (it expires with its TTL): {}",
                    std::string(revoked.message()));
    }
    done(revoked.ok());
  });
}

}  // namespace

struct TokenRevoker::Queue : std::enable_shared_from_this<TokenRevoker::Queue> {
  explicit Queue(Clock& clock_in) : clock(&clock_in) {}

  // Starts queued revocations while fewer than kParallelRevocations run.
  void Pump() {
    for (;;) {
      std::optional<TokenSession::Revocable> next;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stopped || running >= kParallelRevocations || waiting.empty()) return;
        next = std::move(waiting.front());
        waiting.pop_front();
        ++running;
      }
      Revoke(*next, clock->Now() + kBackgroundTimeout, [self = shared_from_this()](bool) {
        {
          std::lock_guard<std::mutex> lock(self->mu);
          --self->running;
        }
        self->Pump();
      });
    }
  }

  void Add(TokenSession::Revocable token) {
    bool dropped = false;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopped) return;
      waiting.push_back(std::move(token));
      if (waiting.size() > kMaxQueued) {
        waiting.pop_front();
        dropped = true;
      }
    }
    if (dropped) {
      spdlog::warn("token revocation is falling behind: a dropped Vault token was not revoked and will expire "
                   "with its TTL");
    }
    Pump();
  }

  Clock* clock;
  std::mutex mu;
  std::deque<TokenSession::Revocable> waiting;  // guarded by mu
  int running = 0;                                     // guarded by mu
  bool stopped = false;                                // guarded by mu
};

TokenRevoker::TokenRevoker(Clock& clock) : queue_(std::make_shared<Queue>(clock)) {}

TokenRevoker::~TokenRevoker() {
  std::lock_guard<std::mutex> lock(queue_->mu);
  queue_->stopped = true;
  queue_->waiting.clear();
}

void TokenRevoker::RevokeLater(TokenSession::Revocable token) { queue_->Add(std::move(token)); }

std::function<void(TokenSession::Revocable)> TokenRevoker::Later() {
  return [queue = std::weak_ptr<Queue>(queue_)](TokenSession::Revocable token) {
    if (std::shared_ptr<Queue> alive = queue.lock()) alive->Add(std::move(token));
  };
}

void TokenRevoker::RevokeNow(std::vector<std::shared_ptr<TokenSession>> sessions, Deadline deadline,
                             absl::AnyInvocable<void(RevokeTally)> done) {
  std::vector<TokenSession::Revocable> held;
  held.reserve(sessions.size());
  for (const auto& session : sessions) {
    if (std::optional<TokenSession::Revocable> revocable = session->TakeForRevocation()) {
      held.push_back(*std::move(revocable));
    }
  }
  if (held.empty()) {
    done(RevokeTally{});
    return;
  }
  struct Tally {
    std::atomic<size_t> left;
    std::atomic<int> revoked{0};
    int held = 0;
    absl::AnyInvocable<void(RevokeTally)> done;
  };
  auto tally = std::make_shared<Tally>();
  tally->left = held.size();
  tally->held = static_cast<int>(held.size());
  tally->done = std::move(done);
  for (const auto& revocable : held) {
    Revoke(revocable, deadline, [tally](bool revoked) {
      if (revoked) tally->revoked.fetch_add(1);
      if (tally->left.fetch_sub(1) == 1) std::move(tally->done)(RevokeTally{tally->revoked.load(), tally->held});
    });
  }
}

}  // namespace vcp::vault
