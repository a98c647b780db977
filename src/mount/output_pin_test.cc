// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Today's files and object versions, pinned byte for byte before the output
// shapes and the number-keeping parse (issue #13) were added: whatever those
// change, a SecretProviderClass that works today must write exactly these
// bytes and versions. The expectations were recorded from the code as it was
// (main at 303440c) and must never be edited to make a change pass.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vcp/mount/object_content.h"
#include "vcp/mount/object_version.h"
#include "vcp/util/bounded_json.h"

namespace vcp::mount {
namespace {

// A Vault response body parsed the way the Vault client parses it: before
// issue #13 with ParseUntrustedJson, since then keeping number texts. These
// bodies have no number that is not a canonical integer, so both give the
// same values (checked below).
nlohmann::json Body(const std::string& text) { return ParseUntrustedJsonKeepingNumbers(text).value(); }

const char kKv2[] =
    R"({"request_id":"6b6f1e1e-5f4c-4b7a-9d0c-2f6c2a9f1b11","lease_id":"","renewable":false,"lease_duration":0,)"
    R"("data":{"data":{"username":"app","password":"s3cr<et>&'\"","port":5432,"enabled":true,"ratio":null,)"
    R"("tags":["a","b",7],"nested":{"z":1,"a":{"deep":"x","list":[]},"empty":{}},"multi":"line1\nline2\n",)"
    R"("unicode":"ünï\u2028cödé\u0001\t","big":18446744073709551615,"min":-9223372036854775808,)"
    R"("b64":"aGVsbG8gd29ybGQ=","hex":"68656c6c6f"},)"
    R"("metadata":{"created_time":"2026-01-01T00:00:00Z","custom_metadata":null,"deletion_time":"",)"
    R"("destroyed":false,"version":3}},"wrap_info":null,"warnings":null,"auth":null,"mount_type":"kv"})";

const char kKv1[] =
    R"({"request_id":"r1","lease_id":"","renewable":false,"lease_duration":2764800,)"
    R"("data":{"api-key":"k-1","data":"not-an-object","count":0,"neg":-42,"list":[{"b":2,"a":1}]},)"
    R"("warnings":["first","<second>"]})";

const char kDatabase[] =
    R"({"request_id":"db","lease_id":"database/creds/app/AbC123","renewable":true,"lease_duration":3600,)"
    R"("data":{"username":"v-app-x","password":"A1a-pw"},"warnings":null,"mount_type":"database"})";

const char kPki[] =
    R"({"request_id":"pki","lease_id":"","renewable":false,"lease_duration":0,)"
    R"("data":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",)"
    R"("expiration":1767225600,"issuing_ca":"-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",)"
    R"("ca_chain":["c1","c2"],"private_key":"-----BEGIN RSA PRIVATE KEY-----\nK\n-----END RSA PRIVATE KEY-----",)"
    R"("private_key_type":"rsa","serial_number":"39:dd"},"warnings":null,"auth":{},"wrap_info":{}})";

// A body that is not an envelope, as the Vault client wraps it.
const char kWrappedPlain[] = R"({"data":{"foo":"bar","n":[1,2,{"x":null}]}})";

struct Pin {
  const char* body;
  SecretObject object;
  std::string contents;
  std::string version;
};

SecretObject Object(std::string name, std::string path, std::string key = "", std::string encoding = "") {
  SecretObject o;
  o.object_name = std::move(name);
  o.secret_path = std::move(path);
  o.secret_key = std::move(key);
  o.encoding = std::move(encoding);
  return o;
}

std::vector<Pin> Pins() {
  SecretObject pki = Object("tls/cert.json", "pki/issue/web");
  pki.method = "PUT";
  pki.secret_args = nlohmann::json::parse(R"({"common_name":"web.example.com","ttl":"24h","alt":[1,true,null]})");
  pki.file_permission = 0600;
  SecretObject db_user = Object("db-user", "database/creds/app", "username");
  db_user.file_permission = 0400;
  db_user.reuse_lease = false;  // not part of the version
  return {
      {kKv2, Object("kv2", "secret/data/app"),
       "{\"request_id\":\"6b6f1e1e-5f4c-4b7a-9d0c-2f6c2a9f1b11\",\"lease_id\":\"\",\"lease_duration\":0,\"renewable\":false,\"data\":{\"data\":{\"b64\":\"aGVsbG8gd29ybGQ=\",\"big\":18446744073709551615,\"enabled\":true,\"hex\":\"68656c6c6f\",\"min\":-9223372036854775808,\"multi\":\"line1\\nline2\\n\",\"nested\":{\"a\":{\"deep\":\"x\",\"list\":[]},\"empty\":{},\"z\":1},\"password\":\"s3cr\\u003cet\\u003e\\u0026'\\\"\",\"port\":5432,\"ratio\":null,\"tags\":[\"a\",\"b\",7],\"unicode\":\"\xc3\xbcn\xc3\xaf\\u2028c\xc3\xb6" "d\xc3\xa9\\u0001\\t\",\"username\":\"app\"},\"metadata\":{\"created_time\":\"2026-01-01T00:00:00Z\",\"custom_metadata\":null,\"deletion_time\":\"\",\"destroyed\":false,\"version\":3}},\"warnings\":null,\"mount_type\":\"kv\"}",
       "4dhJE8ejTVfHeKKvFMfyLMxzyOpwg-hukUomEP3tjy4="},
      {kKv2, Object("password", "secret/data/app", "password"),
       "s3cr<et>&'\"",
       "4g_m5BcE9Yr8RMMSWNofzY7h0BRG06hn8ScY4kgF0h4="},
      {kKv2, Object("port", "secret/data/app", "port"),
       "5432",
       "Dsqu92fm0CryQ6bBuiJFQ9KFQBxiPWgiJb5pVFsZEdY="},
      {kKv2, Object("enabled", "secret/data/app", "enabled"),
       "true",
       "hjscN6ZLHjzUrNC8aKtxlWN51lXwU4Chg0Wp-SyYn9A="},
      {kKv2, Object("ratio", "secret/data/app", "ratio"),
       "null",
       "4yPNqlkRXnnljW1XmLrAVK0bxw0apPk7zO5tht6_Tos="},
      {kKv2, Object("tags", "secret/data/app", "tags"),
       "[\"a\",\"b\",7]",
       "daB4ZCX-wGsyIOBuKQza9Q2wew2HRoK_tPB4TKUWVVs="},
      {kKv2, Object("nested", "secret/data/app", "nested"),
       "{\"a\":{\"deep\":\"x\",\"list\":[]},\"empty\":{},\"z\":1}",
       "n9aQHZzmwGoDNkDPklsdyr4V-bxJ8QLcoT0o6xwwqAw="},
      {kKv2, Object("multi", "secret/data/app", "multi"),
       "line1\nline2\n",
       "zChl7hNavRj9KTrwmRnf47lVNbjtGXhQGp3GpS312EE="},
      {kKv2, Object("unicode", "secret/data/app", "unicode"),
       "\xc3\xbcn\xc3\xaf\xe2\x80\xa8" "c\xc3\xb6" "d\xc3\xa9\x01\t",
       "lNpz8bZ1vkUumDrarjqtDQVsoU-gGc32PD35rFMAORA="},
      {kKv2, Object("big", "secret/data/app", "big"),
       "18446744073709551615",
       "caMXuR3cZAmUKFiu1QKM9QJp0bhGpTHuni7b54KyTLs="},
      {kKv2, Object("min", "secret/data/app", "min"),
       "-9223372036854775808",
       "oc7UmNS4jC1XeItRnhkvLv8CHWXHDkSzJqqHvhBVic4="},
      {kKv2, Object("b64", "secret/data/app?version=3", "b64", "base64"),
       "hello world",
       "UjYHWFdNvdlD0tHkXzYZufWi74ajkMlnaKUQscRCt3A="},
      {kKv2, Object("hex", "/v1/secret/data/app", "hex", "HEX"),
       "hello",
       "hyn-q5bFdnVoqzsKEMB6UKeYvV4sgwz5rh-wS2sQB0E="},
      {kKv1, Object("kv1", "kv/app"),
       "{\"request_id\":\"r1\",\"lease_id\":\"\",\"lease_duration\":2764800,\"renewable\":false,\"data\":{\"api-key\":\"k-1\",\"count\":0,\"data\":\"not-an-object\",\"list\":[{\"a\":1,\"b\":2}],\"neg\":-42},\"warnings\":[\"first\",\"\\u003csecond\\u003e\"]}",
       "4wSQE0aI8k-ugjHkgl6c3xrg9oGGYJVTw3AXWW98vzs="},
      {kKv1, Object("api-key", "kv/app", "api-key"),
       "k-1",
       "9UduD6d47LQ2mMyVwfT2Cmr7INEtogL8V_KqQxndXVU="},
      {kKv1, Object("data", "kv/app", "data"),
       "not-an-object",
       "M15uaMloKaWghfKVCyqg77Sb2lpuy4eE40DXLc5s4tw="},
      {kKv1, Object("list", "kv/app", "list"),
       "[{\"a\":1,\"b\":2}]",
       "mrNiAxzHNgrJ5y3hvFzgMySa9hgd6s5gZbgVsDZZeEY="},
      {kKv1, Object("neg", "kv/app", "neg"),
       "-42",
       "mP8hNDXgeMV_AykRX5GTBVYmR5oqeDkYNTJD91CTXRY="},
      {kDatabase, Object("db", "database/creds/app"),
       "{\"request_id\":\"db\",\"lease_id\":\"database/creds/app/AbC123\",\"lease_duration\":3600,\"renewable\":true,\"data\":{\"password\":\"A1a-pw\",\"username\":\"v-app-x\"},\"warnings\":null,\"mount_type\":\"database\"}",
       "1pmVxGdlPMXWXW_tVpXyHea9ogRQvp4Hb9UpREFrIxs="},
      {kDatabase, db_user,
       "v-app-x",
       "uulYCsXv7fMydjqf1O4Yzm9O7_P4Fpkh6iAJ-qD6k7Y="},
      {kPki, pki,
       "{\"request_id\":\"pki\",\"lease_id\":\"\",\"lease_duration\":0,\"renewable\":false,\"data\":{\"ca_chain\":[\"c1\",\"c2\"],\"certificate\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\",\"expiration\":1767225600,\"issuing_ca\":\"-----BEGIN CERTIFICATE-----\\nCA\\n-----END CERTIFICATE-----\",\"private_key\":\"-----BEGIN RSA PRIVATE KEY-----\\nK\\n-----END RSA PRIVATE KEY-----\",\"private_key_type\":\"rsa\",\"serial_number\":\"39:dd\"},\"warnings\":null}",
       "X8EfaxepzqzXulO6Cek7GIN4m26fB7VOQYmPwzUeM08="},
      {kPki, Object("ca_chain", "pki/issue/web", "ca_chain"),
       "[\"c1\",\"c2\"]",
       "FH_m3XPqEk_5FY1ilqD2iktnOoXyJyMpl1tmcJq8PeA="},
      {kPki, Object("expiration", "pki/issue/web", "expiration"),
       "1767225600",
       "HWyWq_GxGK1kEs5rxRQ67PqDTjYhfuYO7DmS6G-QIQI="},
      {kWrappedPlain, Object("plain", "plugin/raw"),
       "{\"request_id\":\"\",\"lease_id\":\"\",\"lease_duration\":0,\"renewable\":false,\"data\":{\"foo\":\"bar\",\"n\":[1,2,{\"x\":null}]},\"warnings\":null}",
       "AmNHjQpV9eCVLJiaT1Az_SyK6DaQklgctdfkJy1vvzI="},
      {kWrappedPlain, Object("ünïcödé/<n>", "plugin/raw", "n"),
       "[1,2,{\"x\":null}]",
       "1GqveHkDnbeb5LaU-1R92AV_t1nxRtNkzRTqCy00yys="},
  };
}

TEST(OutputPinTest, BothParsesGiveTheSameEnvelopes) {
  for (const char* body : {kKv2, kKv1, kDatabase, kPki, kWrappedPlain}) {
    EXPECT_EQ(Body(body), ParseUntrustedJson(body).value());
  }
}

TEST(OutputPinTest, TodaysFilesAndVersionsAreUnchanged) {
  const VersionSigner signer(std::string(32, 'k'));
  for (const Pin& pin : Pins()) {
    SCOPED_TRACE(pin.object.object_name);
    auto contents = RenderObjectContent(pin.object, Body(pin.body));
    ASSERT_TRUE(contents.ok()) << contents.status();
    EXPECT_EQ(*contents, pin.contents);
    EXPECT_EQ(signer.Sign(pin.object, *contents), pin.version);
  }
}

}  // namespace
}  // namespace vcp::mount
