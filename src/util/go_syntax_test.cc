// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/go_syntax.h"

#include <gtest/gtest.h>

namespace vcp {
namespace {

TEST(GoSyntaxTest, GoDurationsParseAsTimeParseDuration) {
  EXPECT_EQ(ParseGoDuration("1m30s").value(), std::chrono::seconds(90));
  EXPECT_EQ(ParseGoDuration("500ms").value(), std::chrono::milliseconds(500));
  EXPECT_EQ(ParseGoDuration("1.5h").value(), std::chrono::minutes(90));
  EXPECT_EQ(ParseGoDuration("0").value(), std::chrono::milliseconds(0));
  EXPECT_EQ(ParseGoDuration("-2s").value(), std::chrono::seconds(-2));
  EXPECT_EQ(ParseGoDuration("+1h").value(), std::chrono::hours(1));
  EXPECT_EQ(ParseGoDuration("1500us").value(), std::chrono::milliseconds(1));
  EXPECT_EQ(ParseGoDuration("2000000ns").value(), std::chrono::milliseconds(2));
  EXPECT_EQ(ParseGoDuration("2562047h").value(), std::chrono::hours(2562047));  // Go's largest whole hour
  for (const char* bad : {"", ".s", "1.2.3s", "10", "5 m", "1d", "-", "+", "s", "2562048h", "1e3s", "9999999999999999999999h"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
  const std::string huge(100000, '9');
  auto status = ParseGoDuration(huge + "s").status();
  EXPECT_FALSE(status.ok());
  EXPECT_LT(status.message().size(), 100u) << "the error quotes the input shortened";
}

// Found by fuzz_command_line: summing in a double lost a millisecond beyond
// 2^53 ns (104 days), so a formatted duration did not parse back to itself.
TEST(GoSyntaxTest, GoDurationsAreExactToTheMillisecondOverGosWholeRange) {
  EXPECT_EQ(ParseGoDuration("552563h49m19.858s").value().count(), int64_t{552563} * 3600000 + 49 * 60000 + 19858);
  const auto reproducer = ParseGoDuration("1h2m3s4ms552562h47m16.854775807s").value();
  EXPECT_EQ(ParseGoDuration(FormatGoDuration(reproducer)).value(), reproducer);
  EXPECT_EQ(ParseGoDuration("2562047h47m16.854775807s").value().count(), 9223372036854);  // Go's maximum
  EXPECT_FALSE(ParseGoDuration("2562047h47m16.854775808s").ok());                         // one past it
  EXPECT_EQ(ParseGoDuration("-2562047h47m16.854775808s").value().count(), -9223372036854);  // Go's minimum
  EXPECT_EQ(ParseGoDuration("5.s").value(), std::chrono::seconds(5));
  EXPECT_EQ(ParseGoDuration("1.000000000000000000001s").value(), std::chrono::seconds(1));
}

TEST(GoSyntaxTest, GoDurationsFormatAsDurationString) {
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(0)), "0s");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(500)), "500ms");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(1050)), "1.05s");
  EXPECT_EQ(FormatGoDuration(std::chrono::minutes(1)), "1m0s");
  EXPECT_EQ(FormatGoDuration(std::chrono::minutes(90)), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(std::chrono::seconds(-2)), "-2s");
}

TEST(GoSyntaxTest, ParseGoBoolAcceptsExactlyStrconvSpellings) {
  bool ok = false;
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    EXPECT_TRUE(ParseGoBool(t, &ok));
    EXPECT_TRUE(ok);
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    EXPECT_FALSE(ParseGoBool(f, &ok));
    EXPECT_TRUE(ok);
  }
  for (const char* bad : {"yes", "", "tRuE", "on"}) {
    ParseGoBool(bad, &ok);
    EXPECT_FALSE(ok) << bad;
  }
}

}  // namespace
}  // namespace vcp
