// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Vault identities shared by pods (issue #11). Pods whose login would be
// identical — the same Vault addresses and namespace, auth mount, role,
// audience and service account — share one Vault token, with one login, one
// renewal schedule and one re-login rule, instead of a token per pod.
//
// Sharing keeps Vault's authorization check: a Kubernetes auth role binds
// service accounts and namespaces, never pods, so every pod of the service
// account would get the same token from Vault anyway. Whether a login is
// Kubernetes auth is read from Vault's answer (its auth.metadata names the
// service account); the first login of an identity decides, and until it has,
// the identity's other pods wait for it rather than each logging in. A JWT
// auth role may bind pod claims, so its tokens stay per pod unless the
// operator says otherwise (-share-jwt-tokens). The service account comes from
// the driver's pod info and must match the `sub` claim of the token the
// driver passed; a mismatch logs in per pod.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "vcp/util/clock.h"
#include "vcp/util/flight.h"
#include "vcp/util/metrics.h"
#include "vcp/vault/token_session.h"

namespace vcp::mount {

// How pods of one identity hold their tokens.
enum class TokenSharing {
  kUndecided,  // no login yet: the first one decides
  kShared,     // one token for every pod of the identity
  kPerPod,     // a token per pod (the incumbent's way)
};

// The Vault identity of a set of pods, and its shared token.
class Identity {
 public:
  // `clock` and `metrics` must outlive the identity.
  Identity(Clock& clock, Metrics& metrics);

  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;

  // What a Mount of one of the identity's pods should do now: use the shared
  // token, log in per pod, or — while the identity is undecided — either
  // lead the first login (`lead`: the caller logs in with `tokens` and then
  // calls Decide) or wait for it (`wait`: a flight that completes with the
  // decision, or DeadlineExceeded at the caller's deadline).
  struct Next {
    TokenSharing sharing = TokenSharing::kUndecided;
    std::shared_ptr<vault::TokenSession> tokens;  // kShared, or the session a leader logs in with
    bool lead = false;
    std::shared_ptr<Flight<TokenSharing>> wait;
  };
  Next Begin();

  // Records what the login that made `session`'s token showed: `shareable`
  // keeps the token shared; otherwise the session (with its token) is left
  // to the pod that logged in (PodSession::Adopt), and the identity goes on
  // per pod with a new, empty session. A decision about a session the
  // identity no longer holds changes nothing. Completes a first login's
  // flight either way. Thread-safe.
  void Decide(const std::shared_ptr<vault::TokenSession>& session, bool shareable);

  // A first login that failed: the identity stays undecided, and the next
  // Mount leads another.
  void Undecided();

  // The shared session (for revocation when the identity is dropped).
  std::shared_ptr<vault::TokenSession> tokens() const;


 private:
  Clock* const clock_;
  Metrics* const metrics_;
  mutable std::mutex mu_;
  TokenSharing sharing_ = TokenSharing::kUndecided;     // guarded by mu_
  std::shared_ptr<vault::TokenSession> tokens_;         // guarded by mu_
  std::shared_ptr<Flight<TokenSharing>> first_login_;   // while one is in flight; guarded by mu_
};

// The service account ("namespace", "name") that a Kubernetes
// service-account JWT names in its `sub` claim
// ("system:serviceaccount:<namespace>:<name>"), read without verifying the
// signature (Vault verifies it at login). nullopt for anything else.
std::optional<std::pair<std::string, std::string>> JwtServiceAccount(std::string_view jwt);

// Whether a login's auth.metadata shows Kubernetes auth for the service
// account `ns`/`name` (service_account_namespace and service_account_name).
bool IsKubernetesLoginFor(const std::map<std::string, std::string>& metadata, const std::string& ns,
                          const std::string& name);

}  // namespace vcp::mount
