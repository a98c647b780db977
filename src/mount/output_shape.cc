// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/output_shape.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "vcp/mount/object_content.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"
#include "vcp/util/json_number.h"
#include "vcp/util/text.h"

namespace vcp::mount {
namespace {

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

// Keys and paths in messages: a Vault answer or a class chooses them.
std::string Quote(absl::string_view text) { return QuoteShortened(text, 64); }

const nlohmann::json& Field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string KeyNames(const nlohmann::json& data) {
  std::vector<std::string> names;
  for (auto it = data.begin(); it != data.end() && names.size() < 20; ++it) {
    names.push_back(QuoteShortened(it.key(), 64));
  }
  if (names.empty()) return "no keys there";
  return absl::StrCat("keys there: ", absl::StrJoin(names, ", "), data.size() > 20 ? ", ..." : "");
}

// What the secretKey (or its absence) selected, and how to name it.
struct Selection {
  const nlohmann::json* value = nullptr;
  std::string what;  // `secret "P"` or `key "K" of secret "P"`
};

absl::StatusOr<Selection> Select(const SecretObject& object, const nlohmann::json& envelope) {
  const nlohmann::json& data = Field(envelope, "data");
  const nlohmann::json& nested = Field(data, "data");
  const nlohmann::json& source = nested.is_object() ? nested : data;
  const std::string path = Quote(WithoutQuery(object.secret_path));
  if (object.secret_key.empty()) return Selection{&source, absl::StrCat("secret ", path)};
  auto it = source.is_object() ? source.find(object.secret_key) : source.end();
  if (!source.is_object() || it == source.end()) {
    // The incumbent's text, with the keys that do exist (never values).
    return Invalid(absl::StrCat("key ", QuoteShortened(object.secret_key), " does not exist at the secret path ",
                                QuoteShortened(WithoutQuery(object.secret_path)), " (",
                                source.is_object() ? KeyNames(source) : "no keys there", ")"));
  }
  return Selection{&*it, absl::StrCat("key ", Quote(object.secret_key), " of secret ", path)};
}

// A value as file bytes: a string raw, anything else as compact Go JSON.
std::string Bytes(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : GoJsonEncode(value);
}

// `bytes` decoded per the object's encoding; `key` names the value in errors.
absl::StatusOr<std::string> Decode(const SecretObject& object, const std::string& key, std::string bytes) {
  auto encoding = ParseEncoding(object.encoding);
  if (!encoding.ok()) return encoding.status();
  absl::StatusOr<std::string> decoded = std::move(bytes);
  if (*encoding == Encoding::kBase64) decoded = DecodeBase64Std(*decoded);
  if (*encoding == Encoding::kHex) decoded = DecodeHex(*decoded);
  if (!decoded.ok()) {
    return Invalid(absl::StrCat("value of key ", QuoteShortened(key), " at ",
                                QuoteShortened(WithoutQuery(object.secret_path)), " is not valid ", object.encoding,
                                ": ", decoded.status().message()));
  }
  return decoded;
}

const char* Kind(const nlohmann::json& value) {
  if (value.is_string()) return "a string";
  if (value.is_array()) return "a list";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  return "a number";
}

absl::Status NeedsMapping(const Selection& selection, OutputShape shape) {
  if (selection.value->is_object()) return absl::OkStatus();
  return Invalid(absl::StrCat("output: ", OutputShapeName(shape), " needs a mapping of keys, but ", selection.what,
                              " is ", Kind(*selection.value)));
}

// --- files ----------------------------------------------------------------

absl::StatusOr<std::vector<RenderedFile>> Files(const SecretObject& object, const Selection& selection) {
  const nlohmann::json& keys = *selection.value;
  if (keys.empty()) {
    return Invalid(absl::StrCat(selection.what, " has no keys (output: files writes one file per key)"));
  }
  std::vector<RenderedFile> files;
  files.reserve(keys.size());
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    const std::string& key = it.key();
    auto refuse = [&](absl::string_view why) {
      return Invalid(absl::StrCat("key ", Quote(key), " of ", selection.what, " cannot be a file name in ",
                                  Quote(object.object_name), ": ", why));
    };
    if (key.empty()) return refuse("it is empty");
    if (key == "." || key == "..") return refuse("it is a directory name");
    if (key.find('/') != std::string::npos) return refuse("it contains '/'");
    if (key.find('\0') != std::string::npos) return refuse("it contains a NUL byte");
    if (key.size() > 255) return refuse("it is longer than 255 bytes");
    std::string path = absl::StrCat(object.object_name, "/", key);
    if (absl::Status s = ValidateObjectPath(path); !s.ok()) return refuse(s.message());
    // `encoding` decodes strings; other values are JSON, never encoded.
    absl::StatusOr<std::string> contents = it->is_string() ? Decode(object, key, it->get<std::string>())
                                                           : absl::StatusOr<std::string>(GoJsonEncode(*it));
    if (!contents.ok()) return contents.status();
    files.push_back({std::move(path), *std::move(contents)});
  }
  return files;
}

// --- dotenv ---------------------------------------------------------------

bool IsShellName(const std::string& key) {
  if (key.empty() || absl::ascii_isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

absl::StatusOr<std::string> Dotenv(const Selection& selection) {
  std::string out;
  for (auto it = selection.value->begin(); it != selection.value->end(); ++it) {
    const std::string& key = it.key();
    if (!IsShellName(key)) {
      return Invalid(absl::StrCat("key ", Quote(key), " of ", selection.what,
                                  " is not a shell variable name ([A-Za-z_][A-Za-z0-9_]*), so output: dotenv cannot "
                                  "write it"));
    }
    const std::string value = Bytes(*it);
    if (value.find('\0') != std::string::npos) {
      return Invalid(absl::StrCat("the value of key ", Quote(key), " of ", selection.what,
                                  " holds a NUL byte, which no shell variable can hold (output: dotenv)"));
    }
    absl::StrAppend(&out, key, "='", absl::StrReplaceAll(value, {{"'", "'\\''"}}), "'\n");
  }
  return out;
}

// --- yaml -----------------------------------------------------------------

// Longest mapping key YAML allows written on one line (an implicit key).
constexpr size_t kMaxYamlKeyBytes = 1024;

// Whether `text` may be written as a plain scalar: it reads back as exactly
// this string for YAML 1.1 and 1.2 readers alike (yaml-cpp, Go's yaml.v2 and
// yaml.v3, PyYAML). Deliberately narrow: a letter, '_' or '/' first (no
// number, timestamp, indicator or special float starts so), then letters,
// digits, single inner spaces and `_./@+=-` (no ':' or '#', which end or
// comment a plain scalar), no trailing space, and not one of the words YAML
// 1.1 or 1.2 read as null or a boolean.
bool IsPlainSafe(absl::string_view text) {
  if (text.empty() || text.size() > 256) return false;
  const unsigned char first = static_cast<unsigned char>(text[0]);
  if (!absl::ascii_isalpha(first) && first != '_' && first != '/') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool inner_space = c == ' ' && i + 1 < text.size() && text[i + 1] != ' ';
    if (!absl::ascii_isalnum(c) && absl::string_view("_./@+=-").find(static_cast<char>(c)) == absl::string_view::npos &&
        !inner_space) {
      return false;
    }
  }
  static const std::set<std::string, std::less<>> kWords = {"y", "n", "yes", "no", "on", "off", "true", "false",
                                                            "null"};
  return kWords.count(absl::AsciiStrToLower(text)) == 0;
}

// Decodes one UTF-8 sequence at `text[*i]`, advancing `*i`; -1 when invalid.
int32_t NextCodePoint(absl::string_view text, size_t* i) {
  const unsigned char lead = static_cast<unsigned char>(text[*i]);
  int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || *i + length > text.size()) return -1;
  int32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    const unsigned char c = static_cast<unsigned char>(text[*i + k]);
    if ((c >> 6) != 0x2) return -1;
    code = (code << 6) | (c & 0x3F);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMin[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  *i += length;
  return code;
}

// `text` as a YAML double-quoted scalar. Everything YAML does not print as
// itself, or a YAML 1.1 reader takes for a line break, is escaped: C0 and C1
// controls (NEL included), DEL, the line and paragraph separators, the BOM
// and U+FFFE/U+FFFF.
absl::StatusOr<std::string> DoubleQuoted(absl::string_view text) {
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const int32_t code = NextCodePoint(text, &i);
    if (code < 0) return Invalid("not valid UTF-8");
    switch (code) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      case '\r': out += "\\r"; continue;
      case 0: out += "\\0"; continue;
      default: break;
    }
    // \u for everything from U+0080: yaml-cpp reads \xHH, \N, \L and \P as
    // raw bytes rather than code points.
    if (code < 0x20 || code == 0x7F) {
      absl::StrAppend(&out, "\\x", absl::Hex(code, absl::kZeroPad2));
    } else if ((code >= 0x80 && code <= 0x9F) || code == 0x2028 || code == 0x2029 || code == 0xFEFF ||
               code == 0xFFFE || code == 0xFFFF) {
      absl::StrAppend(&out, "\\u", absl::Hex(code, absl::kZeroPad4));
    } else {
      out.append(text.data() + start, i - start);
    }
  }
  out += '"';
  return out;
}

absl::StatusOr<std::string> YamlString(absl::string_view text) {
  if (IsPlainSafe(text)) return std::string(text);
  return DoubleQuoted(text);
}

// A YAML writer for one selection, with a nesting bound: the Vault client's
// parse already stops at kMaxJsonDepth, and this does not rely on it.
class YamlWriter {
 public:
  explicit YamlWriter(const std::string& what) : what_(what) {}

  absl::StatusOr<std::string> Mapping(const nlohmann::json& mapping) {
    if (mapping.empty()) return std::string("{}\n");
    if (absl::Status s = Entries(mapping, 0, false, 1); !s.ok()) return s;
    return std::move(out_);
  }

 private:
  absl::Status Deeper(size_t depth) const {
    if (depth <= kMaxJsonDepth) return absl::OkStatus();
    return Invalid(absl::StrCat(what_, " nests deeper than ", kMaxJsonDepth, " levels"));
  }

  // `inline_first`: the first line continues a "- " already written.
  absl::Status Entries(const nlohmann::json& mapping, size_t indent, bool inline_first, size_t depth) {
    if (absl::Status s = Deeper(depth); !s.ok()) return s;
    bool first = true;
    for (auto it = mapping.begin(); it != mapping.end(); ++it) {
      if (!(first && inline_first)) out_.append(indent, ' ');
      first = false;
      auto key = YamlString(it.key());
      if (!key.ok()) return Invalid(absl::StrCat("key ", Quote(it.key()), " of ", what_, " is not valid UTF-8"));
      // The limit is on the key as written: quotes and escapes count.
      if (key->size() > kMaxYamlKeyBytes) {
        return Invalid(absl::StrCat("key ", Quote(it.key()), " of ", what_, " is longer than ", kMaxYamlKeyBytes,
                                    " bytes as YAML writes it, YAML's limit for a mapping key"));
      }
      absl::StrAppend(&out_, *key, ":");
      if (absl::Status s = AfterIndicator(*it, it.key(), indent, depth); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status Items(const nlohmann::json& list, const std::string& key, size_t indent, bool inline_first,
                     size_t depth) {
    if (absl::Status s = Deeper(depth); !s.ok()) return s;
    bool first = true;
    for (const nlohmann::json& item : list) {
      if (!(first && inline_first)) out_.append(indent, ' ');
      first = false;
      out_ += "- ";
      if (item.is_object() && !item.empty()) {
        if (absl::Status s = Entries(item, indent + 2, true, depth + 1); !s.ok()) return s;
      } else if (item.is_array() && !item.empty()) {
        if (absl::Status s = Items(item, key, indent + 2, true, depth + 1); !s.ok()) return s;
      } else if (absl::Status s = Scalar(item, key); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  // After "key:": a nested collection on the next lines, else " scalar".
  absl::Status AfterIndicator(const nlohmann::json& value, const std::string& key, size_t indent, size_t depth) {
    if (value.is_object() && !value.empty()) {
      out_ += '\n';
      return Entries(value, indent + 2, false, depth + 1);
    }
    if (value.is_array() && !value.empty()) {
      out_ += '\n';
      return Items(value, key, indent + 2, false, depth + 1);
    }
    out_ += ' ';
    return Scalar(value, key);
  }

  absl::Status Scalar(const nlohmann::json& value, const std::string& key) {
    if (value.is_string()) {
      auto text = YamlString(value.get_ref<const std::string&>());
      if (!text.ok()) {
        return Invalid(absl::StrCat("the value of key ", Quote(key), " of ", what_, " is not valid UTF-8, which YAML "
                                    "cannot hold"));
      }
      out_ += *text;
    } else if (value.is_object()) {
      out_ += "{}";
    } else if (value.is_array()) {
      out_ += "[]";
    } else if (value.is_null() || value.is_boolean() || value.is_number() ||
               (IsNumberText(value) && IsJsonNumber(NumberText(value)))) {
      out_ += GoJsonEncode(value);  // null, true, false, 42, a number text verbatim
    } else {
      auto text = DoubleQuoted(GoJsonEncode(value));  // no parser makes these
      if (!text.ok()) return text.status();
      out_ += *text;
    }
    out_ += '\n';
    return absl::OkStatus();
  }

  const std::string& what_;
  std::string out_;
};

}  // namespace

absl::StatusOr<std::vector<RenderedFile>> RenderObjectFiles(const SecretObject& object,
                                                            const nlohmann::json& envelope) {
  const OutputShape shape = object.EffectiveOutput();
  if (shape == OutputShape::kEnvelope) return std::vector<RenderedFile>{{object.object_name, EnvelopeJson(envelope)}};
  auto selection = Select(object, envelope);
  if (!selection.ok()) return selection.status();
  auto one = [&](absl::StatusOr<std::string> contents) -> absl::StatusOr<std::vector<RenderedFile>> {
    if (!contents.ok()) return contents.status();
    return std::vector<RenderedFile>{{object.object_name, *std::move(contents)}};
  };
  switch (shape) {
    case OutputShape::kValue:
      return one(Decode(object, object.secret_key, Bytes(*selection->value)));
    case OutputShape::kData:
      return one(GoJsonEncode(*selection->value));
    case OutputShape::kFiles:
      if (absl::Status s = NeedsMapping(*selection, shape); !s.ok()) return s;
      return Files(object, *selection);
    case OutputShape::kDotenv:
      if (absl::Status s = NeedsMapping(*selection, shape); !s.ok()) return s;
      return one(Dotenv(*selection));
    case OutputShape::kYaml: {
      if (absl::Status s = NeedsMapping(*selection, shape); !s.ok()) return s;
      YamlWriter writer(selection->what);
      return one(writer.Mapping(*selection->value));
    }
    case OutputShape::kEnvelope:
      break;
  }
  return Invalid("unknown output shape");
}

}  // namespace vcp::mount
