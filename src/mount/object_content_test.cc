// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/object_content.h"

#include <gmock/gmock.h>

#include <utility>

#include "vcp/util/bounded_json.h"

namespace vcp::mount {
namespace {

using ::testing::HasSubstr;

SecretObject Key(const std::string& key, const std::string& encoding = "") {
  SecretObject o;
  o.object_name = "f";
  o.secret_path = "secret/data/x";
  o.secret_key = key;
  o.encoding = encoding;
  return o;
}

const nlohmann::json kKv1 = nlohmann::json::parse(R"({"request_id":"","lease_id":"","lease_duration":0,"renewable":false,
  "data":{"str":"v","num":10,"flag":true,"nil":null,"obj":{"cheeses":{"cheddar":"8","brie":9},"baz":"zap","bar":"hop"},
  "arr":[6,"stilton",true],"b64":"aGk=","hex":"6869","data":"not-an-object"},"warnings":null})");

TEST(ObjectContentTest, ValuesAreRawStringsOrCompactSortedJson) {
  EXPECT_EQ(RenderObjectContent(Key("str"), kKv1).value(), "v");
  EXPECT_EQ(RenderObjectContent(Key("num"), kKv1).value(), "10");
  EXPECT_EQ(RenderObjectContent(Key("flag"), kKv1).value(), "true");
  EXPECT_EQ(RenderObjectContent(Key("nil"), kKv1).value(), "null");
  EXPECT_EQ(RenderObjectContent(Key("obj"), kKv1).value(), R"({"bar":"hop","baz":"zap","cheeses":{"brie":9,"cheddar":"8"}})");
  EXPECT_EQ(RenderObjectContent(Key("arr"), kKv1).value(), R"([6,"stilton",true])");
  EXPECT_EQ(RenderObjectContent(Key("data"), kKv1).value(), "not-an-object") << "data.data that is not an object is a plain key";
}

TEST(ObjectContentTest, KvV2IsDetectedByAnObjectAtDataData) {
  auto kv2 = nlohmann::json::parse(R"({"data":{"data":{"password":"p"},"metadata":{"version":3}}})");
  EXPECT_EQ(RenderObjectContent(Key("password"), kv2).value(), "p");
  EXPECT_FALSE(RenderObjectContent(Key("metadata"), kv2).ok()) << "keys beside data.data are not reachable";
}

TEST(ObjectContentTest, EncodingsDecodeTheValue) {
  EXPECT_EQ(RenderObjectContent(Key("b64", "base64"), kKv1).value(), "hi");
  EXPECT_EQ(RenderObjectContent(Key("hex", "hex"), kKv1).value(), "hi");
  EXPECT_EQ(RenderObjectContent(Key("b64", "UTF-8"), kKv1).value(), "aGk=");
  auto bad = RenderObjectContent(Key("str", "base64"), kKv1);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("illegal base64 data at input byte 1"));
}

TEST(ObjectContentTest, MissingKeyNamesTheKeyPathAndExistingKeysButNoValues) {
  auto missing = RenderObjectContent(Key("nope"), kKv1);
  const std::string message(missing.status().message());
  EXPECT_THAT(message, HasSubstr("key \"nope\" does not exist at the secret path \"secret/data/x\""));
  EXPECT_THAT(message, HasSubstr("\"str\""));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("stilton")));
}

TEST(ObjectContentTest, WholeEnvelopeIsByteForByteTheIncumbents) {
  auto envelope = nlohmann::json::parse(
      R"({"request_id":"","lease_id":"","renewable":false,"lease_duration":0,"data":{"the-key":"secret v1 from: /v1/path/two"},"wrap_info":null,"warnings":null,"auth":null,"mount_type":""})");
  EXPECT_EQ(RenderObjectContent(Key(""), envelope).value(),
            R"({"request_id":"","lease_id":"","lease_duration":0,"renewable":false,"data":{"the-key":"secret v1 from: /v1/path/two"},"warnings":null})");
}

TEST(ObjectContentTest, WholeEnvelopeKeepsOptionalFieldsWhenSetAndEscapesHtml) {
  auto envelope = nlohmann::json::parse(
      R"({"request_id":"id","lease_id":"database/creds/x/1","renewable":true,"lease_duration":3600,"data":{"z":"<&>","a":1},"warnings":["w"],"mount_type":"database"})");
  EXPECT_EQ(EnvelopeJson(envelope),
            R"({"request_id":"id","lease_id":"database/creds/x/1","lease_duration":3600,"renewable":true,"data":{"a":1,"z":"\u003c\u0026\u003e"},"warnings":["w"],"mount_type":"database"})");
}


// Numbers as Vault spelled them (issue #13 §5): what HashiCorp's provider
// writes, since it decodes with Go's UseNumber.
const char kNumbers[] =
    R"({"request_id":"n","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{)"
    R"("price":1.50,"e":1e3,"E":1E+3,"neg0":-0,"tenth":0.1,"huge":12345678901234567890123,)"
    R"("below":-9223372036854775809,"umax":18446744073709551615,"above":18446744073709551616,"int":42,)"
    R"("nested":{"list":[1.50,{"x":1e3,"y":[-0,0.1]}],"n":2.0},"text":"1.50"},"metadata":{"version":1}},)"
    R"("warnings":null})";

TEST(ObjectContentTest, NumberValuesAreWrittenAsVaultSpelledThem) {
  const nlohmann::json envelope = ParseUntrustedJsonKeepingNumbers(kNumbers).value();
  const std::pair<const char*, const char*> cases[] = {
      {"price", "1.50"},
      {"e", "1e3"},
      {"E", "1E+3"},
      {"neg0", "-0"},
      {"tenth", "0.1"},
      {"huge", "12345678901234567890123"},
      {"below", "-9223372036854775809"},
      {"umax", "18446744073709551615"},
      {"above", "18446744073709551616"},
      {"int", "42"},
      {"nested", R"({"list":[1.50,{"x":1e3,"y":[-0,0.1]}],"n":2.0})"},
      {"text", "1.50"},
  };
  for (const auto& [key, want] : cases) EXPECT_EQ(RenderObjectContent(Key(key), envelope).value(), want) << key;
}

TEST(ObjectContentTest, TheWholeEnvelopeKeepsNumberTexts) {
  const nlohmann::json envelope = ParseUntrustedJsonKeepingNumbers(kNumbers).value();
  EXPECT_EQ(RenderObjectContent(Key(""), envelope).value(),
            R"({"request_id":"n","lease_id":"","lease_duration":0,"renewable":false,"data":{"data":{)"
            R"("E":1E+3,"above":18446744073709551616,"below":-9223372036854775809,"e":1e3,"huge":12345678901234567890123,)"
            R"("int":42,"neg0":-0,"nested":{"list":[1.50,{"x":1e3,"y":[-0,0.1]}],"n":2.0},"price":1.50,"tenth":0.1,)"
            R"("text":"1.50","umax":18446744073709551615},"metadata":{"version":1}},"warnings":null})");
  const nlohmann::json odd_lease = ParseUntrustedJsonKeepingNumbers(
      R"({"lease_id":"x","lease_duration":3600.0,"renewable":true,"data":{"a":1}})").value();
  EXPECT_EQ(EnvelopeJson(odd_lease),
            R"({"request_id":"","lease_id":"x","lease_duration":3600.0,"renewable":true,"data":{"a":1},"warnings":null})");
}

}  // namespace
}  // namespace vcp::mount
