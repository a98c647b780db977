// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The shape of every asynchronous result in the provider: a move-only
// callback that runs exactly once with a value or an error.
#pragma once

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vcp {

template <typename T>
using Callback = absl::AnyInvocable<void(absl::StatusOr<T>)>;

using StatusCallback = absl::AnyInvocable<void(absl::Status)>;

}  // namespace vcp
