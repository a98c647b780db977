// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mount_params.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "vcp/util/go_syntax.h"
#include "vcp/mount/objects_cache.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/go_json.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"
#include "vcp/vault/secret_path.h"

namespace vcp::mount {
namespace {

constexpr char kPodName[] = "csi.storage.k8s.io/pod.name";
constexpr char kPodUid[] = "csi.storage.k8s.io/pod.uid";
constexpr char kPodNamespace[] = "csi.storage.k8s.io/pod.namespace";
constexpr char kServiceAccount[] = "csi.storage.k8s.io/serviceAccount.name";
constexpr char kServiceAccountTokens[] = "csi.storage.k8s.io/serviceAccount.tokens";

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

// `text` quoted for an error message, cut to 64 bytes: numbers and names
// from a SecretProviderClass can be any length, and a message often quotes
// two of them (an object's name and the bad value).
std::string Quote(absl::string_view text) { return QuoteShortened(text, 64); }

// Describes an object for error messages: its index and name.
std::string Describe(size_t index, const std::string& object_name) {
  return absl::StrCat("objects[", index, "] (objectName ", Quote(object_name), ")");
}

bool IsPlainScalar(const YAML::Node& node) { return node.Tag() == "?"; }

// YAML 1.2 core schema float: [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
// A hand-written scan: linear, no recursion, whatever the input's length.
bool IsYamlFloat(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

// [-+]?\.(inf|Inf|INF) or \.(nan|NaN|NAN).
bool IsYamlInfinityOrNan(std::string_view text) {
  static const std::set<std::string_view> kSpellings = {
      ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN"};
  return kSpellings.count(text) > 0;
}


// Bounds on converting untrusted YAML (secretArgs) to JSON. yaml-cpp shares
// the node an alias names, so 500 bytes of nested aliases expand to 10^9
// nodes here; the budget counts expanded nodes and stops them.
constexpr size_t kMaxYamlDepth = 64;
constexpr size_t kMaxYamlNodes = 10000;

// Converts a YAML node to JSON with yaml.v3's resolution of plain scalars
// (null, bool, int, float, else string); quoted scalars stay strings.
// `nodes_left` is the budget of nodes (aliases expanded) still allowed.
absl::StatusOr<nlohmann::json> YamlToJson(const YAML::Node& node, size_t depth, size_t* nodes_left) {
  if (depth > kMaxYamlDepth) return Invalid(absl::StrCat("nests deeper than ", kMaxYamlDepth, " levels"));
  if (*nodes_left == 0) {
    return Invalid(absl::StrCat("more than ", kMaxYamlNodes, " values (aliases count once per use)"));
  }
  --*nodes_left;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nlohmann::json(nullptr);
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) {
        VCP_ASSIGN_OR_RETURN(auto value, YamlToJson(item, depth + 1, nodes_left));
        array.push_back(std::move(value));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) return Invalid("mapping keys must be strings");
        VCP_ASSIGN_OR_RETURN(auto value, YamlToJson(entry.second, depth + 1, nodes_left));
        object[entry.first.Scalar()] = std::move(value);
      }
      return object;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& text = node.Scalar();
  if (!IsPlainScalar(node)) return nlohmann::json(text);
  switch (ResolvePlainScalar(text)) {
    case YamlScalarType::kNull:
      return nlohmann::json(nullptr);
    case YamlScalarType::kBool:
      return nlohmann::json(text[0] == 't' || text[0] == 'T');
    case YamlScalarType::kInt:
      return nlohmann::json(*ParseYamlInt(text));
    case YamlScalarType::kFloat: {
      const double d = std::strtod(text.c_str(), nullptr);
      if (!std::isfinite(d)) return Invalid(absl::StrCat("number out of range: ", Quote(text)));
      return nlohmann::json(d);
    }
    case YamlScalarType::kInfinityOrNan:
      return Invalid(absl::StrCat("unsupported value ", text, " (JSON has no infinity or NaN)"));
    case YamlScalarType::kString:
      break;
  }
  return nlohmann::json(text);
}

// Problems in the order they are met. The daemon returns the first; validate
// prints them all.
class Problems {
 public:
  void Class(std::string field, std::string reason) {
    list_.push_back({std::nullopt, "", false, std::move(field), std::move(reason)});
  }
  // `name`: the object's objectName, or null when it could not be read.
  void Object(size_t index, const std::string* name, std::string field, std::string reason) {
    list_.push_back({index, name != nullptr ? *name : "", name != nullptr, std::move(field), std::move(reason)});
  }
  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  absl::Status First() const { return Invalid(list_.front().Message()); }
  std::vector<ClassProblem> Take() { return std::move(list_); }

 private:
  std::vector<ClassProblem> list_;
};

constexpr char kFilePermissionHint[] =
    "; write it as a YAML integer, e.g. 0600 (octal) or 384 (decimal), without quotes";

// The reason (without the object's prefix) when `node` is not a file mode.
absl::StatusOr<uint32_t> ParseFilePermission(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return 0u;
  if (!node.IsScalar()) return Invalid(absl::StrCat("filePermission must be an integer", kFilePermissionHint));
  const auto value = IsPlainScalar(node) ? ParseYamlInt(node.Scalar()) : std::nullopt;
  if (!value.has_value() || *value < 0 || *value > std::numeric_limits<uint32_t>::max()) {
    return Invalid(absl::StrCat("invalid filePermission ", Quote(node.Scalar()), kFilePermissionHint));
  }
  return static_cast<uint32_t>(*value);
}

// A string field of an object; "" when absent or null. A field that is not a
// scalar is a problem, reported without the object's name (as the incumbent's
// YAML decoder did, before the name was known).
std::string ScalarField(const YAML::Node& entry, const char* field, size_t index, Problems* problems) {
  const YAML::Node node = entry[field];
  if (!node.IsDefined() || node.IsNull()) return std::string();
  if (!node.IsScalar()) {
    problems->Object(index, nullptr, field, absl::StrCat("field ", field, " must be a string"));
    return std::string();
  }
  return node.Scalar();
}

// HashiCorp's spelling of a setting and OpenBao's two (issue #13 §4).
struct Spellings {
  const char* vault;
  const char* bao;
  const char* openbao;
};

// The value of whichever of `names` is present (the first in order), and in
// `*used` the name it had. Two present names with different values are a
// problem naming both; equal values are fine. `lookup` returns a name's value.
template <typename Lookup>
std::optional<std::string> LookupSpellings(std::initializer_list<const char*> names, const Lookup& lookup,
                                           const std::function<void(std::string, std::string)>& problem,
                                           const char** used = nullptr) {
  std::optional<std::string> found;
  const char* found_name = nullptr;
  for (const char* name : names) {
    std::optional<std::string> value = lookup(name);
    if (!value.has_value()) continue;
    if (!found.has_value()) {
      found = std::move(value);
      found_name = name;
    } else if (*value != *found) {
      problem(absl::StrCat(found_name, ", ", name),
              absl::StrCat(found_name, " and ", name, " are two spellings of one setting, set to different values (",
                           Quote(*found), " and ", Quote(*value), "): keep one"));
    }
  }
  if (used != nullptr && found_name != nullptr) *used = found_name;
  return found;
}

std::optional<SecretObject> ParseObject(const YAML::Node& entry, size_t index, Problems* problems) {
  if (!entry.IsMap()) {
    problems->Object(index, nullptr, "objects",
                     absl::StrCat("each object must be a mapping with objectName, secretPath, ..., got ",
                                  entry.IsSequence() ? "a list" : "a scalar"));
    return std::nullopt;
  }
  SecretObject object;
  const size_t before = problems->size();
  object.object_name = ScalarField(entry, "objectName", index, problems);
  const std::string* name = problems->size() == before ? &object.object_name : nullptr;
  object.secret_path = ScalarField(entry, "secretPath", index, problems);
  object.secret_key = ScalarField(entry, "secretKey", index, problems);
  object.method = ScalarField(entry, "method", index, problems);
  object.encoding = ScalarField(entry, "encoding", index, problems);
  if (const YAML::Node reuse = entry["reuseLease"]; reuse.IsDefined() && !reuse.IsNull()) {
    size_t budget = 1;
    auto value = reuse.IsScalar() && IsPlainScalar(reuse) ? YamlToJson(reuse, 0, &budget)
                                                          : absl::StatusOr<nlohmann::json>(nlohmann::json());
    if (!value.ok() || !value->is_boolean()) {
      problems->Object(index, name, "reuseLease", "reuseLease must be true or false");
    } else {
      object.reuse_lease = value->get<bool>();
    }
  }
  if (auto mode = ParseFilePermission(entry["filePermission"]); mode.ok()) {
    object.file_permission = *mode;
  } else {
    problems->Object(index, name, "filePermission", std::string(mode.status().message()));
  }
  if (const YAML::Node args = entry["secretArgs"]; args.IsDefined() && !args.IsNull()) {
    if (!args.IsMap()) {
      problems->Object(index, name, "secretArgs", "secretArgs must be a mapping of request body fields");
    } else {
      size_t budget = kMaxYamlNodes;
      auto json = YamlToJson(args, 0, &budget);
      if (json.ok()) {
        object.secret_args = std::move(*json);
      } else {
        problems->Object(index, name, "secretArgs", absl::StrCat("secretArgs: ", json.status().message()));
      }
    }
  }
  // Fields beyond the incumbent's (issue #13), read after its own so that
  // the first problem of a class it accepts is the one it reports.
  if (const std::string output = ScalarField(entry, "output", index, problems); !output.empty()) {
    if (auto shape = ParseOutputShape(output); shape.ok()) {
      object.output = *shape;
    } else {
      problems->Object(index, name, "output", std::string(shape.status().message()));
    }
  }
  auto field_value = [&](const char* field) -> std::optional<std::string> {
    const YAML::Node node = entry[field];
    if (!node.IsDefined()) return std::nullopt;
    return ScalarField(entry, field, index, problems);
  };
  object.vault_namespace =
      LookupSpellings({"vaultNamespace", "baoNamespace", "openbaoNamespace"}, field_value,
                      [&](std::string field, std::string reason) {
                        problems->Object(index, name, std::move(field), std::move(reason));
                      })
          .value_or("");
  // A template is parsed here, with the objects, so that the objects cache
  // keeps it parsed: every Mount of the class renders the same tree.
  if (const YAML::Node node = entry["template"]; node.IsDefined() && !node.IsNull()) {
    object.has_template = true;
    object.template_text = ScalarField(entry, "template", index, problems);
    if (node.IsScalar()) {
      if (auto parsed = tmpl::Template::Parse(object.template_text, TemplateLimits()); parsed.ok()) {
        object.parsed_template = *std::move(parsed);
      } else {
        problems->Object(index, name, "template", absl::StrCat("template: ", parsed.status().message()));
      }
    }
  }
  return object;
}

// An HTTP method must be a plain token; anything else could inject into the request line.
bool IsHttpToken(const std::string& method) {
  return !method.empty() && method.size() <= 20 &&
         std::all_of(method.begin(), method.end(), [](char c) { return absl::ascii_isalpha(c); });
}

bool HasControlCharacter(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// The problems of a templated object after its objectName: fields that
// belong to objects that read one secretPath, and each `secret` call's path,
// checked with secretPath's rules and named by its position in the template.
void ValidateTemplatedObject(const SecretObject& object, size_t index, Problems* problems) {
  const std::string* name = &object.object_name;
  std::vector<std::string> conflicts;
  if (!object.secret_path.empty()) conflicts.push_back("secretPath");
  if (!object.secret_key.empty()) conflicts.push_back("secretKey");
  if (!object.method.empty()) conflicts.push_back("method");
  if (object.secret_args.has_value()) conflicts.push_back("secretArgs");
  if (!object.encoding.empty()) conflicts.push_back("encoding");
  if (object.output.has_value()) conflicts.push_back("output");
  if (!conflicts.empty()) {
    problems->Object(index, name, "template",
                     absl::StrCat("template cannot be combined with ", absl::StrJoin(conflicts, ", "),
                                  ": a templated object names its secrets inside the template "
                                  "({{ with secret \"PATH\" }}...{{ end }}) and writes what it renders"));
  }
  if (absl::Status s = ValidateVaultNamespace("vaultNamespace", object.vault_namespace); !s.ok()) {
    problems->Object(index, name, "vaultNamespace", std::string(s.message()));
  }
  if (!object.parsed_template.has_value()) return;
  for (const tmpl::SecretCall& call : object.parsed_template->secret_calls()) {
    const std::string where = absl::StrCat("template: ", call.line, ":", call.column, ": secret ");
    if (HasControlCharacter(call.path)) {
      problems->Object(index, name, "template", absl::StrCat(where, "path contains a control character"));
    } else if (absl::Status s = vault::CheckSecretPathStaysInApi(call.path); !s.ok()) {
      problems->Object(index, name, "template",
                       absl::StrCat(where, Quote(WithoutQuery(call.path)), ": ", s.message()));
    } else if (auto path = vault::ParseSecretPath(call.path); !path.ok()) {
      problems->Object(index, name, "template",
                       absl::StrCat(where, Quote(WithoutQuery(call.path)), " (query not shown): ",
                                    path.status().message()));
    }
  }
}

// Every problem of one object, in the order the incumbent's checks (and
// then the newer ones) meet them.
void ValidateObject(const SecretObject& object, size_t index, Problems* problems) {
  const std::string* name = &object.object_name;
  if (absl::Status s = ValidateObjectPath(object.object_name); !s.ok()) {
    problems->Object(index, name, "objectName", std::string(s.message()));
  }
  if (object.has_template) {
    ValidateTemplatedObject(object, index, problems);
    return;
  }
  if (object.secret_path.empty()) {
    problems->Object(index, name, "secretPath",
                     "missing secretPath (the Vault path to read, e.g. secret/data/my-app for KV v2)");
  } else if (HasControlCharacter(object.secret_path)) {
    problems->Object(index, name, "secretPath", "secretPath contains a control character");
  } else if (absl::Status s = vault::CheckSecretPathStaysInApi(object.secret_path); !s.ok()) {
    problems->Object(index, name, "secretPath",
                     absl::StrCat("secretPath ", Quote(WithoutQuery(object.secret_path)), ": ", s.message()));
  }
  if (!object.method.empty() && !IsHttpToken(object.method)) {
    problems->Object(index, name, "method",
                     absl::StrCat("invalid method ", Quote(object.method), " (use GET, PUT or POST)"));
  }
  auto encoding = ParseEncoding(object.encoding);
  if (!encoding.ok()) problems->Object(index, name, "encoding", std::string(encoding.status().message()));
  const OutputShape shape = object.EffectiveOutput();
  if (shape == OutputShape::kEnvelope && !object.secret_key.empty()) {
    problems->Object(index, name, "output",
                     absl::StrCat("output: envelope writes the whole Vault response and cannot be combined with "
                                  "secretKey ",
                                  Quote(object.secret_key),
                                  "; remove one of them (with a secretKey the default is output: value)"));
  }
  if (encoding.ok() && *encoding != Encoding::kUtf8 &&
      (shape == OutputShape::kData || shape == OutputShape::kDotenv || shape == OutputShape::kYaml)) {
    problems->Object(index, name, "encoding",
                     absl::StrCat("encoding ", Quote(object.encoding), " applies to output: value and output: files, "
                                  "not output: ", OutputShapeName(shape),
                                  " (which writes the values as Vault holds them)"));
  }
  if (absl::Status s = ValidateVaultNamespace("vaultNamespace", object.vault_namespace); !s.ok()) {
    problems->Object(index, name, "vaultNamespace", std::string(s.message()));
  }
}

// An object with output: files makes its objectName a directory of files
// named by Vault's keys: another object's file inside it could collide.
void CheckFilesDirectories(const std::vector<SecretObject>& objects, const std::vector<size_t>& indices,
                           Problems* problems) {
  // Each files directory, as "name/", to the objects that write it: an
  // object is inside one when a prefix of its name ending in '/' is listed
  // (linear in the names' length, whatever the number of objects).
  std::vector<std::string> names;  // reserved: the views below stay valid
  names.reserve(objects.size());
  std::multimap<std::string_view, size_t> directories;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].EffectiveOutput() != OutputShape::kFiles || objects[i].object_name.empty()) continue;
    names.push_back(objects[i].object_name + "/");
    directories.emplace(names.back(), i);
  }
  if (directories.empty()) return;
  for (size_t j = 0; j < objects.size(); ++j) {
    const std::string_view name = objects[j].object_name;
    for (size_t slash = name.find('/'); slash != std::string_view::npos; slash = name.find('/', slash + 1)) {
      const auto [first, last] = directories.equal_range(name.substr(0, slash + 1));
      for (auto it = first; it != last; ++it) {
        const size_t i = it->second;
        if (i == j) continue;
        problems->Object(indices[j], &objects[j].object_name, "objectName",
                         absl::StrCat("objectName ", Quote(objects[j].object_name), " is inside objects[", indices[i],
                                      "] (objectName ", Quote(objects[i].object_name),
                                      "), whose output: files writes a file per key of its secret there"));
      }
    }
  }
}

// Reads a JSON document as SAX events, without building a document: the
// attributes arrive with every Mount, and a DOM of them (and of the tokens
// JSON inside them) was a large share of a Mount's CPU. Subclasses see
// strings with their depth and key; anything else fails the parse unless
// `Other` accepts it. The parser is iterative, so depth costs no stack.
class StringEvents : public nlohmann::json::json_sax_t {
 public:
  bool null() override { return Other(); }
  bool boolean(bool) override { return Other(); }
  bool number_integer(number_integer_t) override { return Other(); }
  bool number_unsigned(number_unsigned_t) override { return Other(); }
  bool number_float(number_float_t, const string_t&) override { return Other(); }
  bool binary(binary_t&) override { return Other(); }
  bool start_object(std::size_t) override { return Enter(true); }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(false); }
  bool end_array() override { return Leave(); }
  bool key(string_t& key) override {
    key_ = std::move(key);
    return true;
  }
  bool string(string_t& value) override { return String(value); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 protected:
  virtual bool String(std::string& value) = 0;
  // A value other than a string, an object or an array.
  virtual bool Other() = 0;
  // An object or array opens (`object`) at depth() + 1.
  virtual bool Enter(bool object) = 0;
  bool Leave() {
    --depth_;
    return true;
  }
  size_t depth_ = 0;  // objects and arrays open around the next value
  std::string key_;   // the last key seen
};

// {"key": "value", ...}: every value a string, as the driver sends them.
class AttributeEvents final : public StringEvents {
 public:
  std::map<std::string, std::string> attributes;
  std::optional<std::string> not_a_string;  // the key whose value is not a string

 protected:
  bool String(std::string& value) override {
    if (depth_ != 1) return false;
    attributes.insert_or_assign(std::move(key_), std::move(value));
    return true;
  }
  bool Other() override { return Refuse(); }
  bool Enter(bool object) override {
    if (depth_ == 0 && object) {
      ++depth_;
      return true;
    }
    return Refuse();
  }

 private:
  bool Refuse() {
    if (depth_ == 1) not_a_string = key_;
    return false;
  }
};

// {"<audience>": {"token": "<jwt>", ...}, ...}: the tokens attribute.
class TokenEvents final : public StringEvents {
 public:
  std::map<std::string, std::string> tokens;
  bool object = false;  // the document is an object

 protected:
  bool String(std::string& value) override {
    if (depth_ == 2 && key_ == "token" && audience_ok_) tokens.insert_or_assign(audience_, std::move(value));
    return depth_ > 0;
  }
  bool Other() override { return depth_ > 0; }
  bool Enter(bool is_object) override {
    if (depth_ == 0) object = is_object;
    if (depth_ == 1) {
      audience_ = key_;
      audience_ok_ = is_object;  // an entry that is not an object carries no token
    }
    ++depth_;
    return depth_ > 1 || is_object;
  }

 private:
  std::string audience_;
  bool audience_ok_ = false;
};

absl::StatusOr<std::map<std::string, std::string>> ParseAttributes(const std::string& text) {
  AttributeEvents events;
  if (!nlohmann::json::sax_parse(text, &events)) {
    if (events.not_a_string.has_value()) {
      return Invalid(absl::StrCat("failed to parse mount request attributes: value of ",
                                  Quote(*events.not_a_string), " is not a string"));
    }
    return Invalid("failed to parse mount request attributes: not a JSON object of strings");
  }
  return std::move(events.attributes);
}

absl::StatusOr<std::map<std::string, std::string>> ParseTokens(const std::string& text) {
  TokenEvents events;
  if (!nlohmann::json::sax_parse(text, &events) || !events.object) {
    return Invalid(
        "failed to unmarshal service account tokens: the csi.storage.k8s.io/serviceAccount.tokens "
        "attribute is not a JSON object keyed by audience");
  }
  return std::move(events.tokens);
}

absl::StatusOr<uint32_t> ParsePermission(const std::string& text) {
  if (text.empty()) return 0644u;
  const nlohmann::json json = ParseUntrustedJson(text).value_or(nlohmann::json());
  if (!json.is_number_unsigned() ||
      json.get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
    return Invalid(absl::StrCat("failed to parse permission ", Quote(text),
                                ": want a decimal file mode such as \"420\" (0644)"));
  }
  return static_cast<uint32_t>(json.get<uint64_t>());
}

std::optional<std::string> Lookup(const std::map<std::string, std::string>& attributes,
                                  const char* key) {
  auto it = attributes.find(key);
  if (it == attributes.end()) return std::nullopt;
  return it->second;
}

}  // namespace

absl::StatusOr<Encoding> ParseEncoding(const std::string& text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower.empty() || lower == "utf-8") return Encoding::kUtf8;
  if (lower == "base64") return Encoding::kBase64;
  if (lower == "hex") return Encoding::kHex;
  return Invalid("invalid encoding type. Should be utf-8, base64, or hex");
}

YamlScalarType ResolvePlainScalar(const std::string& text) {
  static const std::set<std::string> kNull = {"", "~", "null", "Null", "NULL"};
  static const std::set<std::string> kBool = {"true", "True", "TRUE", "false", "False", "FALSE"};
  if (kNull.count(text) > 0) return YamlScalarType::kNull;
  if (kBool.count(text) > 0) return YamlScalarType::kBool;
  if (ParseYamlInt(text).has_value()) return YamlScalarType::kInt;
  if (IsYamlFloat(text)) return YamlScalarType::kFloat;
  if (IsYamlInfinityOrNan(text)) return YamlScalarType::kInfinityOrNan;
  return YamlScalarType::kString;
}

std::optional<int64_t> ParseYamlInt(const std::string& text) {
  std::string s;
  s.reserve(text.size());
  for (char c : text) {
    if (c != '_') s += c;
  }
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.erase(0, 2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.erase(0, 2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.erase(0, 2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;  // YAML 1.1 octal, as yaml.v3 still accepts
    s.erase(0, 1);
  }
  if (s.empty() || text.empty() || text[0] == '_') return std::nullopt;
  int64_t value = 0;
  for (char c : s) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0 || digit >= base) return std::nullopt;
    if (value > (std::numeric_limits<int64_t>::max() - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return negative ? -value : value;
}

absl::Status ValidateObjectPath(const std::string& path) {
  auto bad = [&](const std::string& why) {
    return Invalid(absl::StrCat("invalid objectName ", Quote(path), ": ", why));
  };
  if (path.empty()) return bad("it is empty; every object needs a file name");
  if (path.size() > 4096) return bad("longer than 4096 bytes");
  if (path.find('\0') != std::string::npos) return bad("contains a NUL byte");
  if (path[0] == '/') return bad("must be a relative path inside the volume, not absolute");
  const std::vector<std::string> elements = absl::StrSplit(path, '/');
  for (size_t i = 0; i < elements.size(); ++i) {
    const std::string& element = elements[i];
    if (element.empty()) return bad("must be a clean path (no empty element, no trailing '/')");
    if (element == "..") return bad("must not contain '..'");
    if (element == ".") return bad("must be a clean path (no '.' element)");
    if (element.size() > 255) return bad("has a path element longer than 255 bytes");
    if (i == 0 && element.rfind("..", 0) == 0) return bad("must not start with '..'");
  }
  return absl::OkStatus();
}

std::optional<std::string> MountParams::TokenForAudience() const {
  auto it = sa_tokens.find(audience.empty() ? "vault" : audience);
  if (it == sa_tokens.end()) return std::nullopt;
  return it->second;
}

namespace {

// Parses the `objects` YAML, collecting every problem; returns the objects
// that are mappings (with the fields that could be read), and in `*indices`
// (when not null) each one's index in the list.
std::vector<SecretObject> ParseObjectsCollecting(const std::string& yaml_text, Problems* problems,
                                                 std::vector<size_t>* indices = nullptr) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    problems->Class("objects", absl::StrCat("failed to parse 'objects' in SecretProviderClass: YAML error at line ",
                                            e.mark.line + 1, ", column ", e.mark.column + 1, ": ", Shorten(e.msg)));
    return {};
  }
  if (root.IsNull() || !root.IsDefined()) return {};
  if (!root.IsSequence()) {
    problems->Class("objects", absl::StrCat("failed to parse 'objects' in SecretProviderClass: expected a YAML list of "
                                            "objects (each starting with '- objectName: ...'), got ",
                                            root.IsMap() ? "a mapping" : "a scalar"));
    return {};
  }
  std::vector<SecretObject> objects;
  objects.reserve(root.size());
  for (size_t i = 0; i < root.size(); ++i) {
    if (auto object = ParseObject(root[i], i, problems); object.has_value()) {
      objects.push_back(std::move(*object));
      if (indices != nullptr) indices->push_back(i);
    }
  }
  return objects;
}

using Attributes = std::map<std::string, std::string>;

// The checks of ParseMountRequest, in its order, problems collected. With
// `request` null the parameters come from a manifest (validate): what the
// driver adds is not checked.
struct DriverRequest {
  const std::string* target_path;
  const std::string* permission;
};

MountParams ParseParameters(const Attributes& attributes, const DriverRequest* request, const ParseOptions& options,
                            Problems* problems) {
  MountParams params;
  auto lookup = [&](const char* key) { return Lookup(attributes, key); };
  auto class_problem = [&](std::string field, std::string reason) {
    problems->Class(std::move(field), std::move(reason));
  };
  auto spelled = [&](const Spellings& names, const char** used = nullptr) {
    return LookupSpellings({names.vault, names.bao, names.openbao}, lookup, class_problem, used);
  };
  if (request != nullptr) params.target_path = *request->target_path;
  params.role_name =
      LookupSpellings({"roleName", "vaultRoleName", "baoRoleName", "openbaoRoleName"}, lookup, class_problem)
          .value_or("");
  params.audience = Lookup(attributes, "audience").value_or("");
  params.secret_provider_class = Lookup(attributes, "secretProviderClass").value_or("");
  params.pod.name = Lookup(attributes, kPodName).value_or("");
  params.pod.uid = Lookup(attributes, kPodUid).value_or("");
  params.pod.ns = Lookup(attributes, kPodNamespace).value_or("");
  params.pod.service_account = Lookup(attributes, kServiceAccount).value_or("");

  vault::ConnectionOverrides& c = params.connection;
  c.address = spelled({"vaultAddress", "baoAddress", "openbaoAddress"});
  const char* ns_name = "vaultNamespace";
  c.ns = spelled({"vaultNamespace", "baoNamespace", "openbaoNamespace"}, &ns_name);
  c.ca_cert = spelled({"vaultCACertPath", "baoCACertPath", "openbaoCACertPath"});
  c.ca_directory = spelled({"vaultCADirectory", "baoCADirectory", "openbaoCADirectory"});
  c.server_name = spelled({"vaultTLSServerName", "baoTLSServerName", "openbaoTLSServerName"});
  c.client_cert = spelled({"vaultTLSClientCertPath", "baoTLSClientCertPath", "openbaoTLSClientCertPath"});
  c.client_key = spelled({"vaultTLSClientKeyPath", "baoTLSClientKeyPath", "openbaoTLSClientKeyPath"});
  const char* skip_name = "vaultSkipTLSVerify";
  if (auto skip = spelled({"vaultSkipTLSVerify", "baoSkipTLSVerify", "openbaoSkipTLSVerify"}, &skip_name);
      skip.has_value()) {
    bool ok = false;
    c.skip_verify = ParseGoBool(*skip, &ok);
    if (!ok) {
      c.skip_verify.reset();
      problems->Class(skip_name, absl::StrCat("failed to parse ", skip_name, ": strconv.ParseBool: parsing ",
                                              Quote(*skip), ": invalid syntax (use \"true\" or \"false\")"));
    }
  }
  if (c.ns.has_value()) {
    if (absl::Status s = ValidateVaultNamespace(ns_name, *c.ns); !s.ok()) {
      problems->Class(ns_name, std::string(s.message()));
    }
  }

  const char* k8s_name = "vaultKubernetesMountPath";
  const char* auth_name = "vaultAuthMountPath";
  const auto k8s_mount =
      spelled({"vaultKubernetesMountPath", "baoKubernetesMountPath", "openbaoKubernetesMountPath"}, &k8s_name);
  const auto auth_mount = spelled({"vaultAuthMountPath", "baoAuthMountPath", "openbaoAuthMountPath"}, &auth_name);
  if (k8s_mount.has_value() && auth_mount.has_value()) {
    problems->Class(auth_name, absl::StrCat("cannot set both ", k8s_name, " and ", auth_name));
  } else {
    const auto& mount = auth_mount.has_value() ? auth_mount : k8s_mount;
    if (mount.has_value() && !mount->empty()) params.auth_mount = *mount;
  }

  if (request != nullptr) {
    if (auto tokens = Lookup(attributes, kServiceAccountTokens); tokens.has_value()) {
      if (auto parsed = ParseTokens(*tokens); parsed.ok()) {
        params.sa_tokens = *std::move(parsed);
      } else {
        problems->Class(kServiceAccountTokens, std::string(parsed.status().message()));
      }
    }
  }
  const size_t problems_before_objects = problems->size();
  std::vector<size_t> indices;  // each object's index in the list (objects that are not mappings are left out)
  if (auto objects = Lookup(attributes, "objects"); objects.has_value()) {
    if (options.max_objects_bytes > 0 && objects->size() > options.max_objects_bytes) {
      problems->Class("objects", absl::StrCat("the 'objects' parameter in SecretProviderClass is ", objects->size(),
                                              " bytes, more than the provider's limit of ",
                                              FormatBytes(options.max_objects_bytes),
                                              " (-max-objects-bytes): split the objects over several "
                                              "SecretProviderClasses"));
    } else if (options.objects_cache != nullptr) {
      if (auto cached = options.objects_cache->Get(*objects); cached.ok()) {
        params.objects = *std::move(cached);
      } else {
        problems->Class("objects", std::string(cached.status().message()));
      }
    } else {
      params.objects = ParseObjectsCollecting(*objects, problems, &indices);
    }
  }
  const bool objects_have_problems = problems->size() > problems_before_objects;
  if (request != nullptr) {
    if (auto mode = ParsePermission(*request->permission); mode.ok()) {
      params.default_mode = *mode;
    } else {
      problems->Class("permission", std::string(mode.status().message()));
    }
  }

  // Validation, in the incumbent's order and with its texts.
  if (params.role_name.empty()) problems->Class("roleName", "missing 'roleName' in SecretProviderClass definition");
  if (request != nullptr && params.target_path.empty()) problems->Class("targetPath", "missing target path field");
  if (params.objects.empty() && !objects_have_problems) {
    problems->Class("objects", "no secrets configured - the provider will not read any secret material");
  }
  std::set<std::string> seen;
  std::vector<std::string> duplicated;
  for (const auto& object : params.objects) {
    if (!seen.insert(object.object_name).second &&
        std::find(duplicated.begin(), duplicated.end(), object.object_name) == duplicated.end()) {
      duplicated.push_back(object.object_name);
    }
  }
  if (!duplicated.empty()) {
    problems->Class("objectName",
                    absl::StrCat("each `objectName` within a SecretProviderClass must be unique, but the following "
                                 "keys were duplicated: ",
                                 absl::StrJoin(duplicated, ", ")));
  }
  if (indices.size() != params.objects.size()) {  // from the cache: every object parsed
    indices.resize(params.objects.size());
    std::iota(indices.begin(), indices.end(), 0);
  }
  for (size_t i = 0; i < params.objects.size(); ++i) ValidateObject(params.objects[i], indices[i], problems);
  CheckFilesDirectories(params.objects, indices, problems);
  return params;
}

}  // namespace

std::string ClassProblem::Message() const {
  if (!object.has_value()) return reason;
  if (!has_object_name) return absl::StrCat("objects[", *object, "]: ", reason);
  return absl::StrCat(Describe(*object, object_name), ": ", reason);
}

tmpl::Limits TemplateLimits() {
  tmpl::Limits limits;
  limits.max_template_bytes = 64 << 10;
  limits.max_output_bytes = 1 << 20;
  return limits;
}

absl::StatusOr<OutputShape> ParseOutputShape(const std::string& text) {
  for (OutputShape shape : {OutputShape::kEnvelope, OutputShape::kValue, OutputShape::kData, OutputShape::kFiles,
                            OutputShape::kDotenv, OutputShape::kYaml}) {
    if (text == OutputShapeName(shape)) return shape;
  }
  return Invalid(absl::StrCat("invalid output ", Quote(text), ": use envelope, value, data, files, dotenv or yaml"));
}

const char* OutputShapeName(OutputShape shape) {
  switch (shape) {
    case OutputShape::kEnvelope:
      return "envelope";
    case OutputShape::kValue:
      return "value";
    case OutputShape::kData:
      return "data";
    case OutputShape::kFiles:
      return "files";
    case OutputShape::kDotenv:
      return "dotenv";
    case OutputShape::kYaml:
      return "yaml";
  }
  return "envelope";
}

OutputShape SecretObject::EffectiveOutput() const {
  if (output.has_value()) return *output;
  return secret_key.empty() ? OutputShape::kEnvelope : OutputShape::kValue;
}

absl::Status ValidateVaultNamespace(const std::string& parameter, const std::string& ns) {
  if (!HasControlCharacter(ns)) return absl::OkStatus();
  return Invalid(absl::StrCat("invalid ", parameter, " ", Quote(ns), ": contains a control character"));
}

absl::StatusOr<std::vector<SecretObject>> ParseObjects(const std::string& yaml_text) {
  Problems problems;
  std::vector<SecretObject> objects = ParseObjectsCollecting(yaml_text, &problems);
  if (!problems.empty()) return problems.First();
  return objects;
}

std::vector<ClassProblem> CheckClassParameters(const std::map<std::string, std::string>& parameters,
                                               const ParseOptions& options, MountParams* parsed) {
  ParseOptions uncached = options;
  uncached.objects_cache = nullptr;  // every problem, not the cache's first
  Problems problems;
  MountParams params = ParseParameters(parameters, nullptr, uncached, &problems);
  if (parsed != nullptr) *parsed = std::move(params);
  return problems.Take();
}

absl::StatusOr<MountParams> ParseMountRequest(const std::string& attributes_text,
                                              const std::string& /*secrets: unused*/,
                                              const std::string& target_path,
                                              const std::string& permission,
                                              const ParseOptions& options) {
  VCP_ASSIGN_OR_RETURN(const auto attributes, ParseAttributes(attributes_text));
  Problems problems;
  const DriverRequest request{&target_path, &permission};
  MountParams params = ParseParameters(attributes, &request, options, &problems);
  if (!problems.empty()) return problems.First();
  return params;
}

}  // namespace vcp::mount
