// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// How long the provider keeps using what Vault handed out: leased responses
// (database credentials, certificates) and pod tokens. Every number here comes
// from a Vault answer, so it may be anything an int64 holds: the arithmetic is
// checked, and a value out of range means "do not reuse" (or, for a token,
// "refresh at the next Mount"), never an overflow. Responses keep Vault's
// number texts (util/json_number.h): only a native integer is a duration or a
// time; a number text (a float such as 3600.0, -0, an integer beyond 64 bits)
// counts as out of range.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace vcp::vault {

// The longest lease, certificate validity or token TTL taken at its word:
// 100 years. Beyond it a number is out of range. (Vault's own maximum TTL
// defaults to 32 days; this bound keeps every sum with a clock in range.)
inline constexpr int64_t kMaxLeaseSeconds = int64_t{100} * 365 * 24 * 3600;

// How long `envelope` (a Vault response) may be reused: two thirds of its
// lease when it has a lease_id and a lease_duration in (0, kMaxLeaseSeconds],
// else two thirds of a certificate's remaining validity (data.certificate and
// data.expiration, Unix seconds, compared with `now_unix`) when that lies in
// (0, kMaxLeaseSeconds]. nullopt for anything else: static reads, expired
// certificates, and out-of-range numbers are read fresh.
std::optional<std::chrono::seconds> ReuseWindow(const nlohmann::json& envelope, int64_t now_unix);

// When a token that Vault granted for `lease_duration_seconds` should be
// renewed or replaced, counted from its login: two thirds of its TTL.
// nullopt for 0 (a token that does not expire); zero (refresh at the next
// Mount) for a negative or out-of-range TTL.
std::optional<std::chrono::seconds> TokenRefreshDelay(int64_t lease_duration_seconds);

// Whether a renewal that granted `renewed_ttl_seconds` is worth keeping for a
// token whose login granted `login_ttl_seconds`: at least a third of it is
// left (renewal is not capped near the max TTL) and it is within range.
bool RenewalWorthKeeping(int64_t renewed_ttl_seconds, int64_t login_ttl_seconds);

}  // namespace vcp::vault
