// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/lease_timing.h"

#include <gmock/gmock.h>

#include <limits>
#include <string>

#include "vcp/util/bounded_json.h"
#include "vcp/util/json_number.h"

namespace vcp::vault {
namespace {

using std::chrono::seconds;

constexpr int64_t kNow = 1'780'000'000;  // 2026
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

nlohmann::json Lease(const nlohmann::json& duration) {
  return {{"lease_id", "database/creds/app/abc"}, {"lease_duration", duration}, {"data", {{"username", "u"}}}};
}

nlohmann::json Certificate(const nlohmann::json& expiration) {
  return {{"lease_id", ""}, {"lease_duration", 0}, {"data", {{"certificate", "PEM"}, {"expiration", expiration}}}};
}

TEST(ReuseWindowTest, TwoThirdsOfALeaseOrOfACertificatesRemainingValidity) {
  EXPECT_EQ(ReuseWindow(Lease(3600), kNow), seconds(2400));
  EXPECT_EQ(ReuseWindow(Certificate(kNow + 3000), kNow), seconds(2000));
  EXPECT_EQ(ReuseWindow(Lease(kMaxLeaseSeconds), kNow), seconds(kMaxLeaseSeconds * 2 / 3));
}

TEST(ReuseWindowTest, StaticReadsAndExpiredCertificatesAreNotReused) {
  EXPECT_EQ(ReuseWindow({{"data", {{"k", "v"}}}}, kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow({{"lease_id", ""}, {"lease_duration", 3600}}, kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(kNow), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(kNow - 1), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(nlohmann::json::array(), kNow), std::nullopt);
}

TEST(ReuseWindowTest, OutOfRangeNumbersMeanDoNotReuse) {
  // -2^63 - now overflowed to a huge positive validity: an expired certificate was reused.
  EXPECT_EQ(ReuseWindow(Certificate(kMin), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(kMin), -kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(kMax), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(std::numeric_limits<uint64_t>::max()), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(kNow + kMaxLeaseSeconds + 1), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Certificate(1.5e18), kNow), std::nullopt) << "not an integer";
  // lease_duration * 2 overflowed.
  EXPECT_EQ(ReuseWindow(Lease(kMax), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Lease(kMin), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Lease(-1), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Lease(std::numeric_limits<uint64_t>::max()), kNow), std::nullopt);
  EXPECT_EQ(ReuseWindow(Lease(kMaxLeaseSeconds + 1), kNow), std::nullopt);
}

TEST(TokenRefreshDelayTest, TwoThirdsOfTheTtlAndOutOfRangeRefreshesAtOnce) {
  EXPECT_EQ(TokenRefreshDelay(3600), seconds(2400));
  EXPECT_EQ(TokenRefreshDelay(0), std::nullopt) << "a token that does not expire";
  EXPECT_EQ(TokenRefreshDelay(-5), seconds(0));
  EXPECT_EQ(TokenRefreshDelay(kMax), seconds(0));
  EXPECT_EQ(TokenRefreshDelay(kMin), seconds(0));
  // Any delay returned can be added to a steady_clock time point.
  const auto refresh_at = std::chrono::steady_clock::now() + *TokenRefreshDelay(kMaxLeaseSeconds);
  EXPECT_GT(refresh_at, std::chrono::steady_clock::now());
}

TEST(RenewalWorthKeepingTest, AThirdOfTheLoginTtlAndWithinRange) {
  EXPECT_TRUE(RenewalWorthKeeping(1200, 3600));
  EXPECT_FALSE(RenewalWorthKeeping(1199, 3600));
  EXPECT_FALSE(RenewalWorthKeeping(kMax, 3600)) << "kMax * 3 overflows";
  EXPECT_FALSE(RenewalWorthKeeping(kMax / 2, 3600));
  EXPECT_FALSE(RenewalWorthKeeping(0, 3600));
  EXPECT_FALSE(RenewalWorthKeeping(-1, 0));
}


// Vault's answers are parsed keeping number texts (util/json_number.h):
// canonical integers stay native and work as before; any other spelling of a
// lease duration or expiration is out of range, so the response is read fresh.
TEST(ReuseWindowTest, NumbersAsVaultSpelledThemWorkOrAreNotReused) {
  auto parse = [](const std::string& text) { return ParseUntrustedJsonKeepingNumbers(text).value(); };
  auto lease = [&](const std::string& duration) {
    return parse(R"({"lease_id":"database/creds/app/abc","lease_duration":)" + duration +
                 R"(,"data":{"username":"u"}})");
  };
  auto certificate = [&](const std::string& expiration) {
    return parse(R"({"lease_id":"","lease_duration":0,"data":{"certificate":"PEM","expiration":)" + expiration +
                 "}}");
  };
  EXPECT_EQ(ReuseWindow(lease("3600"), kNow), seconds(2400));
  EXPECT_EQ(ReuseWindow(certificate(std::to_string(kNow + 3000)), kNow), seconds(2000));
  for (const std::string text : {"3600.0", "3.6e3", "-0", "1e400", "18446744073709551616", "12345678901234567890123",
                                 "-9223372036854775809"}) {
    SCOPED_TRACE(text);
    ASSERT_TRUE(IsNumberText(lease(text)["lease_duration"]));
    EXPECT_EQ(ReuseWindow(lease(text), kNow), std::nullopt);
    EXPECT_EQ(ReuseWindow(certificate(text), kNow), std::nullopt);
  }
  // A lease with an unusable duration still falls back to a certificate's validity.
  auto both = parse(R"({"lease_id":"pki/issue/x/1","lease_duration":3600.0,"data":{"certificate":"PEM","expiration":)" +
                    std::to_string(kNow + 3000) + "}}");
  EXPECT_EQ(ReuseWindow(both, kNow), seconds(2000));
}

}  // namespace
}  // namespace vcp::vault
