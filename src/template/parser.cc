// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The parser of Go's text/template (text/template/parse/parse.go), as a
// recursive descent over the lexer's tokens. It recurses once per nested
// control structure or parenthesis, and refuses nesting beyond
// Limits::max_nesting before it recurses further. Unlike Go it also checks,
// while parsing, that every function exists and is allowed, that every
// `secret` call has literal arguments, and that `$x = ...` assigns a
// declared variable.
#include <algorithm>
#include <optional>

#include "functions.h"
#include "go_strconv.h"
#include "lexer.h"
#include "str.h"
#include "template_impl.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::tmpl {
namespace {

// Go's item.String(): how a token is named in "unexpected ..." messages.
std::string Describe(const Token& token) {
  switch (token.type) {
    case Tok::kEOF: return "EOF";
    case Tok::kBlock:
    case Tok::kBreak:
    case Tok::kContinue:
    case Tok::kDot:
    case Tok::kDefine:
    case Tok::kElse:
    case Tok::kEnd:
    case Tok::kIf:
    case Tok::kNil:
    case Tok::kRange:
    case Tok::kTemplate:
    case Tok::kWith: return Cat("<", token.val, ">");
    default: break;
  }
  if (token.val.size() > 10) return Cat(Quote(token.val.substr(0, 10)), "...");
  return Quote(token.val);
}

std::string_view TrimSpaces(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

class Parser {
 public:
  explicit Parser(Template::Impl* t) : t_(*t), lexed_(Lex(t->text)) {}

  absl::Status Parse() {
    vars_.push_back("$");
    while (Peek().type != Tok::kEOF) {
      std::optional<Terminator> term;
      VCP_RETURN_IF_ERROR(TextOrAction(&t_.root, &term));
      if (term.has_value()) {
        return Error(term->pos, term->is_else ? "unexpected {{else}}" : "unexpected {{end}}");
      }
    }
    return absl::OkStatus();
  }

 private:
  // An {{end}} or {{else}} that ends a list.
  struct Terminator {
    bool is_else = false;
    uint32_t pos = 0;
  };

  // ---------------------------------------------------------- tokens

  const Token& Next() {
    const Token& token = lexed_.tokens[index_];
    if (index_ + 1 < lexed_.tokens.size()) ++index_;
    return token;
  }
  const Token& Peek() const { return lexed_.tokens[index_]; }
  void Backup() { --index_; }
  const Token& NextNonSpace() {
    while (Peek().type == Tok::kSpace) Next();
    return Next();
  }
  // Skips spaces (for good, as Go's peekNonSpace does) and peeks.
  const Token& PeekNonSpace() {
    while (Peek().type == Tok::kSpace) Next();
    return Peek();
  }

  absl::Status Error(uint32_t pos, std::string_view message) const { return t_.Error(pos, message); }

  absl::Status Unexpected(const Token& token, std::string_view context) const {
    if (token.type == Tok::kError) return Error(token.pos, lexed_.error);
    return Error(token.pos, Cat("unexpected ", Describe(token), " in ", context));
  }

  absl::Status Expect(Tok type, std::string_view context) {
    const Token& token = NextNonSpace();
    if (token.type != type) return Unexpected(token, context);
    return absl::OkStatus();
  }

  absl::Status Enter(uint32_t pos) {
    if (++depth_ > t_.limits.max_nesting) {
      return Error(pos,
                   Cat("nests deeper than ", t_.limits.max_nesting, " levels of control structures and parentheses"));
    }
    return absl::OkStatus();
  }
  void Leave() { --depth_; }

  // ---------------------------------------------------------- lists

  // itemList: text and actions up to {{end}} or {{else}}.
  absl::StatusOr<Terminator> ItemList(ListNode* list) {
    while (PeekNonSpace().type != Tok::kEOF) {
      std::optional<Terminator> term;
      VCP_RETURN_IF_ERROR(TextOrAction(list, &term));
      if (term.has_value()) return *term;
    }
    return Error(Peek().pos, "unexpected EOF");
  }

  absl::Status TextOrAction(ListNode* list, std::optional<Terminator>* term) {
    const Token& token = NextNonSpace();
    if (token.type == Tok::kText) {
      Node node;
      node.kind = Node::Kind::kText;
      node.pos = token.pos;
      node.text = token.val;
      list->nodes.push_back(std::move(node));
      return absl::OkStatus();
    }
    if (token.type == Tok::kLeftDelim) return Action(list, term);
    return Unexpected(token, "input");
  }

  absl::Status Action(ListNode* list, std::optional<Terminator>* term) {
    const Token& token = NextNonSpace();
    switch (token.type) {
      case Tok::kBlock:
      case Tok::kDefine:
      case Tok::kTemplate:
        return Error(token.pos, Cat("{{", token.val, "}} is not supported: a template renders one file from itself"));
      case Tok::kElse: {
        // "{{else if" and "{{else with" leave the keyword pending.
        const Token& next = PeekNonSpace();
        if (next.type != Tok::kIf && next.type != Tok::kWith) VCP_RETURN_IF_ERROR(Expect(Tok::kRightDelim, "else"));
        *term = Terminator{true, token.pos};
        return absl::OkStatus();
      }
      case Tok::kEnd:
        VCP_RETURN_IF_ERROR(Expect(Tok::kRightDelim, "end"));
        *term = Terminator{false, token.pos};
        return absl::OkStatus();
      case Tok::kIf: return Control(Node::Kind::kIf, token.pos, list);
      case Tok::kWith: return Control(Node::Kind::kWith, token.pos, list);
      case Tok::kRange: return Control(Node::Kind::kRange, token.pos, list);
      case Tok::kBreak:
      case Tok::kContinue: {
        const std::string keyword = Cat("{{", token.val, "}}");
        const Token& close = NextNonSpace();
        if (close.type != Tok::kRightDelim) return Unexpected(close, keyword);
        if (range_depth_ == 0) return Error(token.pos, Cat(keyword, " outside {{range}}"));
        Node node;
        node.kind = token.type == Tok::kBreak ? Node::Kind::kBreak : Node::Kind::kContinue;
        node.pos = token.pos;
        list->nodes.push_back(std::move(node));
        return absl::OkStatus();
      }
      default: break;
    }
    Backup();
    Node node;
    node.kind = Node::Kind::kAction;
    node.pos = Peek().pos;
    // Variables declared here persist until the {{end}} of the enclosing control.
    VCP_ASSIGN_OR_RETURN(PipeNode pipe, Pipeline("command"));
    node.pipe = std::make_unique<PipeNode>(std::move(pipe));
    list->nodes.push_back(std::move(node));
    return absl::OkStatus();
  }

  // if / with / range, with their else branches. An else-if (else-with)
  // chain is parsed as a loop into one node, not by recursion.
  absl::Status Control(Node::Kind kind, uint32_t pos, ListNode* list) {
    VCP_RETURN_IF_ERROR(Enter(pos));
    const size_t mark = vars_.size();
    const std::string_view context = kind == Node::Kind::kIf ? "if" : kind == Node::Kind::kWith ? "with" : "range";
    Node node;
    node.kind = kind;
    node.pos = pos;
    for (;;) {
      Branch branch;
      VCP_ASSIGN_OR_RETURN(branch.pipe, Pipeline(context));
      if (kind == Node::Kind::kRange) ++range_depth_;
      absl::StatusOr<Terminator> term = ItemList(&branch.list);
      if (kind == Node::Kind::kRange) --range_depth_;
      if (!term.ok()) return term.status();
      node.branches.push_back(std::move(branch));
      if (!term->is_else) break;
      const Tok chained = kind == Node::Kind::kIf ? Tok::kIf : kind == Node::Kind::kWith ? Tok::kWith : Tok::kEOF;
      if (Peek().type == chained) {
        Next();
        continue;
      }
      node.else_list = std::make_unique<ListNode>();
      VCP_ASSIGN_OR_RETURN(Terminator end, ItemList(node.else_list.get()));
      if (end.is_else) return Error(end.pos, "expected end; found {{else}}");
      break;
    }
    if (kind == Node::Kind::kRange) {
      node.pipe = std::make_unique<PipeNode>(std::move(node.branches[0].pipe));
      node.list = std::make_unique<ListNode>(std::move(node.branches[0].list));
      node.branches.clear();
    }
    vars_.resize(mark);
    Leave();
    list->nodes.push_back(std::move(node));
    return absl::OkStatus();
  }

  // ---------------------------------------------------------- pipelines

  // declarations? command ('|' command)*
  absl::StatusOr<PipeNode> Pipeline(std::string_view context) {
    PipeNode pipe;
    pipe.pos = PeekNonSpace().pos;
    for (bool more = true; more;) {
      more = false;
      if (PeekNonSpace().type != Tok::kVariable) break;
      const size_t before = index_;
      const Token& v = Next();
      const Token& next = PeekNonSpace();
      if (next.type == Tok::kAssign || next.type == Tok::kDeclare) {
        pipe.is_assign = next.type == Tok::kAssign;
        NextNonSpace();
        if (pipe.is_assign && std::find(vars_.begin(), vars_.end(), v.val) == vars_.end()) {
          return Error(v.pos, Cat("undefined variable ", Quote(v.val)));
        }
        pipe.decls.push_back(v.val);
        vars_.push_back(v.val);
      } else if (next.type == Tok::kChar && next.val == ",") {
        NextNonSpace();
        pipe.decls.push_back(v.val);
        vars_.push_back(v.val);
        if (context == "range" && pipe.decls.size() < 2) {
          const Tok peek = PeekNonSpace().type;
          if (peek != Tok::kVariable && peek != Tok::kRightDelim && peek != Tok::kRightParen) {
            return Error(next.pos, "range can only initialize variables");
          }
          more = true;
          continue;
        }
        return Error(next.pos, Cat("too many declarations in ", context));
      } else {
        index_ = before;  // $x is an operand, not a declaration
      }
    }
    for (;;) {
      const Token& token = NextNonSpace();
      switch (token.type) {
        case Tok::kRightDelim:
        case Tok::kRightParen:
          VCP_RETURN_IF_ERROR(CheckPipeline(pipe, context, token.pos));
          if (token.type == Tok::kRightParen) Backup();
          return pipe;
        case Tok::kBool:
        case Tok::kCharConstant:
        case Tok::kComplex:
        case Tok::kDot:
        case Tok::kField:
        case Tok::kIdentifier:
        case Tok::kNumber:
        case Tok::kNil:
        case Tok::kRawString:
        case Tok::kString:
        case Tok::kVariable:
        case Tok::kLeftParen: {
          Backup();
          VCP_ASSIGN_OR_RETURN(CommandNode command, Command(/*first=*/pipe.cmds.empty()));
          pipe.cmds.push_back(std::move(command));
          break;
        }
        default: return Unexpected(token, context);
      }
    }
  }

  absl::Status CheckPipeline(const PipeNode& pipe, std::string_view context, uint32_t pos) const {
    if (pipe.cmds.empty()) return Error(pos, Cat("missing value for ", context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      const ArgNode& first = pipe.cmds[i].args[0];
      switch (first.kind) {
        case ArgNode::Kind::kBool:
        case ArgNode::Kind::kDot:
        case ArgNode::Kind::kNil:
        case ArgNode::Kind::kNumber:
        case ArgNode::Kind::kString: return Error(first.pos, Cat("non executable command in pipeline stage ", i + 1));
        default: break;
      }
    }
    return absl::OkStatus();
  }

  // operand (space operand)*; `first` when it heads its pipeline (else the
  // pipeline's value is its last argument).
  absl::StatusOr<CommandNode> Command(bool first) {
    CommandNode cmd;
    cmd.pos = PeekNonSpace().pos;
    for (;;) {
      PeekNonSpace();
      VCP_ASSIGN_OR_RETURN(std::optional<ArgNode> operand, Operand());
      if (operand.has_value()) cmd.args.push_back(*std::move(operand));
      const Token& token = Next();
      if (token.type == Tok::kSpace) continue;
      if (token.type == Tok::kError) return Error(token.pos, lexed_.error);
      if (token.type == Tok::kRightDelim || token.type == Tok::kRightParen) {
        Backup();
      } else if (token.type != Tok::kPipe) {
        return Error(token.pos, Cat("unexpected ", Describe(token), " in operand"));
      }
      break;
    }
    if (cmd.args.empty()) return Error(cmd.pos, "empty command");
    for (size_t i = 0; i < cmd.args.size(); ++i) {
      // `secret` heads a command (then it gets the operands after it) or is an error.
      if (i > 0 || cmd.args[i].kind == ArgNode::Kind::kChain) VCP_RETURN_IF_ERROR(CheckNotBareSecret(cmd.args[i]));
    }
    if (cmd.args[0].kind == ArgNode::Kind::kFunction &&
        cmd.args[0].function->special == FunctionDef::Special::kSecret) {
      if (!first) {
        return Error(cmd.args[0].pos,
                     "the arguments of secret must be string literals, not a value piped into it: "
                     "the provider reads every secret before it renders the template");
      }
      VCP_RETURN_IF_ERROR(RegisterSecret(&cmd));
    }
    return cmd;
  }

  // `secret` named without being the head of its command gets no path.
  absl::Status CheckNotBareSecret(const ArgNode& arg) const {
    const ArgNode& target = arg.kind == ArgNode::Kind::kChain ? *arg.base : arg;
    if (target.kind == ArgNode::Kind::kFunction && target.function->special == FunctionDef::Special::kSecret) {
      return Error(target.pos, "secret needs the path of the secret: write (secret \"PATH\")");
    }
    return absl::OkStatus();
  }

  // Records the call `secret "PATH" "k=v"...` (every argument a literal).
  absl::Status RegisterSecret(CommandNode* cmd) {
    ArgNode& head = cmd->args[0];
    if (cmd->args.size() < 2) return Error(head.pos, "secret needs the path of the secret: secret \"PATH\"");
    SecretCall call;
    for (size_t i = 1; i < cmd->args.size(); ++i) {
      const ArgNode& arg = cmd->args[i];
      if (arg.kind != ArgNode::Kind::kString) {
        return Error(arg.pos,
                     Cat("argument ", i, " of secret must be a string literal, not ", Shorten(ToAbsl(arg.source), 64),
                         ": the provider reads every secret before it renders the template"));
      }
      if (i == 1) {
        if (arg.text.empty()) return Error(arg.pos, "the path of secret is empty");
        call.path = arg.text;
        continue;
      }
      const std::string_view text = arg.text;
      const size_t eq = text.find('=');
      if (eq == std::string_view::npos) {
        return Error(arg.pos,
                     Cat("argument ", i, " of secret must be \"key=value\", not ", QuoteShortened(ToAbsl(text), 64)));
      }
      call.args.emplace_back(TrimSpaces(text.substr(0, eq)), TrimSpaces(text.substr(eq + 1)));
    }
    // Sorted by key, the last value of a repeated key kept: the JSON object
    // Vault Agent would send, so identical writes are one call.
    std::stable_sort(call.args.begin(), call.args.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& kv : call.args) {
      if (!unique.empty() && unique.back().first == kv.first) {
        unique.back().second = std::move(kv.second);
      } else {
        unique.push_back(std::move(kv));
      }
    }
    call.args = std::move(unique);
    auto it = std::find(t_.calls.begin(), t_.calls.end(), call);
    if (it == t_.calls.end()) {
      if (t_.calls.size() >= t_.limits.max_secret_calls) {
        return Error(head.pos, Cat("more than ", t_.limits.max_secret_calls, " different secret calls"));
      }
      std::tie(call.line, call.column) = t_.Position(head.pos);
      t_.calls.push_back(std::move(call));
      it = t_.calls.end() - 1;
    }
    head.secret_index = static_cast<int>(it - t_.calls.begin());
    return absl::OkStatus();
  }

  // term .Field*
  absl::StatusOr<std::optional<ArgNode>> Operand() {
    VCP_ASSIGN_OR_RETURN(std::optional<ArgNode> node, Term());
    if (!node.has_value() || Peek().type != Tok::kField) return node;
    std::vector<std::string_view> fields;
    uint32_t end = node->pos + static_cast<uint32_t>(node->source.size());
    while (Peek().type == Tok::kField) {
      const Token& field = Next();
      fields.push_back(field.val.substr(1));
      end = field.pos + static_cast<uint32_t>(field.val.size());
    }
    switch (node->kind) {
      case ArgNode::Kind::kField:
      case ArgNode::Kind::kVariable:
        node->fields.insert(node->fields.end(), fields.begin(), fields.end());
        node->source = std::string_view(t_.text).substr(node->pos, end - node->pos);
        return node;
      case ArgNode::Kind::kBool:
      case ArgNode::Kind::kString:
      case ArgNode::Kind::kNumber:
      case ArgNode::Kind::kNil:
      case ArgNode::Kind::kDot: return Error(node->pos, Cat("unexpected . after term ", Quote(node->source)));
      default: {
        ArgNode chain;
        chain.kind = ArgNode::Kind::kChain;
        chain.pos = node->pos;
        chain.source = std::string_view(t_.text).substr(node->pos, end - node->pos);
        chain.fields = std::move(fields);
        chain.base = std::make_unique<ArgNode>(*std::move(node));
        return chain;
      }
    }
  }

  absl::StatusOr<std::optional<ArgNode>> Term() {
    const Token& token = NextNonSpace();
    ArgNode node;
    node.pos = token.pos;
    node.source = token.val;
    switch (token.type) {
      case Tok::kError: return Error(token.pos, lexed_.error);
      case Tok::kIdentifier: {
        node.kind = ArgNode::Kind::kFunction;
        node.function = FindFunction(token.val);
        if (node.function != nullptr) return node;
        if (auto reason = RefusalReason(token.val); reason.has_value()) {
          return Error(token.pos, Cat("function ", Quote(token.val), " is refused: ", *reason,
                                      "; templates run in the node's most privileged component and "
                                      "may see only the secrets they name"));
        }
        return Error(token.pos, Cat("function ", QuoteShortened(ToAbsl(token.val), 64),
                                    " not defined (docs/templates.md lists the functions)"));
      }
      case Tok::kDot: node.kind = ArgNode::Kind::kDot; return node;
      case Tok::kNil: node.kind = ArgNode::Kind::kNil; return node;
      case Tok::kVariable:
        if (std::find(vars_.begin(), vars_.end(), token.val) == vars_.end()) {
          return Error(token.pos, Cat("undefined variable ", Quote(token.val)));
        }
        node.kind = ArgNode::Kind::kVariable;
        node.text = std::string(token.val);
        return node;
      case Tok::kField:
        node.kind = ArgNode::Kind::kField;
        node.fields.push_back(token.val.substr(1));
        return node;
      case Tok::kBool:
        node.kind = ArgNode::Kind::kBool;
        node.boolean = token.val == "true";
        return node;
      case Tok::kCharConstant:
      case Tok::kComplex:
      case Tok::kNumber: {
        node.kind = ArgNode::Kind::kNumber;
        VCP_ASSIGN_OR_RETURN(node.number, Number(token));
        return node;
      }
      case Tok::kLeftParen: {
        VCP_RETURN_IF_ERROR(Enter(token.pos));
        VCP_ASSIGN_OR_RETURN(PipeNode pipe, Pipeline("parenthesized pipeline"));
        const Token& close = Next();
        if (close.type != Tok::kRightParen) {
          return Error(close.pos, Cat("unclosed right paren: unexpected ", Describe(close)));
        }
        Leave();
        node.kind = ArgNode::Kind::kPipe;
        node.source = std::string_view(t_.text).substr(token.pos, close.pos + 1 - token.pos);
        node.pipe = std::make_unique<PipeNode>(std::move(pipe));
        return node;
      }
      case Tok::kString:
      case Tok::kRawString: {
        std::optional<std::string> text = Unquote(token.val);
        if (!text.has_value()) return Error(token.pos, "invalid syntax in string literal");
        node.kind = ArgNode::Kind::kString;
        node.text = *std::move(text);
        return node;
      }
      default: Backup(); return std::optional<ArgNode>();
    }
  }

  // Go's newNumber: every reading of a number literal.
  absl::StatusOr<NumberLit> Number(const Token& token) const {
    const std::string_view text = token.val;
    NumberLit n;
    if (token.type == Tok::kCharConstant) {
      std::optional<char32_t> r = UnquoteCharConstant(text);
      if (!r.has_value()) return Error(token.pos, Cat("malformed character constant: ", text));
      n.is_int = n.is_uint = n.is_float = true;
      n.int_value = static_cast<int64_t>(*r);
      n.uint_value = *r;
      n.float_value = static_cast<double>(*r);
      return n;
    }
    if (token.type == Tok::kComplex || (!text.empty() && text.back() == 'i')) {
      return Error(token.pos, "complex numbers are not supported");
    }
    uint64_t u;
    int64_t i;
    if (ParseUint(text, 0, &u) == NumError::kOk) {
      n.is_uint = true;
      n.uint_value = u;
    }
    if (ParseInt(text, 0, &i) == NumError::kOk) {
      n.is_int = true;
      n.int_value = i;
      if (i == 0) {
        n.is_uint = true;  // -0
        n.uint_value = 0;
      }
    }
    const bool float_syntax = text.find_first_of(".eEpP") != std::string_view::npos;
    if (n.is_int) {
      n.is_float = true;
      n.float_value = static_cast<double>(n.int_value);
    } else if (n.is_uint) {
      n.is_float = true;
      n.float_value = static_cast<double>(n.uint_value);
    } else {
      double f;
      if (ParseFloat(text, &f) == NumError::kOk) {
        if (!float_syntax) return Error(token.pos, Cat("integer overflow: ", text));
        n.is_float = true;
        n.float_value = f;
        if (f > -9.2233720368547758e18 && f < 9.2233720368547758e18 &&
            static_cast<double>(static_cast<int64_t>(f)) == f) {
          n.is_int = true;
          n.int_value = static_cast<int64_t>(f);
        }
        if (f >= 0 && f < 1.8446744073709552e19 && static_cast<double>(static_cast<uint64_t>(f)) == f) {
          n.is_uint = true;
          n.uint_value = static_cast<uint64_t>(f);
        }
      }
    }
    if (!n.is_int && !n.is_uint && !n.is_float) {
      return Error(token.pos, Cat("illegal number syntax: ", Quote(text)));
    }
    const bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                         text.find_first_of("pP") == std::string_view::npos;
    n.ideal_float = n.is_float && !hex_int && float_syntax;
    return n;
  }

  Template::Impl& t_;
  Lexed lexed_;
  size_t index_ = 0;
  std::vector<std::string_view> vars_;
  size_t depth_ = 0;
  int range_depth_ = 0;
};

}  // namespace

void Template::Impl::IndexLines() {
  line_starts.clear();
  line_starts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts.push_back(static_cast<uint32_t>(i + 1));
  }
}

std::pair<int, int> Template::Impl::Position(uint32_t pos) const {
  const auto it = std::upper_bound(line_starts.begin(), line_starts.end(), pos);
  const size_t line = static_cast<size_t>(it - line_starts.begin());  // 1-based
  const uint32_t start = line_starts[line - 1];
  int column = 1;
  for (uint32_t i = start; i < pos && i < text.size(); ++i) {
    column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  return {static_cast<int>(line), column};
}

absl::Status Template::Impl::Error(uint32_t pos, std::string_view message, absl::StatusCode code) const {
  const auto [line, column] = Position(pos);
  return absl::Status(code, Cat(line, ":", column, ": ", message));
}

absl::Status ParseTemplate(Template::Impl* impl) {
  impl->IndexLines();
  return Parser(impl).Parse();
}

}  // namespace vcp::tmpl
