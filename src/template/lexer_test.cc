// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "lexer.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>

namespace vcp::tmpl {
namespace {

// The tokens as "type:text" strings, spaces and delimiters included.
std::vector<std::string> Tokens(std::string_view input) {
  static constexpr const char* kNames[] = {
      "error", "bool",     "char", "charconst", "complex", "=",   ":=",    "EOF",    "field", "ident",    "{{",
      "(",     "number",   "|",    "raw",       "}}",      ")",   "space", "string", "text",  "var",      "block",
      "break", "continue", "dot",  "define",    "else",    "end", "if",    "nil",    "range", "template", "with"};
  Lexed lexed = Lex(input);
  std::vector<std::string> out;
  for (const Token& token : lexed.tokens) {
    std::string name = kNames[static_cast<int>(token.type)];
    if (token.type == Tok::kError)
      name += ":" + lexed.error;
    else if (token.type != Tok::kEOF)
      name += ":" + std::string(token.val);
    out.push_back(name);
  }
  return out;
}

using ::testing::ElementsAre;

TEST(LexerTest, TextAndActions) {
  EXPECT_THAT(Tokens("a {{.x}} b"), ElementsAre("text:a ", "{{:{{", "field:.x", "}}:}}", "text: b", "EOF"));
  EXPECT_THAT(Tokens(""), ElementsAre("EOF"));
  EXPECT_THAT(Tokens("{{$x := 1 | printf \"%d\" }}"),
              ElementsAre("{{:{{", "var:$x", "space: ", ":=::=", "space: ", "number:1", "space: ", "|:|",
                          "space: ", "ident:printf", "space: ", "string:\"%d\"", "space: ", "}}:}}", "EOF"));
}

TEST(LexerTest, TrimMarkersNeedASpaceAndEatAllWhitespace) {
  // "{{- " trims the text before, " -}}" the text after, newlines included.
  EXPECT_THAT(Tokens("a \n\t{{- .x -}} \n b"), ElementsAre("text:a", "{{:{{", "field:.x", "}}:}}", "text:b", "EOF"));
  // The marker's space may be a newline or a tab.
  EXPECT_THAT(Tokens("a  {{-\n.x\t-}}  b"), ElementsAre("text:a", "{{:{{", "field:.x", "}}:}}", "text:b", "EOF"));
  // Without the space, "-3" is a number, not a marker.
  EXPECT_THAT(Tokens("a {{-3}}"), ElementsAre("text:a ", "{{:{{", "number:-3", "}}:}}", "EOF"));
}

TEST(LexerTest, CommentsVanishAndMayTrim) {
  EXPECT_THAT(Tokens("a {{/* comment\nspanning lines */}} b"), ElementsAre("text:a ", "text: b", "EOF"));
  EXPECT_THAT(Tokens("a {{- /* c */ -}} b"), ElementsAre("text:a", "text:b", "EOF"));
  EXPECT_THAT(Tokens("{{/* c */ .x}}"), ElementsAre("error:comment ends before closing delimiter"));
  EXPECT_THAT(Tokens("{{/* c"), ElementsAre("error:unclosed comment"));
}

TEST(LexerTest, Literals) {
  EXPECT_THAT(Tokens("{{\"a\\\"b\" `raw\nline` 'x' 0x1F 1.5e3 -2 true nil}}"),
              ElementsAre("{{:{{", "string:\"a\\\"b\"", "space: ", "raw:`raw\nline`", "space: ", "charconst:'x'",
                          "space: ", "number:0x1F", "space: ", "number:1.5e3", "space: ", "number:-2",
                          "space: ", "bool:true", "space: ", "nil:nil", "}}:}}", "EOF"));
}

TEST(LexerTest, KeywordsFieldsAndVariables) {
  EXPECT_THAT(Tokens("{{range $i, $e := .a.b}}{{break}}{{end}}"),
              ElementsAre("{{:{{", "range:range", "space: ", "var:$i", "char:,", "space: ", "var:$e",
                          "space: ", ":=::=", "space: ", "field:.a", "field:.b", "}}:}}", "{{:{{", "break:break",
                          "}}:}}", "{{:{{", "end:end", "}}:}}", "EOF"));
  EXPECT_THAT(Tokens("{{$}}{{.}}"), ElementsAre("{{:{{", "var:$", "}}:}}", "{{:{{", "dot:.", "}}:}}", "EOF"));
}

TEST(LexerTest, ErrorsSayWhat) {
  EXPECT_THAT(Tokens("{{.x"), ElementsAre("{{:{{", "field:.x", "error:unclosed action"));
  EXPECT_THAT(Tokens("{{\"abc}}"), ElementsAre("{{:{{", "error:unterminated quoted string"));
  EXPECT_THAT(Tokens("{{`abc}}"), ElementsAre("{{:{{", "error:unterminated raw quoted string"));
  EXPECT_THAT(Tokens("{{(.x}}"), ElementsAre("{{:{{", "(:(", "field:.x", "error:unclosed left paren"));
  EXPECT_THAT(Tokens("{{.x)}}"), ElementsAre("{{:{{", "field:.x", "error:unexpected right paren"));
  EXPECT_THAT(Tokens("{{3k}}"), ElementsAre("{{:{{", "error:bad number syntax: \"3k\""));
  EXPECT_THAT(Tokens("{{.x#}}"), ElementsAre("{{:{{", "error:bad character U+0023 '#'"));
  EXPECT_EQ(Tokens("{{a : 1}}").back(), "error:expected :=") << "a lone ':' is not an operator";
}

TEST(LexerTest, UnicodeIdentifiersAndInvalidUtf8) {
  EXPECT_THAT(Tokens("{{.clé}}"), ElementsAre("{{:{{", "field:.clé", "}}:}}", "EOF"));
  EXPECT_EQ(Tokens("{{\x80}}").back(), "error:unrecognized character in action: U+FFFD");
}

TEST(DecodeRuneTest, InvalidSequencesAreOneReplacementByte) {
  char32_t r;
  EXPECT_EQ(DecodeRune("é", 0, &r), 2);
  EXPECT_EQ(r, 0xE9u);
  EXPECT_EQ(DecodeRune("\xC3", 0, &r), 1) << "truncated";
  EXPECT_EQ(r, 0xFFFDu);
  EXPECT_EQ(DecodeRune("\xED\xA0\x80", 0, &r), 1) << "surrogate";
  EXPECT_EQ(DecodeRune("\xC0\x80", 0, &r), 1) << "overlong";
  EXPECT_EQ(DecodeRune("😀", 0, &r), 4);
  EXPECT_EQ(r, 0x1F600u);
}

}  // namespace
}  // namespace vcp::tmpl
