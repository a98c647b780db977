// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// -revoke-tokens: hands back to Vault the pod tokens the provider stops
// holding, instead of letting them live out their TTL. Tokens evicted from
// the token cache are revoked in the background (a Mount never waits for
// it); at shutdown every cached token is revoked before the process exits.
// Revoking a token also revokes every lease created with it (database
// credentials, ...), which pods may still be using: hence opt-in.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vcp/http/http_transport.h"
#include "vcp/vault/token_cache.h"
#include "vcp/vault/vault_client.h"

namespace vcp::mount {

class TokenRevoker {
 public:
  // `transport`, `addresses` (which node of an address list answered
  // last; may be null) and `policy` (where redirects may go; null: anywhere)
  // must outlive the revoker.
  TokenRevoker(http::HttpTransport& transport, vault::RetryPolicy retry,
               vault::HealthyAddressMemory* addresses = nullptr, const vault::AddressPolicy* policy = nullptr);
  // Stops the background worker; revocations still queued are dropped (the
  // tokens expire with their TTL).
  ~TokenRevoker();

  TokenRevoker(const TokenRevoker&) = delete;
  TokenRevoker& operator=(const TokenRevoker&) = delete;

  // Queues `sessions` for revocation by a background thread (started on first
  // use) and returns at once. At most 1,000 wait; beyond that the oldest are
  // dropped with a warning. Thread-safe.
  void RevokeLater(std::vector<std::shared_ptr<vault::PodSession>> sessions);

  // Revokes `sessions` now, a few at a time, each by `deadline`, and returns
  // how many tokens Vault revoked. Sessions without a token are skipped.
  // Thread-safe.
  int RevokeNow(const std::vector<std::shared_ptr<vault::PodSession>>& sessions, vault::Deadline deadline);

 private:
  // Revokes one session's token; true when Vault accepted.
  bool Revoke(vault::PodSession& session, vault::Deadline deadline);
  void Work();

  http::HttpTransport* transport_;
  vault::RetryPolicy retry_;
  vault::HealthyAddressMemory* addresses_;
  const vault::AddressPolicy* policy_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<vault::PodSession>> queue_;  // guarded by mu_
  bool stopping_ = false;                                  // guarded by mu_
  std::thread worker_;                                     // started under mu_
};

}  // namespace vcp::mount
