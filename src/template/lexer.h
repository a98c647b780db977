// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The lexer of Go's text/template (text/template/parse/lex.go, Go 1.23):
// text and actions with the delimiters {{ }}, trim markers ("{{- " and
// " -}}", where the space may be any of space, tab, CR, LF), comments
// ({{/* */}}, dropped), newlines inside actions, and break/continue as
// keywords. It runs to the end of the input or the first error, without
// recursion, in time linear in the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vcp::tmpl {

enum class Tok : uint8_t {
  kError,         // val is empty; Lexed::error says what
  kBool,          // true, false
  kChar,          // printable ASCII character; grab bag for comma etc.
  kCharConstant,  // 'a'
  kComplex,       // 1+2i
  kAssign,        // =
  kDeclare,       // :=
  kEOF,
  kField,       // .Alphanumeric
  kIdentifier,  // alphanumeric identifier not starting with '.'
  kLeftDelim,   // {{
  kLeftParen,   // (
  kNumber,      // simple number, including imaginary
  kPipe,        // |
  kRawString,   // `raw` (includes the quotes)
  kRightDelim,  // }}
  kRightParen,  // )
  kSpace,       // run of spaces separating arguments
  kString,      // "quoted" (includes the quotes)
  kText,        // plain text
  kVariable,    // $, $x
  // Keywords.
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  Tok type;
  uint32_t pos;          // byte offset of the token in the input
  std::string_view val;  // the token's text, a view into the input
};

struct Lexed {
  // Ends with kEOF, or with kError when `error` is set.
  std::vector<Token> tokens;
  std::string error;
};

// Splits `input` into tokens. REQUIRES: input.size() < 2^32.
Lexed Lex(std::string_view input);

// Whether `r` (a Unicode code point) may appear in an identifier: a letter,
// a digit or '_' (Go's unicode.IsLetter / IsDigit, as far as the C library's
// C.UTF-8 tables tell; ASCII only when that locale is missing).
bool IsAlphaNumeric(char32_t r);

// Decodes the UTF-8 sequence at `text[i]` into `*r` and returns its length
// (1 to 4); an invalid or truncated sequence decodes as U+FFFD of length 1,
// as Go's utf8.DecodeRuneInString does. REQUIRES: i < text.size().
int DecodeRune(std::string_view text, size_t i, char32_t* r);

// Appends the UTF-8 encoding of `r` to `out` (U+FFFD for surrogates and
// values above U+10FFFF, as Go does).
void AppendRune(char32_t r, std::string* out);

}  // namespace vcp::tmpl
