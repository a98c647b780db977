// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "go_strconv.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "lexer.h"

namespace vcp::tmpl {
namespace {

char Lower(char c) { return static_cast<char>(c | 0x20); }

// Go's strconv.underscoreOK: underscores only between digits (or after a
// base prefix).
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Length of the common prefix of `s` and `prefix`, ignoring ASCII case.
size_t CommonPrefixIgnoreCase(std::string_view s, std::string_view prefix) {
  size_t n = 0;
  while (n < s.size() && n < prefix.size() && Lower(s[n]) == prefix[n]) ++n;
  return n;
}

// Go's readFloat, syntax only: whether all of `s` is a float.
bool IsFloatSyntax(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool hex = false;
  if (i + 2 <= s.size() && s[i] == '0' && Lower(s[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool saw_dot = false;
  bool saw_digits = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') continue;
    if (c == '.') {
      if (saw_dot) return false;
      saw_dot = true;
      continue;
    }
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw_digits = true;
      continue;
    }
    break;
  }
  if (!saw_digits) return false;
  if (i < s.size() && Lower(s[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    bool exp_digits = false;
    for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); ++i) exp_digits |= s[i] != '_';
    if (!exp_digits) return false;
  } else if (hex) {
    return false;  // a hexadecimal mantissa needs a 'p' exponent
  }
  return i == s.size();
}

locale_t CLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return locale;
}

locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (Lower(c) >= 'a' && Lower(c) <= 'f') return Lower(c) - 'a' + 10;
  return -1;
}

// Go's strconv.UnquoteChar for the text at s[*i]; appends the character to
// `out`. False on bad syntax.
bool UnquoteChar(std::string_view s, size_t* i, char quote, std::string* out) {
  const char c = s[*i];
  if (c == quote || c == '\n') return false;
  if (static_cast<unsigned char>(c) >= 0x80) {
    char32_t r;
    *i += DecodeRune(s, *i, &r);
    AppendRune(r, out);
    return true;
  }
  if (c != '\\') {
    out->push_back(c);
    ++*i;
    return true;
  }
  if (*i + 1 >= s.size()) return false;
  const char e = s[*i + 1];
  *i += 2;
  switch (e) {
    case 'a': out->push_back('\a'); return true;
    case 'b': out->push_back('\b'); return true;
    case 'f': out->push_back('\f'); return true;
    case 'n': out->push_back('\n'); return true;
    case 'r': out->push_back('\r'); return true;
    case 't': out->push_back('\t'); return true;
    case 'v': out->push_back('\v'); return true;
    case '\\': out->push_back('\\'); return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      out->push_back(e);
      return true;
    case 'x':
    case 'u':
    case 'U': {
      const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (*i + n > s.size()) return false;
      uint32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        const int x = Unhex(s[*i + j]);
        if (x < 0) return false;
        v = (v << 4) | static_cast<uint32_t>(x);
      }
      *i += n;
      if (e == 'x') {
        out->push_back(static_cast<char>(v));  // a single byte, possibly not UTF-8
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
      AppendRune(v, out);
      return true;
    }
    default:
      if (e < '0' || e > '7') return false;
      if (*i + 2 > s.size()) return false;
      uint32_t v = static_cast<uint32_t>(e - '0');
      for (size_t j = 0; j < 2; ++j) {
        const char d = s[*i + j];
        if (d < '0' || d > '7') return false;
        v = (v << 3) | static_cast<uint32_t>(d - '0');
      }
      *i += 2;
      if (v > 255) return false;
      out->push_back(static_cast<char>(v));
      return true;
  }
}

void AppendHex(uint32_t v, int digits, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 15]);
}

// Go's appendEscapedRune (ASCIIonly and graphicOnly false).
void AppendEscapedRune(char32_t r, char quote, std::string* out) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    AppendRune(r, out);
    return;
  }
  if (IsPrint(r)) {
    AppendRune(r, out);
    return;
  }
  switch (r) {
    case '\a': *out += "\\a"; return;
    case '\b': *out += "\\b"; return;
    case '\f': *out += "\\f"; return;
    case '\n': *out += "\\n"; return;
    case '\r': *out += "\\r"; return;
    case '\t': *out += "\\t"; return;
    case '\v': *out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7f) {
    *out += "\\x";
    AppendHex(r, 2, out);
  } else if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
    *out += "\\ufffd";
  } else if (r < 0x10000) {
    *out += "\\u";
    AppendHex(r, 4, out);
  } else {
    *out += "\\U";
    AppendHex(r, 8, out);
  }
}

// The decimal digits of a float: digits d[0..nd) with the decimal point
// after dp of them (Go's decimalSlice), trailing zeros trimmed.
struct Digits {
  std::string d;
  int dp = 0;
};

// Parses to_chars' scientific output "d[.ddd]e±XX".
Digits FromScientific(std::string_view text) {
  Digits digits;
  const size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.d.push_back(c);
  }
  int exp = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+' ? 1 : 0), text.data() + text.size(), exp);
  digits.dp = exp + 1;
  while (!digits.d.empty() && digits.d.back() == '0') digits.d.pop_back();
  if (digits.d.empty()) digits.dp = 0;
  return digits;
}

// Digits of `f` (> 0 or 0) rounded to `significant` digits (0: shortest).
Digits SignificantDigits(double f, int significant) {
  std::string buf(static_cast<size_t>(std::max(significant, 0)) + 40, '\0');
  char* const first = buf.data();
  char* const last = first + buf.size();
  const std::to_chars_result result =
      significant <= 0 ? std::to_chars(first, last, f, std::chars_format::scientific)
                       : std::to_chars(first, last, f, std::chars_format::scientific, significant - 1);
  return FromScientific(std::string_view(first, static_cast<size_t>(result.ptr - first)));
}

// Digits of `f` (>= 0) rounded to `decimals` places after the point.
Digits FixedDigits(double f, int decimals) {
  std::string buf(400 + static_cast<size_t>(decimals), '\0');
  auto result = std::to_chars(buf.data(), buf.data() + buf.size(), f, std::chars_format::fixed, decimals);
  const std::string_view text(buf.data(), static_cast<size_t>(result.ptr - buf.data()));
  Digits digits;
  const size_t dot = text.find('.');
  const std::string_view integer = text.substr(0, dot);
  digits.dp = static_cast<int>(integer.size());
  for (char c : text) {
    if (c != '.') digits.d.push_back(c);
  }
  // Drop leading zeros, moving the point with them.
  size_t lead = 0;
  while (lead < digits.d.size() && digits.d[lead] == '0') ++lead;
  digits.d.erase(0, lead);
  digits.dp -= static_cast<int>(lead);
  while (!digits.d.empty() && digits.d.back() == '0') digits.d.pop_back();
  if (digits.d.empty()) digits.dp = 0;
  return digits;
}

std::string FormatE(bool neg, const Digits& d, int prec, char fmt) {
  std::string out;
  if (neg) out.push_back('-');
  const int nd = static_cast<int>(d.d.size());
  out.push_back(nd != 0 ? d.d[0] : '0');
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    const int m = std::min(nd, prec + 1);
    if (i < m) {
      out.append(d.d, static_cast<size_t>(i), static_cast<size_t>(m - i));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = nd == 0 ? 0 : d.dp - 1;
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
  return out;
}

std::string FormatF(bool neg, const Digits& d, int prec) {
  std::string out;
  if (neg) out.push_back('-');
  const int nd = static_cast<int>(d.d.size());
  if (d.dp > 0) {
    int m = std::min(nd, d.dp);
    out.append(d.d, 0, static_cast<size_t>(m));
    for (; m < d.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      const int j = d.dp + i - 1;
      out.push_back(j >= 0 && j < nd ? d.d[static_cast<size_t>(j)] : '0');
    }
  }
  return out;
}

}  // namespace

NumError ParseUint(std::string_view s, int base, uint64_t* out) {
  *out = 0;
  if (s.empty()) return NumError::kSyntax;
  const bool base0 = base == 0;
  const std::string_view s0 = s;
  if (base0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && Lower(s[1]) == 'b') {
        base = 2, s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
        base = 8, s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
        base = 16, s.remove_prefix(2);
      } else {
        base = 8, s.remove_prefix(1);
      }
    }
  }
  bool underscores = false;
  uint64_t n = 0;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    }
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = Lower(c) - 'a' + 10;
    } else {
      return NumError::kSyntax;
    }
    if (d >= base) return NumError::kSyntax;
    if (n > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      *out = std::numeric_limits<uint64_t>::max();
      return NumError::kRange;
    }
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (underscores && !UnderscoreOk(s0)) return NumError::kSyntax;
  *out = n;
  return NumError::kOk;
}

NumError ParseInt(std::string_view s, int base, int64_t* out) {
  *out = 0;
  if (s.empty()) return NumError::kSyntax;
  bool neg = false;
  if (s[0] == '+') {
    s.remove_prefix(1);
  } else if (s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  uint64_t u;
  const NumError err = ParseUint(s, base, &u);
  if (err == NumError::kSyntax) return err;
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (err == NumError::kRange || (!neg && u >= kCutoff) || (neg && u > kCutoff)) {
    *out = neg ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    return NumError::kRange;
  }
  *out = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return NumError::kOk;
}

NumError ParseFloat(std::string_view s, double* out) {
  *out = 0;
  if (s.empty()) return NumError::kSyntax;
  // inf, infinity (optionally signed), nan.
  {
    std::string_view t = s;
    int sign = 1;
    size_t nsign = 0;
    if (t[0] == '+' || t[0] == '-') {
      sign = t[0] == '-' ? -1 : 1;
      nsign = 1;
      t.remove_prefix(1);
    }
    if (!t.empty() && Lower(t[0]) == 'i') {
      size_t n = CommonPrefixIgnoreCase(t, "infinity");
      if (n > 3 && n < 8) n = 3;
      if ((n == 3 || n == 8) && nsign + n == s.size()) {
        *out = sign * std::numeric_limits<double>::infinity();
        return NumError::kOk;
      }
      return NumError::kSyntax;
    }
    if (nsign == 0 && !t.empty() && Lower(t[0]) == 'n') {
      if (CommonPrefixIgnoreCase(t, "nan") == 3 && s.size() == 3) {
        *out = std::numeric_limits<double>::quiet_NaN();
        return NumError::kOk;
      }
      return NumError::kSyntax;
    }
  }
  if (!IsFloatSyntax(s)) return NumError::kSyntax;
  if (s.find('_') != std::string_view::npos && !UnderscoreOk(s)) return NumError::kSyntax;
  std::string clean;
  clean.reserve(s.size());
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  const double value = strtod_l(clean.c_str(), nullptr, CLocale());
  *out = value;
  if (std::isinf(value)) return NumError::kRange;
  return NumError::kOk;
}

std::optional<std::string> Unquote(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != literal.back()) return std::nullopt;
  const char quote = literal.front();
  const std::string_view body = literal.substr(1, literal.size() - 2);
  std::string out;
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return std::nullopt;
    out.reserve(body.size());
    for (char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"') return std::nullopt;
  out.reserve(body.size());
  size_t i = 0;
  while (i < body.size()) {
    if (!UnquoteChar(body, &i, '"', &out)) return std::nullopt;
  }
  return out;
}

std::optional<char32_t> UnquoteCharConstant(std::string_view literal) {
  if (literal.size() < 3 || literal.front() != '\'' || literal.back() != '\'') return std::nullopt;
  const std::string_view body = literal.substr(1, literal.size() - 2);
  std::string out;
  size_t i = 0;
  const unsigned char first = static_cast<unsigned char>(body[0]);
  if (first >= 0x80) {
    char32_t r;
    const int width = DecodeRune(body, 0, &r);
    if (static_cast<size_t>(width) != body.size()) return std::nullopt;
    return r;
  }
  const bool hex_byte = body.size() >= 2 && body[0] == '\\' && body[1] == 'x';
  const bool octal_byte = body.size() >= 2 && body[0] == '\\' && body[1] >= '0' && body[1] <= '7';
  if (!UnquoteChar(body, &i, '\'', &out) || i != body.size()) return std::nullopt;
  if (hex_byte || octal_byte || out.size() == 1) return static_cast<char32_t>(static_cast<unsigned char>(out[0]));
  char32_t r;
  DecodeRune(out, 0, &r);
  return r;
}

bool IsPrint(char32_t r) {
  if (r <= 0xFF) {
    if (r >= 0x20 && r <= 0x7E) return true;
    if (r >= 0xA1 && r <= 0xFF) return r != 0xAD;
    return false;
  }
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return false;
  // Go counts no space but U+0020 and no format character as printable.
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) ||
      r == 0x3000 || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) || (r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000 ||
      (r >= 0xE0000 && r <= 0xE007F) || (r >= 0x0600 && r <= 0x0605) || r == 0x061C || r == 0x06DD || r == 0x070F ||
      r == 0x180E) {
    return false;
  }
  const locale_t locale = Utf8Locale();
  if (locale == nullptr) return false;
  return iswprint_l(static_cast<wint_t>(r), locale) != 0;
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (size_t i = 0; i < text.size();) {
    char32_t r;
    const int width = DecodeRune(text, i, &r);
    if (width == 1 && r == 0xFFFD) {
      out += "\\x";
      AppendHex(static_cast<unsigned char>(text[i]), 2, &out);
    } else {
      AppendEscapedRune(r, '"', &out);
    }
    i += static_cast<size_t>(width);
  }
  out.push_back('"');
  return out;
}

std::string QuoteRune(char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  std::string out = "'";
  AppendEscapedRune(r, '\'', &out);
  out.push_back('\'');
  return out;
}

std::string FormatFloat(double f, char fmt, int prec) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  const bool neg = std::signbit(f);
  const double abs = std::fabs(f);
  const bool shortest = prec < 0;
  Digits digits;
  const char lower = static_cast<char>(fmt | 0x20);
  if (shortest) {
    digits = abs == 0 ? Digits{} : SignificantDigits(abs, 0);
    const int nd = static_cast<int>(digits.d.size());
    if (lower == 'e') prec = std::max(nd - 1, 0);
    if (lower == 'f') prec = std::max(nd - digits.dp, 0);
    if (lower == 'g') prec = nd;
  } else if (lower == 'e') {
    digits = abs == 0 ? Digits{} : SignificantDigits(abs, prec + 1);
  } else if (lower == 'f') {
    digits = abs == 0 ? Digits{} : FixedDigits(abs, prec);
  } else {
    if (prec == 0) prec = 1;
    digits = abs == 0 ? Digits{} : SignificantDigits(abs, prec);
  }
  if (lower == 'e') return FormatE(neg, digits, prec, fmt);
  if (lower == 'f') return FormatF(neg, digits, prec);
  // %g: %e when the exponent is below -4 or at least the precision.
  const int nd = static_cast<int>(digits.d.size());
  int eprec = prec;
  if (eprec > nd && nd >= digits.dp) eprec = nd;
  if (shortest) eprec = 6;
  const int exp = digits.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return FormatE(neg, digits, prec - 1, fmt == 'G' ? 'E' : 'e');
  }
  if (prec > digits.dp) prec = nd;
  return FormatF(neg, digits, std::max(prec - digits.dp, 0));
}

}  // namespace vcp::tmpl
