// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "lexer.h"

#include <locale.h>
#include <wctype.h>

#include <cstdio>
#include <string_view>

#include "absl/strings/str_format.h"
#include "str.h"

namespace vcp::tmpl {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr char32_t kEof = 0xFFFFFFFF;

bool IsSpace(char32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

// "- " after a left delimiter (the space may be any space character).
bool HasLeftTrimMarker(std::string_view s) { return s.size() >= 2 && s[0] == '-' && IsSpace(s[1]); }

// " -" before a right delimiter.
bool HasRightTrimMarker(std::string_view s) { return s.size() >= 2 && IsSpace(s[0]) && s[1] == '-'; }

size_t RightTrimLength(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && IsSpace(s[n - 1])) --n;
  return s.size() - n;
}

size_t LeftTrimLength(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsSpace(s[n])) ++n;
  return n;
}

// The C.UTF-8 locale for the C library's Unicode character classes, or
// null when the system has none (then non-ASCII runes are not letters).
locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

// Go's %#U: "U+0040 '@'", or just "U+0007" when the rune is not printable.
std::string DescribeRune(char32_t r) {
  if (r == kEof) return "EOF";
  std::string out = absl::StrFormat("U+%04X", static_cast<uint32_t>(r));
  if (r >= 0x20 && r != 0x7f && (r < 0x80 || r >= 0xa0) && r != 0xFFFD) {
    out += " '";
    AppendRune(r, &out);
    out += "'";
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  Lexed Run() {
    bool more = LexText();
    while (more) more = inside_action_ ? LexInsideAction() : LexText();
    return std::move(out_);
  }

 private:
  std::string_view Rest() const { return input_.substr(pos_); }

  char32_t Next() {
    if (pos_ >= input_.size()) {
      width_ = 0;
      return kEof;
    }
    char32_t r;
    width_ = DecodeRune(input_, pos_, &r);
    pos_ += width_;
    return r;
  }
  void Backup() { pos_ -= width_; }
  char32_t Peek() {
    const char32_t r = Next();
    Backup();
    return r;
  }
  bool Accept(std::string_view valid) {
    const char32_t r = Next();
    if (r != kEof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  void Emit(Tok type) {
    out_.tokens.push_back(Token{type, static_cast<uint32_t>(start_), input_.substr(start_, pos_ - start_)});
    start_ = pos_;
  }
  void Ignore() { start_ = pos_; }

  // Records an error at the start of the current token and stops.
  bool Errorf(std::string message) {
    out_.error = std::move(message);
    out_.tokens.push_back(Token{Tok::kError, static_cast<uint32_t>(start_), {}});
    return false;
  }

  // Whether the input is at a right delimiter, possibly preceded by a trim marker.
  bool AtRightDelim(bool* trim) const {
    const std::string_view rest = Rest();
    if (HasRightTrimMarker(rest) && rest.substr(2).substr(0, kRightDelim.size()) == kRightDelim) {
      *trim = true;
      return true;
    }
    *trim = false;
    return rest.substr(0, kRightDelim.size()) == kRightDelim;
  }

  // Scans text up to the next left delimiter, then the delimiter itself.
  bool LexText() {
    const size_t x = Rest().find(kLeftDelim);
    if (x == std::string_view::npos) {
      pos_ = input_.size();
      if (pos_ > start_) Emit(Tok::kText);
      Emit(Tok::kEOF);
      return false;
    }
    if (x > 0) {
      pos_ += x;
      size_t trim = 0;
      if (HasLeftTrimMarker(input_.substr(pos_ + kLeftDelim.size()))) {
        trim = RightTrimLength(input_.substr(start_, pos_ - start_));
      }
      pos_ -= trim;
      if (pos_ > start_) Emit(Tok::kText);
      pos_ += trim;
      Ignore();
    }
    return LexLeftDelim();
  }

  bool LexLeftDelim() {
    pos_ += kLeftDelim.size();
    const bool trim = HasLeftTrimMarker(Rest());
    const size_t after_marker = trim ? 2 : 0;
    if (input_.substr(pos_ + after_marker).substr(0, kLeftComment.size()) == kLeftComment) {
      pos_ += after_marker;
      Ignore();
      return LexComment();
    }
    Emit(Tok::kLeftDelim);
    inside_action_ = true;
    pos_ += after_marker;
    Ignore();
    paren_depth_ = 0;
    return true;
  }

  bool LexComment() {
    pos_ += kLeftComment.size();
    const size_t x = Rest().find(kRightComment);
    if (x == std::string_view::npos) return Errorf("unclosed comment");
    pos_ += x + kRightComment.size();
    bool trim;
    if (!AtRightDelim(&trim)) return Errorf("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) pos_ += LeftTrimLength(Rest());
    Ignore();
    return true;
  }

  bool LexRightDelim() {
    bool trim;
    AtRightDelim(&trim);
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += kRightDelim.size();
    Emit(Tok::kRightDelim);
    if (trim) {
      pos_ += LeftTrimLength(Rest());
      Ignore();
    }
    inside_action_ = false;
    return true;
  }

  // Scans one element inside an action.
  bool LexInsideAction() {
    bool trim;
    if (AtRightDelim(&trim)) {
      if (paren_depth_ == 0) return LexRightDelim();
      return Errorf("unclosed left paren");
    }
    const char32_t r = Next();
    if (r == kEof) return Errorf("unclosed action");
    if (IsSpace(r)) {
      Backup();  // put the space back in case we have " -}}"
      return LexSpace();
    }
    switch (r) {
      case '=': Emit(Tok::kAssign); return true;
      case ':':
        if (Next() != '=') return Errorf("expected :=");
        Emit(Tok::kDeclare);
        return true;
      case '|': Emit(Tok::kPipe); return true;
      case '"': return LexQuote();
      case '`': return LexRawQuote();
      case '$': return LexVariable();
      case '\'': return LexChar();
      case '(':
        ++paren_depth_;
        Emit(Tok::kLeftParen);
        return true;
      case ')':
        if (--paren_depth_ < 0) return Errorf("unexpected right paren");
        Emit(Tok::kRightParen);
        return true;
      default: break;
    }
    if (r == '.') {
      // ".field" unless a digit follows ('.' can start a number).
      if (pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) return LexFieldOrVariable(Tok::kField);
      Backup();
      return LexNumber();
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      Backup();
      return LexNumber();
    }
    if (IsAlphaNumeric(r)) {
      Backup();
      return LexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r != 0x7f) {
      Emit(Tok::kChar);
      return true;
    }
    return Errorf(Cat("unrecognized character in action: ", DescribeRune(r)));
  }

  bool LexSpace() {
    int spaces = 0;
    while (IsSpace(Peek())) {
      Next();
      ++spaces;
    }
    // A trim-marked closing delimiter has a minus after a space.
    if (HasRightTrimMarker(input_.substr(pos_ - 1)) &&
        input_.substr(pos_ + 1).substr(0, kRightDelim.size()) == kRightDelim) {
      pos_ -= 1;  // before the space
      if (spaces == 1) return LexRightDelim();
    }
    Emit(Tok::kSpace);
    return true;
  }

  bool LexIdentifier() {
    char32_t r;
    while (IsAlphaNumeric(r = Next())) {
    }
    Backup();
    if (!AtTerminator()) return Errorf(Cat("bad character ", DescribeRune(r)));
    const std::string_view word = input_.substr(start_, pos_ - start_);
    static constexpr struct {
      std::string_view word;
      Tok type;
    } kKeywords[] = {{"block", Tok::kBlock},
                     {"break", Tok::kBreak},
                     {"continue", Tok::kContinue},
                     {"define", Tok::kDefine},
                     {"else", Tok::kElse},
                     {"end", Tok::kEnd},
                     {"if", Tok::kIf},
                     {"range", Tok::kRange},
                     {"nil", Tok::kNil},
                     {"template", Tok::kTemplate},
                     {"with", Tok::kWith}};
    for (const auto& keyword : kKeywords) {
      if (word == keyword.word) {
        Emit(keyword.type);
        return true;
      }
    }
    Emit(word == "true" || word == "false" ? Tok::kBool : Tok::kIdentifier);
    return true;
  }

  bool LexVariable() {
    if (AtTerminator()) {  // nothing interesting follows: "$"
      Emit(Tok::kVariable);
      return true;
    }
    return LexFieldOrVariable(Tok::kVariable);
  }

  // Scans .Alphanumeric or $Alphanumeric; the . or $ has been scanned.
  bool LexFieldOrVariable(Tok type) {
    if (AtTerminator()) {  // "." or "$"
      Emit(type == Tok::kVariable ? Tok::kVariable : Tok::kDot);
      return true;
    }
    char32_t r;
    while (IsAlphaNumeric(r = Next())) {
    }
    Backup();
    if (!AtTerminator()) return Errorf(Cat("bad character ", DescribeRune(r)));
    Emit(type);
    return true;
  }

  // Whether the input is at a character that may follow an identifier.
  bool AtTerminator() {
    const char32_t r = Peek();
    if (IsSpace(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(': return true;
      default: return Rest().substr(0, kRightDelim.size()) == kRightDelim;
    }
  }

  bool LexChar() {
    for (;;) {
      const char32_t r = Next();
      if (r == '\\') {
        const char32_t escaped = Next();
        if (escaped != kEof && escaped != '\n') continue;
        return Errorf("unterminated character constant");
      }
      if (r == kEof || r == '\n') return Errorf("unterminated character constant");
      if (r == '\'') break;
    }
    Emit(Tok::kCharConstant);
    return true;
  }

  bool LexNumber() {
    if (!ScanNumber()) {
      return Errorf(Cat("bad number syntax: ", QuoteToken(input_.substr(start_, pos_ - start_))));
    }
    const char32_t sign = Peek();
    if (sign == '+' || sign == '-') {
      // Complex: 1+2i. No spaces, must end in 'i'.
      if (!ScanNumber() || input_[pos_ - 1] != 'i') {
        return Errorf(Cat("bad number syntax: ", QuoteToken(input_.substr(start_, pos_ - start_))));
      }
      Emit(Tok::kComplex);
    } else {
      Emit(Tok::kNumber);
    }
    return true;
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      // A leading 0 does not mean octal in floats.
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumeric(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  bool LexQuote() {
    for (;;) {
      const char32_t r = Next();
      if (r == '\\') {
        const char32_t escaped = Next();
        if (escaped != kEof && escaped != '\n') continue;
        return Errorf("unterminated quoted string");
      }
      if (r == kEof || r == '\n') return Errorf("unterminated quoted string");
      if (r == '"') break;
    }
    Emit(Tok::kString);
    return true;
  }

  bool LexRawQuote() {
    const size_t end = Rest().find('`');
    if (end == std::string_view::npos) return Errorf("unterminated raw quoted string");
    pos_ += end + 1;
    Emit(Tok::kRawString);
    return true;
  }

  // A bad token for an error message: it is template text, so it is quoted
  // as written, shortened.
  static std::string QuoteToken(std::string_view text) {
    std::string out = "\"";
    out.append(text.substr(0, 32));
    out += text.size() > 32 ? "…\"" : "\"";
    return out;
  }

  std::string_view input_;
  size_t pos_ = 0;
  size_t start_ = 0;
  int width_ = 0;
  int paren_depth_ = 0;
  bool inside_action_ = false;
  Lexed out_;
};

}  // namespace

int DecodeRune(std::string_view text, size_t i, char32_t* r) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  *r = 0xFFFD;
  if (b0 < 0x80) {
    *r = b0;
    return 1;
  }
  int need;
  char32_t min;
  char32_t value;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, min = 0x80, value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, min = 0x800, value = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, min = 0x10000, value = b0 & 0x07;
  } else {
    return 1;
  }
  if (i + need >= text.size()) return 1;  // truncated
  for (int k = 1; k <= need; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 1;
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 1;
  *r = value;
  return need + 1;
}

void AppendRune(char32_t r, std::string* out) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool IsAlphaNumeric(char32_t r) {
  if (r < 0x80) return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (r == kEof || r == 0xFFFD) return false;
  const locale_t locale = Utf8Locale();
  return locale != nullptr && iswalnum_l(static_cast<wint_t>(r), locale) != 0;
}

Lexed Lex(std::string_view input) { return Lexer(input).Run(); }

}  // namespace vcp::tmpl
