// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Bounded fan-out for the independent Vault reads of one Mount.
#pragma once

#include <cstddef>
#include <functional>

namespace vcp {

// Calls `work(i)` for every i in [0, count), at most `max_parallel` at a
// time, and returns when all calls have returned. The calling thread takes a
// share of the work, so count == 1 costs no thread. `work` must be safe to
// call concurrently for different i.
void ForEachConcurrently(size_t count, size_t max_parallel, const std::function<void(size_t)>& work);

}  // namespace vcp
