// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/address_list.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/go_json.h"
#include "vcp/util/text.h"

namespace vcp::vault {

absl::StatusOr<std::vector<VaultEndpoint>> ParseVaultAddresses(const std::string& addresses) {
  std::vector<VaultEndpoint> endpoints;
  if (const size_t count = static_cast<size_t>(std::count(addresses.begin(), addresses.end(), ',')) + 1;
      count > kMaxVaultAddresses) {
    return absl::InvalidArgumentError(absl::StrCat("the Vault address list ", QuoteShortened(addresses), " has ",
                                                   count, " addresses; at most ", kMaxVaultAddresses,
                                                   " (the nodes of one cluster) are accepted"));
  }
  for (absl::string_view part : absl::StrSplit(addresses, ',')) {
    VaultEndpoint endpoint;
    endpoint.address = std::string(absl::StripAsciiWhitespace(part));
    const std::string& address = endpoint.address;
    if (absl::StartsWith(address, "unix://")) {
      endpoint.unix_socket = address.substr(7);
      if (endpoint.unix_socket.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid Vault address ", QuoteShortened(address), ": unix:// needs a socket path"));
      }
      endpoint.base_url = "http://localhost";
    } else if ((absl::StartsWith(address, "http://") && address.size() > 7) ||
               (absl::StartsWith(address, "https://") && address.size() > 8)) {
      endpoint.base_url = std::string(absl::StripSuffix(address, "/"));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid Vault address ", QuoteShortened(address),
          address != addresses ? absl::StrCat(" in ", QuoteShortened(addresses)) : "",
          ": want http://host:port, https://host:port or unix:///path, or a comma-separated list of "
          "them (set vaultAddress, -vault-addr or VAULT_ADDR)"));
    }
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

size_t HealthyAddressMemory::Preferred(const std::string& addresses) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = preferred_.find(addresses);
  return it == preferred_.end() ? 0 : it->second;
}

void HealthyAddressMemory::Remember(const std::string& addresses, size_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = preferred_.find(addresses);
  if (it != preferred_.end()) {
    it->second = index;
    return;
  }
  if (preferred_.size() >= capacity_) preferred_.clear();
  preferred_.emplace(addresses, index);
}

}  // namespace vcp::vault
