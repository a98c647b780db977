// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/output_shape.h"

#include <gmock/gmock.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vcp/mount/object_content.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/go_json.h"
#include "vcp/util/json_number.h"

namespace vcp::mount {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

SecretObject Object(std::optional<OutputShape> output, std::string key = "", std::string encoding = "") {
  SecretObject o;
  o.object_name = "out";
  o.secret_path = "secret/data/app?version=2";
  o.secret_key = std::move(key);
  o.encoding = std::move(encoding);
  o.output = output;
  return o;
}

nlohmann::json Vault(const std::string& body) { return ParseUntrustedJsonKeepingNumbers(body).value(); }

const nlohmann::json kKv2 = Vault(
    R"({"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{)"
    R"("user":"app","pass":"p'w\"d\n","port":5432,"ratio":1.50,"big":12345678901234567890123,"on":true,"none":null,)"
    R"("config":{"host":"db","tls":{"ca":"PEM"},"ports":[1,2.0]},"b64":"aGk="},"metadata":{"version":2}},"warnings":null})");

const nlohmann::json kKv1 = Vault(
    R"({"request_id":"r","lease_id":"","renewable":false,"lease_duration":2764800,"data":{"API_KEY":"k","n":-0},)"
    R"("warnings":null})");

std::vector<std::string> Paths(const std::vector<RenderedFile>& files) {
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(f.path);
  return paths;
}

std::string Only(const SecretObject& object, const nlohmann::json& envelope) {
  auto files = RenderObjectFiles(object, envelope);
  EXPECT_TRUE(files.ok()) << files.status();
  if (!files.ok()) return "";
  EXPECT_EQ(files->size(), 1u);
  EXPECT_EQ(files->front().path, object.object_name);
  return files->front().contents;
}

std::string Error(const SecretObject& object, const nlohmann::json& envelope) {
  auto files = RenderObjectFiles(object, envelope);
  EXPECT_FALSE(files.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(files.status())) << files.status();
  return std::string(files.status().message());
}

TEST(OutputShapeTest, WithoutOutputTheFileIsTodaysRenderObjectContent) {
  for (const std::string key : {"", "user", "pass", "port", "ratio", "config", "none"}) {
    SecretObject o = Object(std::nullopt, key);
    EXPECT_EQ(Only(o, kKv2), RenderObjectContent(o, kKv2).value()) << key;
  }
  SecretObject b64 = Object(std::nullopt, "b64", "base64");
  EXPECT_EQ(Only(b64, kKv2), "hi");
  SecretObject value = Object(OutputShape::kValue, "user");
  EXPECT_EQ(Only(value, kKv2), "app");
  EXPECT_EQ(Only(Object(OutputShape::kEnvelope), kKv2), EnvelopeJson(kKv2));
}

TEST(OutputShapeTest, DataIsTheSecretsDataWithoutLeaseFieldsOrMetadata) {
  EXPECT_EQ(Only(Object(OutputShape::kData), kKv2),
            R"({"b64":"aGk=","big":12345678901234567890123,"config":{"host":"db","ports":[1,2.0],"tls":{"ca":"PEM"}},)"
            R"("none":null,"on":true,"pass":"p'w\"d\n","port":5432,"ratio":1.50,"user":"app"})");
  EXPECT_EQ(Only(Object(OutputShape::kData), kKv1), R"({"API_KEY":"k","n":-0})");
  // secretKey selects first; data writes the selection as JSON, strings quoted.
  EXPECT_EQ(Only(Object(OutputShape::kData, "config"), kKv2), R"({"host":"db","ports":[1,2.0],"tls":{"ca":"PEM"}})");
  EXPECT_EQ(Only(Object(OutputShape::kData, "user"), kKv2), R"("app")");
  EXPECT_EQ(Only(Object(OutputShape::kData, "ratio"), kKv2), "1.50");
  EXPECT_EQ(Only(Object(OutputShape::kData), Vault(R"({"data":{"<&>":"</script>"}})")),
            R"({"\u003c\u0026\u003e":"\u003c/script\u003e"})");
}

TEST(OutputShapeTest, FilesWritesOneFilePerKeyStringsAsBytesOtherValuesAsJson) {
  auto files = RenderObjectFiles(Object(OutputShape::kFiles), kKv2);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(Paths(*files), ElementsAre("out/b64", "out/big", "out/config", "out/none", "out/on", "out/pass",
                                         "out/port", "out/ratio", "out/user"));
  std::map<std::string, std::string> by_path;
  for (const auto& f : *files) by_path[f.path] = f.contents;
  EXPECT_EQ(by_path["out/user"], "app");
  EXPECT_EQ(by_path["out/pass"], "p'w\"d\n");
  EXPECT_EQ(by_path["out/port"], "5432");
  EXPECT_EQ(by_path["out/ratio"], "1.50");
  EXPECT_EQ(by_path["out/big"], "12345678901234567890123");
  EXPECT_EQ(by_path["out/none"], "null");
  EXPECT_EQ(by_path["out/config"], R"({"host":"db","ports":[1,2.0],"tls":{"ca":"PEM"}})");
  // Nested selection (vault-csi-provider#123): a file per key of `config`.
  auto nested = RenderObjectFiles(Object(OutputShape::kFiles, "config"), kKv2);
  ASSERT_TRUE(nested.ok()) << nested.status();
  EXPECT_THAT(Paths(*nested), ElementsAre("out/host", "out/ports", "out/tls"));
  EXPECT_EQ((*nested)[2].contents, R"({"ca":"PEM"})");
}

TEST(OutputShapeTest, FilesDecodesEachStringValue) {
  const nlohmann::json envelope = Vault(R"({"data":{"data":{"cert":"Y2VydA==","key":"a2V5","n":7}}})");
  auto files = RenderObjectFiles(Object(OutputShape::kFiles, "", "base64"), envelope);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ((*files)[0].contents, "cert");
  EXPECT_EQ((*files)[1].contents, "key");
  EXPECT_EQ((*files)[2].contents, "7") << "not a string: JSON, not decoded";
  const std::string bad = Error(Object(OutputShape::kFiles, "", "base64"), Vault(R"({"data":{"k":"not base64!"}})"));
  EXPECT_EQ(bad, "value of key \"k\" at \"secret/data/app\" is not valid base64: illegal base64 data at input byte 3");
}

TEST(OutputShapeTest, AHostileKeyNeverWritesOutsideTheDirectory) {
  const std::vector<std::pair<std::string, std::string>> hostile = {
      {"..", "it is a directory name"},
      {".", "it is a directory name"},
      {"../../etc/passwd", "it contains '/'"},
      {"a/b", "it contains '/'"},
      {"/abs", "it contains '/'"},
      {"", "it is empty"},
      {std::string("a\0b", 3), "it contains a NUL byte"},
      {std::string(256, 'k'), "it is longer than 255 bytes"},
  };
  for (const auto& [key, why] : hostile) {
    SCOPED_TRACE(key);
    nlohmann::json envelope = {{"data", {{"fine", "x"}, {key, "v"}}}};
    const std::string message = Error(Object(OutputShape::kFiles), envelope);
    EXPECT_THAT(message, AllOf(HasSubstr("cannot be a file name in \"out\""), HasSubstr(why), Not(HasSubstr("\"v\""))));
    EXPECT_LT(message.size(), 300u) << "the key is shortened";
  }
  SecretObject deep = Object(OutputShape::kFiles);
  deep.object_name = std::string(200, 'd');
  for (int i = 0; i < 19; ++i) deep.object_name += "/" + std::string(200, 'd');  // 4019 bytes
  EXPECT_THAT(Error(deep, {{"data", {{std::string(100, 'k'), "v"}}}}), HasSubstr("longer than 4096 bytes"));
  EXPECT_EQ(RenderObjectFiles(Object(OutputShape::kFiles), {{"data", {{"..hidden", "v"}, {".dot", "w"}}}})->size(), 2u)
      << "only '.' and '..' themselves are directory names inside the object's directory";
}

TEST(OutputShapeTest, FilesNeedsKeys) {
  EXPECT_EQ(Error(Object(OutputShape::kFiles), Vault(R"({"data":{"data":{},"metadata":{}}})")),
            "secret \"secret/data/app\" has no keys (output: files writes one file per key)");
  EXPECT_EQ(Error(Object(OutputShape::kFiles, "user"), kKv2),
            "output: files needs a mapping of keys, but key \"user\" of secret \"secret/data/app\" is a string");
  EXPECT_EQ(Error(Object(OutputShape::kFiles, "config"), Vault(R"({"data":{"config":{}}})")),
            "key \"config\" of secret \"secret/data/app\" has no keys (output: files writes one file per key)");
  EXPECT_EQ(Error(Object(OutputShape::kDotenv, "port"), kKv2),
            "output: dotenv needs a mapping of keys, but key \"port\" of secret \"secret/data/app\" is a number");
  EXPECT_THAT(Error(Object(OutputShape::kFiles, "missing"), kKv2),
              HasSubstr("key \"missing\" does not exist at the secret path \"secret/data/app\" (keys there: "));
}

// Sources `contents` with a POSIX shell and returns what each name holds.
std::map<std::string, std::string> Source(const std::string& shell, const std::string& contents,
                                          const std::vector<std::string>& names) {
  char path[] = "/tmp/vcp-dotenv-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
  close(fd);
  std::map<std::string, std::string> values;
  for (const std::string& name : names) {
    // Each value printed between markers, so that trailing newlines count.
    const std::string command =
        absl::StrCat("env -i ", shell, " -c 'set -a; . \"$0\"; printf \"[%s]\" \"$", name, "\"' ", path);
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << command;
    values[name] = out.size() >= 2 ? out.substr(1, out.size() - 2) : "<no output>";
  }
  unlink(path);
  return values;
}

TEST(OutputShapeTest, DotenvReproducesEveryValueInAShell) {
  nlohmann::json data = {{"PLAIN", "v"},
                         {"QUOTES", "it's \"quoted\" ''"},
                         {"NEWLINES", "line1\nline2\n\n"},
                         {"SHELL", "$HOME `id` $(id) \\ ; & | * ? ~ # !"},
                         {"EMPTY", ""},
                         {"SPACES", "  lead and trail  "},
                         {"_under", "\t\r\x01\x7f\xff ünï"},
                         {"PORT", 5432},
                         {"OBJ", {{"a", "<b>"}}}};
  data["RATIO"] = MakeNumberText("1.50");
  const std::string contents = Only(Object(OutputShape::kDotenv), {{"data", data}});
  EXPECT_EQ(contents.substr(0, 44), "EMPTY=''\nNEWLINES='line1\nline2\n\n'\nOBJ='{\"a\":");
  EXPECT_THAT(contents, HasSubstr("QUOTES='it'\\''s \"quoted\" '\\'''\\'''\n"));
  EXPECT_THAT(contents, HasSubstr("PORT='5432'\nQUOTES"));
  EXPECT_THAT(contents, HasSubstr("RATIO='1.50'\n"));
  std::vector<std::string> names;
  for (auto it = data.begin(); it != data.end(); ++it) names.push_back(it.key());
  for (const std::string shell : {"/bin/sh", "/bin/bash", "/bin/dash"}) {
    if (access(shell.c_str(), X_OK) != 0) continue;
    SCOPED_TRACE(shell);
    const auto values = Source(shell, contents, names);
    for (auto it = data.begin(); it != data.end(); ++it) {
      EXPECT_EQ(values.at(it.key()), it->is_string() ? it->get<std::string>() : GoJsonEncode(*it)) << it.key();
    }
  }
}

TEST(OutputShapeTest, DotenvRefusesNamesAShellCannotHaveAndNulBytes) {
  for (const std::string bad : {"a-b", "1A", "A B", "", "A=B", "ü", "$(id)", "A'B"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(Error(Object(OutputShape::kDotenv), {{"data", {{bad, "v"}}}}),
                HasSubstr("is not a shell variable name ([A-Za-z_][A-Za-z0-9_]*), so output: dotenv cannot write it"));
  }
  const std::string nul = Error(Object(OutputShape::kDotenv), {{"data", {{"K", std::string("se\0cret", 7)}}}});
  EXPECT_EQ(nul, "the value of key \"K\" of secret \"secret/data/app\" holds a NUL byte, which no shell variable can "
                 "hold (output: dotenv)");
  EXPECT_EQ(Only(Object(OutputShape::kDotenv), {{"data", nlohmann::json::object()}}), "");
}

// --- yaml: every string reads back as exactly itself ---------------------

// Strings YAML readers are known to take for something else, or that break
// a naive writer.
std::vector<std::string> HostileStrings() {
  return {"true", "True", "TRUE", "false", "yes", "Yes", "no", "NO", "on", "On", "off", "OFF", "y", "Y", "n", "N",
          "null", "Null", "NULL", "~", "", " ", "  ", " lead", "trail ", "123", "-1", "+1", "0x1f", "0o17", "017",
          "0b101", "1_000", "1e3", "1E+3", "-.5", ".5", "1.50", ".inf", "-.Inf", ".nan", "NaN", "12:30:00",
          "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "- item", "-", "--", "---", "...", "key: value",
          "a:b", "a: b", "#comment", "a #b", "a#b", "@x", "`x", "!tag", "!!str", "&anchor", "*alias", "|", ">",
          "%YAML", "{}", "[]", "{a: 1}", "[1, 2]", "'", "''", "\"", "\\", "\\n", "multi\nline", "trailing\n",
          "\n", "\r\n", "tab\there", "\t", std::string(1, '\0'), "\x01\x1f", "\x7f", "\xc2\x85", "\xc2\xa0",
          "\xe2\x80\xa8", "\xe2\x80\xa9", "\xef\xbb\xbf" "bom", "\xef\xbf\xbe", "ünïcödé", "emoji \xf0\x9f\x98\x80",
          "=", "<<", "?", "? x", ",", "a,b", "[", "]", "{", "}", "a  b", "/path/to/file", "_private", "plain",
          "with space", "Infinity", "nil", "None", "0", "00", "-0", "1.", "6.8523015e+5", "685_230.15",
          "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"};
}

// Whether yaml-cpp, reading a plain scalar, would take it for anything but a
// string: null, a boolean (yaml-cpp knows YAML 1.1's y/yes/on) or a number.
bool YamlCppResolvesToNonString(const YAML::Node& node) {
  if (node.IsNull()) return true;
  bool b = false;
  if (YAML::convert<bool>::decode(node, b)) return true;
  double d = 0;
  if (YAML::convert<double>::decode(node, d)) return true;
  long long i = 0;
  return YAML::convert<long long>::decode(node, i);
}

TEST(OutputShapeTest, YamlGivesBackExactlyEveryHostileString) {
  nlohmann::json values = nlohmann::json::object();
  nlohmann::json keys = nlohmann::json::object();
  const std::vector<std::string> strings = HostileStrings();
  for (size_t i = 0; i < strings.size(); ++i) {
    values[absl::StrCat("k", 1000 + i)] = strings[i];
    keys[strings[i]] = absl::StrCat("v", i);
  }
  for (const nlohmann::json& data : {values, keys}) {
    const std::string yaml = Only(Object(OutputShape::kYaml), {{"data", data}});
    YAML::Node root = YAML::Load(yaml);
    ASSERT_TRUE(root.IsMap());
    ASSERT_EQ(root.size(), data.size());
    for (auto it = data.begin(); it != data.end(); ++it) {
      SCOPED_TRACE(it.key());
      // Find the node by the key as yaml-cpp read it, and check the key too.
      bool found = false;
      for (const auto& entry : root) {
        if (entry.first.Scalar() != it.key()) continue;
        found = true;
        for (const YAML::Node& node : {entry.first, entry.second}) {
          ASSERT_TRUE(node.IsScalar());
          if (node.Tag() == "?") {
            EXPECT_FALSE(YamlCppResolvesToNonString(node)) << "plain: " << node.Scalar();
          }
        }
        EXPECT_EQ(entry.second.Scalar(), it->get<std::string>());
      }
      EXPECT_TRUE(found);
    }
  }
}

TEST(OutputShapeTest, YamlIsABlockMappingWithKeysSortedAndNumbersAsWritten) {
  EXPECT_EQ(Only(Object(OutputShape::kYaml), kKv2),
            "b64: aGk=\n"
            "big: 12345678901234567890123\n"
            "config:\n"
            "  host: db\n"
            "  ports:\n"
            "    - 1\n"
            "    - 2.0\n"
            "  tls:\n"
            "    ca: PEM\n"
            "none: null\n"
            "\"on\": true\n"  // the key "on" is a string, not YAML 1.1's boolean
            "pass: \"p'w\\\"d\\n\"\n"
            "port: 5432\n"
            "ratio: 1.50\n"
            "user: app\n");
}

// yaml-cpp's reading of a plain or quoted scalar back into the JSON it came from.
nlohmann::json FromYaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node) object[entry.first.Scalar()] = FromYaml(entry.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(FromYaml(item));
      return array;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() != "?") return node.Scalar();
      if (node.Scalar() == "true" || node.Scalar() == "false") return node.Scalar() == "true";
      if (IsJsonNumber(node.Scalar())) return MakeNumberText(node.Scalar());
      return node.Scalar();
    default:
      return nullptr;
  }
}

// Canonical integers as number texts too, so that both sides compare alike.
nlohmann::json NumbersAsText(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = NumbersAsText(*it);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(NumbersAsText(item));
    return out;
  }
  if (value.is_number_integer()) return MakeNumberText(value.dump());
  return value;
}

TEST(OutputShapeTest, YamlNestsEveryShapeOfCollection) {
  const nlohmann::json data = Vault(R"({
    "list_of_maps": [{"b": 1, "a": {"x": [true, null]}}, {"c": "yes"}],
    "list_of_lists": [[1, [2, 3]], [], ["- dash", {}]],
    "empty_map": {}, "empty_list": [], "deep": {"a": {"b": {"c": [{"d": "e"}]}}},
    "numbers": [-0, 1e3, 18446744073709551616, 0.1]})");
  const std::string yaml = Only(Object(OutputShape::kYaml), {{"data", data}});
  EXPECT_THAT(yaml, HasSubstr("list_of_maps:\n  - a:\n      x:\n        - true\n        - null\n    b: 1\n  - c: \"yes\"\n"));
  EXPECT_THAT(yaml, HasSubstr("list_of_lists:\n  - - 1\n    - - 2\n      - 3\n  - []\n  - - \"- dash\"\n    - {}\n"));
  EXPECT_THAT(yaml, HasSubstr("empty_list: []\nempty_map: {}\n"));
  EXPECT_THAT(yaml, HasSubstr("numbers:\n  - -0\n  - 1e3\n  - 18446744073709551616\n  - 0.1\n"));
  EXPECT_EQ(FromYaml(YAML::Load(yaml)), NumbersAsText(data)) << yaml;
}

TEST(OutputShapeTest, YamlRefusesWhatItCannotWrite) {
  nlohmann::json deep = "leaf";
  for (int i = 0; i < 200; ++i) deep = nlohmann::json::object({{"k", deep}});
  EXPECT_EQ(Error(Object(OutputShape::kYaml), {{"data", deep}}),
            "secret \"secret/data/app\" nests deeper than 128 levels");
  EXPECT_EQ(Error(Object(OutputShape::kYaml), {{"data", {{"k", std::string("\xff\xfe")}}}}),
            "the value of key \"k\" of secret \"secret/data/app\" is not valid UTF-8, which YAML cannot hold");
  EXPECT_THAT(Error(Object(OutputShape::kYaml), {{"data", {{std::string(1025, 'k'), "v"}}}}),
              HasSubstr("is longer than 1024 bytes as YAML writes it, YAML's limit for a mapping key"));
  // 300 control characters are 1,200 bytes once escaped: over the limit as written.
  EXPECT_THAT(Error(Object(OutputShape::kYaml), {{"data", {{std::string(300, '\x01'), "v"}}}}),
              HasSubstr("is longer than 1024 bytes as YAML writes it, YAML's limit for a mapping key"));
  EXPECT_THAT(Only(Object(OutputShape::kYaml), {{"data", {{std::string(1022, 'k'), "v"}}}}),
              HasSubstr("\"" + std::string(1022, 'k') + "\": v"))
      << "1,024 bytes as written, quotes included: at the limit, written";
  EXPECT_EQ(Only(Object(OutputShape::kYaml), {{"data", nlohmann::json::object()}}), "{}\n");
  EXPECT_EQ(Error(Object(OutputShape::kYaml), {{"data", {1, 2}}}),
            "output: yaml needs a mapping of keys, but secret \"secret/data/app\" is a list");
}

TEST(OutputShapeTest, RenderObjectContentGivesOneFileOnly) {
  EXPECT_EQ(RenderObjectContent(Object(OutputShape::kFiles), kKv2).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RenderObjectContent(Object(OutputShape::kData, "config"), kKv2).value(),
            R"({"host":"db","ports":[1,2.0],"tls":{"ca":"PEM"}})");
  EXPECT_EQ(RenderObjectContent(Object(OutputShape::kDotenv), kKv1).value(), "API_KEY='k'\nn='-0'\n");
}

}  // namespace
}  // namespace vcp::mount
