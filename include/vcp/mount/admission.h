// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The admission step of a Mount: at most -max-concurrent-mounts Mounts are
// served at once, and one Vault address (list) may hold at most its share of
// them (-max-concurrent-mounts-per-vault), so that a Vault that accepts and
// never answers cannot take every slot. Mounts beyond either wait, holding
// no thread, until a slot frees up or their deadline passes.
#pragma once

#include <chrono>
#include <string>

#include "vcp/util/async_limit.h"
#include "vcp/util/callback.h"
#include "vcp/util/clock.h"

namespace vcp::mount {

// The slots a Mount holds while it is served; returned when destroyed.
struct AdmissionTicket {
  AsyncLimit::Slot vault;  // its Vault address's share
  AsyncLimit::Slot node;   // the node-wide slot
  // How long the Mount waited, and for which limit (for its error, if its
  // deadline then passes): "" when it did not wait.
  std::chrono::nanoseconds waited{0};
  std::string waited_for;  // "one of the 8 concurrent Mount slots one Vault address may use (-max-...)"
};

class Admission {
 public:
  // `max_concurrent_mounts` <= 0: no node-wide limit. `max_per_vault`: 0
  // means max(1, max_concurrent_mounts / 4); < 0, or a share of every slot
  // or more, means none. `clock` must outlive the admission and its tickets.
  Admission(Clock& clock, int max_concurrent_mounts, int max_per_vault);

  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // Admits a Mount of `vault_addresses`: first its address's share, then a
  // node-wide slot. DeadlineExceeded naming the flag when either did not
  // free up by `deadline`. Thread-safe.
  void Admit(const std::string& vault_addresses, Deadline deadline, Callback<AdmissionTicket> done);

  // The per-address share, or -1 for none.
  int vault_share() const { return vault_slots_.limit() > 0 ? vault_slots_.limit() : -1; }

 private:
  const int max_concurrent_mounts_;
  Clock* const clock_;
  KeyedAsyncLimit vault_slots_;
  AsyncLimit node_slots_;
};

// The Vault address list as a key for its share of slots: case, spaces and
// trailing slashes do not make another address.
std::string VaultSlotKey(const std::string& addresses);

}  // namespace vcp::mount
