// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/random.h"

#include <gtest/gtest.h>

namespace vcp {
namespace {

TEST(RandomTest, KeysAreThirtyTwoFreshBytes) {
  EXPECT_EQ(RandomKey().size(), 32u);
  EXPECT_NE(RandomKey(), RandomKey());
}

}  // namespace
}  // namespace vcp
