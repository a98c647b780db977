// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The parts of Go's strconv package that templates observe: number syntax
// (literals, parseInt, parseFloat, YAML scalars), string literals and
// quoting (%q, quote), and float formatting (%v, %e, %f, %g, JSON, YAML).
// Each function names the Go function whose behaviour it reproduces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcp::tmpl {

enum class NumError { kOk, kSyntax, kRange };

// strconv.ParseUint(s, base, 64) for base 0 (prefixes 0b 0o 0x, a leading 0
// for octal, '_' between digits) or 2..36.
NumError ParseUint(std::string_view s, int base, uint64_t* out);

// strconv.ParseInt(s, base, 64): ParseUint's syntax with an optional sign.
NumError ParseInt(std::string_view s, int base, int64_t* out);

// strconv.ParseFloat(s, 64): decimal or hexadecimal (0x1.8p3) mantissas,
// '_' between digits, "inf", "infinity" and "nan" in any case. On overflow
// `*out` is ±Inf and the result kRange.
NumError ParseFloat(std::string_view s, double* out);

// strconv.Unquote for "double-quoted" and `raw` literals: Go's escapes
// (\a \b \f \n \r \t \v \\ \" \xHH \ooo \uHHHH \UHHHHHHHH); invalid UTF-8
// becomes U+FFFD; raw strings lose their carriage returns. nullopt on bad
// syntax.
std::optional<std::string> Unquote(std::string_view literal);

// A character constant ('a', '\n', '\u00e9') as its code point; nullopt on
// bad syntax (Go's "malformed character constant").
std::optional<char32_t> UnquoteCharConstant(std::string_view literal);

// strconv.Quote: a double-quoted Go string literal; printable runes kept,
// others escaped, invalid UTF-8 bytes as \xHH.
std::string Quote(std::string_view text);

// strconv.QuoteRune: a single-quoted character literal.
std::string QuoteRune(char32_t r);

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the
// ASCII space.
bool IsPrint(char32_t r);

// strconv.FormatFloat(f, fmt, prec, 64) for fmt 'e', 'E', 'f', 'g', 'G';
// prec -1 means the fewest digits that read back exactly.
std::string FormatFloat(double f, char fmt, int prec);

}  // namespace vcp::tmpl
