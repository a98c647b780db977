// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/objects_cache.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace vcp::mount {
namespace {

std::string Objects(int i, size_t padding = 0) {
  return absl::StrCat("- {objectName: o", i, ", secretPath: kv/a}\n# ", std::string(padding, 'x'), "\n");
}

TEST(ObjectsCacheTest, SameTextParsesOnceAndGivesTheSameObjects) {
  ObjectsCache cache(1 << 20);
  auto first = cache.Get(Objects(1));
  ASSERT_TRUE(first.ok());
  auto second = cache.Get(Objects(1));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].object_name, "o1");
  EXPECT_EQ(cache.entries(), 1u);
}

TEST(ObjectsCacheTest, StaysWithinItsBytesEvictingTheLeastRecentlyUsed) {
  ObjectsCache cache(100 << 10);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(cache.Get(Objects(i, 5000)).ok());
  EXPECT_LE(cache.bytes(), 100u << 10);
  EXPECT_GE(cache.entries(), 15u) << "about 100 KiB / 5 KB";
  EXPECT_LE(cache.entries(), 20u);
  // The key is stored once: an entry costs about its text, not twice it.
  EXPECT_LT(cache.bytes() / cache.entries(), 2 * 5000u);
}

TEST(ObjectsCacheTest, TextsOverAnEighthOfTheBudgetAreParsedButNeverKept) {
  ObjectsCache cache(80 << 10);
  auto parsed = cache.Get(Objects(1, 11 << 10));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->size(), 1u);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ObjectsCacheTest, ErrorsAreNotCachedAndZeroDisablesTheCache) {
  ObjectsCache cache(1 << 20);
  EXPECT_FALSE(cache.Get("objectName: a").ok());
  EXPECT_EQ(cache.entries(), 0u);
  ObjectsCache off(0);
  EXPECT_TRUE(off.Get(Objects(1)).ok());
  EXPECT_EQ(off.entries(), 0u);
}

TEST(ObjectsCacheTest, TemplatesAreKeptParsedAndCountedAtTheirTreesBound) {
  ObjectsCache cache(1 << 20);
  const std::string small = "- {objectName: t, template: '{{ with secret \"kv/a\" }}{{ .Data.k }}{{ end }}'}\n";
  ASSERT_TRUE(cache.Get(small).ok());
  EXPECT_EQ(cache.entries(), 1u);
  const auto cached = cache.Get(small);
  ASSERT_TRUE(cached.ok());
  ASSERT_TRUE((*cached)[0].IsTemplated());
  EXPECT_EQ((*cached)[0].parsed_template->secret_calls()[0].path, "kv/a");
  EXPECT_GE(cache.bytes(), 128u * 41) << "the tree's bound, not just the text";
  // 2 KiB of template may take 256 KiB parsed: more than an eighth of 1 MiB.
  const std::string large = absl::StrCat("- {objectName: t, template: '", std::string(2048, 'x'), "'}\n");
  ASSERT_TRUE(cache.Get(large).ok());
  EXPECT_EQ(cache.entries(), 1u);
}

}  // namespace
}  // namespace vcp::mount
