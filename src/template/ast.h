// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The parsed form of a template, shaped like Go's text/template/parse nodes.
// Two differences in shape, none in meaning: an if / else if / else chain
// (and with / else with) is one node with a list of branches instead of
// nested nodes, so that long chains cost no recursion; and a call of
// `secret` carries the index of its SecretCall. Every string_view points
// into the template text the tree was parsed from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vcp::tmpl {

struct FunctionDef;
struct PipeNode;

// A number literal with every interpretation Go's parse.NumberNode gives it.
struct NumberLit {
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double float_value = 0;
  // What the literal is where nothing says its type (Go's idealConstant):
  // a float64 when written with '.', an exponent or a hex mantissa
  // ("1.0", "1e3"), else an int.
  bool ideal_float = false;
};

// An operand of a command.
struct ArgNode {
  enum class Kind : uint8_t {
    kDot,       // .
    kNil,       // nil
    kBool,      // true, false
    kNumber,    // 1, 1.5, 0x1F, 'a'
    kString,    // "quoted" or `raw`
    kField,     // .a.b
    kVariable,  // $x, $x.a.b
    kFunction,  // an identifier: a function
    kPipe,      // ( pipeline )
    kChain,     // (pipeline).a.b
  };
  Kind kind = Kind::kDot;
  uint32_t pos = 0;
  std::string_view source;  // the operand as written (for messages)
  bool boolean = false;
  NumberLit number;
  std::string text;                      // kString: the value; kVariable: the name ("$x")
  std::vector<std::string_view> fields;  // kField, kVariable, kChain: the field names after it
  const FunctionDef* function = nullptr;
  int secret_index = -1;           // kFunction `secret`: index into the secret calls
  std::unique_ptr<PipeNode> pipe;  // kPipe
  std::unique_ptr<ArgNode> base;   // kChain: what the fields apply to
};

// A function call or a value: its operands, separated by spaces.
struct CommandNode {
  uint32_t pos = 0;
  std::vector<ArgNode> args;
};

// [decls :=|=] command | command | ...
struct PipeNode {
  uint32_t pos = 0;
  bool is_assign = false;
  std::vector<std::string_view> decls;  // variable names ("$x"), in order
  std::vector<CommandNode> cmds;
};

struct Node;

struct ListNode {
  std::vector<Node> nodes;
};

// One `if`/`else if` (or `with`/`else with`) condition and its body.
struct Branch {
  PipeNode pipe;
  ListNode list;
};

struct Node {
  enum class Kind : uint8_t { kText, kAction, kIf, kWith, kRange, kBreak, kContinue };
  Kind kind = Kind::kText;
  uint32_t pos = 0;
  std::string_view text;                // kText
  std::unique_ptr<PipeNode> pipe;       // kAction, kRange
  std::vector<Branch> branches;         // kIf, kWith
  std::unique_ptr<ListNode> list;       // kRange: the body
  std::unique_ptr<ListNode> else_list;  // kIf, kWith, kRange: may be null
};

}  // namespace vcp::tmpl
