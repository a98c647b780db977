// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A Vault cluster reached through several addresses: "-vault-addr" and
// "vaultAddress" take a comma-separated list (HA without a load balancer).
// Parses the list, and remembers which address last answered so that a dead
// or sealed first node costs one failed attempt, not one on every Mount.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace vcp::vault {

// One address of the list, ready to send to.
struct VaultEndpoint {
  std::string address;      // as configured, trimmed: "https://vault-0:8200", "unix:///agent.sock"
  std::string base_url;     // scheme://host[:port] without trailing slash ("http://localhost" for unix://)
  std::string unix_socket;  // the socket path for unix:// addresses, else empty
};

// The most addresses one list may hold: a cluster's nodes, not a scan.
inline constexpr size_t kMaxVaultAddresses = 16;

// Parses a comma-separated list of http://, https:// or unix:// addresses
// (spaces around commas are ignored). InvalidArgument naming the bad entry
// when one is malformed or the list is empty, or saying how many there are
// when there are more than kMaxVaultAddresses.
absl::StatusOr<std::vector<VaultEndpoint>> ParseVaultAddresses(const std::string& addresses);

// Which address of each list answered last. Thread-safe; shared by all
// Mounts. Holds at most `capacity` lists (SecretProviderClasses choose them),
// forgetting all of them when full: forgetting only costs one failover.
class HealthyAddressMemory {
 public:
  explicit HealthyAddressMemory(size_t capacity = 256) : capacity_(capacity) {}

  // Index of the address of `addresses` to try first: the last one that
  // answered, or 0.
  size_t Preferred(const std::string& addresses) const;

  // Records that `index` of `addresses` answered.
  void Remember(const std::string& addresses, size_t index);

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> preferred_;  // guarded by mu_
};

}  // namespace vcp::vault
