// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/object_version.h"

#include <gtest/gtest.h>

#include <openssl/hmac.h>

#include "vcp/util/encoding.h"

namespace vcp::mount {
namespace {

SecretObject Object() {
  SecretObject o;
  o.object_name = "db-pass";
  o.secret_path = "secret/data/db";
  o.secret_key = "password";
  return o;
}

TEST(ObjectVersionTest, IsHmacSha256OverConfigJsonAndContent) {
  const std::string key(32, 'k');
  const std::string expected_message =
      R"({"ObjectName":"db-pass","SecretPath":"secret/data/db","SecretKey":"password","Method":"","SecretArgs":null,"FilePermission":0,"Encoding":""})"
      "hunter2";
  unsigned char digest[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), 32, reinterpret_cast<const unsigned char*>(expected_message.data()),
       expected_message.size(), digest, &length);
  const std::string want = EncodeBase64Url(std::string(reinterpret_cast<char*>(digest), length));
  EXPECT_EQ(VersionSigner(key).Sign(Object(), "hunter2"), want);
  EXPECT_EQ(want.size(), 44u);
  EXPECT_EQ(want.back(), '=');
}

TEST(ObjectVersionTest, ChangesWithContentConfigAndKeyOnly) {
  const VersionSigner signer(std::string(32, 'k'));
  const std::string base = signer.Sign(Object(), "v1");
  EXPECT_EQ(signer.Sign(Object(), "v1"), base);
  EXPECT_NE(signer.Sign(Object(), "v2"), base);
  SecretObject other = Object();
  other.file_permission = 0600;
  EXPECT_NE(signer.Sign(other, "v1"), base) << "identical content under another config is not revealed";
  EXPECT_NE(VersionSigner(std::string(32, 'x')).Sign(Object(), "v1"), base);
}



std::string Hmac(const std::string& key, const std::string& message) {
  unsigned char digest[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  return EncodeBase64Url(std::string(reinterpret_cast<char*>(digest), length));
}

TEST(ObjectVersionTest, NewFieldsEnterTheConfigOnlyWhenSet) {
  const std::string key(32, 'k');
  const VersionSigner signer(key);
  SecretObject o = Object();
  const std::string before = signer.Sign(o, "v");
  o.output = OutputShape::kValue;
  EXPECT_EQ(signer.Sign(o, "v"),
            Hmac(key, R"({"ObjectName":"db-pass","SecretPath":"secret/data/db","SecretKey":"password","Method":"",)"
                      R"("SecretArgs":null,"FilePermission":0,"Encoding":"","Output":"value"}v)"));
  EXPECT_NE(signer.Sign(o, "v"), before) << "output: value spelled out is another configuration";
  o.vault_namespace = "team-a";
  EXPECT_EQ(signer.Sign(o, "v"),
            Hmac(key, R"({"ObjectName":"db-pass","SecretPath":"secret/data/db","SecretKey":"password","Method":"",)"
                      R"("SecretArgs":null,"FilePermission":0,"Encoding":"","Output":"value","VaultNamespace":"team-a"}v)"));
  o.output.reset();
  o.vault_namespace.clear();
  EXPECT_EQ(signer.Sign(o, "v"), before);
}

TEST(ObjectVersionTest, EachFileOfAFilesObjectHasItsOwnVersion) {
  const std::string key(32, 'k');
  const VersionSigner signer(key);
  SecretObject o = Object();
  o.object_name = "conf";
  o.secret_key.clear();
  o.output = OutputShape::kFiles;
  EXPECT_EQ(signer.SignFile(o, "conf/user", "app"),
            Hmac(key, R"({"ObjectName":"conf/user","SecretPath":"secret/data/db","SecretKey":"","Method":"",)"
                      R"("SecretArgs":null,"FilePermission":0,"Encoding":"","Output":"files"}app)"));
  EXPECT_NE(signer.SignFile(o, "conf/user", "same"), signer.SignFile(o, "conf/pass", "same"))
      << "two keys with one value do not reveal it";
  EXPECT_EQ(signer.SignFile(o, "conf", "x"), signer.Sign(o, "x"));
}

TEST(ObjectVersionTest, ATemplatedObjectSignsItsTemplateAndOnlyItHasOne) {
  const std::string key(32, 'k');
  const VersionSigner signer(key);
  auto objects = ParseObjects("- {objectName: t, template: 'a={{ 1 }}'}\n- {objectName: u, template: 'a={{ 2 }}'}\n");
  ASSERT_TRUE(objects.ok()) << objects.status();
  SecretObject templated = (*objects)[0];
  const std::string expected_message =
      R"({"ObjectName":"t","SecretPath":"","SecretKey":"","Method":"","SecretArgs":null,"FilePermission":0,"Encoding":"","Template":"a={{ 1 }}"})"
      "a=1";
  unsigned char digest[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), 32, reinterpret_cast<const unsigned char*>(expected_message.data()),
       expected_message.size(), digest, &length);
  EXPECT_EQ(signer.Sign(templated, "a=1"), EncodeBase64Url(std::string(reinterpret_cast<char*>(digest), length)));
  // The same bytes from another template are another version.
  SecretObject other = (*objects)[1];
  other.object_name = "t";
  EXPECT_NE(signer.Sign(other, "a=1"), signer.Sign(templated, "a=1"));
  EXPECT_NE(signer.Sign(templated, "a=2"), signer.Sign(templated, "a=1"));
}

}  // namespace
}  // namespace vcp::mount
