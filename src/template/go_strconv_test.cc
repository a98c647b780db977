// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "go_strconv.h"

#include <cmath>
#include <limits>

#include <gmock/gmock.h>

namespace vcp::tmpl {
namespace {

TEST(ParseIntTest, GoSyntaxForBaseZero) {
  struct Case {
    const char* text;
    NumError error;
    int64_t value;
  } cases[] = {
      {"0", NumError::kOk, 0},
      {"-42", NumError::kOk, -42},
      {"+7", NumError::kOk, 7},
      {"0x1F", NumError::kOk, 31},
      {"0X1f", NumError::kOk, 31},
      {"0o17", NumError::kOk, 15},
      {"017", NumError::kOk, 15},
      {"0b101", NumError::kOk, 5},
      {"1_000", NumError::kOk, 1000},
      {"0x_1F", NumError::kOk, 31},
      {"1__0", NumError::kSyntax, 0},
      {"_1", NumError::kSyntax, 0},
      {"1_", NumError::kSyntax, 0},
      {"08", NumError::kSyntax, 0},
      {"0x", NumError::kSyntax, 0},
      {"", NumError::kSyntax, 0},
      {"-", NumError::kSyntax, 0},
      {"1.5", NumError::kSyntax, 0},
      {"9223372036854775807", NumError::kOk, std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808", NumError::kOk, std::numeric_limits<int64_t>::min()},
      {"9223372036854775808", NumError::kRange, std::numeric_limits<int64_t>::max()},
  };
  for (const Case& c : cases) {
    int64_t value;
    EXPECT_EQ(ParseInt(c.text, 0, &value), c.error) << c.text;
    if (c.error != NumError::kSyntax) {
      EXPECT_EQ(value, c.value) << c.text;
    }
  }
  int64_t value;
  EXPECT_EQ(ParseInt("1_000", 10, &value), NumError::kSyntax) << "underscores need base 0, as parseInt's base 10";
  EXPECT_EQ(ParseInt("010", 10, &value), NumError::kOk);
  EXPECT_EQ(value, 10);
}

TEST(ParseFloatTest, GoSyntax) {
  struct Case {
    const char* text;
    NumError error;
    double value;
  } cases[] = {
      {"1.5", NumError::kOk, 1.5},
      {"-2e3", NumError::kOk, -2000},
      {".5", NumError::kOk, 0.5},
      {"5.", NumError::kOk, 5},
      {"1_000.5", NumError::kOk, 1000.5},
      {"0x1.8p1", NumError::kOk, 3},
      {"0x10", NumError::kSyntax, 0},
      {"1e", NumError::kSyntax, 0},
      {"abc", NumError::kSyntax, 0},
      {"1.5x", NumError::kSyntax, 0},
      {"", NumError::kSyntax, 0},
      {"+Inf", NumError::kOk, HUGE_VAL},
      {"-infinity", NumError::kOk, -HUGE_VAL},
      {"infin", NumError::kSyntax, 0},
      {"1e400", NumError::kRange, HUGE_VAL},
  };
  for (const Case& c : cases) {
    double value;
    EXPECT_EQ(ParseFloat(c.text, &value), c.error) << c.text;
    if (c.error != NumError::kSyntax) {
      EXPECT_EQ(value, c.value) << c.text;
    }
  }
  double value;
  EXPECT_EQ(ParseFloat("NaN", &value), NumError::kOk);
  EXPECT_TRUE(std::isnan(value));
  EXPECT_EQ(ParseFloat("1e-400", &value), NumError::kOk) << "underflow is 0, as in Go";
}

TEST(UnquoteTest, GoStringLiterals) {
  EXPECT_EQ(Unquote(R"("a\tb\n\"c\"\\")"), "a\tb\n\"c\"\\");
  EXPECT_EQ(Unquote(R"("\x41\101\u00e9\U0001F600")"), "AAé😀");
  EXPECT_EQ(Unquote(R"("\xff")"), std::string("\xff")) << "\\x is one raw byte";
  EXPECT_EQ(Unquote("`raw \\n\r\nline`"), "raw \\n\nline") << "raw strings lose carriage returns";
  EXPECT_EQ(Unquote(R"("\'")"), std::nullopt) << "\\' is not an escape in a string";
  EXPECT_EQ(Unquote(R"("\q")"), std::nullopt);
  EXPECT_EQ(Unquote(R"("\400")"), std::nullopt) << "octal above 255";
  EXPECT_EQ(Unquote(R"("\ud800")"), std::nullopt) << "surrogate";
  EXPECT_EQ(Unquote("\"\xff\""), "\xEF\xBF\xBD") << "invalid UTF-8 becomes U+FFFD";
}

TEST(UnquoteCharConstantTest, Runes) {
  EXPECT_EQ(UnquoteCharConstant("'a'"), U'a');
  EXPECT_EQ(UnquoteCharConstant("'\\n'"), U'\n');
  EXPECT_EQ(UnquoteCharConstant("'é'"), U'é');
  EXPECT_EQ(UnquoteCharConstant("'\\''"), U'\'');
  EXPECT_EQ(UnquoteCharConstant("'\\x41'"), U'A');
  EXPECT_EQ(UnquoteCharConstant("'ab'"), std::nullopt);
}

TEST(QuoteTest, AsStrconvQuote) {
  EXPECT_EQ(Quote("hello"), "\"hello\"");
  EXPECT_EQ(Quote("a\"b\\c\n\t\x01\x7f"), R"("a\"b\\c\n\t\x01\x7f")");
  EXPECT_EQ(Quote("café ☺"), "\"café ☺\"") << "printable runes stay";
  EXPECT_EQ(Quote("\xff"), R"("\xff")");
  EXPECT_EQ(Quote("\u00a0\u200b"), R"("\u00a0\u200b")") << "spaces and format characters are escaped";
  EXPECT_EQ(QuoteRune('a'), "'a'");
  EXPECT_EQ(QuoteRune('\''), "'\\''");
  EXPECT_EQ(QuoteRune(0x263A), "'☺'");
}

TEST(FormatFloatTest, AsStrconvFormatFloat) {
  struct Case {
    double value;
    char fmt;
    int prec;
    const char* text;
  } cases[] = {
      {1, 'g', -1, "1"},
      {1e6, 'g', -1, "1e+06"},
      {123456, 'g', -1, "123456"},
      {1234567, 'g', -1, "1.234567e+06"},
      {0.0001, 'g', -1, "0.0001"},
      {0.00001, 'g', -1, "1e-05"},
      {1.5, 'g', -1, "1.5"},
      {-0.0, 'g', -1, "-0"},
      {0, 'g', -1, "0"},
      {3.14159, 'f', 2, "3.14"},
      {2.5, 'f', 0, "2"},
      {3.5, 'f', 0, "4"},
      {1e21, 'f', -1, "1000000000000000000000"},
      {1.5, 'e', 3, "1.500e+00"},
      {1234.5678, 'e', -1, "1.2345678e+03"},
      {0, 'e', -1, "0e+00"},
      {1e100, 'e', 2, "1.00e+100"},
      {100, 'g', 2, "1e+02"},
      {0.1 + 0.2, 'g', -1, "0.30000000000000004"},
      {123.456, 'G', 4, "123.5"},
      {1e-7, 'G', -1, "1E-07"},
      {12345678901234567890.0, 'g', -1, "1.2345678901234567e+19"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatFloat(c.value, c.fmt, c.prec), c.text) << c.value << " " << c.fmt << " " << c.prec;
  }
  EXPECT_EQ(FormatFloat(HUGE_VAL, 'g', -1), "+Inf");
  EXPECT_EQ(FormatFloat(-HUGE_VAL, 'f', 2), "-Inf");
  EXPECT_EQ(FormatFloat(std::nan(""), 'g', -1), "NaN");
}

}  // namespace
}  // namespace vcp::tmpl
