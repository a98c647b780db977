// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/admission.h"

#include <gmock/gmock.h>

#include "support/fake_clock.h"
#include "support/pending.h"

namespace vcp::mount {
namespace {

using ::testing::HasSubstr;

TEST(AdmissionTest, OneVaultAddressHoldsAtMostItsShareOfTheSlots) {
  testing::FakeClock clock;
  Admission admission(clock, 8, 0);  // a share of 2
  EXPECT_EQ(admission.vault_share(), 2);
  const Deadline deadline = clock.Now() + std::chrono::seconds(1);
  std::vector<testing::Pending<AdmissionTicket>> slow(3);
  for (auto& ticket : slow) admission.Admit("https://slow:8200", deadline, ticket.Callback());
  testing::Pending<AdmissionTicket> other;
  admission.Admit("https://other:8200", deadline, other.Callback());
  EXPECT_TRUE(slow[0].ready() && slow[1].ready());
  EXPECT_FALSE(slow[2].ready());
  EXPECT_TRUE(other.ready());
  EXPECT_TRUE(other.Take().ok()) << "another address still gets a slot";
  clock.Advance(std::chrono::seconds(1));
  const absl::Status refused = slow[2].Take().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("(-max-concurrent-mounts-per-vault)"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("\"https://slow:8200\""));
}

TEST(AdmissionTest, TheNodeWideLimitSaysSoWhenItIsTheOneThatBinds) {
  testing::FakeClock clock;
  Admission admission(clock, 1, 0);  // a quarter of 1 is every slot: no share
  EXPECT_EQ(admission.vault_share(), -1);
  testing::Pending<AdmissionTicket> first, second;
  admission.Admit("https://a:8200", clock.Now() + std::chrono::seconds(5), first.Callback());
  admission.Admit("https://b:8200", clock.Now() + std::chrono::seconds(1), second.Callback());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_THAT(std::string(second.Take().status().message()), HasSubstr("of the provider's 1 concurrent Mount slots"));
}

TEST(AdmissionTest, ATicketReturnsItsSlotsWhenItGoes) {
  testing::FakeClock clock;
  Admission admission(clock, 2, 1);
  testing::Pending<AdmissionTicket> a, b;
  admission.Admit("https://v:8200", clock.Now() + std::chrono::seconds(5), a.Callback());
  admission.Admit("https://V:8200/", clock.Now() + std::chrono::seconds(5), b.Callback());
  EXPECT_TRUE(a.ready());
  EXPECT_FALSE(b.ready()) << "the same address, spelled differently";
  { absl::StatusOr<AdmissionTicket> ticket = a.Take(); }  // the Mount ends
  EXPECT_TRUE(b.ready() && b.Take().ok());
}

TEST(VaultSlotKeyTest, CaseSpacesAndTrailingSlashesDoNotMakeAnotherAddress) {
  EXPECT_EQ(VaultSlotKey(" https://Vault-0:8200/ ,https://vault-1:8200"), "https://vault-0:8200,https://vault-1:8200");
}

}  // namespace
}  // namespace vcp::mount
