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

}  // namespace
}  // namespace vcp::config
