// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/async_limit.h"

#include <utility>
#include <vector>

namespace vcp {

struct KeyedAsyncLimit::State {
  struct Waiter {
    uint64_t id = 0;
    Callback done;
    TimerId timer = 0;
    Deadline deadline;
  };
  struct Key {
    int in_use = 0;
    std::deque<Waiter> waiting;  // arrival order
  };

  explicit State(int limit_in) : limit(limit_in) {}

  // Returns a slot of `key`: hands it to the key's first waiter whose
  // deadline has not passed (whose callback the caller runs, with the slot)
  // or frees it. Waiters found past their deadline are moved to `expired`.
  std::optional<Waiter> ReturnSlot(const std::string& key, TimePoint now, std::vector<Waiter>* expired) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = keys.find(key);
    if (it == keys.end()) return std::nullopt;
    Key& entry = it->second;
    while (!entry.waiting.empty()) {
      Waiter next = std::move(entry.waiting.front());
      entry.waiting.pop_front();
      if (now < next.deadline) return next;  // the slot passes on: in_use is unchanged
      expired->push_back(std::move(next));   // its own timer is about to say so
    }
    if (--entry.in_use == 0) keys.erase(it);
    return std::nullopt;
  }

  const int limit;
  Clock* clock = nullptr;
  std::mutex mu;
  std::map<std::string, Key> keys;  // guarded by mu
  uint64_t next_id = 1;             // guarded by mu
};

KeyedAsyncLimit::Slot& KeyedAsyncLimit::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    state_ = std::move(other.state_);
    key_ = std::move(other.key_);
  }
  return *this;
}

void KeyedAsyncLimit::Slot::Release() {
  std::shared_ptr<State> state = std::move(state_);
  if (!state || state->limit <= 0) return;
  std::vector<State::Waiter> expired;
  std::optional<State::Waiter> next = state->ReturnSlot(key_, state->clock->Now(), &expired);
  // A slot is worth nothing to a waiter whose deadline has passed: it hears
  // so now, and the slot goes to the next one.
  for (State::Waiter& waiter : expired) {
    if (waiter.timer != 0) state->clock->Cancel(waiter.timer);
    waiter.done(std::nullopt);
  }
  if (!next.has_value()) return;
  if (next->timer != 0) state->clock->Cancel(next->timer);
  next->done(Slot(std::move(state), std::move(key_)));
}

KeyedAsyncLimit::KeyedAsyncLimit(Clock& clock, int limit)
    : limit_(limit), clock_(&clock), state_(std::make_shared<State>(limit)) {
  state_->clock = &clock;
}

KeyedAsyncLimit::~KeyedAsyncLimit() = default;

void KeyedAsyncLimit::Acquire(const std::string& key, Deadline deadline, Callback done) {
  if (limit_ <= 0) {
    done(Slot(state_, key));
    return;
  }
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    State::Key& entry = state_->keys[key];
    if (entry.in_use < limit_ && entry.waiting.empty()) {
      ++entry.in_use;
    } else {
      id = state_->next_id++;
      entry.waiting.push_back(State::Waiter{id, std::move(done), 0, deadline});
    }
  }
  if (id == 0) {
    done(Slot(state_, key));
    return;
  }
  // The deadline: drop the waiter if it is still waiting then. Scheduled
  // outside the lock; a slot handed over meanwhile cancels it below.
  const TimerId timer = clock_->Schedule(deadline, [state = state_, key, id] {
    Callback expired;
    {
      std::lock_guard<std::mutex> lock(state->mu);
      auto it = state->keys.find(key);
      if (it == state->keys.end()) return;
      auto& waiting = it->second.waiting;
      for (auto w = waiting.begin(); w != waiting.end(); ++w) {
        if (w->id != id) continue;
        expired = std::move(w->done);
        waiting.erase(w);
        break;
      }
      if (it->second.in_use == 0 && waiting.empty()) state->keys.erase(it);
    }
    if (expired) expired(std::nullopt);
  });
  bool still_waiting = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->keys.find(key);
    if (it != state_->keys.end()) {
      for (State::Waiter& w : it->second.waiting) {
        if (w.id != id) continue;
        w.timer = timer;
        still_waiting = true;
        break;
      }
    }
  }
  if (!still_waiting) clock_->Cancel(timer);
}

int KeyedAsyncLimit::in_use(const std::string& key) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->keys.find(key);
  return it == state_->keys.end() ? 0 : it->second.in_use;
}

size_t KeyedAsyncLimit::keys() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->keys.size();
}

}  // namespace vcp
