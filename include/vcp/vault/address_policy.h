// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The operator's allow-list of Vault addresses. A SecretProviderClass (or a
// pod's volumeAttributes, which the provider cannot tell apart) names the
// Vault the provider logs in to with the pod's service-account token; without
// a list, any tenant can make the node's provider send that token, and
// requests of the tenant's choosing, to any address the node can reach.
//
// Addresses are compared by origin: scheme, host (case-insensitive, trailing
// dot dropped) and port (80/443 filled in), so "https://Vault.example.com"
// and "https://vault.example.com:443/" match; unix:// addresses by their exact
// socket path. Anything that does not parse strictly (user info, a host with
// characters outside [A-Za-z0-9._-], a bracketed host that is not IPv6, a bad
// port) matches nothing.
#pragma once

#include <set>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vcp::vault {

// Returns the origin of one Vault address or URL: "https://host:port" or
// "unix:///path". InvalidArgument naming the problem (never echoing more than
// 64 bytes of the address) when it is not strictly an http(s) or unix URL.
absl::StatusOr<std::string> NormalizeVaultOrigin(absl::string_view address);

class AddressPolicy {
 public:
  // A policy that allows every address (the incumbent's behaviour).
  AddressPolicy() = default;

  // Allows exactly the addresses in `allowed` (each a comma-separated list,
  // e.g. -vault-addr's value and -allowed-vault-addrs' value). `flag` names
  // the setting in errors, e.g. "-allowed-vault-addrs". InvalidArgument when
  // an entry does not parse.
  static absl::StatusOr<AddressPolicy> AllowOnly(const std::vector<std::string>& allowed, std::string flag);

  // True when the policy restricts addresses at all.
  bool restricting() const { return restricting_; }

  // OK when every address of the comma-separated `addresses` is allowed.
  // Otherwise InvalidArgument naming the first address that is not (shortened)
  // and the flag; nothing has been contacted.
  absl::Status CheckAddresses(absl::string_view addresses) const;

  // True when a redirect to `url` may be followed: its origin is allowed (or
  // the policy does not restrict).
  bool AllowsRedirectTo(absl::string_view url) const;

 private:
  bool restricting_ = false;
  std::set<std::string> origins_;
  std::string flag_;
};

}  // namespace vcp::vault
