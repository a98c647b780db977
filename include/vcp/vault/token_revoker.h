// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// -revoke-tokens: hands back to Vault the tokens the provider stops holding,
// instead of letting them live out their TTL. A session dropped from the
// provider's caches has its token revoked in the background once the last
// Mount using it lets go (a Mount never waits for it, and a token a Mount
// still uses is never revoked under it); at shutdown every cached token is
// revoked before the process exits.
// Revoking a token also revokes every lease created with it (database
// credentials, ...), which pods may still be using: hence opt-in.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "vcp/util/clock.h"
#include "vcp/vault/token_session.h"

namespace vcp::vault {

// What a RevokeNow did: of `held` tokens (sessions without one are not
// counted), Vault accepted the revocation of `revoked`.
struct RevokeTally {
  int revoked = 0;
  int held = 0;
};

class TokenRevoker {
 public:
  // `clock` must outlive the revoker and every revocation in flight.
  explicit TokenRevoker(Clock& clock);
  // Revocations still queued are dropped (the tokens expire with their TTL);
  // those in flight finish on their own.
  ~TokenRevoker();

  TokenRevoker(const TokenRevoker&) = delete;
  TokenRevoker& operator=(const TokenRevoker&) = delete;

  // Queues `token` and returns at once; at most 8 revocations run at a
  // time, each given 10 s. At most 1,000 wait; beyond that the oldest are
  // dropped with a warning. Thread-safe.
  void RevokeLater(TokenSession::Revocable token);

  // RevokeLater as a function that may outlive the revoker (it then does
  // nothing): the hook for TokenSession::RevokeWhenReleased.
  std::function<void(TokenSession::Revocable)> Later();

  // Revokes every session's token now, all at once, each by `deadline`, and
  // yields how many tokens there were and how many Vault accepted (sessions
  // without a token are skipped; a session listed twice counts once).
  // `done` runs on a transport thread, or inside the call when there is
  // nothing to revoke. Thread-safe.
  void RevokeNow(std::vector<std::shared_ptr<TokenSession>> sessions, Deadline deadline,
                 absl::AnyInvocable<void(RevokeTally)> done);

 private:
  struct Queue;
  const std::shared_ptr<Queue> queue_;  // shared with the revocations in flight
};

}  // namespace vcp::vault
