// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "functions.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <set>
#include <utility>

#include <openssl/sha.h>
#include <re2/re2.h>

#include "encode.h"
#include "go_fmt.h"
#include "go_strconv.h"
#include "lexer.h"
#include "str.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/encoding.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::tmpl {
namespace {

using Kind = Value::Kind;

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

FmtLimits Fmt(const Call& c) { return FmtLimits{c.limits->max_value_bytes, c.limits->max_data_depth}; }

EncodeLimits Enc(const Call& c) {
  return EncodeLimits{c.limits->max_value_bytes, c.limits->max_data_depth, c.limits->max_collection_elements};
}

// A string result, counted against the budget.
absl::StatusOr<Value> Text(Call& c, std::string text) {
  VCP_RETURN_IF_ERROR(c.CheckSize(text.size()));
  VCP_RETURN_IF_ERROR(c.budget->Bytes(text.size()));
  return Value::String(std::move(text));
}

// ------------------------------------------------------------ Unicode text

locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

// Go's unicode.IsSpace (the White_Space property).
bool IsGoSpace(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return r >= 0x2000 && r <= 0x200A;
  }
}

// strings.TrimSpace.
std::string_view TrimSpace(std::string_view s) {
  size_t start = 0;
  size_t end = 0;
  bool started = false;
  for (size_t i = 0; i < s.size();) {
    char32_t r;
    const auto width = static_cast<size_t>(DecodeRune(s, i, &r));
    if (!IsGoSpace(r)) {
      if (!started) start = i;
      started = true;
      end = i + width;
    }
    i += width;
  }
  return started ? s.substr(start, end - start) : std::string_view();
}

// strings.ToUpper / ToLower with Unicode's simple case mappings (the C
// library's C.UTF-8 tables; ASCII only without them). Invalid UTF-8 becomes
// U+FFFD, as in Go, unless the text is all ASCII.
std::string MapCase(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  const bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    for (char c : s) {
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      out.push_back(c);
    }
    return out;
  }
  const locale_t locale = Utf8Locale();
  for (size_t i = 0; i < s.size();) {
    char32_t r;
    i += static_cast<size_t>(DecodeRune(s, i, &r));
    if (locale != nullptr) {
      r = static_cast<char32_t>(upper ? towupper_l(static_cast<wint_t>(r), locale)
                                      : towlower_l(static_cast<wint_t>(r), locale));
    } else if (r < 0x80) {
      r = static_cast<char32_t>(upper ? (r >= 'a' && r <= 'z' ? r - 32 : r) : (r >= 'A' && r <= 'Z' ? r + 32 : r));
    }
    AppendRune(r, &out);
  }
  return out;
}

bool IsWordRune(char32_t r) { return r == '_' || r == '\'' || IsAlphaNumeric(r); }

// cases.Title(language.Und, cases.NoLower): the first letter of every word
// upper-cased, the rest kept. Words are runs of letters, digits, '_' and
// apostrophes.
std::string TitleCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_word = false;
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    char32_t r;
    i += static_cast<size_t>(DecodeRune(s, i, &r));
    const bool word = IsWordRune(r) && !(r == '\'' && !in_word);
    if (word && !in_word) {
      out += MapCase(s.substr(start, i - start), true);
    } else {
      out.append(s.substr(start, i - start));
    }
    in_word = word;
  }
  return out;
}

// ------------------------------------------------------------ comparisons

enum class BasicKind { kInvalid, kBool, kInt, kUint, kFloat, kString };

// text/template's basicKind; `valid` is false for nil and missing values.
BasicKind Basic(const Value& v) {
  switch (v.kind()) {
    case Kind::kBool: return BasicKind::kBool;
    case Kind::kInt: return v.type() == GoType::kUint8 ? BasicKind::kUint : BasicKind::kInt;
    case Kind::kFloat: return BasicKind::kFloat;
    case Kind::kString:
    case Kind::kNumber: return BasicKind::kString;
    default: return BasicKind::kInvalid;
  }
}

constexpr char kBadComparisonType[] = "invalid type for comparison";
constexpr char kBadComparison[] = "incompatible types for comparison";

absl::StatusOr<bool> Equal(const Value& a, const Value& b) {
  const BasicKind k1 = Basic(a);
  const BasicKind k2 = Basic(b);
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) return a.integer() >= 0 && a.integer() == b.integer();
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) return b.integer() >= 0 && a.integer() == b.integer();
    if (!a.is_absent() && !b.is_absent()) return Invalid(kBadComparison);
    return false;
  }
  switch (k1) {
    case BasicKind::kBool: return a.boolean() == b.boolean();
    case BasicKind::kInt:
    case BasicKind::kUint: return a.integer() == b.integer();
    case BasicKind::kFloat: return a.floating() == b.floating();
    case BasicKind::kString: return a.str() == b.str();
    case BasicKind::kInvalid: break;
  }
  if (a.is_absent() || b.is_absent()) return a.is_absent() && b.is_absent();
  return Invalid(Cat("non-comparable types ", GoTypeName(a.type()), " and ", GoTypeName(b.type())));
}

absl::StatusOr<bool> Less(const Value& a, const Value& b) {
  const BasicKind k1 = Basic(a);
  const BasicKind k2 = Basic(b);
  if (k1 == BasicKind::kInvalid) return a.is_absent() ? Invalid(AbsentMessage(a)) : Invalid(kBadComparisonType);
  if (k2 == BasicKind::kInvalid) return b.is_absent() ? Invalid(AbsentMessage(b)) : Invalid(kBadComparisonType);
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) return a.integer() < b.integer();
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) return b.integer() >= 0 && a.integer() < b.integer();
    return Invalid(kBadComparison);
  }
  switch (k1) {
    case BasicKind::kBool: return Invalid(kBadComparisonType);
    case BasicKind::kFloat: return a.floating() < b.floating();
    case BasicKind::kString: return a.str() < b.str();
    default: return a.integer() < b.integer();
  }
}

absl::StatusOr<Value> FnEq(Call& c) {
  if (c.args.size() < 2) return Invalid("missing argument for comparison");
  for (size_t i = 1; i < c.args.size(); ++i) {
    VCP_ASSIGN_OR_RETURN(bool equal, Equal(c.args[0], c.args[i]));
    if (equal) return Value::Bool(true);
  }
  return Value::Bool(false);
}

absl::StatusOr<Value> FnNe(Call& c) {
  VCP_ASSIGN_OR_RETURN(bool equal, Equal(c.args[0], c.args[1]));
  return Value::Bool(!equal);
}

absl::StatusOr<Value> FnLt(Call& c) {
  VCP_ASSIGN_OR_RETURN(bool less, Less(c.args[0], c.args[1]));
  return Value::Bool(less);
}

absl::StatusOr<Value> FnLe(Call& c) {
  VCP_ASSIGN_OR_RETURN(bool less, Less(c.args[0], c.args[1]));
  if (less) return Value::Bool(true);
  VCP_ASSIGN_OR_RETURN(bool equal, Equal(c.args[0], c.args[1]));
  return Value::Bool(equal);
}

absl::StatusOr<Value> FnGt(Call& c) {
  VCP_ASSIGN_OR_RETURN(Value le, FnLe(c));
  return Value::Bool(!le.boolean());
}

absl::StatusOr<Value> FnGe(Call& c) {
  VCP_ASSIGN_OR_RETURN(bool less, Less(c.args[0], c.args[1]));
  return Value::Bool(!less);
}

// ------------------------------------------------------------ Go built-ins

absl::StatusOr<Value> FnNot(Call& c) { return Value::Bool(!Truth(c.args[0])); }

absl::StatusOr<Value> FnLen(Call& c) {
  const Value& v = c.args[0];
  switch (v.kind()) {
    case Kind::kString:
    case Kind::kNumber: return Value::Int(static_cast<int64_t>(v.str().size()));
    case Kind::kList:
    case Kind::kMap: return Value::Int(static_cast<int64_t>(v.size()));
    case Kind::kMissing:
    case Kind::kNil: return Invalid(AbsentMessage(v));
    default: return Invalid(Cat("len of type ", GoTypeName(v.type())));
  }
}

// text/template's indexArg: an integer index below `size` (at most `size`
// when slicing).
absl::StatusOr<size_t> IndexArg(const Value& index, size_t size, bool slicing) {
  if (index.kind() != Kind::kInt) {
    if (index.is_absent()) return Invalid("cannot index slice/array with nil");
    return Invalid(Cat("cannot index slice/array with type ", GoTypeName(index.type())));
  }
  const int64_t x = index.integer();
  if (x < 0 || static_cast<uint64_t>(x) > size || (!slicing && static_cast<uint64_t>(x) == size)) {
    return Invalid(Cat("index out of range: ", x));
  }
  return static_cast<size_t>(x);
}

absl::StatusOr<Value> FnIndex(Call& c) {
  Value item = c.args[0];
  for (size_t k = 1; k < c.args.size(); ++k) {
    // A missing or nil value stays so: `index .Data "optional"` is safe.
    if (item.is_absent()) return item;
    const Value& index = c.args[k];
    switch (item.kind()) {
      case Kind::kList: {
        VCP_ASSIGN_OR_RETURN(size_t x, IndexArg(index, item.size(), false));
        item = item.At(x);
        break;
      }
      case Kind::kString:
      case Kind::kNumber: {
        VCP_ASSIGN_OR_RETURN(size_t x, IndexArg(index, item.str().size(), false));
        item = Value::Int(static_cast<unsigned char>(item.str()[x]), GoType::kUint8);
        break;
      }
      case Kind::kMap: {
        if (!index.is_stringish()) {
          if (index.is_absent()) return Invalid("value is nil; should be of type string");
          return Invalid(Cat("value has type ", GoTypeName(index.type()), "; should be string"));
        }
        const std::string_view name = c.literals[k];
        std::optional<Value> element = item.Get(index.str(), name);
        item = element.has_value() ? *std::move(element) : Value::Missing(name);
        break;
      }
      default: return Invalid(Cat("can't index item of type ", GoTypeName(item.type())));
    }
  }
  return item;
}

absl::StatusOr<Value> FnSlice(Call& c) {
  const Value& item = c.args[0];
  const size_t n = c.args.size() - 1;
  if (item.is_absent()) return Invalid(AbsentMessage(item));
  if (n > 3) return Invalid(Cat("too many slice indexes: ", n));
  size_t cap;
  if (item.is_stringish()) {
    if (n == 3) return Invalid("cannot 3-index slice a string");
    cap = item.str().size();
  } else if (item.kind() == Kind::kList) {
    cap = item.size();
  } else {
    return Invalid(Cat("can't slice item of type ", GoTypeName(item.type())));
  }
  size_t idx[3] = {0, cap, cap};
  for (size_t i = 0; i < n; ++i) {
    VCP_ASSIGN_OR_RETURN(idx[i], IndexArg(c.args[i + 1], cap, true));
  }
  if (idx[0] > idx[1]) return Invalid(Cat("invalid slice index: ", idx[0], " > ", idx[1]));
  if (n == 3 && idx[1] > idx[2]) return Invalid(Cat("invalid slice index: ", idx[1], " > ", idx[2]));
  if (item.kind() == Kind::kList) return item.Slice(idx[0], idx[1]);
  return Value::StringView(item.str().substr(idx[0], idx[1] - idx[0]), item.owner());
}

absl::StatusOr<Value> FnPrint(Call& c) {
  std::string out;
  VCP_RETURN_IF_ERROR(Sprint(c.args, Fmt(c), &out));
  return Text(c, std::move(out));
}

absl::StatusOr<Value> FnPrintln(Call& c) {
  std::string out;
  VCP_RETURN_IF_ERROR(Sprintln(c.args, Fmt(c), &out));
  return Text(c, std::move(out));
}

absl::StatusOr<Value> FnPrintf(Call& c) {
  std::string out;
  const std::vector<Value> rest(c.args.begin() + 1, c.args.end());
  VCP_RETURN_IF_ERROR(Sprintf(c.args[0].str(), rest, Fmt(c), &out));
  return Text(c, std::move(out));
}

// url.QueryEscape of fmt.Sprint(args...).
absl::StatusOr<Value> FnUrlQuery(Call& c) {
  std::string text;
  if (c.args.size() == 1 && c.args[0].kind() == Kind::kString) {
    text = std::string(c.args[0].str());
  } else {
    VCP_RETURN_IF_ERROR(Sprint(c.args, Fmt(c), &text));
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '_' ||
        b == '.' || b == '~') {
      out.push_back(ch);
    } else if (b == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return Text(c, std::move(out));
}

// ------------------------------------------------------------ consul-template

// consul-template's `in`: whether `v` is an element of list `l` or a
// substring of string `l`, comparing only values of the same kind.
bool In(const Value& l, const Value& v) {
  if (l.kind() == Kind::kList) {
    for (size_t i = 0; i < l.size(); ++i) {
      const Value e = l.At(i);
      if (e.kind() == Kind::kInt && e.type() != GoType::kUint8 && v.kind() == Kind::kInt &&
          v.type() != GoType::kUint8 && e.integer() == v.integer()) {
        return true;
      }
      if (e.kind() == Kind::kFloat && v.kind() == Kind::kFloat && e.floating() == v.floating()) return true;
      if (e.is_stringish() && e.type() == v.type() && e.str() == v.str()) return true;
    }
    return false;
  }
  if (l.is_stringish()) return v.type() == l.type() && l.str().find(v.str()) != std::string_view::npos;
  return false;
}

absl::StatusOr<Value> FnContains(Call& c) { return Value::Bool(In(c.args[1], c.args[0])); }

absl::StatusOr<Value> FnContainsAll(Call& c) {
  const Value& needles = c.args[0];
  for (size_t i = 0; needles.kind() == Kind::kList && i < needles.size(); ++i) {
    if (!In(c.args[1], needles.At(i))) return Value::Bool(false);
  }
  return Value::Bool(true);
}

absl::StatusOr<Value> FnContainsAny(Call& c) {
  const Value& needles = c.args[0];
  for (size_t i = 0; needles.kind() == Kind::kList && i < needles.size(); ++i) {
    if (In(c.args[1], needles.At(i))) return Value::Bool(true);
  }
  return Value::Bool(false);
}

// consul-template's indent: `spaces` spaces before every line that is not
// empty.
absl::StatusOr<Value> FnIndent(Call& c) {
  const int64_t spaces = c.args[0].integer();
  const std::string_view s = c.args[1].str();
  if (spaces < 0) return Invalid("indent value must be a positive integer");
  size_t lines = 0;
  bool at_start = true;
  for (char ch : s) {
    if (at_start && ch != '\n') ++lines;
    at_start = ch == '\n';
  }
  const uint64_t size = s.size() + static_cast<uint64_t>(spaces) * lines;
  if (lines > 0 && static_cast<uint64_t>(spaces) > c.limits->max_value_bytes) return c.CheckSize(SIZE_MAX);
  VCP_RETURN_IF_ERROR(c.CheckSize(size));
  std::string out;
  out.reserve(size);
  const std::string pad(static_cast<size_t>(spaces), ' ');
  at_start = true;
  for (char ch : s) {
    if (at_start && ch != '\n') out += pad;
    out.push_back(ch);
    at_start = ch == '\n';
  }
  return Text(c, std::move(out));
}

// Sprig's nindent: a newline, then `spaces` spaces before every line.
absl::StatusOr<Value> FnNindent(Call& c) {
  const int64_t spaces = c.args[0].integer();
  const std::string_view s = c.args[1].str();
  if (spaces < 0) return Invalid("strings: negative Repeat count");
  const size_t lines = 1 + static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  if (static_cast<uint64_t>(spaces) > c.limits->max_value_bytes) return c.CheckSize(SIZE_MAX);
  VCP_RETURN_IF_ERROR(c.CheckSize(1 + s.size() + static_cast<uint64_t>(spaces) * lines));
  const std::string pad(static_cast<size_t>(spaces), ' ');
  std::string out = "\n" + pad;
  for (char ch : s) {
    out.push_back(ch);
    if (ch == '\n') out += pad;
  }
  return Text(c, std::move(out));
}

absl::StatusOr<Value> FnJoin(Call& c) {
  const std::string_view sep = c.args[0].str();
  const Value& list = c.args[1];
  std::string out;
  for (size_t i = 0; list.kind() == Kind::kList && i < list.size(); ++i) {
    if (i > 0) out += sep;
    out += list.At(i).str();
    VCP_RETURN_IF_ERROR(c.CheckSize(out.size()));
  }
  return Text(c, std::move(out));
}

// strings.Split: by `sep`, or into UTF-8 sequences when `sep` is empty.
absl::StatusOr<nlohmann::json> SplitString(Call& c, std::string_view s, std::string_view sep) {
  nlohmann::json parts = nlohmann::json::array();
  auto add = [&](std::string_view part) -> absl::Status {
    if (parts.size() >= c.limits->max_collection_elements) {
      return absl::ResourceExhaustedError(
          Cat("split makes more than ", c.limits->max_collection_elements, " elements"));
    }
    parts.push_back(std::string(part));
    return absl::OkStatus();
  };
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      char32_t r;
      const auto width = static_cast<size_t>(DecodeRune(s, i, &r));
      VCP_RETURN_IF_ERROR(add(s.substr(i, width)));
      i += width;
    }
    return parts;
  }
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    if (at == std::string_view::npos) break;
    VCP_RETURN_IF_ERROR(add(s.substr(start, at - start)));
    start = at + sep.size();
  }
  VCP_RETURN_IF_ERROR(add(s.substr(start)));
  return parts;
}

absl::StatusOr<Value> FnSplit(Call& c) {
  const std::string_view s = TrimSpace(c.args[1].str());
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size()));
  if (s.empty()) return Value::Owned(nlohmann::json::array(), NumberMode::kJsonNumber, GoType::kStringList);
  VCP_ASSIGN_OR_RETURN(nlohmann::json parts, SplitString(c, s, c.args[0].str()));
  VCP_RETURN_IF_ERROR(c.budget->Step(parts.size()));
  return Value::Owned(std::move(parts), NumberMode::kJsonNumber, GoType::kStringList);
}

absl::StatusOr<Value> FnSplitToMap(Call& c) {
  const std::string_view s = TrimSpace(c.args[2].str());
  const std::string_view sep2 = c.args[1].str();
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size()));
  nlohmann::json map = nlohmann::json::object();
  if (!s.empty()) {
    VCP_ASSIGN_OR_RETURN(nlohmann::json parts, SplitString(c, s, c.args[0].str()));
    VCP_RETURN_IF_ERROR(c.budget->Step(parts.size()));
    for (const auto& part : parts) {
      const std::string& text = part.get_ref<const std::string&>();
      const size_t at = text.find(sep2);
      if (at == std::string::npos) continue;
      map[text.substr(0, at)] = text.substr(at + sep2.size());
    }
  }
  return Value::Owned(std::move(map), NumberMode::kJsonNumber, GoType::kStringMap);
}

absl::StatusOr<Value> FnTrimSpace(Call& c) { return Value::StringView(TrimSpace(c.args[0].str()), c.args[0].owner()); }

// strings.Trim(s, cutset): runes of `cutset` removed from both ends.
absl::StatusOr<Value> FnTrim(Call& c) {
  const std::string_view cutset = c.args[0].str();
  const std::string_view s = c.args[1].str();
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size() + cutset.size()));
  std::set<char32_t> cut;
  for (size_t i = 0; i < cutset.size();) {
    char32_t r;
    i += static_cast<size_t>(DecodeRune(cutset, i, &r));
    cut.insert(r);
  }
  std::vector<size_t> starts;  // rune boundaries
  for (size_t i = 0; i < s.size();) {
    starts.push_back(i);
    char32_t r;
    i += static_cast<size_t>(DecodeRune(s, i, &r));
  }
  starts.push_back(s.size());
  size_t lo = 0;
  size_t hi = starts.size() - 1;
  auto rune_at = [&](size_t k) {
    char32_t r;
    DecodeRune(s, starts[k], &r);
    return r;
  };
  while (lo < hi && cut.count(rune_at(lo)) > 0) ++lo;
  while (hi > lo && cut.count(rune_at(hi - 1)) > 0) --hi;
  return Value::StringView(s.substr(starts[lo], starts[hi] - starts[lo]), c.args[1].owner());
}

absl::StatusOr<Value> FnTrimPrefix(Call& c) {
  std::string_view s = c.args[1].str();
  if (s.substr(0, c.args[0].str().size()) == c.args[0].str()) s.remove_prefix(c.args[0].str().size());
  return Value::StringView(s, c.args[1].owner());
}

absl::StatusOr<Value> FnTrimSuffix(Call& c) {
  std::string_view s = c.args[1].str();
  const std::string_view suffix = c.args[0].str();
  if (s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix) s.remove_suffix(suffix.size());
  return Value::StringView(s, c.args[1].owner());
}

// strings.Replace(s, from, to, -1), sized before it is built.
absl::StatusOr<Value> ReplaceAll(Call& c, std::string_view from, std::string_view to, std::string_view s) {
  size_t count = 0;
  if (from.empty()) {
    for (size_t i = 0; i < s.size();) {
      char32_t r;
      i += static_cast<size_t>(DecodeRune(s, i, &r));
      ++count;
    }
    ++count;
  } else {
    for (size_t at = s.find(from); at != std::string_view::npos; at = s.find(from, at + from.size())) ++count;
  }
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size()));
  const double size =
      static_cast<double>(s.size()) + static_cast<double>(count) * to.size() - static_cast<double>(count) * from.size();
  VCP_RETURN_IF_ERROR(c.CheckSize(size > static_cast<double>(SIZE_MAX / 2) ? SIZE_MAX : static_cast<size_t>(size)));
  std::string out;
  out.reserve(static_cast<size_t>(size));
  if (from.empty()) {
    out += to;
    for (size_t i = 0; i < s.size();) {
      char32_t r;
      const auto width = static_cast<size_t>(DecodeRune(s, i, &r));
      out += s.substr(i, width);
      out += to;
      i += width;
    }
  } else {
    size_t start = 0;
    for (size_t at = s.find(from); at != std::string_view::npos; at = s.find(from, start)) {
      out += s.substr(start, at - start);
      out += to;
      start = at + from.size();
    }
    out += s.substr(start);
  }
  return Text(c, std::move(out));
}

absl::StatusOr<Value> FnReplaceAll(Call& c) { return ReplaceAll(c, c.args[0].str(), c.args[1].str(), c.args[2].str()); }

// RE2's reason for refusing a pattern, without the pattern (which may come
// from a secret).
std::string_view RegexError(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "invalid regular expression";
  }
}

absl::StatusOr<std::shared_ptr<const RE2>> Compile(Call& c, std::string_view pattern) {
  if (pattern.size() > c.limits->max_regex_bytes) {
    return Invalid(Cat("regular expression is ", FormatBytes(pattern.size()), ", more than ",
                       FormatBytes(c.limits->max_regex_bytes)));
  }
  if (auto it = c.regexes->find(pattern); it != c.regexes->end()) return it->second;
  VCP_RETURN_IF_ERROR(c.budget->Step(1 + pattern.size()));
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(4 << 20);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return Invalid(Cat("error parsing regexp: ", RegexError(re->error_code())));
  if (c.regexes->size() < 64) c.regexes->emplace(std::string(pattern), re);
  return re;
}

absl::StatusOr<Value> FnRegexMatch(Call& c) {
  VCP_ASSIGN_OR_RETURN(auto re, Compile(c, c.args[0].str()));
  const std::string_view s = c.args[1].str();
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size() * (1 + c.args[0].str().size() / 64)));
  return Value::Bool(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re));
}

// regexp's Expand: $1, ${1}, $name, ${name} and $$ in `tmpl` for one match.
void Expand(std::string_view tmpl, const RE2& re, const std::vector<re2::StringPiece>& groups, std::string* out) {
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    // extract: a name of letters, digits and '_', optionally in braces.
    std::string_view str = tmpl;
    const bool brace = !str.empty() && str[0] == '{';
    if (brace) str.remove_prefix(1);
    size_t i = 0;
    while (i < str.size()) {
      char32_t r;
      const int width = DecodeRune(str, i, &r);
      if (!(r == '_' || IsAlphaNumeric(r))) break;
      i += static_cast<size_t>(width);
    }
    if (i == 0 || (brace && (i >= str.size() || str[i] != '}'))) {
      out->push_back('$');  // malformed: the '$' is text
      continue;
    }
    const std::string_view name = str.substr(0, i);
    tmpl = str.substr(i + (brace ? 1 : 0));
    int num = 0;
    for (char d : name) {
      if (d < '0' || d > '9' || num >= 100'000'000) {
        num = -1;
        break;
      }
      num = num * 10 + (d - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num < 0) {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(std::string(name));
      if (it != names.end()) num = it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() && groups[static_cast<size_t>(num)].data() != nullptr) {
      const re2::StringPiece& g = groups[static_cast<size_t>(num)];
      out->append(g.data(), g.size());
    }
  }
  out->append(tmpl);
}

// regexp.ReplaceAllString: non-overlapping matches left to right; an empty
// match right after a match is not replaced.
absl::StatusOr<Value> FnRegexReplaceAll(Call& c) {
  VCP_ASSIGN_OR_RETURN(auto re, Compile(c, c.args[0].str()));
  const std::string_view repl = c.args[1].str();
  const std::string_view s = c.args[2].str();
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size() * (1 + c.args[0].str().size() / 64)));
  const re2::StringPiece text(s.data(), s.size());
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re->NumberOfCapturingGroups()) + 1);
  std::string out;
  size_t last_match_end = 0;
  size_t search = 0;
  while (search <= s.size()) {
    if (!re->Match(text, search, s.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) break;
    VCP_RETURN_IF_ERROR(c.budget->Step());
    const size_t a0 = static_cast<size_t>(groups[0].data() - s.data());
    const size_t a1 = a0 + groups[0].size();
    out.append(s.substr(last_match_end, a0 - last_match_end));
    if (a1 > last_match_end || a0 == 0) Expand(repl, *re, groups, &out);
    VCP_RETURN_IF_ERROR(c.CheckSize(out.size()));
    last_match_end = a1;
    size_t width = 0;
    if (search < s.size()) {
      char32_t r;
      width = static_cast<size_t>(DecodeRune(s, search, &r));
    }
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  out.append(s.substr(std::min(last_match_end, s.size())));
  return Text(c, std::move(out));
}

absl::StatusOr<Value> FnToLower(Call& c) { return Text(c, MapCase(c.args[0].str(), false)); }
absl::StatusOr<Value> FnToUpper(Call& c) { return Text(c, MapCase(c.args[0].str(), true)); }
absl::StatusOr<Value> FnToTitle(Call& c) { return Text(c, TitleCase(c.args[0].str())); }

absl::StatusOr<Value> Json(Call& c, JsonStyle style) {
  VCP_ASSIGN_OR_RETURN(std::string text, ToJson(c.args[0], style, Enc(c)));
  return Text(c, std::move(text));
}

absl::StatusOr<Value> FnToJson(Call& c) { return Json(c, {.escape_html = true, .indent = false}); }
absl::StatusOr<Value> FnToJsonPretty(Call& c) { return Json(c, {.escape_html = true, .indent = true}); }
absl::StatusOr<Value> FnToUnescapedJson(Call& c) { return Json(c, {.escape_html = false, .indent = false}); }
absl::StatusOr<Value> FnToUnescapedJsonPretty(Call& c) { return Json(c, {.escape_html = false, .indent = true}); }

absl::StatusOr<Value> FnToYaml(Call& c) {
  VCP_ASSIGN_OR_RETURN(std::string text, ToYaml(c.args[0], Enc(c)));
  return Text(c, std::move(text));
}

absl::StatusOr<Value> FnParseJson(Call& c) {
  VCP_RETURN_IF_ERROR(c.budget->Bytes(c.args[0].str().size()));
  return ParseJsonValue(c.args[0].str(), Enc(c));
}

absl::StatusOr<Value> FnParseYaml(Call& c) {
  VCP_RETURN_IF_ERROR(c.budget->Bytes(c.args[0].str().size()));
  return ParseYamlValue(c.args[0].str(), Enc(c));
}

// The strconv error text without the input (which may be a secret).
std::string_view NumErrorText(NumError error) {
  return error == NumError::kRange ? "value out of range" : "invalid syntax";
}

absl::StatusOr<Value> FnParseBool(Call& c) {
  const std::string_view s = c.args[0].str();
  if (s.empty()) return Value::Bool(false);
  for (auto t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return Value::Bool(true);
  }
  for (auto f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return Value::Bool(false);
  }
  return Invalid("parseBool: invalid syntax");
}

absl::StatusOr<Value> FnParseInt(Call& c) {
  const std::string_view s = c.args[0].str();
  if (s.empty()) return Value::Int(0, GoType::kInt64);
  int64_t value;
  const NumError error = ParseInt(s, 10, &value);
  if (error != NumError::kOk) return Invalid(Cat("parseInt: ", NumErrorText(error)));
  return Value::Int(value, GoType::kInt64);
}

absl::StatusOr<Value> FnParseFloat(Call& c) {
  const std::string_view s = c.args[0].str();
  if (s.empty()) return Value::Float(0);
  double value;
  const NumError error = ParseFloat(s, &value);
  if (error != NumError::kOk) return Invalid(Cat("parseFloat: ", NumErrorText(error)));
  return Value::Float(value);
}

absl::StatusOr<Value> FnSha256Hex(Call& c) {
  const std::string_view s = c.args[0].str();
  VCP_RETURN_IF_ERROR(c.budget->Bytes(s.size()));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return Value::String(std::move(out));
}

absl::StatusOr<Value> FnBase64Encode(Call& c) { return Text(c, EncodeBase64Std(c.args[0].str())); }
absl::StatusOr<Value> FnBase64UrlEncode(Call& c) { return Text(c, EncodeBase64Url(c.args[0].str())); }

absl::StatusOr<Value> FnBase64Decode(Call& c) {
  VCP_RETURN_IF_ERROR(c.budget->Bytes(c.args[0].str().size()));
  VCP_ASSIGN_OR_RETURN(std::string bytes, DecodeBase64Std(c.args[0].str()));
  return Value::String(std::move(bytes));
}

// base64.URLEncoding: the standard decoder over the URL alphabet.
absl::StatusOr<Value> FnBase64UrlDecode(Call& c) {
  std::string text(c.args[0].str());
  VCP_RETURN_IF_ERROR(c.budget->Bytes(text.size()));
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' || text[i] == '/') return Invalid(Cat("illegal base64 data at input byte ", i));
    if (text[i] == '-') text[i] = '+';
    if (text[i] == '_') text[i] = '/';
  }
  VCP_ASSIGN_OR_RETURN(std::string bytes, DecodeBase64Std(text));
  return Value::String(std::move(bytes));
}

// ------------------------------------------------------------ Sprig

absl::StatusOr<Value> FnDefault(Call& c) {
  if (c.args.size() < 2 || Empty(c.args[1])) return c.args[0];
  return c.args[1];
}

absl::StatusOr<Value> FnEmpty(Call& c) { return Value::Bool(Empty(c.args[0])); }

absl::StatusOr<Value> FnCoalesce(Call& c) {
  for (const Value& v : c.args) {
    if (!Empty(v)) return v;
  }
  return Value::Nil();
}

// Sprig's strval: strings as they are, anything else as %v prints it.
absl::StatusOr<std::string> StrVal(const Call& c, const Value& v) {
  if (v.is_stringish()) return std::string(v.str());
  std::string out;
  VCP_RETURN_IF_ERROR(AppendPrint(v, Fmt(c), &out));
  return out;
}

absl::StatusOr<Value> Quoted(Call& c, bool single) {
  std::string out;
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (i > 0) out += ' ';
    VCP_ASSIGN_OR_RETURN(std::string text, StrVal(c, c.args[i]));
    out += single ? Cat("'", text, "'") : Quote(text);
    VCP_RETURN_IF_ERROR(c.CheckSize(out.size()));
  }
  return Text(c, std::move(out));
}

absl::StatusOr<Value> FnQuote(Call& c) { return Quoted(c, false); }
absl::StatusOr<Value> FnSquote(Call& c) { return Quoted(c, true); }

absl::StatusOr<Value> FnReplace(Call& c) { return ReplaceAll(c, c.args[0].str(), c.args[1].str(), c.args[2].str()); }

absl::StatusOr<Value> FnHasPrefix(Call& c) {
  const std::string_view s = c.args[1].str();
  return Value::Bool(s.substr(0, c.args[0].str().size()) == c.args[0].str());
}

absl::StatusOr<Value> FnHasSuffix(Call& c) {
  const std::string_view s = c.args[1].str();
  const std::string_view suffix = c.args[0].str();
  return Value::Bool(s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix);
}

// ------------------------------------------------------------ the table

using P = Param;

std::vector<FunctionDef> MakeFunctions() {
  auto fn = [](std::string_view name, std::vector<Param> params, FunctionImpl impl) {
    FunctionDef def;
    def.name = name;
    def.params = std::move(params);
    def.impl = impl;
    return def;
  };
  auto variadic = [](FunctionDef def, Param param) {
    def.variadic = true;
    def.variadic_param = param;
    return def;
  };
  auto lenient = [](FunctionDef def) {
    def.absent = FunctionDef::Absent::kAccept;
    return def;
  };
  auto printing = [](FunctionDef def) {
    def.absent = FunctionDef::Absent::kRefuse;
    return def;
  };
  auto special = [&](std::string_view name, FunctionDef::Special kind, std::vector<Param> params, Param rest) {
    FunctionDef def = variadic(fn(name, std::move(params), nullptr), rest);
    def.special = kind;
    def.absent = kind == FunctionDef::Special::kSecret ? FunctionDef::Absent::kRefuse : FunctionDef::Absent::kAccept;
    return def;
  };
  return {
      // Go's built-ins.
      special("and", FunctionDef::Special::kAnd, {P::kValue}, P::kValue),
      special("or", FunctionDef::Special::kOr, {P::kValue}, P::kValue),
      lenient(fn("not", {P::kValue}, FnNot)),
      fn("len", {P::kValue}, FnLen),
      lenient(variadic(fn("index", {P::kValue}, FnIndex), P::kValue)),
      variadic(fn("slice", {P::kValue}, FnSlice), P::kValue),
      printing(variadic(fn("print", {}, FnPrint), P::kValue)),
      printing(variadic(fn("printf", {P::kString}, FnPrintf), P::kValue)),
      printing(variadic(fn("println", {}, FnPrintln), P::kValue)),
      printing(variadic(fn("urlquery", {}, FnUrlQuery), P::kValue)),
      lenient(variadic(fn("eq", {P::kValue}, FnEq), P::kValue)),
      lenient(fn("ne", {P::kValue, P::kValue}, FnNe)),
      fn("lt", {P::kValue, P::kValue}, FnLt),
      fn("le", {P::kValue, P::kValue}, FnLe),
      fn("gt", {P::kValue, P::kValue}, FnGt),
      fn("ge", {P::kValue, P::kValue}, FnGe),
      // Vault Agent's (consul-template's).
      special("secret", FunctionDef::Special::kSecret, {}, P::kString),
      fn("base64Decode", {P::kString}, FnBase64Decode),
      fn("base64Encode", {P::kString}, FnBase64Encode),
      fn("base64URLDecode", {P::kString}, FnBase64UrlDecode),
      fn("base64URLEncode", {P::kString}, FnBase64UrlEncode),
      fn("contains", {P::kValue, P::kValue}, FnContains),
      fn("containsAll", {P::kList, P::kValue}, FnContainsAll),
      fn("containsAny", {P::kList, P::kValue}, FnContainsAny),
      fn("indent", {P::kInt, P::kString}, FnIndent),
      fn("join", {P::kString, P::kStringList}, FnJoin),
      fn("split", {P::kString, P::kString}, FnSplit),
      fn("splitToMap", {P::kString, P::kString, P::kString}, FnSplitToMap),
      fn("trimSpace", {P::kString}, FnTrimSpace),
      fn("trim", {P::kString, P::kString}, FnTrim),
      fn("trimPrefix", {P::kString, P::kString}, FnTrimPrefix),
      fn("trimSuffix", {P::kString, P::kString}, FnTrimSuffix),
      fn("replaceAll", {P::kString, P::kString, P::kString}, FnReplaceAll),
      fn("regexMatch", {P::kString, P::kString}, FnRegexMatch),
      fn("regexReplaceAll", {P::kString, P::kString, P::kString}, FnRegexReplaceAll),
      fn("toLower", {P::kString}, FnToLower),
      fn("toUpper", {P::kString}, FnToUpper),
      fn("toTitle", {P::kString}, FnToTitle),
      fn("toJSON", {P::kValue}, FnToJson),
      fn("toJSONPretty", {P::kValue}, FnToJsonPretty),
      fn("toUnescapedJSON", {P::kValue}, FnToUnescapedJson),
      fn("toUnescapedJSONPretty", {P::kValue}, FnToUnescapedJsonPretty),
      fn("toYAML", {P::kValue}, FnToYaml),
      fn("parseJSON", {P::kString}, FnParseJson),
      fn("parseYAML", {P::kString}, FnParseYaml),
      fn("parseBool", {P::kString}, FnParseBool),
      fn("parseInt", {P::kString}, FnParseInt),
      fn("parseFloat", {P::kString}, FnParseFloat),
      fn("sha256Hex", {P::kString}, FnSha256Hex),
      // Sprig's.
      lenient(variadic(fn("default", {P::kValue}, FnDefault), P::kValue)),
      lenient(fn("empty", {P::kValue}, FnEmpty)),
      lenient(variadic(fn("coalesce", {}, FnCoalesce), P::kValue)),
      printing(variadic(fn("quote", {}, FnQuote), P::kValue)),
      printing(variadic(fn("squote", {}, FnSquote), P::kValue)),
      fn("nindent", {P::kInt, P::kString}, FnNindent),
      fn("b64enc", {P::kString}, FnBase64Encode),
      fn("b64dec", {P::kString}, FnBase64Decode),
      fn("upper", {P::kString}, FnToUpper),
      fn("lower", {P::kString}, FnToLower),
      fn("replace", {P::kString, P::kString, P::kString}, FnReplace),
      fn("hasPrefix", {P::kString, P::kString}, FnHasPrefix),
      fn("hasSuffix", {P::kString, P::kString}, FnHasSuffix),
  };
}

}  // namespace

absl::Status Budget::Step(uint64_t n) {
  if (n > left_) {
    left_ = 0;
    return absl::ResourceExhaustedError(
        Cat("the template needs more than ", limit_, " steps of work (a range over large data, or large values?)"));
  }
  left_ -= n;
  return absl::OkStatus();
}

absl::Status Call::CheckSize(size_t bytes) const {
  if (bytes <= limits->max_value_bytes) return absl::OkStatus();
  return absl::ResourceExhaustedError(Cat("the result would exceed ", FormatBytes(limits->max_value_bytes)));
}

const FunctionDef* FindFunction(std::string_view name) {
  static const std::vector<FunctionDef>* const kFunctions = new std::vector<FunctionDef>(MakeFunctions());
  for (const FunctionDef& def : *kFunctions) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

std::optional<std::string_view> RefusalReason(std::string_view name) {
  static constexpr struct {
    std::string_view name;
    std::string_view reason;
  } kRefused[] = {
      {"env", "it reads the provider's environment"},
      {"envOrDefault", "it reads the provider's environment"},
      {"mustEnv", "it reads the provider's environment"},
      {"file", "it reads files on the node"},
      {"writeToFile", "it writes files on the node"},
      {"executeTemplate", "it runs named templates, and {{define}} is not supported"},
      {"plugin", "it runs programs on the node"},
      {"sockaddr", "it reads the node's network addresses"},
      {"timestamp", "it reads the clock (and would change the file at every render)"},
      {"key", "it reads Consul's KV store"},
      {"keyOrDefault", "it reads Consul's KV store"},
      {"keyExists", "it reads Consul's KV store"},
      {"ls", "it reads Consul's KV store"},
      {"safeLs", "it reads Consul's KV store"},
      {"tree", "it reads Consul's KV store"},
      {"safeTree", "it reads Consul's KV store"},
      {"service", "it reads Consul's catalog"},
      {"services", "it reads Consul's catalog"},
      {"connect", "it reads Consul's catalog"},
      {"node", "it reads Consul's catalog"},
      {"nodes", "it reads Consul's catalog"},
      {"datacenters", "it reads Consul's catalog"},
      {"caLeaf", "it reads Consul Connect certificates"},
      {"caRoots", "it reads Consul Connect certificates"},
      {"pkiCert", "it keeps certificates in files on the node; issue them with secret \"pki/issue/ROLE\" instead"},
      {"secrets", "it lists Vault paths; name each secret with secret \"PATH\""},
  };
  for (const auto& refused : kRefused) {
    if (refused.name == name) return refused.reason;
  }
  return std::nullopt;
}

}  // namespace vcp::tmpl
