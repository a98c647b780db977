// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Counting limits whose waiters hold no thread: at most `limit` holders per
// key at a time; the rest wait in arrival order, each until its own
// deadline. The provider bounds the Mounts it serves at once with one
// (-max-concurrent-mounts) and each Vault address's share of them with
// another (-max-concurrent-mounts-per-vault), so that one tenant's Vault
// that hangs cannot take every slot.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "vcp/util/clock.h"

namespace vcp {

class KeyedAsyncLimit {
 private:
  struct State;

 public:
  // A slot held for one key; returned when destroyed (or Release()d).
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : state_(std::move(other.state_)), key_(std::move(other.key_)) {}
    Slot& operator=(Slot&& other) noexcept;
    ~Slot() { Release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // Returns the slot now (the next waiter of its key gets it).
    void Release();
    bool held() const { return state_ != nullptr; }

   private:
    friend class KeyedAsyncLimit;
    Slot(std::shared_ptr<State> state, std::string key) : state_(std::move(state)), key_(std::move(key)) {}
    std::shared_ptr<State> state_;
    std::string key_;
  };

  // A slot, or nullopt when the deadline passed first.
  using Callback = absl::AnyInvocable<void(std::optional<Slot>)>;

  // At most `limit` holders per key (`limit` <= 0: no limit). `clock` runs
  // the deadlines and must outlive every waiter.
  KeyedAsyncLimit(Clock& clock, int limit);
  ~KeyedAsyncLimit();

  KeyedAsyncLimit(const KeyedAsyncLimit&) = delete;
  KeyedAsyncLimit& operator=(const KeyedAsyncLimit&) = delete;

  // Takes a slot of `key`. `done` runs exactly once: inside Acquire when a
  // slot is free and nobody of the key waits before it; on the thread that
  // returns a slot, when one frees up; or with nullopt on the clock's thread
  // at `deadline`. Thread-safe.
  void Acquire(const std::string& key, Deadline deadline, Callback done);

  // Holders of `key` right now, and keys that have holders or waiters
  // (memory is one entry per such key).
  int in_use(const std::string& key) const;
  size_t keys() const;
  int limit() const { return limit_; }

 private:
  const int limit_;
  Clock* clock_;
  std::shared_ptr<State> state_;  // shared with the slots and timers, which may outlive this
};

// One key's worth of KeyedAsyncLimit: at most `limit` holders in all.
class AsyncLimit {
 public:
  using Slot = KeyedAsyncLimit::Slot;
  using Callback = KeyedAsyncLimit::Callback;

  AsyncLimit(Clock& clock, int limit) : slots_(clock, limit) {}

  // As KeyedAsyncLimit::Acquire, for the one key.
  void Acquire(Deadline deadline, Callback done) { slots_.Acquire("", deadline, std::move(done)); }
  int in_use() const { return slots_.in_use(""); }
  int limit() const { return slots_.limit(); }

 private:
  KeyedAsyncLimit slots_;
};

}  // namespace vcp
