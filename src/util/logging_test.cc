// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/logging.h"

#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

namespace vcp {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kForged[] = "Vault said: x\n2026-01-01T00:00:00.000Z [info] mount ok: pod=kube-system/forged\r\x1b[2K";

size_t Lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

TEST(LoggingTest, TextLinesEscapeControlCharacters) {
  const std::string line = FormatLogLine("text", kForged);
  EXPECT_EQ(Lines(line), 1u) << line;
  EXPECT_THAT(line, MatchesRegex("[0-9T:.Z-]+ \\[info\\] .*"));
  EXPECT_THAT(line, EndsWith("Vault said: x\\n2026-01-01T00:00:00.000Z [info] mount ok: pod=kube-system/forged"
                             "\\r\\x1b[2K\n"));
}

TEST(LoggingTest, JsonLinesStayOneObject) {
  const std::string line = FormatLogLine("json", kForged);
  EXPECT_EQ(Lines(line), 1u) << line;
  EXPECT_EQ(nlohmann::json::parse(line)["msg"], kForged);
}

TEST(LoggingTest, AHugeMessageIsCutWithItsLength) {
  for (const char* format : {"text", "json"}) {
    const std::string line = FormatLogLine(format, std::string(5'000'000, 'e'));
    EXPECT_LT(line.size(), 70'000u) << format;
    EXPECT_THAT(line, HasSubstr("… (5000000 bytes)")) << format;
  }
}

}  // namespace
}  // namespace vcp
