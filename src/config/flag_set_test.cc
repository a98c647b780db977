// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/config/flag_set.h"

#include <gtest/gtest.h>

namespace vcp::config {
namespace {

struct Flags {
  std::string endpoint = "/tmp/vault.sock";
  bool debug = false;
  int cache = 1000;
  std::chrono::milliseconds interval{60000};
  FlagSet set{"prog"};
  Flags() {
    set.String("endpoint", &endpoint, "socket");
    set.Bool("debug", &debug, "debug");
    set.Int("cache-size", &cache, "cache");
    set.Duration("interval", &interval, "how often");
  }
};

TEST(FlagSetTest, AcceptsEveryGoSpelling) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-endpoint=/a"}, {"--endpoint=/a"}, {"-endpoint", "/a"}, {"--endpoint", "/a"}}) {
    Flags f;
    ASSERT_TRUE(f.set.Parse(args).ok());
    EXPECT_EQ(f.endpoint, "/a");
    EXPECT_TRUE(f.set.WasSet("endpoint"));
  }
}

TEST(FlagSetTest, BooleansAreBareOrExplicitNeverSeparate) {
  Flags f;
  auto rest = f.set.Parse({"-debug", "false"});
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(f.debug) << "a bare boolean does not consume the next argument";
  EXPECT_EQ(*rest, std::vector<std::string>{"false"}) << "parsing stops at the first non-flag";
  Flags g;
  ASSERT_TRUE(g.set.Parse({"--debug=false"}).ok());
  EXPECT_FALSE(g.debug);
  Flags h;
  EXPECT_EQ(h.set.Parse({"-debug=maybe"}).status().message(), "invalid boolean value \"maybe\" for -debug: parse error");
}

TEST(FlagSetTest, IntegersTakeGoBases) {
  Flags f;
  ASSERT_TRUE(f.set.Parse({"-cache-size=0x10"}).ok());
  EXPECT_EQ(f.cache, 16);
  ASSERT_TRUE(f.set.Parse({"-cache-size", "-1"}).ok());
  EXPECT_EQ(f.cache, -1);
  EXPECT_EQ(f.set.Parse({"-cache-size=lots"}).status().message(), "invalid value \"lots\" for flag -cache-size: parse error");
}

TEST(FlagSetTest, ErrorsUseGoTexts) {
  Flags f;
  EXPECT_EQ(f.set.Parse({"-nope"}).status().message(), "flag provided but not defined: -nope");
  EXPECT_EQ(f.set.Parse({"-endpoint"}).status().message(), "flag needs an argument: -endpoint");
  EXPECT_EQ(f.set.Parse({"---endpoint=x"}).status().message(), "bad flag syntax: ---endpoint=x");
  EXPECT_TRUE(absl::IsCancelled(f.set.Parse({"-h"}).status()));
}

TEST(FlagSetTest, DoubleDashEndsFlags) {
  Flags f;
  auto rest = f.set.Parse({"-debug", "--", "-endpoint=/x"});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(f.endpoint, "/tmp/vault.sock");
  EXPECT_EQ(*rest, std::vector<std::string>{"-endpoint=/x"});
}

TEST(FlagSetTest, UsageListsTypesAndNonZeroDefaults) {
  Flags f;
  const std::string usage = f.set.Usage();
  EXPECT_NE(usage.find("  -cache-size int\n    \tcache (default 1000)\n"), std::string::npos) << usage;
  EXPECT_NE(usage.find("  -debug\n    \tdebug\n"), std::string::npos) << usage;
  EXPECT_NE(usage.find("  -endpoint string\n    \tsocket (default \"/tmp/vault.sock\")\n"), std::string::npos);
  EXPECT_NE(usage.find("  -interval duration\n    \thow often (default 1m0s)\n"), std::string::npos) << usage;
}

TEST(FlagSetTest, DurationFlagsTakeGoDurations) {
  Flags f;
  ASSERT_TRUE(f.set.Parse({"-interval", "1m30s"}).ok());
  EXPECT_EQ(f.interval, std::chrono::seconds(90));
  EXPECT_TRUE(f.set.WasSet("interval"));
  EXPECT_EQ(f.set.Parse({"-interval=10"}).status().message(), "invalid value \"10\" for flag -interval: parse error");
}

TEST(FlagSetTest, GoDurationsParseAsTimeParseDuration) {
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
TEST(FlagSetTest, GoDurationsAreExactToTheMillisecondOverGosWholeRange) {
  EXPECT_EQ(ParseGoDuration("552563h49m19.858s").value().count(), int64_t{552563} * 3600000 + 49 * 60000 + 19858);
  const auto reproducer = ParseGoDuration("1h2m3s4ms552562h47m16.854775807s").value();
  EXPECT_EQ(ParseGoDuration(FormatGoDuration(reproducer)).value(), reproducer);
  EXPECT_EQ(ParseGoDuration("2562047h47m16.854775807s").value().count(), 9223372036854);  // Go's maximum
  EXPECT_FALSE(ParseGoDuration("2562047h47m16.854775808s").ok());                         // one past it
  EXPECT_EQ(ParseGoDuration("-2562047h47m16.854775808s").value().count(), -9223372036854);  // Go's minimum
  EXPECT_EQ(ParseGoDuration("5.s").value(), std::chrono::seconds(5));
  EXPECT_EQ(ParseGoDuration("1.000000000000000000001s").value(), std::chrono::seconds(1));
}

TEST(FlagSetTest, GoDurationsFormatAsDurationString) {
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(0)), "0s");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(500)), "500ms");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(1050)), "1.05s");
  EXPECT_EQ(FormatGoDuration(std::chrono::minutes(1)), "1m0s");
  EXPECT_EQ(FormatGoDuration(std::chrono::minutes(90)), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(std::chrono::seconds(-2)), "-2s");
}

TEST(FlagSetTest, ParseGoBoolAcceptsExactlyStrconvSpellings) {
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
}  // namespace vcp::config
