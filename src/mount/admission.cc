// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/admission.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/text.h"

namespace vcp::mount {
namespace {

int VaultShare(int slots, int share) {
  if (share == 0) share = slots > 0 ? std::max(1, slots / 4) : -1;
  // A share of every slot (or more) limits nothing: the node-wide limit says why a Mount waits.
  if (share < 0 || (slots > 0 && share >= slots)) return -1;
  return share;
}

}  // namespace

std::string VaultSlotKey(const std::string& addresses) {
  std::string key;
  for (const absl::string_view address : absl::StrSplit(addresses, ',')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(address);
    while (absl::ConsumeSuffix(&trimmed, "/")) {
    }
    if (!key.empty()) key += ',';
    key += absl::AsciiStrToLower(trimmed);
  }
  return key;
}

Admission::Admission(Clock& clock, int max_concurrent_mounts, int max_per_vault)
    : max_concurrent_mounts_(max_concurrent_mounts),
      clock_(&clock),
      vault_slots_(clock, VaultShare(max_concurrent_mounts, max_per_vault)),
      node_slots_(clock, max_concurrent_mounts) {}

void Admission::Admit(const std::string& vault_addresses, Deadline deadline, Callback<AdmissionTicket> done) {
  // Fairness first: Mounts of one Vault address wait here for their
  // address's share before they may take a node-wide slot, so a Vault that
  // accepts and never answers holds at most its share of the slots.
  const TimePoint asked = clock_->Now();
  vault_slots_.Acquire(
      VaultSlotKey(vault_addresses), deadline,
      [this, asked, vault_addresses, deadline, done = std::move(done)](std::optional<AsyncLimit::Slot> vault) mutable {
        if (!vault.has_value()) {
          std::move(done)(absl::DeadlineExceededError(absl::StrCat(
              "the Mount's deadline passed while waiting for one of the ", vault_slots_.limit(),
              " concurrent Mount slots one Vault address may use (-max-concurrent-mounts-per-vault): earlier "
              "Mounts to ",
              QuoteShortened(vault_addresses), " have not finished; is that Vault slow or unreachable?")));
          return;
        }
        // A burst of Mounts (a node full of starting pods) queues here rather
        // than all holding Vault connections and buffers at once.
        const TimePoint got_share = clock_->Now();
        node_slots_.Acquire(deadline, [this, asked, got_share, vault = *std::move(vault),
                                       done = std::move(done)](std::optional<AsyncLimit::Slot> node) mutable {
          if (!node.has_value()) {
            std::move(done)(absl::DeadlineExceededError(absl::StrCat(
                "the Mount's deadline passed while waiting for one of the provider's ", max_concurrent_mounts_,
                " concurrent Mount slots (-max-concurrent-mounts): the provider is overloaded or Vault is slow")));
            return;
          }
          AdmissionTicket ticket;
          ticket.vault = std::move(vault);
          ticket.node = *std::move(node);
          const auto for_share = got_share - asked, for_node = clock_->Now() - got_share;
          ticket.waited = for_share + for_node;
          if (for_share > for_node) {
            ticket.waited_for = absl::StrCat("one of the ", vault_slots_.limit(),
                                             " concurrent Mount slots one Vault address may use "
                                             "(-max-concurrent-mounts-per-vault)");
          } else if (for_node > std::chrono::nanoseconds(0)) {
            ticket.waited_for = absl::StrCat("one of the provider's ", max_concurrent_mounts_,
                                             " concurrent Mount slots (-max-concurrent-mounts)");
          }
          std::move(done)(std::move(ticket));
        });
      });
}

}  // namespace vcp::mount
