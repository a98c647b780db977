// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/address_policy.h"

#include <gmock/gmock.h>

namespace vcp::vault {
namespace {

using ::testing::HasSubstr;

TEST(AddressPolicyTest, OriginsFillInDefaultPortsAndFoldHostCase) {
  EXPECT_EQ(NormalizeVaultOrigin("https://Vault.Example.com").value(), "https://vault.example.com:443");
  EXPECT_EQ(NormalizeVaultOrigin(" https://vault.example.com:443/ ").value(), "https://vault.example.com:443");
  EXPECT_EQ(NormalizeVaultOrigin("HTTP://vault.:80/v1/x?y#z").value(), "http://vault:80");
  EXPECT_EQ(NormalizeVaultOrigin("http://127.0.0.1:8200").value(), "http://127.0.0.1:8200");
  EXPECT_EQ(NormalizeVaultOrigin("https://[::1]:8200").value(), "https://[::1]:8200");
  EXPECT_EQ(NormalizeVaultOrigin("unix:///var/run/agent.sock").value(), "unix:///var/run/agent.sock");
}

TEST(AddressPolicyTest, AnythingAmbiguousIsNotAnOrigin) {
  for (const char* bad : {"vault:8200", "ftp://vault", "https://user@vault", "https://allowed.com:443\\@evil.com",
                          "https://evil.com%2f@allowed", "https://vault:99999", "https://vault:+80", "https://:8200",
                          "https://[vault]:1", "https://[::1", "unix://", "https://vault:80:80", "https://ev il"}) {
    EXPECT_FALSE(NormalizeVaultOrigin(bad).ok()) << bad;
  }
  const std::string long_host = "https://" + std::string(1000, 'a') + "%";
  EXPECT_LT(NormalizeVaultOrigin(long_host).status().message().size(), 200u);
}

TEST(AddressPolicyTest, EveryAddressOfAListMustBeAllowed) {
  auto policy = AddressPolicy::AllowOnly({"https://vault-0:8200,https://vault-1:8200", "https://vault.example.com"},
                                         "-allowed-vault-addrs");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(policy->restricting());
  EXPECT_TRUE(policy->CheckAddresses("https://VAULT-1:8200/").ok());
  EXPECT_TRUE(policy->CheckAddresses("https://vault-0:8200, https://vault.example.com:443").ok());
  auto denied = policy->CheckAddresses("https://vault-0:8200,http://127.0.0.1:9999");
  EXPECT_EQ(denied.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(denied.message(), HasSubstr("\"http://127.0.0.1:9999\" is not allowed"));
  EXPECT_THAT(denied.message(), HasSubstr("-allowed-vault-addrs"));
  EXPECT_FALSE(policy->CheckAddresses("http://vault-0:8200").ok()) << "the scheme is part of the origin";
  EXPECT_FALSE(policy->CheckAddresses("https://vault-0:8201").ok());
}

TEST(AddressPolicyTest, RedirectsOnlyToAllowedOrigins) {
  auto policy = AddressPolicy::AllowOnly({"https://vault-0:8200,https://vault-1:8200"}, "-allowed-vault-addrs");
  ASSERT_TRUE(policy.ok());
  EXPECT_TRUE(policy->AllowsRedirectTo("https://vault-1:8200/v1/secret/data/x?version=2"));
  EXPECT_FALSE(policy->AllowsRedirectTo("https://attacker.example.com/v1/secret/data/x"));
  EXPECT_FALSE(policy->AllowsRedirectTo("not a url"));
  EXPECT_TRUE(AddressPolicy().AllowsRedirectTo("https://anywhere"));
  EXPECT_TRUE(AddressPolicy().CheckAddresses("http://anything:1").ok());
}

TEST(AddressPolicyTest, ABadAllowListEntryIsAStartupError) {
  auto policy = AddressPolicy::AllowOnly({"https://vault:8200,vault-1:8200"}, "-allowed-vault-addrs");
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.status().message(), HasSubstr("-allowed-vault-addrs: invalid Vault address \"vault-1:8200\""));
}

}  // namespace
}  // namespace vcp::vault
