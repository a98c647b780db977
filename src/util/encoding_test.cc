// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/encoding.h"

#include <gtest/gtest.h>

namespace vcp {
namespace {

TEST(EncodingTest, Base64StdRoundTripsAndRequiresPadding) {
  EXPECT_EQ(DecodeBase64Std("aGVsbG8gd29ybGQK").value(), "hello world\n");
  EXPECT_EQ(DecodeBase64Std("aGk=").value(), "hi");
  EXPECT_EQ(DecodeBase64Std("aGk=\r\n").value(), "hi");
  EXPECT_EQ(DecodeBase64Std("").value(), "");
  EXPECT_EQ(EncodeBase64Std("hi"), "aGk=");
}

TEST(EncodingTest, Base64StdReportsTheBadByteLikeGo) {
  EXPECT_EQ(DecodeBase64Std("aGk").status().message(), "illegal base64 data at input byte 3");
  EXPECT_EQ(DecodeBase64Std("aG!k").status().message(), "illegal base64 data at input byte 2");
  EXPECT_EQ(DecodeBase64Std("aGk=x").status().message(), "illegal base64 data at input byte 4");
  EXPECT_FALSE(DecodeBase64Std("a-_k").ok()) << "URL alphabet is not standard base64";
}

TEST(EncodingTest, Base64UrlKeepsPaddingForVersions) {
  EXPECT_EQ(EncodeBase64Url(std::string("\xfb\xff", 2)), "-_8=");
  EXPECT_EQ(EncodeBase64RawUrl(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(DecodeBase64RawUrl("-_8").value(), std::string("\xfb\xff", 2));
}

TEST(EncodingTest, HexDecodesEitherCaseAndReportsGoErrors) {
  EXPECT_EQ(DecodeHex("68656C6c6f").value(), "hello");
  EXPECT_EQ(DecodeHex("abc").status().message(), "encoding/hex: odd length hex string");
  EXPECT_EQ(DecodeHex("6g").status().message(), "encoding/hex: invalid byte: U+0067 'g'");
}

}  // namespace
}  // namespace vcp
