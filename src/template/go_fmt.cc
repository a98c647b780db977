// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "go_fmt.h"

#include <algorithm>

#include "go_strconv.h"
#include "lexer.h"
#include "str.h"
#include "vcp/util/byte_budget.h"

namespace vcp::tmpl {
namespace {

constexpr std::string_view kLowerDigits = "0123456789abcdefx";
constexpr std::string_view kUpperDigits = "0123456789ABCDEFX";

// Go's fmt tooLarge: widths and precisions beyond a million are refused.
bool TooLarge(int64_t x) { return x > 1'000'000 || x < -1'000'000; }

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

struct Flags {
  bool plus = false;
  bool minus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  bool sharp_v = false;
  bool plus_v = false;
  bool wid_present = false;
  bool prec_present = false;
  int wid = 0;
  int prec = 0;
};

class Printer {
 public:
  Printer(const FmtLimits& limits, std::string* out) : limits_(limits), out_(out) {}

  absl::Status status() const { return status_; }
  bool ok() const { return status_.ok(); }
  Flags& flags() { return f_; }

  // Whether `n` more bytes fit; records the error when they do not.
  bool Fits(size_t n) {
    if (!status_.ok()) return false;
    if (out_->size() + n <= limits_.max_bytes) return true;
    status_ = absl::ResourceExhaustedError(Cat("printed text exceeds ", FormatBytes(limits_.max_bytes)));
    return false;
  }

  void Write(std::string_view s) {
    if (Fits(s.size())) out_->append(s);
  }
  void WriteByte(char c) { Write(std::string_view(&c, 1)); }

  // fmt.printArg for a top-level operand.
  void PrintArg(const Value& v, char32_t verb) {
    if (verb == 'T') {
      FmtS(v.is_absent() ? "<nil>" : GoTypeName(v.type()));
      return;
    }
    if (verb == 'p') {
      BadVerb(verb, v);
      return;
    }
    PrintValue(v, verb, 0);
  }

  // fmt.printValue: `v` formatted by `verb`, `depth` levels inside a container.
  void PrintValue(const Value& v, char32_t verb, size_t depth) {
    if (!ok()) return;
    if (depth > limits_.max_depth) {
      status_ = absl::InvalidArgumentError(Cat("value nests deeper than ", limits_.max_depth, " levels"));
      return;
    }
    switch (v.kind()) {
      case Value::Kind::kMissing:
      case Value::Kind::kNil:
        if (depth > 0 || verb == 'v') {
          PadString("<nil>");
        } else {
          BadVerb(verb, v);
        }
        return;
      case Value::Kind::kBool:
        if (verb == 't' || verb == 'v') {
          PadString(v.boolean() ? "true" : "false");
        } else {
          BadVerb(verb, v);
        }
        return;
      case Value::Kind::kInt: FmtInteger(v, verb); return;
      case Value::Kind::kFloat: FmtFloatVerb(v, verb); return;
      case Value::Kind::kString:
      case Value::Kind::kNumber: FmtString(v, verb); return;
      case Value::Kind::kList:
        WriteByte('[');
        for (size_t i = 0; i < v.size() && ok(); ++i) {
          if (i > 0) WriteByte(' ');
          PrintValue(v.At(i), verb, depth + 1);
        }
        WriteByte(']');
        return;
      case Value::Kind::kMap:
        Write("map[");
        {
          bool first = true;
          for (const auto& [key, element] : v.object().items()) {
            if (!ok()) return;
            if (!first) WriteByte(' ');
            first = false;
            PrintValue(Value::StringView(key), verb, depth + 1);
            WriteByte(':');
            PrintValue(Value::FromJson(element, v.mode(), v.owner()), verb, depth + 1);
          }
        }
        WriteByte(']');
        return;
      case Value::Kind::kStruct:
        status_ = absl::InvalidArgumentError(
            Cat("can't print a value of type ", GoTypeName(v.type()), "; print one of its fields (such as .Data.KEY)"));
        return;
    }
  }

  // Flags for one operand of printf, cleared between operands.
  void ClearFlags() { f_ = Flags{}; }

 private:
  void WritePadding(int n) {
    if (n <= 0 || !Fits(static_cast<size_t>(n))) return;
    out_->append(static_cast<size_t>(n), f_.zero ? '0' : ' ');
  }

  // fmt.pad: `s` padded to the width with spaces (or zeros), left or right.
  void Pad(std::string_view s) {
    if (!f_.wid_present || f_.wid == 0) {
      Write(s);
      return;
    }
    const int width = f_.wid - static_cast<int>(RuneCount(s));
    if (!f_.minus) {
      WritePadding(width);
      Write(s);
    } else {
      Write(s);
      WritePadding(width);
    }
  }
  void PadString(std::string_view s) { Pad(s); }

  // fmt.badVerb: %!verb(type=value).
  void BadVerb(char32_t verb, const Value& v) {
    Write("%!");
    std::string rune;
    AppendRune(verb, &rune);
    Write(rune);
    WriteByte('(');
    if (v.is_absent()) {
      Write("<nil>");
    } else {
      Write(GoTypeName(v.type()));
      WriteByte('=');
      PrintValue(v, 'v', 0);
    }
    WriteByte(')');
  }

  // `s` cut to the precision, counted in runes, when there is one.
  std::string_view Truncate(std::string_view s) const {
    if (!f_.prec_present) return s;
    size_t runes = 0;
    size_t i = 0;
    while (i < s.size() && runes < static_cast<size_t>(f_.prec)) {
      char32_t r;
      i += static_cast<size_t>(DecodeRune(s, i, &r));
      ++runes;
    }
    return s.substr(0, i);
  }

  void FmtS(std::string_view s) { PadString(Truncate(s)); }

  void FmtSx(std::string_view s, std::string_view digits) {
    size_t length = s.size();
    if (f_.prec_present && static_cast<size_t>(f_.prec) < length) length = static_cast<size_t>(f_.prec);
    std::string buf;
    for (size_t i = 0; i < length; ++i) {
      if (f_.space && i > 0) buf.push_back(' ');
      if (f_.sharp && (f_.space || i == 0)) {
        buf.push_back('0');
        buf.push_back(digits[16]);
      }
      const auto b = static_cast<unsigned char>(s[i]);
      buf.push_back(digits[b >> 4]);
      buf.push_back(digits[b & 15]);
    }
    Pad(buf);
  }

  void FmtQ(std::string_view s) {
    s = Truncate(s);
    if (f_.sharp && s.find('`') == std::string_view::npos &&
        std::none_of(s.begin(), s.end(), [](char c) { return (c < ' ' && c != '\t') || c == 0x7f; })) {
      PadString(Cat("`", s, "`"));
      return;
    }
    PadString(Quote(s));
  }

  void FmtString(const Value& v, char32_t verb) {
    const std::string_view s = v.str();
    switch (verb) {
      case 'v':
        if (f_.sharp_v) {
          FmtQ(s);
        } else {
          FmtS(s);
        }
        return;
      case 's': FmtS(s); return;
      case 'x': FmtSx(s, kLowerDigits); return;
      case 'X': FmtSx(s, kUpperDigits); return;
      case 'q': FmtQ(s); return;
      default: BadVerb(verb, v);
    }
  }

  // fmt.fmtInteger for `v` (int, int64: signed; uint8: unsigned).
  void FmtInteger(const Value& v, char32_t verb) {
    const bool is_signed = v.type() != GoType::kUint8;
    const auto u = static_cast<uint64_t>(v.integer());
    switch (verb) {
      case 'v':
      case 'd': FmtIntegerBase(u, 10, is_signed, verb, kLowerDigits); return;
      case 'b': FmtIntegerBase(u, 2, is_signed, verb, kLowerDigits); return;
      case 'o':
      case 'O': FmtIntegerBase(u, 8, is_signed, verb, kLowerDigits); return;
      case 'x': FmtIntegerBase(u, 16, is_signed, verb, kLowerDigits); return;
      case 'X': FmtIntegerBase(u, 16, is_signed, verb, kUpperDigits); return;
      case 'c': {
        std::string rune;
        AppendRune(u > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(u), &rune);
        Pad(rune);
        return;
      }
      case 'q': Pad(QuoteRune(u > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(u))); return;
      case 'U': {
        std::string hex;
        for (uint64_t x = u; x > 0 || hex.empty(); x >>= 4) hex.insert(hex.begin(), kUpperDigits[x & 15]);
        while (hex.size() < 4) hex.insert(hex.begin(), '0');
        std::string text = Cat("U+", hex);
        if (f_.sharp && u <= 0x10FFFF && IsPrint(static_cast<char32_t>(u))) {
          text += " '";
          AppendRune(static_cast<char32_t>(u), &text);
          text += "'";
        }
        Pad(text);
        return;
      }
      default: BadVerb(verb, v);
    }
  }

  void FmtIntegerBase(uint64_t u, int base, bool is_signed, char32_t verb, std::string_view digits) {
    const bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (f_.prec_present) {
      prec = f_.prec;
      if (prec == 0 && u == 0) {
        const bool old_zero = f_.zero;
        f_.zero = false;
        WritePadding(f_.wid);
        f_.zero = old_zero;
        return;
      }
    } else if (f_.zero && !f_.minus && f_.wid_present) {
      prec = f_.wid;
      if (negative || f_.plus || f_.space) --prec;  // room for the sign
    }
    std::string buf;  // built right to left, reversed at the end
    do {
      buf.push_back(digits[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u > 0);
    while (static_cast<int>(buf.size()) < prec) buf.push_back('0');
    if (f_.sharp) {
      if (base == 2) {
        buf += "b0";
      } else if (base == 8 && buf.back() != '0') {
        buf.push_back('0');
      } else if (base == 16) {
        buf.push_back(digits[16]);
        buf.push_back('0');
      }
    }
    if (verb == 'O') buf += "o0";
    if (negative) {
      buf.push_back('-');
    } else if (f_.plus) {
      buf.push_back('+');
    } else if (f_.space) {
      buf.push_back(' ');
    }
    std::reverse(buf.begin(), buf.end());
    const bool old_zero = f_.zero;
    f_.zero = false;
    Pad(buf);
    f_.zero = old_zero;
  }

  void FmtFloatVerb(const Value& v, char32_t verb) {
    switch (verb) {
      case 'v': FmtFloat(v.floating(), 'g', -1); return;
      case 'g':
      case 'G': FmtFloat(v.floating(), static_cast<char>(verb), -1); return;
      case 'f':
      case 'F': FmtFloat(v.floating(), 'f', 6); return;
      case 'e':
      case 'E': FmtFloat(v.floating(), static_cast<char>(verb), 6); return;
      default: BadVerb(verb, v);
    }
  }

  // fmt.fmtFloat (without the '#' flag's trailing-zero rules).
  void FmtFloat(double value, char verb, int prec) {
    if (f_.prec_present) prec = f_.prec;
    if (prec > 0 && !Fits(static_cast<size_t>(prec))) return;  // before FormatFloat makes the digits
    std::string num = FormatFloat(value, verb, prec);
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
    if (f_.space && num[0] == '+' && !f_.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      const bool old_zero = f_.zero;
      f_.zero = false;
      if (num[1] == 'N' && !f_.space && !f_.plus) num.erase(0, 1);
      Pad(num);
      f_.zero = old_zero;
      return;
    }
    if (f_.plus || num[0] != '+') {
      if (f_.zero && !f_.minus && f_.wid_present && f_.wid > static_cast<int>(num.size())) {
        WriteByte(num[0]);
        WritePadding(f_.wid - static_cast<int>(num.size()));
        Write(std::string_view(num).substr(1));
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  const FmtLimits& limits_;
  std::string* out_;
  absl::Status status_;
  Flags f_;
};

bool IsStringKind(const Value& v) { return v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kNumber; }

// Go's parsenum: digits at format[*i..end) as a number; false when there are
// none or they are too many.
bool ParseNum(std::string_view format, size_t* i, size_t end, int* num) {
  *num = 0;
  bool isnum = false;
  size_t k = *i;
  for (; k < end && format[k] >= '0' && format[k] <= '9'; ++k) {
    if (TooLarge(*num)) {
      *i = end;
      return false;
    }
    *num = *num * 10 + (format[k] - '0');
    isnum = true;
  }
  *i = k;
  return isnum;
}

class Formatter {
 public:
  Formatter(std::string_view format, const std::vector<Value>& args, Printer* p)
      : format_(format), args_(args), p_(*p) {}

  void Run() {
    const size_t end = format_.size();
    size_t arg_num = 0;
    bool after_index = false;
    size_t i = 0;
    while (i < end && p_.ok()) {
      good_arg_num_ = true;
      const size_t last = i;
      while (i < end && format_[i] != '%') ++i;
      if (i > last) p_.Write(format_.substr(last, i - last));
      if (i >= end) break;
      ++i;  // the '%'
      p_.ClearFlags();
      Flags& f = p_.flags();
      for (; i < end; ++i) {
        const char c = format_[i];
        if (c == '#') {
          f.sharp = true;
        } else if (c == '0') {
          f.zero = !f.minus;  // only pad with zeros on the left
        } else if (c == '+') {
          f.plus = true;
        } else if (c == '-') {
          f.minus = true;
          f.zero = false;
        } else if (c == ' ') {
          f.space = true;
        } else {
          break;
        }
      }
      ArgNumber(&arg_num, &i, &after_index);
      // Width.
      if (i < end && format_[i] == '*') {
        ++i;
        f.wid_present = IntFromArg(&arg_num, &f.wid);
        if (!f.wid_present) p_.Write("%!(BADWIDTH)");
        if (f.wid < 0) {
          f.wid = -f.wid;
          f.minus = true;
          f.zero = false;
        }
        after_index = false;
      } else {
        f.wid_present = ParseNum(format_, &i, end, &f.wid);
        if (after_index && f.wid_present) good_arg_num_ = false;
      }
      // Precision.
      if (i + 1 < end && format_[i] == '.') {
        ++i;
        if (after_index) good_arg_num_ = false;
        ArgNumber(&arg_num, &i, &after_index);
        if (i < end && format_[i] == '*') {
          ++i;
          f.prec_present = IntFromArg(&arg_num, &f.prec);
          if (f.prec < 0) {
            f.prec = 0;
            f.prec_present = false;
          }
          if (!f.prec_present) p_.Write("%!(BADPREC)");
          after_index = false;
        } else {
          f.prec_present = ParseNum(format_, &i, end, &f.prec);
          if (!f.prec_present) {
            f.prec = 0;
            f.prec_present = true;
          }
        }
      }
      if (!after_index) ArgNumber(&arg_num, &i, &after_index);
      if (i >= end) {
        p_.Write("%!(NOVERB)");
        break;
      }
      char32_t verb;
      i += static_cast<size_t>(DecodeRune(format_, i, &verb));
      if (verb == '%') {
        p_.WriteByte('%');
      } else if (!good_arg_num_) {
        BadArg(verb, "BADINDEX");
      } else if (arg_num >= args_.size()) {
        BadArg(verb, "MISSING");
      } else {
        if (verb == 'v') {
          f.sharp_v = f.sharp;
          f.sharp = false;
          f.plus_v = f.plus;
          f.plus = false;
        }
        p_.PrintArg(args_[arg_num], verb);
        ++arg_num;
      }
    }
    if (!reordered_ && arg_num < args_.size() && p_.ok()) {
      p_.ClearFlags();
      p_.Write("%!(EXTRA ");
      for (size_t k = arg_num; k < args_.size(); ++k) {
        if (k > arg_num) p_.Write(", ");
        if (args_[k].is_absent()) {
          p_.Write("<nil>");
        } else {
          p_.Write(GoTypeName(args_[k].type()));
          p_.WriteByte('=');
          p_.PrintArg(args_[k], 'v');
        }
      }
      p_.WriteByte(')');
    }
  }

 private:
  void BadArg(char32_t verb, std::string_view what) {
    std::string text = "%!";
    AppendRune(verb, &text);
    text += Cat("(", what, ")");
    p_.Write(text);
  }

  // Go's argNumber: an explicit argument index "[n]" at format[*i].
  void ArgNumber(size_t* arg_num, size_t* i, bool* found) {
    *found = false;
    if (*i >= format_.size() || format_[*i] != '[') return;
    reordered_ = true;
    const std::string_view rest = format_.substr(*i);
    size_t width = 1;
    bool ok = false;
    int index = 0;
    if (rest.size() >= 3) {
      for (size_t k = 1; k < rest.size(); ++k) {
        if (rest[k] == ']') {
          size_t newi = 1;
          int n;
          ok = ParseNum(rest, &newi, k, &n) && newi == k;
          index = n - 1;
          width = k + 1;
          break;
        }
      }
    }
    if (ok && index >= 0 && static_cast<size_t>(index) < args_.size()) {
      *arg_num = static_cast<size_t>(index);
      *i += width;
      *found = true;
      return;
    }
    good_arg_num_ = false;
    *i += width;
    *found = ok;
  }

  // Go's intFromArg: the width or precision an int operand gives.
  bool IntFromArg(size_t* arg_num, int* num) {
    *num = 0;
    if (*arg_num >= args_.size()) return false;
    const Value& v = args_[*arg_num];
    ++*arg_num;
    if (v.kind() != Value::Kind::kInt || TooLarge(v.integer())) return false;
    *num = static_cast<int>(v.integer());
    return true;
  }

  std::string_view format_;
  const std::vector<Value>& args_;
  Printer& p_;
  bool good_arg_num_ = true;
  bool reordered_ = false;
};

}  // namespace

absl::Status AppendPrint(const Value& value, const FmtLimits& limits, std::string* out) {
  Printer printer(limits, out);
  printer.PrintArg(value, 'v');
  return printer.status();
}

absl::Status Sprint(const std::vector<Value>& args, const FmtLimits& limits, std::string* out) {
  Printer printer(limits, out);
  bool prev_string = false;
  for (size_t i = 0; i < args.size() && printer.ok(); ++i) {
    const bool is_string = IsStringKind(args[i]);
    if (i > 0 && !is_string && !prev_string) printer.WriteByte(' ');
    printer.PrintArg(args[i], 'v');
    prev_string = is_string;
  }
  return printer.status();
}

absl::Status Sprintln(const std::vector<Value>& args, const FmtLimits& limits, std::string* out) {
  Printer printer(limits, out);
  for (size_t i = 0; i < args.size() && printer.ok(); ++i) {
    if (i > 0) printer.WriteByte(' ');
    printer.PrintArg(args[i], 'v');
  }
  printer.WriteByte('\n');
  return printer.status();
}

absl::Status Sprintf(std::string_view format, const std::vector<Value>& args, const FmtLimits& limits,
                     std::string* out) {
  Printer printer(limits, out);
  Formatter(format, args, &printer).Run();
  return printer.status();
}

}  // namespace vcp::tmpl
