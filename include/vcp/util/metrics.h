// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The provider's Prometheus metrics, all named vault_csi_provider_*. Labels
// only ever carry bounded values (gRPC code names, HTTP status codes, fixed
// operation names): never Vault paths, pod names, tokens or secret values.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace vcp {

// One instance per process in production (the daemon makes it and passes it
// to whoever records); tests make their own. Thread-safe.
class Metrics {
 public:
  Metrics();
  ~Metrics();

  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A Mount began / ended with gRPC code `code` ("OK", "PERMISSION_DENIED", ...).
  void MountStarted();
  void MountFinished(const std::string& code, double seconds);

  // One HTTP request to Vault: `operation` is login, read, renew or revoke;
  // `status` the HTTP status, or 0 when no response came back.
  void VaultRequest(const std::string& operation, int status, double seconds);

  // A Vault login finished.
  void Login(bool ok);

  // A Mount found (hit) or did not find (miss) a cached token for its pod.
  void TokenCacheLookup(bool hit, size_t cache_size);

  // A leased response was reused instead of read again.
  void LeaseReuse();

  // A Mount got its token: its identity's shared token, or one of the pod's
  // own; `logged_in` when it made the login itself.
  void TokenUse(bool shared, bool logged_in);

  // A Mount logged in `count` more times while reading (after a denial or an
  // invalid token), with a token of the given sharing.
  void TokenRelogins(bool shared, int count);

  // Vault identities held (pods of one service account sharing a token).
  void Identities(size_t count);

  // A read answered by another Mount's identical request in flight.
  void CoalescedRead();

  // A static read looked up in the -read-cache-ttl cache.
  void ReadCacheLookup(bool hit);

  // A request moved on from one Vault address of a list to the next.
  void VaultFailover();

  // A Vault redirect (301/302/307) was followed.
  void VaultRedirect();

  // Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
};

}  // namespace vcp
