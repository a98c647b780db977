// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/concurrency.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace vcp {

void ForEachConcurrently(size_t count, size_t max_parallel, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  auto drain = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) work(i);
  };
  const size_t helpers = std::min(count, std::max<size_t>(1, max_parallel)) - (count > 0 ? 1 : 0);
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) threads.emplace_back(drain);
  drain();
  for (auto& thread : threads) thread.join();
}

}  // namespace vcp
