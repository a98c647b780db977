// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/text.h"

#include <gmock/gmock.h>

namespace vcp {
namespace {

TEST(ShortenTest, KeepsShortTextAndCutsLongTextWithItsLength) {
  EXPECT_EQ(Shorten("abc", 3), "abc");
  EXPECT_EQ(Shorten("abcd", 3), "abc… (4 bytes)");
  EXPECT_EQ(Shorten(std::string(5'000'000, 'x')).size(), kMaxQuotedBytes + std::string("… (5000000 bytes)").size());
}

TEST(ShortenTest, NeverSplitsAUtf8Sequence) {
  // "é" is 2 bytes, "€" is 3: a cut inside either backs up to its start.
  EXPECT_EQ(Shorten("aé", 2), "a… (3 bytes)");
  EXPECT_EQ(Shorten("a€b", 3), "a… (5 bytes)");
  EXPECT_EQ(Shorten("a€b", 4), "a€… (5 bytes)");
}

TEST(QuoteShortenedTest, QuotesAndEscapesWhatItKeeps) {
  EXPECT_EQ(QuoteShortened("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(QuoteShortened(std::string(300, 'n'), 4), "\"nnnn\"… (300 bytes)");
}

TEST(WithoutQueryTest, DropsEverythingFromTheFirstQuestionMark) {
  EXPECT_EQ(WithoutQuery("kv/app?token=CANARY&x=1"), "kv/app");
  EXPECT_EQ(WithoutQuery("https://v:8200/v1/kv/app"), "https://v:8200/v1/kv/app");
  EXPECT_EQ(WithoutQuery("?a"), "");
}

TEST(EscapeControlTest, ControlCharactersCannotStartALine) {
  EXPECT_EQ(EscapeControl("ok\n2026-01-01T00:00:00.000Z [info] mount ok: pod=kube-system/forged"),
            "ok\\n2026-01-01T00:00:00.000Z [info] mount ok: pod=kube-system/forged");
  EXPECT_EQ(EscapeControl(std::string("\r\t\x1b[31m\x7f\0", 9)), "\\r\\t\\x1b[31m\\x7f\\x00");
  EXPECT_EQ(EscapeControl(R"(a "quoted\n" text)"), R"(a "quoted\n" text)") << "backslashes are kept";
  EXPECT_EQ(EscapeControl("café €"), "café €");
}

}  // namespace
}  // namespace vcp
