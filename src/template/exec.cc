// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The executor of Go's text/template (text/template/exec.go) over template
// values: a walk of the tree with a stack of variables, as Go's state has.
// Departures from Go, each deliberate (docs/templates.md):
//  - a missing map key is a missing value: falsy, empty to default, passed
//    on by field access and index, and an error wherever it is printed or
//    used as a value (Go prints "<no value>");
//  - nil values are never printed (Go prints "<nil>" or "<no value>");
//  - json.Number is accepted where a string parameter is expected, int64
//    where an int is, and any list of strings where []string is.
// Recursion follows the tree, whose depth Parse bounded; every step of work
// is counted against the budget and every byte of output against its limit.
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "functions.h"
#include "go_fmt.h"
#include "go_strconv.h"
#include "str.h"
#include "template_impl.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::tmpl {
namespace {

using Kind = Value::Kind;

class Executor {
 public:
  Executor(const Template::Impl& t, const std::vector<const nlohmann::json*>& secrets)
      : t_(t), secrets_(secrets), budget_(t.limits.max_steps) {}

  absl::StatusOr<std::string> Run() {
    if (secrets_.size() != t_.calls.size()) {
      return absl::InvalidArgumentError(
          Cat("got ", secrets_.size(), " secret responses for ", t_.calls.size(), " secret calls"));
    }
    for (size_t i = 0; i < secrets_.size(); ++i) {
      if (secrets_[i] == nullptr || !secrets_[i]->is_object()) {
        const auto& call = t_.calls[i];
        return absl::InvalidArgumentError(Cat(call.line, ":", call.column, ": the response to secret ",
                                              QuoteShortened(ToAbsl(call.path), 64), " is not a JSON object"));
      }
    }
    const Value dot = Value::Nil(".");
    vars_.emplace_back("$", dot);
    VCP_ASSIGN_OR_RETURN(Flow flow, Walk(dot, t_.root));
    (void)flow;  // break and continue only occur inside range
    return std::move(out_);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  absl::Status Error(uint32_t pos, std::string_view message) const { return t_.Error(pos, message); }

  // `status` from a step at `pos`, with the position in front.
  absl::Status At(uint32_t pos, const absl::Status& status) const {
    return t_.Error(pos, ToStd(status.message()), status.code());
  }

  absl::Status Step(uint32_t pos, uint64_t n = 1) {
    absl::Status status = budget_.Step(n);
    if (!status.ok()) return At(pos, status);
    return status;
  }

  // ---------------------------------------------------------- variables

  size_t Mark() const { return vars_.size(); }
  void Pop(size_t mark) { vars_.resize(mark); }

  absl::Status SetVar(uint32_t pos, std::string_view name, const Value& value) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = value;
        return absl::OkStatus();
      }
    }
    return Error(pos, Cat("undefined variable: ", name));
  }

  absl::StatusOr<Value> VarValue(uint32_t pos, std::string_view name) const {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    return Error(pos, Cat("undefined variable: ", name));
  }

  // ---------------------------------------------------------- walking

  absl::StatusOr<Flow> Walk(const Value& dot, const ListNode& list) {
    for (const Node& node : list.nodes) {
      VCP_ASSIGN_OR_RETURN(Flow flow, WalkNode(dot, node));
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  absl::StatusOr<Flow> WalkNode(const Value& dot, const Node& node) {
    VCP_RETURN_IF_ERROR(Step(node.pos));
    switch (node.kind) {
      case Node::Kind::kText: VCP_RETURN_IF_ERROR(Write(node.pos, node.text)); return Flow::kNormal;
      case Node::Kind::kAction: {
        // Variables declared here persist until the enclosing {{end}}.
        VCP_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, *node.pipe));
        if (node.pipe->decls.empty()) VCP_RETURN_IF_ERROR(Print(node.pos, value));
        return Flow::kNormal;
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: return WalkIfOrWith(dot, node);
      case Node::Kind::kRange: return WalkRange(dot, node);
      case Node::Kind::kBreak: return Flow::kBreak;
      case Node::Kind::kContinue: return Flow::kContinue;
    }
    return Flow::kNormal;
  }

  absl::Status Write(uint32_t pos, std::string_view text) {
    if (out_.size() + text.size() > t_.limits.max_output_bytes) return OutputTooLarge(pos);
    VCP_RETURN_IF_ERROR(Step(pos, text.size() / 64));
    out_.append(text);
    return absl::OkStatus();
  }

  absl::Status OutputTooLarge(uint32_t pos) const {
    return Error(pos, Cat("the output exceeds ", FormatBytes(t_.limits.max_output_bytes)),
                 absl::StatusCode::kResourceExhausted);
  }

  absl::Status Error(uint32_t pos, std::string_view message, absl::StatusCode code) const {
    return t_.Error(pos, message, code);
  }

  // Writes `value` as {{ }} does: fmt.Print's %v.
  absl::Status Print(uint32_t pos, const Value& value) {
    if (value.is_absent()) return Error(pos, AbsentMessage(value));
    const size_t before = out_.size();
    absl::Status status = AppendPrint(value, FmtLimits{t_.limits.max_output_bytes, t_.limits.max_data_depth}, &out_);
    if (absl::IsResourceExhausted(status)) return OutputTooLarge(pos);
    if (!status.ok()) return At(pos, status);
    return Step(pos, (out_.size() - before) / 64);
  }

  // if / else if / else, and with / else with / else: the first true
  // branch runs; variables of every condition tried stay until the end.
  absl::StatusOr<Flow> WalkIfOrWith(const Value& dot, const Node& node) {
    const size_t mark = Mark();
    for (const Branch& branch : node.branches) {
      VCP_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, branch.pipe));
      if (Truth(value)) {
        absl::StatusOr<Flow> flow = Walk(node.kind == Node::Kind::kWith ? value : dot, branch.list);
        Pop(mark);
        return flow;
      }
    }
    absl::StatusOr<Flow> flow = Flow::kNormal;
    if (node.else_list != nullptr) flow = Walk(dot, *node.else_list);
    Pop(mark);
    return flow;
  }

  absl::StatusOr<Flow> WalkRange(const Value& dot, const Node& node) {
    const size_t outer = Mark();
    VCP_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, *node.pipe));
    const PipeNode& pipe = *node.pipe;
    const size_t mark = Mark();
    // One iteration: sets the range's variables, walks the body.
    auto iteration = [&](const Value& index, const Value& element) -> absl::StatusOr<Flow> {
      VCP_RETURN_IF_ERROR(Step(node.pos));
      if (!pipe.decls.empty()) {
        if (pipe.is_assign) {
          VCP_RETURN_IF_ERROR(SetVar(node.pos, pipe.decls[0], pipe.decls.size() > 1 ? index : element));
        } else {
          vars_[vars_.size() - 1].second = element;
        }
      }
      if (pipe.decls.size() > 1) {
        if (pipe.is_assign) {
          VCP_RETURN_IF_ERROR(SetVar(node.pos, pipe.decls[1], element));
        } else {
          vars_[vars_.size() - 2].second = index;
        }
      }
      absl::StatusOr<Flow> flow = Walk(element, *node.list);
      Pop(mark);
      return flow;
    };
    bool ran = false;
    switch (value.kind()) {
      case Kind::kList:
        for (size_t i = 0; i < value.size(); ++i) {
          ran = true;
          VCP_ASSIGN_OR_RETURN(Flow flow, iteration(Value::Int(static_cast<int64_t>(i)), value.At(i)));
          if (flow == Flow::kBreak) break;
        }
        break;
      case Kind::kMap:
        for (const auto& [key, element] : value.object().items()) {
          ran = true;
          VCP_ASSIGN_OR_RETURN(Flow flow, iteration(Value::StringView(key, value.owner()),
                                                    Value::FromJson(element, value.mode(), value.owner())));
          if (flow == Flow::kBreak) break;
        }
        break;
      case Kind::kInt:
        if (pipe.decls.size() > 1)
          return Error(node.pos, "can't use an integer to iterate over more than one variable");
        for (int64_t i = 0; i < value.integer(); ++i) {
          ran = true;
          VCP_ASSIGN_OR_RETURN(Flow flow, iteration(Value(), Value::Int(i, value.type())));
          if (flow == Flow::kBreak) break;
        }
        break;
      case Kind::kMissing:
      case Kind::kNil: break;  // like an empty map: an optional list or map may be absent
      default: return Error(node.pos, Cat("range can't iterate over a value of type ", GoTypeName(value.type())));
    }
    absl::StatusOr<Flow> flow = Flow::kNormal;
    if (!ran && node.else_list != nullptr) flow = Walk(dot, *node.else_list);
    Pop(outer);
    if (!flow.ok()) return flow.status();
    return Flow::kNormal;
  }

  // ---------------------------------------------------------- evaluation

  absl::StatusOr<Value> EvalPipeline(const Value& dot, const PipeNode& pipe) {
    VCP_RETURN_IF_ERROR(Step(pipe.pos));
    std::optional<Value> final;
    for (const CommandNode& cmd : pipe.cmds) {
      VCP_ASSIGN_OR_RETURN(Value value, EvalCommand(dot, cmd, final));
      final = std::move(value);
    }
    const Value& value = *final;
    for (std::string_view decl : pipe.decls) {
      if (pipe.is_assign) {
        VCP_RETURN_IF_ERROR(SetVar(pipe.pos, decl, value));
      } else {
        vars_.emplace_back(decl, value);
      }
    }
    return value;
  }

  absl::Status NotAFunction(std::span<const ArgNode> args, const std::optional<Value>& final) const {
    if (args.size() > 1 || final.has_value()) {
      return Error(args[0].pos, Cat("can't give argument to non-function ", Shorten(ToAbsl(args[0].source), 64)));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Value> EvalCommand(const Value& dot, const CommandNode& cmd, const std::optional<Value>& final) {
    const std::span<const ArgNode> args(cmd.args);
    const ArgNode& first = cmd.args[0];
    switch (first.kind) {
      case ArgNode::Kind::kField: return EvalFieldChain(dot, first, args, final);
      case ArgNode::Kind::kChain: {
        VCP_ASSIGN_OR_RETURN(Value base, EvalArg(dot, Param::kValue, *first.base));
        return EvalFieldChain(base, first, args, final);
      }
      case ArgNode::Kind::kFunction: return EvalFunction(dot, first, args, final);
      case ArgNode::Kind::kPipe: VCP_RETURN_IF_ERROR(NotAFunction(args, final)); return EvalPipeline(dot, *first.pipe);
      case ArgNode::Kind::kVariable: {
        VCP_ASSIGN_OR_RETURN(Value value, VarValue(first.pos, first.text));
        if (first.fields.empty()) {
          VCP_RETURN_IF_ERROR(NotAFunction(args, final));
          return value;
        }
        return EvalFieldChain(value, first, args, final);
      }
      default: break;
    }
    VCP_RETURN_IF_ERROR(NotAFunction(args, final));
    switch (first.kind) {
      case ArgNode::Kind::kBool: return Value::Bool(first.boolean);
      case ArgNode::Kind::kDot: return dot;
      case ArgNode::Kind::kNil: return Error(first.pos, "nil is not a command");
      case ArgNode::Kind::kNumber: return IdealConstant(first);
      case ArgNode::Kind::kString: return Value::StringView(first.text);
      default: return Error(first.pos, Cat("can't evaluate command ", Shorten(ToAbsl(first.source), 64)));
    }
  }

  // Go's idealConstant: a number literal where nothing says its type.
  absl::StatusOr<Value> IdealConstant(const ArgNode& node) const {
    const NumberLit& n = node.number;
    if (n.ideal_float) return Value::Float(n.float_value);
    if (n.is_int) return Value::Int(n.int_value);
    return Error(node.pos, Cat(Shorten(ToAbsl(node.source), 64), " overflows int"));
  }

  // .X.Y.Z applied to `receiver`; the last field gets the command's
  // arguments (`args` includes the field node itself first).
  absl::StatusOr<Value> EvalFieldChain(Value receiver, const ArgNode& node,
                                       std::span<const ArgNode> args, const std::optional<Value>& final) {
    const auto& fields = node.fields;
    for (size_t i = 0; i + 1 < fields.size(); ++i) {
      VCP_ASSIGN_OR_RETURN(receiver, EvalField(fields[i], node, false, 0, receiver));
    }
    const bool has_args = args.size() > 1 || final.has_value();
    return EvalField(fields.back(), node, has_args, args.size() - 1 + (final.has_value() ? 1 : 0), receiver);
  }

  absl::StatusOr<Value> EvalField(std::string_view name, const ArgNode& node, bool has_args, size_t num_args,
                                  const Value& receiver) {
    VCP_RETURN_IF_ERROR(Step(node.pos));
    switch (receiver.kind()) {
      case Kind::kMissing:
      case Kind::kNil: return receiver;  // an absent value's fields are absent too
      case Kind::kMap: {
        if (has_args) return Error(node.pos, Cat(name, " is not a method but has arguments"));
        std::optional<Value> element = receiver.Get(name, name);
        if (!element.has_value()) return Value::Missing(name);
        return *std::move(element);
      }
      case Kind::kStruct: {
        std::optional<Value> field = receiver.Field(name);
        if (!field.has_value()) break;
        if (has_args) return Error(node.pos, Cat(name, " has arguments but cannot be invoked as function"));
        return *std::move(field);
      }
      case Kind::kNumber:
        // json.Number's methods.
        if (name == "String" || name == "Int64" || name == "Float64") {
          if (has_args) return Error(node.pos, Cat("wrong number of args for ", name, ": want 0 got ", num_args));
          if (name == "String") return Value::StringView(receiver.str(), receiver.owner());
          if (name == "Int64") {
            int64_t i;
            const NumError error = ParseInt(receiver.str(), 10, &i);
            if (error != NumError::kOk) return Error(node.pos, "error calling Int64: strconv.ParseInt: invalid syntax");
            return Value::Int(i, GoType::kInt64);
          }
          double f;
          if (ParseFloat(receiver.str(), &f) != NumError::kOk) {
            return Error(node.pos, "error calling Float64: strconv.ParseFloat: invalid syntax");
          }
          return Value::Float(f);
        }
        break;
      default: break;
    }
    return Error(node.pos, Cat("can't evaluate field ", name, " in type ", GoTypeName(receiver.type())));
  }

  // A call of function `fn` with the operands after it in `args`, and the
  // pipeline's value `final` last.
  absl::StatusOr<Value> EvalFunction(const Value& dot, const ArgNode& fn, std::span<const ArgNode> args,
                                     const std::optional<Value>& final) {
    VCP_RETURN_IF_ERROR(Step(fn.pos));
    const FunctionDef& def = *fn.function;
    if (def.special == FunctionDef::Special::kSecret) {
      // Parse gave every call that runs an index; anything else is a bug, not UB.
      if (fn.secret_index < 0 || static_cast<size_t>(fn.secret_index) >= secrets_.size()) {
        return absl::InternalError(Cat(t_.Position(fn.pos).first, ": secret call without a parsed path"));
      }
      return Value::Struct(GoType::kSecret, *secrets_[static_cast<size_t>(fn.secret_index)]);
    }
    const size_t operands = args.size() - 1;
    const size_t num_in = operands + (final.has_value() ? 1 : 0);
    const size_t num_fixed = def.params.size();
    if (def.variadic) {
      if (num_in < num_fixed) {
        return Error(fn.pos,
                     Cat("wrong number of args for ", def.name, ": want at least ", num_fixed, " got ", operands));
      }
    } else if (num_in != num_fixed) {
      return Error(fn.pos, Cat("wrong number of args for ", def.name, ": want ", num_fixed, " got ", num_in));
    }
    if (def.special == FunctionDef::Special::kAnd || def.special == FunctionDef::Special::kOr) {
      // Short-circuit: the first operand that decides is the result.
      const bool is_or = def.special == FunctionDef::Special::kOr;
      Value value;
      for (size_t i = 1; i < args.size(); ++i) {
        VCP_ASSIGN_OR_RETURN(value, EvalArg(dot, Param::kValue, args[i]));
        if (Truth(value) == is_or) return value;
      }
      if (final.has_value()) value = *final;
      return value;
    }
    Call call;
    call.limits = &t_.limits;
    call.budget = &budget_;
    call.regexes = &regexes_;
    std::vector<uint32_t> positions;
    for (size_t i = 0; i < operands; ++i) {
      const Param param = i < num_fixed ? def.params[i] : def.variadic_param;
      const ArgNode& arg = args[i + 1];
      VCP_ASSIGN_OR_RETURN(Value value, EvalArg(dot, param, arg));
      call.args.push_back(std::move(value));
      call.literals.push_back(arg.kind == ArgNode::Kind::kString ? std::string_view(arg.text) : std::string_view());
      positions.push_back(arg.pos);
    }
    if (final.has_value()) {
      const Param param = num_in - 1 < num_fixed ? def.params[num_in - 1] : def.variadic_param;
      VCP_ASSIGN_OR_RETURN(Value value, Validate(*final, param, fn.pos));
      call.args.push_back(std::move(value));
      call.literals.emplace_back();
      positions.push_back(fn.pos);
    }
    for (size_t i = 0; i < call.args.size(); ++i) {
      const Value& value = call.args[i];
      const bool refused = value.kind() == Kind::kMissing ? def.absent != FunctionDef::Absent::kAccept
                           : value.kind() == Kind::kNil   ? def.absent == FunctionDef::Absent::kRefuse
                                                          : false;
      if (refused) return Error(positions[i], AbsentMessage(value));
    }
    absl::StatusOr<Value> result = def.impl(call);
    if (!result.ok()) {
      return Error(fn.pos, Cat("error calling ", def.name, ": ", ToStd(result.status().message())),
                   result.status().code());
    }
    return result;
  }

  // An operand evaluated for a parameter of type `param` (Go's evalArg).
  absl::StatusOr<Value> EvalArg(const Value& dot, Param param, const ArgNode& node) {
    switch (node.kind) {
      case ArgNode::Kind::kDot: return Validate(dot, param, node.pos);
      case ArgNode::Kind::kNil:
        if (param == Param::kString || param == Param::kInt) {
          return Error(node.pos, Cat("cannot assign nil to ", param == Param::kString ? "string" : "int"));
        }
        return Value::Nil();
      case ArgNode::Kind::kField: {
        VCP_ASSIGN_OR_RETURN(Value value, EvalFieldChain(dot, node, std::span<const ArgNode>(&node, 1), {}));
        return Validate(value, param, node.pos);
      }
      case ArgNode::Kind::kVariable: {
        VCP_ASSIGN_OR_RETURN(Value value, VarValue(node.pos, node.text));
        if (!node.fields.empty()) {
          VCP_ASSIGN_OR_RETURN(value, EvalFieldChain(value, node, std::span<const ArgNode>(&node, 1), {}));
        }
        return Validate(value, param, node.pos);
      }
      case ArgNode::Kind::kPipe: {
        VCP_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, *node.pipe));
        return Validate(value, param, node.pos);
      }
      case ArgNode::Kind::kFunction: {
        VCP_ASSIGN_OR_RETURN(Value value, EvalFunction(dot, node, std::span<const ArgNode>(&node, 1), {}));
        return Validate(value, param, node.pos);
      }
      case ArgNode::Kind::kChain: {
        VCP_ASSIGN_OR_RETURN(Value base, EvalArg(dot, Param::kValue, *node.base));
        VCP_ASSIGN_OR_RETURN(Value value, EvalFieldChain(base, node, std::span<const ArgNode>(&node, 1), {}));
        return Validate(value, param, node.pos);
      }
      default: break;
    }
    const std::string found = Shorten(ToAbsl(node.source), 64);
    switch (param) {
      case Param::kString:
        if (node.kind == ArgNode::Kind::kString) return Value::StringView(node.text);
        return Error(node.pos, Cat("expected string; found ", found));
      case Param::kInt:
        if (node.kind == ArgNode::Kind::kNumber && node.number.is_int) return Value::Int(node.number.int_value);
        return Error(node.pos, Cat("expected integer; found ", found));
      case Param::kValue:
        if (node.kind == ArgNode::Kind::kBool) return Value::Bool(node.boolean);
        if (node.kind == ArgNode::Kind::kString) return Value::StringView(node.text);
        return IdealConstant(node);
      case Param::kStringList:
      case Param::kList: break;
    }
    return Error(node.pos, Cat("can't handle ", found, " for arg of type ",
                               param == Param::kList ? "[]interface {}" : "[]string"));
  }

  // Go's validateType: whether `value` may be passed as `param`.
  absl::StatusOr<Value> Validate(const Value& value, Param param, uint32_t pos) {
    auto wrong = [&](std::string_view expected) {
      return Error(pos, Cat("wrong type for value; expected ", expected, "; got ", GoTypeName(value.type())));
    };
    switch (param) {
      case Param::kValue: return value;
      case Param::kString:
        if (value.is_stringish()) return value;
        if (value.is_absent()) return Error(pos, AbsentMessage(value));
        return wrong("string");
      case Param::kInt:
        if (value.kind() == Kind::kInt && value.type() != GoType::kUint8) return value;
        if (value.is_absent()) return Error(pos, AbsentMessage(value));
        return wrong("int");
      case Param::kStringList:
        if (value.is_absent()) return value;
        if (value.kind() != Kind::kList) return wrong("[]string");
        VCP_RETURN_IF_ERROR(Step(pos, value.size() / 16));
        for (size_t i = 0; i < value.size(); ++i) {
          if (!value.At(i).is_stringish()) {
            return Error(pos, Cat("wrong type for value; expected []string; got ", GoTypeName(value.type()),
                                  " whose element ", i, " is not a string"));
          }
        }
        return value;
      case Param::kList:
        if (value.is_absent() || value.kind() == Kind::kList) return value;
        return wrong("[]interface {}");
    }
    return value;
  }

  const Template::Impl& t_;
  const std::vector<const nlohmann::json*>& secrets_;
  Budget budget_;
  std::vector<std::pair<std::string_view, Value>> vars_;
  std::map<std::string, std::shared_ptr<const re2::RE2>, std::less<>> regexes_;
  std::string out_;
};

}  // namespace

absl::StatusOr<std::string> ExecuteTemplate(const Template::Impl& impl,
                                            const std::vector<const nlohmann::json*>& secrets) {
  return Executor(impl, secrets).Run();
}

}  // namespace vcp::tmpl
