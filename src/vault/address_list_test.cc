// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/address_list.h"

#include <gmock/gmock.h>

namespace vcp::vault {
namespace {

using ::testing::HasSubstr;

TEST(ParseVaultAddressesTest, OneAddressOrACommaSeparatedList) {
  auto one = ParseVaultAddresses("https://vault:8200/");
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].base_url, "https://vault:8200");

  auto list = ParseVaultAddresses(" https://vault-0:8200 ,http://vault-1:8200,unix:///run/agent.sock");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].address, "https://vault-0:8200");
  EXPECT_EQ((*list)[1].base_url, "http://vault-1:8200");
  EXPECT_EQ((*list)[2].unix_socket, "/run/agent.sock");
  EXPECT_EQ((*list)[2].base_url, "http://localhost");
}

TEST(ParseVaultAddressesTest, EveryEntryMustBeAnAddress) {
  for (const char* bad : {"", "vault:8200", "https://a:8200,", "https://a:8200,,https://b", "unix://", "https://"}) {
    auto parsed = ParseVaultAddresses(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("invalid Vault address")) << bad;
  }
}

TEST(ParseVaultAddressesTest, AListIsAClustersNodesNotAScan) {
  std::string list = "https://v0:8200";
  for (int i = 1; i < 16; ++i) list += ",https://v" + std::to_string(i) + ":8200";
  EXPECT_TRUE(ParseVaultAddresses(list).ok());
  auto refused = ParseVaultAddresses(list + ",https://v16:8200");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("has 17 addresses; at most 16"));
  EXPECT_LT(refused.status().message().size(), 400u) << "the list is quoted shortened";
}

TEST(HealthyAddressMemoryTest, RemembersPerListAndForgetsWhenFull) {
  HealthyAddressMemory memory(2);
  EXPECT_EQ(memory.Preferred("a,b"), 0u);
  memory.Remember("a,b", 1);
  memory.Remember("c,d", 1);
  EXPECT_EQ(memory.Preferred("a,b"), 1u);
  memory.Remember("a,b", 0);
  EXPECT_EQ(memory.Preferred("a,b"), 0u);
  memory.Remember("e,f", 1);  // a third list: the memory starts over
  EXPECT_EQ(memory.Preferred("c,d"), 0u);
  EXPECT_EQ(memory.Preferred("e,f"), 1u);
}

}  // namespace
}  // namespace vcp::vault
