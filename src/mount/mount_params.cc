// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mount_params.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

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
  static const std::set<std::string> kNull = {"", "~", "null", "Null", "NULL"};
  static const std::set<std::string> kTrue = {"true", "True", "TRUE"};
  static const std::set<std::string> kFalse = {"false", "False", "FALSE"};
  if (kNull.count(text) > 0) return nlohmann::json(nullptr);
  if (kTrue.count(text) > 0) return nlohmann::json(true);
  if (kFalse.count(text) > 0) return nlohmann::json(false);
  if (auto i = ParseYamlInt(text); i.has_value()) return nlohmann::json(*i);
  if (IsYamlFloat(text)) {
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) return Invalid(absl::StrCat("number out of range: ", Quote(text)));
    return nlohmann::json(d);
  }
  if (IsYamlInfinityOrNan(text)) {
    return Invalid(absl::StrCat("unsupported value ", text, " (JSON has no infinity or NaN)"));
  }
  return nlohmann::json(text);
}

absl::StatusOr<uint32_t> ParseFilePermission(const YAML::Node& node, size_t index,
                                             const std::string& object_name) {
  const std::string hint =
      "; write it as a YAML integer, e.g. 0600 (octal) or 384 (decimal), without quotes";
  if (!node.IsDefined() || node.IsNull()) return 0u;
  if (!node.IsScalar()) {
    return Invalid(absl::StrCat(Describe(index, object_name), ": filePermission must be an integer",
                                hint));
  }
  const auto value = IsPlainScalar(node) ? ParseYamlInt(node.Scalar()) : std::nullopt;
  if (!value.has_value() || *value < 0 || *value > std::numeric_limits<uint32_t>::max()) {
    return Invalid(absl::StrCat(Describe(index, object_name), ": invalid filePermission ",
                                Quote(node.Scalar()), hint));
  }
  return static_cast<uint32_t>(*value);
}

absl::StatusOr<std::string> ScalarField(const YAML::Node& entry, const char* field, size_t index) {
  const YAML::Node node = entry[field];
  if (!node.IsDefined() || node.IsNull()) return std::string();
  if (!node.IsScalar()) {
    return Invalid(absl::StrCat("objects[", index, "]: field ", field, " must be a string"));
  }
  return node.Scalar();
}

absl::StatusOr<SecretObject> ParseObject(const YAML::Node& entry, size_t index) {
  if (!entry.IsMap()) {
    return Invalid(absl::StrCat("objects[", index,
                                "]: each object must be a mapping with objectName, secretPath, "
                                "..., got ",
                                entry.IsSequence() ? "a list" : "a scalar"));
  }
  SecretObject object;
  VCP_ASSIGN_OR_RETURN(object.object_name, ScalarField(entry, "objectName", index));
  VCP_ASSIGN_OR_RETURN(object.secret_path, ScalarField(entry, "secretPath", index));
  VCP_ASSIGN_OR_RETURN(object.secret_key, ScalarField(entry, "secretKey", index));
  VCP_ASSIGN_OR_RETURN(object.method, ScalarField(entry, "method", index));
  VCP_ASSIGN_OR_RETURN(object.encoding, ScalarField(entry, "encoding", index));
  if (const YAML::Node reuse = entry["reuseLease"]; reuse.IsDefined() && !reuse.IsNull()) {
    size_t budget = 1;
    auto value = reuse.IsScalar() && IsPlainScalar(reuse) ? YamlToJson(reuse, 0, &budget)
                                                          : absl::StatusOr<nlohmann::json>(nlohmann::json());
    if (!value.ok() || !value->is_boolean()) {
      return Invalid(absl::StrCat(Describe(index, object.object_name), ": reuseLease must be true or false"));
    }
    object.reuse_lease = value->get<bool>();
  }
  VCP_ASSIGN_OR_RETURN(object.file_permission,
                       ParseFilePermission(entry["filePermission"], index, object.object_name));
  if (const YAML::Node args = entry["secretArgs"]; args.IsDefined() && !args.IsNull()) {
    if (!args.IsMap()) {
      return Invalid(absl::StrCat(Describe(index, object.object_name),
                                  ": secretArgs must be a mapping of request body fields"));
    }
    size_t budget = kMaxYamlNodes;
    auto json = YamlToJson(args, 0, &budget);
    if (!json.ok()) {
      return Invalid(absl::StrCat(Describe(index, object.object_name),
                                  ": secretArgs: ", json.status().message()));
    }
    object.secret_args = std::move(*json);
  }
  return object;
}

// An HTTP method must be a plain token; anything else could inject into the request line.
bool IsHttpToken(const std::string& method) {
  return !method.empty() && method.size() <= 20 &&
         std::all_of(method.begin(), method.end(), [](char c) { return absl::ascii_isalpha(c); });
}

absl::Status ValidateObject(const SecretObject& object, size_t index) {
  if (absl::Status s = ValidateObjectPath(object.object_name); !s.ok()) {
    return Invalid(absl::StrCat(Describe(index, object.object_name), ": ", s.message()));
  }
  if (object.secret_path.empty()) {
    return Invalid(absl::StrCat(Describe(index, object.object_name),
                                ": missing secretPath (the Vault path to read, e.g. "
                                "secret/data/my-app for KV v2)"));
  }
  for (char c : object.secret_path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid(absl::StrCat(Describe(index, object.object_name),
                                  ": secretPath contains a control character"));
    }
  }
  if (absl::Status s = vault::CheckSecretPathStaysInApi(object.secret_path); !s.ok()) {
    return Invalid(absl::StrCat(Describe(index, object.object_name), ": secretPath ",
                                Quote(WithoutQuery(object.secret_path)), ": ",
                                s.message()));
  }
  if (!object.method.empty() && !IsHttpToken(object.method)) {
    return Invalid(absl::StrCat(Describe(index, object.object_name), ": invalid method ",
                                Quote(object.method), " (use GET, PUT or POST)"));
  }
  if (auto encoding = ParseEncoding(object.encoding); !encoding.ok()) {
    return Invalid(absl::StrCat(Describe(index, object.object_name), ": ",
                                encoding.status().message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> ParseAttributes(const std::string& text) {
  absl::StatusOr<nlohmann::json> parsed = ParseUntrustedJson(text);
  if (!parsed.ok() || !parsed->is_object()) {
    return Invalid("failed to parse mount request attributes: not a JSON object of strings");
  }
  const nlohmann::json& json = *parsed;
  std::map<std::string, std::string> out;
  for (auto& [key, value] : json.items()) {
    if (!value.is_string()) {
      return Invalid(absl::StrCat("failed to parse mount request attributes: value of ",
                                  Quote(key), " is not a string"));
    }
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ParseTokens(const std::string& text) {
  absl::StatusOr<nlohmann::json> parsed = ParseUntrustedJson(text);
  const nlohmann::json json = parsed.ok() ? *std::move(parsed) : nlohmann::json();
  if (!json.is_object()) {
    return Invalid(
        "failed to unmarshal service account tokens: the csi.storage.k8s.io/serviceAccount.tokens "
        "attribute is not a JSON object keyed by audience");
  }
  std::map<std::string, std::string> tokens;
  for (auto& [audience, entry] : json.items()) {
    if (entry.is_object() && entry.contains("token") && entry["token"].is_string()) {
      tokens.emplace(audience, entry["token"].get<std::string>());
    }
  }
  return tokens;
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

absl::StatusOr<std::vector<SecretObject>> ParseObjects(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Invalid(absl::StrCat("failed to parse 'objects' in SecretProviderClass: YAML error at line ",
                                e.mark.line + 1, ", column ", e.mark.column + 1, ": ", Shorten(e.msg)));
  }
  if (root.IsNull() || !root.IsDefined()) return std::vector<SecretObject>{};
  if (!root.IsSequence()) {
    return Invalid(absl::StrCat(
        "failed to parse 'objects' in SecretProviderClass: expected a YAML list of objects "
        "(each starting with '- objectName: ...'), got ",
        root.IsMap() ? "a mapping" : "a scalar"));
  }
  std::vector<SecretObject> objects;
  objects.reserve(root.size());
  for (size_t i = 0; i < root.size(); ++i) {
    VCP_ASSIGN_OR_RETURN(auto object, ParseObject(root[i], i));
    objects.push_back(std::move(object));
  }
  return objects;
}

absl::StatusOr<MountParams> ParseMountRequest(const std::string& attributes_text,
                                              const std::string& /*secrets: unused*/,
                                              const std::string& target_path,
                                              const std::string& permission,
                                              const ParseOptions& options) {
  VCP_ASSIGN_OR_RETURN(const auto attributes, ParseAttributes(attributes_text));
  MountParams params;
  params.target_path = target_path;
  params.role_name = Lookup(attributes, "roleName").value_or("");
  params.audience = Lookup(attributes, "audience").value_or("");
  params.secret_provider_class = Lookup(attributes, "secretProviderClass").value_or("");
  params.pod.name = Lookup(attributes, kPodName).value_or("");
  params.pod.uid = Lookup(attributes, kPodUid).value_or("");
  params.pod.ns = Lookup(attributes, kPodNamespace).value_or("");
  params.pod.service_account = Lookup(attributes, kServiceAccount).value_or("");

  vault::ConnectionOverrides& c = params.connection;
  c.address = Lookup(attributes, "vaultAddress");
  c.ns = Lookup(attributes, "vaultNamespace");
  c.ca_cert = Lookup(attributes, "vaultCACertPath");
  c.ca_directory = Lookup(attributes, "vaultCADirectory");
  c.server_name = Lookup(attributes, "vaultTLSServerName");
  c.client_cert = Lookup(attributes, "vaultTLSClientCertPath");
  c.client_key = Lookup(attributes, "vaultTLSClientKeyPath");
  if (auto skip = Lookup(attributes, "vaultSkipTLSVerify"); skip.has_value()) {
    bool ok = false;
    c.skip_verify = ParseGoBool(*skip, &ok);
    if (!ok) {
      return Invalid(absl::StrCat("failed to parse vaultSkipTLSVerify: strconv.ParseBool: parsing ",
                                  Quote(*skip), ": invalid syntax (use \"true\" or \"false\")"));
    }
  }

  const auto k8s_mount = Lookup(attributes, "vaultKubernetesMountPath");
  const auto auth_mount = Lookup(attributes, "vaultAuthMountPath");
  if (k8s_mount.has_value() && auth_mount.has_value()) {
    return Invalid("cannot set both vaultKubernetesMountPath and vaultAuthMountPath");
  }
  const auto& mount = auth_mount.has_value() ? auth_mount : k8s_mount;
  if (mount.has_value() && !mount->empty()) params.auth_mount = *mount;

  if (auto tokens = Lookup(attributes, kServiceAccountTokens); tokens.has_value()) {
    VCP_ASSIGN_OR_RETURN(params.sa_tokens, ParseTokens(*tokens));
  }
  if (auto objects = Lookup(attributes, "objects"); objects.has_value()) {
    if (options.max_objects_bytes > 0 && objects->size() > options.max_objects_bytes) {
      return Invalid(absl::StrCat("the 'objects' parameter in SecretProviderClass is ", objects->size(),
                                  " bytes, more than the provider's limit of ",
                                  FormatBytes(options.max_objects_bytes),
                                  " (-max-objects-bytes): split the objects over several SecretProviderClasses"));
    }
    VCP_ASSIGN_OR_RETURN(params.objects, options.objects_cache != nullptr ? options.objects_cache->Get(*objects)
                                                                          : ParseObjects(*objects));
  }
  VCP_ASSIGN_OR_RETURN(params.default_mode, ParsePermission(permission));

  // Validation, in the incumbent's order and with its texts.
  if (params.role_name.empty()) {
    return Invalid("missing 'roleName' in SecretProviderClass definition");
  }
  if (params.target_path.empty()) return Invalid("missing target path field");
  if (params.objects.empty()) {
    return Invalid("no secrets configured - the provider will not read any secret material");
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
    return Invalid(absl::StrCat(
        "each `objectName` within a SecretProviderClass must be unique, but the following keys "
        "were duplicated: ",
        absl::StrJoin(duplicated, ", ")));
  }
  for (size_t i = 0; i < params.objects.size(); ++i) {
    VCP_RETURN_IF_ERROR(ValidateObject(params.objects[i], i));
  }
  return params;
}

}  // namespace vcp::mount
