// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "encode.h"

#include <cmath>
#include <utility>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "absl/strings/ascii.h"
#include "go_strconv.h"
#include "lexer.h"
#include "str.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::tmpl {
namespace {

absl::Status TooDeep(size_t max_depth) {
  return absl::InvalidArgumentError(Cat("value nests deeper than ", max_depth, " levels"));
}

absl::Status TooLong(size_t max_bytes) {
  return absl::ResourceExhaustedError(Cat("result exceeds ", FormatBytes(max_bytes)));
}

// What every writer checks before it writes a value `depth` levels down,
// having written `written` bytes: the bounds, and that the value has a
// representation (not missing, not a secret itself).
absl::Status CheckWritable(const Value& value, size_t depth, size_t written, const EncodeLimits& limits) {
  if (depth > limits.max_depth) return TooDeep(limits.max_depth);
  if (written > limits.max_bytes) return TooLong(limits.max_bytes);
  if (value.kind() == Value::Kind::kMissing) return absl::InvalidArgumentError(AbsentMessage(value));
  if (value.kind() == Value::Kind::kStruct) {
    return absl::InvalidArgumentError(
        Cat("can't convert a value of type ", GoTypeName(value.type()), "; convert one of its fields"));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- JSON out

// Go's encoding/json float format: %f between 1e-6 and 1e21, else %e with
// the exponent's leading zero dropped (1e-07 -> 1e-7).
absl::StatusOr<std::string> JsonFloat(double f) {
  if (std::isnan(f) || std::isinf(f)) {
    return absl::InvalidArgumentError(Cat("json: unsupported value: ", FormatFloat(f, 'g', -1)));
  }
  const double abs = std::fabs(f);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  std::string text = FormatFloat(f, exponent ? 'e' : 'f', -1);
  if (exponent) {
    const size_t n = text.size();
    if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') text.erase(n - 2, 1);
  }
  return text;
}

// Undoes the HTML escapes of a Go-encoded JSON string literal.
std::string WithoutHtmlEscapes(std::string_view quoted) {
  std::string out;
  out.reserve(quoted.size());
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] != '\\' || i + 1 >= quoted.size()) {
      out.push_back(quoted[i]);
      continue;
    }
    const std::string_view escape = quoted.substr(i, 6);
    if (escape == "\\u003c" || escape == "\\u003e" || escape == "\\u0026") {
      out.push_back(escape == "\\u003c" ? '<' : escape == "\\u003e" ? '>' : '&');
      i += 5;
    } else {
      out.push_back('\\');
      out.push_back(quoted[++i]);
    }
  }
  return out;
}

class JsonWriter {
 public:
  JsonWriter(JsonStyle style, const EncodeLimits& limits) : style_(style), limits_(limits) {}

  absl::Status Write(const Value& v, size_t depth) {
    VCP_RETURN_IF_ERROR(CheckWritable(v, depth, out_.size(), limits_));
    switch (v.kind()) {
      case Value::Kind::kMissing:
      case Value::Kind::kStruct: break;  // refused above
      case Value::Kind::kNil: out_ += "null"; return absl::OkStatus();
      case Value::Kind::kBool: out_ += v.boolean() ? "true" : "false"; return absl::OkStatus();
      case Value::Kind::kInt:
        out_ += v.type() == GoType::kUint8 ? std::to_string(static_cast<uint8_t>(v.integer()))
                                           : std::to_string(v.integer());
        return absl::OkStatus();
      case Value::Kind::kFloat: {
        VCP_ASSIGN_OR_RETURN(std::string text, JsonFloat(v.floating()));
        out_ += text;
        return absl::OkStatus();
      }
      case Value::Kind::kNumber: out_ += v.str().empty() ? std::string_view("0") : v.str(); return absl::OkStatus();
      case Value::Kind::kString: WriteString(v.str()); return absl::OkStatus();
      case Value::Kind::kList:
        return Elements('[', ']', v.size(), depth, [&](size_t i) { return Write(v.At(i), depth + 1); });
      case Value::Kind::kMap: {
        auto it = v.object().items().begin();
        return Elements('{', '}', v.size(), depth, [&](size_t) {
          WriteString(it.key());
          out_ += style_.indent ? ": " : ":";
          absl::Status status = Write(Value::FromJson(it.value(), v.mode(), v.owner()), depth + 1);
          ++it;
          return status;
        });
      }
    }
    return absl::OkStatus();
  }

  std::string Take() && { return std::move(out_); }

 private:
  // `count` elements between `open` and `close`, comma-separated (one a
  // line when indenting); `element(i)` writes each.
  template <typename WriteElement>
  absl::Status Elements(char open, char close, size_t count, size_t depth, WriteElement element) {
    out_ += open;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) out_ += ',';
      NewLine(depth + 1);
      VCP_RETURN_IF_ERROR(element(i));
    }
    if (count > 0) NewLine(depth);
    out_ += close;
    return absl::OkStatus();
  }

  void WriteString(std::string_view text) {
    const std::string quoted = GoJsonQuote(std::string(text));
    out_ += style_.escape_html ? quoted : WithoutHtmlEscapes(quoted);
  }

  void NewLine(size_t depth) {
    if (!style_.indent) return;
    out_ += '\n';
    out_.append(2 * depth, ' ');
  }

  JsonStyle style_;
  const EncodeLimits& limits_;
  std::string out_;
};

// ---------------------------------------------------------------- YAML

// yaml.v2's resolution of a plain scalar.
struct Resolved {
  enum Kind { kString, kNull, kBool, kInt, kUint, kFloat, kTimestamp } kind = kString;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A number of 1 to `max` digits with a value in [lo, hi] at s[*i].
bool TakeNumber(std::string_view s, size_t* i, size_t max, int lo, int hi) {
  size_t n = 0;
  int value = 0;
  while (*i + n < s.size() && n < max && s[*i + n] >= '0' && s[*i + n] <= '9') {
    value = value * 10 + (s[*i + n] - '0');
    ++n;
  }
  if (n == 0 || value < lo || value > hi) return false;
  *i += n;
  return true;
}

// yaml.v2's parseTimestamp: 2006-1-2, 2006-1-2T15:4:5[.9]Z07:00 (or 't'),
// 2006-1-2 15:4:5[.9].
bool IsYamlTimestamp(std::string_view s) {
  if (s.size() < 5 || !AllDigits(s.substr(0, 4)) || s[4] != '-') return false;
  size_t i = 5;
  if (!TakeNumber(s, &i, 2, 1, 12) || i >= s.size() || s[i] != '-') return false;
  ++i;
  if (!TakeNumber(s, &i, 2, 1, 31)) return false;
  if (i == s.size()) return true;
  const char sep = s[i];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  ++i;
  if (!TakeNumber(s, &i, 2, 0, 23) || i >= s.size() || s[i++] != ':') return false;
  if (!TakeNumber(s, &i, 2, 0, 59) || i >= s.size() || s[i++] != ':') return false;
  if (!TakeNumber(s, &i, 2, 0, 59)) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (sep == ' ') return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return false;
  ++i;
  if (!TakeNumber(s, &i, 2, 0, 23) || i >= s.size() || s[i++] != ':') return false;
  return TakeNumber(s, &i, 2, 0, 59) && i == s.size();
}

// yaml.v2's yamlStyleFloat.
bool IsYamlStyleFloat(std::string_view s) {
  static const RE2* const kFloat = new RE2(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *kFloat);
}

// yaml.v2's base 60 floats ("1:20"), which it quotes on the way out.
bool IsBase60Float(std::string_view s) {
  static const RE2* const kBase60 = new RE2(R"([-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)");
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *kBase60);
}

Resolved ResolvePlain(std::string_view in) {
  Resolved r;
  static constexpr std::string_view kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                "False", "FALSE", "off", "Off", "OFF"};
  static constexpr std::string_view kNull[] = {"", "~", "null", "Null", "NULL"};
  for (auto s : kNull) {
    if (in == s) return {Resolved::kNull};
  }
  for (auto s : kTrue) {
    if (in == s) return {Resolved::kBool, true};
  }
  for (auto s : kFalse) {
    if (in == s) return {Resolved::kBool, false};
  }
  if (in == ".nan" || in == ".NaN" || in == ".NAN") {
    r.kind = Resolved::kFloat;
    r.f = std::nan("");
    return r;
  }
  for (auto s : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"}) {
    if (in == s) {
      r.kind = Resolved::kFloat;
      r.f = in[0] == '-' ? -HUGE_VAL : HUGE_VAL;
      return r;
    }
  }
  const char hint = in[0];
  if (hint == '.') {
    double f;
    if (ParseFloat(in, &f) == NumError::kOk) {
      r.kind = Resolved::kFloat;
      r.f = f;
    }
    return r;
  }
  if (hint != '+' && hint != '-' && (hint < '0' || hint > '9')) return r;
  if (IsYamlTimestamp(in)) return {Resolved::kTimestamp};
  std::string plain;
  for (char c : in) {
    if (c != '_') plain.push_back(c);
  }
  int64_t i;
  uint64_t u;
  double f;
  if (ParseInt(plain, 0, &i) == NumError::kOk) {
    r.kind = Resolved::kInt;
    r.i = i;
    return r;
  }
  if (ParseUint(plain, 0, &u) == NumError::kOk) {
    r.kind = Resolved::kUint;
    r.u = u;
    return r;
  }
  if (IsYamlStyleFloat(plain) && ParseFloat(plain, &f) == NumError::kOk) {
    r.kind = Resolved::kFloat;
    r.f = f;
    return r;
  }
  if (plain.rfind("0b", 0) == 0 || plain.rfind("-0b", 0) == 0) {
    const bool neg = plain[0] == '-';
    const std::string digits = plain.substr(neg ? 3 : 2);
    if (ParseInt(Cat(neg ? "-" : "", digits), 2, &i) == NumError::kOk) {
      r.kind = Resolved::kInt;
      r.i = i;
      return r;
    }
    if (!neg && ParseUint(digits, 2, &u) == NumError::kOk) {
      r.kind = Resolved::kUint;
      r.u = u;
      return r;
    }
  }
  return r;
}

std::string YamlFloat(double f) {
  if (std::isnan(f)) return ".nan";
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  return FormatFloat(f, 'g', -1);
}

// libyaml's printable set (is_printable).
bool YamlPrintable(char32_t r) {
  return r == 0x0A || (r >= 0x20 && r <= 0x7E) || (r >= 0xA0 && r <= 0xD7FF) ||
         (r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF);
}

bool YamlBreak(char32_t r) { return r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029; }

bool YamlBlankOrEnd(char32_t r) { return r == ' ' || r == '\t' || YamlBreak(r) || r == 0; }

struct ScalarAnalysis {
  bool multiline = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
};

// libyaml's yaml_emitter_analyze_scalar, block context.
ScalarAnalysis Analyze(std::string_view s) {
  ScalarAnalysis a;
  if (s.empty()) {
    a.block_allowed = false;
    return a;
  }
  std::vector<char32_t> runes;
  for (size_t i = 0; i < s.size();) {
    char32_t r;
    i += static_cast<size_t>(DecodeRune(s, i, &r));
    runes.push_back(r);
  }
  bool block_indicators = false;
  bool special = false, line_breaks = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false, previous_space = false, previous_break = false;
  if (s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0) block_indicators = true;
  bool preceded_by_whitespace = true;
  const auto at = [&](size_t k) -> char32_t { return k < runes.size() ? runes[k] : 0; };
  for (size_t k = 0; k < runes.size(); ++k) {
    const char32_t c = runes[k];
    const bool followed_by_whitespace = YamlBlankOrEnd(at(k + 1));
    if (k == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(static_cast<char>(c < 0x80 ? c : 0)) != std::string_view::npos &&
          c < 0x80 && c != 0) {
        block_indicators = true;
      }
      if ((c == '?' || c == ':') && followed_by_whitespace) block_indicators = true;
      if (c == '-' && followed_by_whitespace) block_indicators = true;
    } else {
      if (c == ':' && followed_by_whitespace) block_indicators = true;
      if (c == '#' && preceded_by_whitespace) block_indicators = true;
    }
    if (!YamlPrintable(c)) special = true;
    if (YamlBreak(c)) line_breaks = true;
    if (c == ' ') {
      if (k == 0) leading_space = true;
      if (k + 1 == runes.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (YamlBreak(c)) {
      if (k == 0) leading_break = true;
      if (k + 1 == runes.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = YamlBlankOrEnd(c);
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) a.block_plain_allowed = false;
  if (trailing_space) a.block_allowed = false;
  if (break_space) a.block_plain_allowed = a.single_quoted_allowed = false;
  if (space_break || special) a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
  if (line_breaks) a.block_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

std::string DoubleQuoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    char32_t c;
    i += static_cast<size_t>(DecodeRune(s, i, &c));
    if (YamlPrintable(c) && !YamlBreak(c) && c != '"' && c != '\\') {
      AppendRune(c, &out);
      continue;
    }
    out.push_back('\\');
    switch (c) {
      case 0x00: out.push_back('0'); continue;
      case 0x07: out.push_back('a'); continue;
      case 0x08: out.push_back('b'); continue;
      case 0x09: out.push_back('t'); continue;
      case 0x0A: out.push_back('n'); continue;
      case 0x0B: out.push_back('v'); continue;
      case 0x0C: out.push_back('f'); continue;
      case 0x0D: out.push_back('r'); continue;
      case 0x1B: out.push_back('e'); continue;
      case '"': out.push_back('"'); continue;
      case '\\': out.push_back('\\'); continue;
      case 0x85: out.push_back('N'); continue;
      case 0xA0: out.push_back('_'); continue;
      case 0x2028: out.push_back('L'); continue;
      case 0x2029: out.push_back('P'); continue;
      default: break;
    }
    const int width = c <= 0xFF ? 2 : c <= 0xFFFF ? 4 : 8;
    out.push_back(width == 2 ? 'x' : width == 4 ? 'u' : 'U');
    for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) out.push_back(kHex[(c >> shift) & 15]);
  }
  out.push_back('"');
  return out;
}

std::string SingleQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t r;
    const int width = DecodeRune(s, i, &r);
    if (width == 1 && r == 0xFFFD) return false;
    i += static_cast<size_t>(width);
  }
  return true;
}

class YamlWriter {
 public:
  explicit YamlWriter(const EncodeLimits& limits) : limits_(limits) {}

  enum class Context { kRoot, kMapValue, kListItem };

  absl::Status Node(const Value& v, size_t indent, Context ctx, size_t depth) {
    VCP_RETURN_IF_ERROR(CheckWritable(v, depth, out_.size(), limits_));
    switch (v.kind()) {
      case Value::Kind::kMissing:
      case Value::Kind::kStruct: break;  // refused above
      case Value::Kind::kNil: Scalar("null", ctx); return absl::OkStatus();
      case Value::Kind::kBool: Scalar(v.boolean() ? "true" : "false", ctx); return absl::OkStatus();
      case Value::Kind::kInt:
        Scalar(v.type() == GoType::kUint8 ? Cat(static_cast<uint8_t>(v.integer())) : Cat(v.integer()), ctx);
        return absl::OkStatus();
      case Value::Kind::kFloat: Scalar(YamlFloat(v.floating()), ctx); return absl::OkStatus();
      case Value::Kind::kNumber: {
        // yaml.v2 writes a json.Number as its Int64(), else its Float64(),
        // else as a string.
        int64_t i;
        double f;
        if (ParseInt(v.str(), 10, &i) == NumError::kOk) {
          Scalar(Cat(i), ctx);
        } else if (ParseFloat(v.str(), &f) != NumError::kSyntax) {
          Scalar(YamlFloat(f), ctx);
        } else {
          String(v.str(), indent, ctx);
        }
        return absl::OkStatus();
      }
      case Value::Kind::kString: String(v.str(), indent, ctx); return absl::OkStatus();
      case Value::Kind::kList:
        if (v.size() == 0) {
          Scalar("[]", ctx);
          return absl::OkStatus();
        }
        if (ctx == Context::kMapValue) out_ += '\n';
        return ListBody(v, ctx == Context::kListItem ? indent + 2 : indent, ctx != Context::kMapValue, depth);
      case Value::Kind::kMap:
        if (v.size() == 0) {
          Scalar("{}", ctx);
          return absl::OkStatus();
        }
        if (ctx == Context::kMapValue) out_ += '\n';
        return MapBody(v, ctx == Context::kRoot ? 0 : indent + 2, ctx != Context::kMapValue, depth);
    }
    return absl::OkStatus();
  }

  std::string Take() && { return std::move(out_); }

 private:
  absl::Status ListBody(const Value& list, size_t indent, bool first_inline, size_t depth) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0 || !first_inline) out_.append(indent, ' ');
      out_ += "- ";
      VCP_RETURN_IF_ERROR(Node(list.At(i), indent, Context::kListItem, depth + 1));
    }
    return absl::OkStatus();
  }

  absl::Status MapBody(const Value& map, size_t indent, bool first_inline, size_t depth) {
    bool first = true;
    for (const auto& [key, element] : map.object().items()) {
      if (!first || !first_inline) out_.append(indent, ' ');
      first = false;
      out_ += KeyText(key);
      out_ += ':';
      VCP_RETURN_IF_ERROR(
          Node(Value::FromJson(element, map.mode(), map.owner()), indent, Context::kMapValue, depth + 1));
    }
    return absl::OkStatus();
  }

  void Scalar(std::string_view text, Context ctx) {
    if (ctx == Context::kMapValue) out_ += ' ';
    out_ += text;
    out_ += '\n';
  }

  // Whether yaml.v2 asks for a plain scalar: the text reads back as a string.
  static bool CanUsePlain(std::string_view s) { return ResolvePlain(s).kind == Resolved::kString && !IsBase60Float(s); }

  static std::string KeyText(std::string_view key) {
    if (!ValidUtf8(key)) return Cat("!!binary ", EncodeBase64Std(key));
    const ScalarAnalysis a = Analyze(key);
    if (!a.multiline && CanUsePlain(key) && a.block_plain_allowed && !key.empty()) return std::string(key);
    if (!a.multiline && CanUsePlain(key) && a.single_quoted_allowed && !key.empty()) return SingleQuoted(key);
    return DoubleQuoted(key);
  }

  void String(std::string_view s, size_t indent, Context ctx) {
    if (!ValidUtf8(s)) {
      Scalar(Cat("!!binary ", EncodeBase64Std(s)), ctx);
      return;
    }
    const ScalarAnalysis a = Analyze(s);
    if (s.find('\n') != std::string_view::npos) {
      if (a.block_allowed) {
        Literal(s, ctx == Context::kRoot ? 2 : indent + 2, ctx);
      } else {
        Scalar(DoubleQuoted(s), ctx);
      }
      return;
    }
    if (CanUsePlain(s)) {
      if (a.block_plain_allowed) {
        Scalar(s, ctx);
        return;
      }
      if (a.single_quoted_allowed) {
        Scalar(SingleQuoted(s), ctx);
        return;
      }
    }
    Scalar(DoubleQuoted(s), ctx);
  }

  // A literal block scalar with libyaml's hints: an indentation indicator
  // when the text starts with a space or newline, "-" without a final
  // newline, "+" with more than one.
  void Literal(std::string_view s, size_t content_indent, Context ctx) {
    if (ctx == Context::kMapValue) out_ += ' ';
    out_ += '|';
    if (s[0] == ' ' || s[0] == '\n') out_ += '2';
    if (s.back() != '\n') {
      out_ += '-';
    } else if (s.size() == 1 || s[s.size() - 2] == '\n') {
      out_ += '+';
    }
    out_ += '\n';
    bool line_start = true;
    for (char c : s) {
      if (c == '\n') {
        out_ += '\n';
        line_start = true;
        continue;
      }
      if (line_start) out_.append(content_indent, ' ');
      line_start = false;
      out_ += c;
    }
    if (s.back() != '\n') out_ += '\n';
  }

  const EncodeLimits& limits_;
  std::string out_;
};

// ---------------------------------------------------------------- YAML in

class YamlReader {
 public:
  explicit YamlReader(const EncodeLimits& limits) : limits_(limits), nodes_left_(limits.max_elements) {}

  absl::StatusOr<nlohmann::json> Convert(const YAML::Node& node, size_t depth) {
    if (depth > limits_.max_depth) return TooDeep(limits_.max_depth);
    if (nodes_left_ == 0) {
      return absl::ResourceExhaustedError(
          Cat("more than ", limits_.max_elements, " values (aliases count once per use)"));
    }
    --nodes_left_;
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: return nlohmann::json(nullptr);
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& item : node) {
          VCP_ASSIGN_OR_RETURN(auto value, Convert(item, depth + 1));
          array.push_back(std::move(value));
        }
        return array;
      }
      case YAML::NodeType::Map: {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) return absl::InvalidArgumentError("a mapping key is not a scalar");
          if (entry.first.Tag() == "?" && entry.first.Scalar() == "<<") {
            VCP_RETURN_IF_ERROR(Merge(entry.second, depth, &object));
            continue;
          }
          VCP_ASSIGN_OR_RETURN(auto value, Convert(entry.second, depth + 1));
          object[entry.first.Scalar()] = std::move(value);
        }
        return object;
      }
      case YAML::NodeType::Scalar: break;
    }
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    if (tag != "?" && tag != "tag:yaml.org,2002:int" && tag != "tag:yaml.org,2002:float" &&
        tag != "tag:yaml.org,2002:bool" && tag != "tag:yaml.org,2002:null") {
      return nlohmann::json(text);  // quoted, a block scalar, or tagged as a string
    }
    const Resolved r = ResolvePlain(text);
    switch (r.kind) {
      case Resolved::kNull: return nlohmann::json(nullptr);
      case Resolved::kBool: return nlohmann::json(r.b);
      case Resolved::kInt: return nlohmann::json(r.i);
      case Resolved::kUint: return nlohmann::json(r.u);
      case Resolved::kFloat: return nlohmann::json(r.f);
      case Resolved::kString:
      case Resolved::kTimestamp:  // yaml.v2 keeps timestamps as strings in interface{}
        return nlohmann::json(text);
    }
    return nlohmann::json(text);
  }

 private:
  // A "<<" merge key: the entries of a map (or of each map in a list) are
  // set into `object`, in order, as yaml.v2 does.
  absl::Status Merge(const YAML::Node& value, size_t depth, nlohmann::json* object) {
    auto merge_one = [&](const YAML::Node& map) -> absl::Status {
      if (!map.IsMap()) return absl::InvalidArgumentError("map merge requires map or sequence of maps as the value");
      VCP_ASSIGN_OR_RETURN(auto converted, Convert(map, depth + 1));
      for (auto& [key, element] : converted.items()) (*object)[key] = std::move(element);
      return absl::OkStatus();
    };
    if (value.IsSequence()) {
      for (const auto& map : value) VCP_RETURN_IF_ERROR(merge_one(map));
      return absl::OkStatus();
    }
    return merge_one(value);
  }

  const EncodeLimits& limits_;
  size_t nodes_left_;
};

// An upper bound of the values in JSON text: one per '[', ',' and ':'
// outside strings, plus the root.
size_t JsonValuesUpperBound(std::string_view text) {
  size_t count = 1;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == ',' || c == ':') {
      ++count;
    }
  }
  return count;
}

absl::Status CheckInput(std::string_view text, const EncodeLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::ResourceExhaustedError(
        Cat("input is ", FormatBytes(text.size()), ", more than ", FormatBytes(limits.max_bytes)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ToJson(const Value& value, JsonStyle style, const EncodeLimits& limits) {
  JsonWriter writer(style, limits);
  VCP_RETURN_IF_ERROR(writer.Write(value, 0));
  std::string out = std::move(writer).Take();
  if (out.size() > limits.max_bytes) return TooLong(limits.max_bytes);
  return out;
}

absl::StatusOr<std::string> ToYaml(const Value& value, const EncodeLimits& limits) {
  YamlWriter writer(limits);
  VCP_RETURN_IF_ERROR(writer.Node(value, 0, YamlWriter::Context::kRoot, 0));
  std::string out = std::move(writer).Take();
  if (out.size() > limits.max_bytes) return TooLong(limits.max_bytes);
  return std::string(absl::StripAsciiWhitespace(out));
}

absl::StatusOr<Value> ParseJsonValue(std::string_view text, const EncodeLimits& limits) {
  if (text.empty()) return Value::Owned(nlohmann::json::object(), NumberMode::kFloat64, GoType::kAnyMap);
  VCP_RETURN_IF_ERROR(CheckInput(text, limits));
  if (JsonValuesUpperBound(text) > limits.max_elements) {
    return absl::ResourceExhaustedError(Cat("more than ", limits.max_elements, " values"));
  }
  VCP_ASSIGN_OR_RETURN(nlohmann::json json, ParseUntrustedJson(text, limits.max_depth));
  const GoType type = json.is_array() ? GoType::kAnyList : GoType::kAnyMap;
  return Value::Owned(std::move(json), NumberMode::kFloat64, type);
}

absl::StatusOr<Value> ParseYamlValue(std::string_view text, const EncodeLimits& limits) {
  if (text.empty()) return Value::Owned(nlohmann::json::object(), NumberMode::kNative, GoType::kAnyMap);
  VCP_RETURN_IF_ERROR(CheckInput(text, limits));
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages name the problem, not the text; the text may be a secret.
    return absl::InvalidArgumentError(Cat("yaml: line ", e.mark.line + 1, ": ", Shorten(ToAbsl(e.msg), 80)));
  }
  YamlReader reader(limits);
  VCP_ASSIGN_OR_RETURN(nlohmann::json json, reader.Convert(root, 0));
  const GoType type = json.is_array() ? GoType::kAnyList : GoType::kAnyMap;
  return Value::Owned(std::move(json), NumberMode::kNative, type);
}

}  // namespace vcp::tmpl
