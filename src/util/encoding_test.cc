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

TEST(EncodingTest, HexDecodesEitherCaseAndNamesThePositionOfABadByte) {
  EXPECT_EQ(DecodeHex("68656C6c6f").value(), "hello");
  EXPECT_EQ(DecodeHex("").value(), "");
  EXPECT_EQ(DecodeHex("abc").status().message(), "encoding/hex: odd length hex string");
  // The input is a secret: the byte itself is never in the message.
  EXPECT_EQ(DecodeHex("6g").status().message(), "encoding/hex: invalid byte at input byte 1");
  EXPECT_EQ(DecodeHex("00S3CRET").status().message(), "encoding/hex: invalid byte at input byte 2");
  EXPECT_EQ(DecodeHex("abz").status().message(), "encoding/hex: invalid byte at input byte 2")
      << "a bad byte is reported before an odd length, as Go does";
  EXPECT_EQ(DecodeHex(std::string("0\n", 2)).status().message(), "encoding/hex: invalid byte at input byte 1");
}

TEST(EncodingTest, Base64ErrorsNameThePositionNotTheByte) {
  EXPECT_EQ(DecodeBase64Std("QUJD*S3CRET").status().message(), "illegal base64 data at input byte 4");
  EXPECT_EQ(DecodeBase64RawUrl("QUJD*S3CRET").status().message(), "illegal base64 data at input byte 4");
}

}  // namespace
}  // namespace vcp
