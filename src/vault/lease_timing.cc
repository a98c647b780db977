// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/lease_timing.h"

namespace vcp::vault {
namespace {

bool InRange(int64_t seconds) { return seconds > 0 && seconds <= kMaxLeaseSeconds; }

// Two thirds of a value already known to be in range (no overflow: it is
// at most kMaxLeaseSeconds, far below INT64_MAX / 2).
std::chrono::seconds TwoThirds(int64_t seconds) { return std::chrono::seconds(seconds * 2 / 3); }

}  // namespace

std::optional<std::chrono::seconds> ReuseWindow(const nlohmann::json& envelope, int64_t now_unix) {
  if (!envelope.is_object()) return std::nullopt;
  const auto lease_id = envelope.find("lease_id");
  const auto duration = envelope.find("lease_duration");
  if (lease_id != envelope.end() && lease_id->is_string() && !lease_id->get_ref<const std::string&>().empty() &&
      duration != envelope.end() && duration->is_number_integer()) {
    // is_number_integer includes unsigned: a value above INT64_MAX is out of range.
    if (duration->is_number_unsigned() && duration->get<uint64_t>() > static_cast<uint64_t>(kMaxLeaseSeconds)) {
      return std::nullopt;
    }
    const int64_t seconds = duration->get<int64_t>();
    if (InRange(seconds)) return TwoThirds(seconds);
    if (seconds != 0) return std::nullopt;  // negative: nonsense, read fresh
  }
  const auto data = envelope.find("data");
  if (data == envelope.end() || !data->is_object() || !data->contains("certificate")) return std::nullopt;
  const auto expiration = data->find("expiration");
  if (expiration == data->end() || !expiration->is_number_integer() ||
      (expiration->is_number_unsigned() && expiration->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    return std::nullopt;
  }
  int64_t remaining = 0;
  if (__builtin_sub_overflow(expiration->get<int64_t>(), now_unix, &remaining)) return std::nullopt;
  if (!InRange(remaining)) return std::nullopt;
  return TwoThirds(remaining);
}

std::optional<std::chrono::seconds> TokenRefreshDelay(int64_t lease_duration_seconds) {
  if (lease_duration_seconds == 0) return std::nullopt;
  if (!InRange(lease_duration_seconds)) return std::chrono::seconds(0);
  return TwoThirds(lease_duration_seconds);
}

bool RenewalWorthKeeping(int64_t renewed_ttl_seconds, int64_t login_ttl_seconds) {
  if (!InRange(renewed_ttl_seconds)) return false;
  // renewed * 3 >= login, with renewed * 3 <= 3 * kMaxLeaseSeconds: no overflow.
  return renewed_ttl_seconds * 3 >= login_ttl_seconds;
}

}  // namespace vcp::vault
