// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Key material from the system's CSPRNG.
#pragma once

#include <string>

namespace vcp {

// 32 bytes from the system's CSPRNG (an HMAC key). Aborts the process if the
// CSPRNG fails, which only happens on a broken system.
std::string RandomKey();

}  // namespace vcp
