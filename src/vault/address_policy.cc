// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/address_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/text.h"

namespace vcp::vault {
namespace {

absl::Status Invalid(absl::string_view address, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid Vault address ", QuoteShortened(address, 64), ": ", why));
}

bool IsHostNameChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_'; }

bool IsIpv6Char(char c) { return absl::ascii_isxdigit(c) || c == ':' || c == '.'; }

}  // namespace

absl::StatusOr<std::string> NormalizeVaultOrigin(absl::string_view address) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(address);
  const size_t scheme_end = trimmed.find("://");
  if (scheme_end == absl::string_view::npos) return Invalid(address, "no scheme");
  const std::string scheme = absl::AsciiStrToLower(std::string(trimmed.substr(0, scheme_end)));
  const absl::string_view rest = trimmed.substr(scheme_end + 3);
  if (scheme == "unix") {
    if (rest.empty()) return Invalid(address, "unix:// needs a socket path");
    return absl::StrCat("unix://", rest);
  }
  if (scheme != "http" && scheme != "https") return Invalid(address, "the scheme must be http, https or unix");
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != absl::string_view::npos) return Invalid(address, "user info is not allowed");
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return Invalid(address, "unclosed [ in the host");
    host = authority.substr(0, close + 1);
    const absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Invalid(address, "unexpected text after the host");
      port = after.substr(1);
    }
    const absl::string_view inside = host.substr(1, host.size() - 2);
    if (inside.empty() || inside.find(':') == absl::string_view::npos) return Invalid(address, "bad IPv6 host");
    for (char c : inside) {
      if (!IsIpv6Char(c)) return Invalid(address, "bad IPv6 host");
    }
  } else {
    if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    for (char c : host) {
      if (!IsHostNameChar(c)) return Invalid(address, "the host may hold only letters, digits, '.', '-' and '_'");
    }
  }
  host = absl::StripSuffix(host, ".");
  if (host.empty()) return Invalid(address, "no host");
  int port_number = scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5 || !absl::SimpleAtoi(port, &port_number) || port_number < 1 || port_number > 65535 ||
        !absl::ascii_isdigit(static_cast<unsigned char>(port[0]))) {
      return Invalid(address, "bad port");
    }
  }
  return absl::StrCat(scheme, "://", absl::AsciiStrToLower(std::string(host)), ":", port_number);
}

absl::StatusOr<AddressPolicy> AddressPolicy::AllowOnly(const std::vector<std::string>& allowed, std::string flag) {
  AddressPolicy policy;
  policy.restricting_ = true;
  policy.flag_ = std::move(flag);
  for (const std::string& list : allowed) {
    for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
      auto origin = NormalizeVaultOrigin(entry);
      if (!origin.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(policy.flag_, ": ", origin.status().message()));
      }
      policy.origins_.insert(*std::move(origin));
    }
  }
  return policy;
}

absl::Status AddressPolicy::CheckAddresses(absl::string_view addresses) const {
  if (!restricting_) return absl::OkStatus();
  for (absl::string_view entry : absl::StrSplit(addresses, ',')) {
    const absl::string_view address = entry;
    auto origin = NormalizeVaultOrigin(address);
    if (!origin.ok()) return origin.status();
    if (origins_.count(*origin) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Vault address ", QuoteShortened(absl::StripAsciiWhitespace(address), 64),
          " is not allowed on this node: the provider's ", flag_,
          " lists the addresses a SecretProviderClass may name (besides -vault-addr's); ask the cluster "
          "operator to add it, or use the default Vault address"));
    }
  }
  return absl::OkStatus();
}

bool AddressPolicy::AllowsRedirectTo(absl::string_view url) const {
  if (!restricting_) return true;
  auto origin = NormalizeVaultOrigin(url);
  return origin.ok() && origins_.count(*origin) > 0;
}

}  // namespace vcp::vault
