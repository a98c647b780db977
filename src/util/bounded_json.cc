// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/bounded_json.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vcp/util/json_number.h"

namespace vcp {
namespace {

bool IsNumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// A number whose text nlohmann's SAX callbacks do not hand over: `-0`
// (reported as the integer 0) and a number beyond double's range (refused
// by nlohmann as "number overflow", kept by Go's UseNumber).
struct UnspokenNumber {
  size_t ordinal = 0;  // among all number tokens of the text, in order
  size_t offset = 0;
  size_t length = 0;
  bool overflows = false;
};

// Whether strtod, as nlohmann's lexer uses it, takes `token` beyond double.
// Only a token with an exponent or over 308 digits can get there, so strtod
// runs for few tokens.
bool OverflowsDouble(std::string_view token) {
  if (token.size() <= 308 && token.find_first_of("eE") == std::string_view::npos) return false;
  const std::string copy(token);
  return !std::isfinite(std::strtod(copy.c_str(), nullptr));
}

// Calls `visit(&i)` for every index `i` of `text` outside string literals,
// in order; `visit` may move `i` past what it consumed, and returns false to
// stop. Linear, no allocation, total on any bytes.
template <typename Visit>
void ScanOutsideStrings(std::string_view text, Visit visit) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (!visit(&i)) return;
  }
}

// One linear pass over `text` that finds every number token outside strings
// and lists those the SAX parse would lose. Exact for valid JSON (outside
// strings only numbers contain digits); for invalid JSON the parse fails and
// the list is not used.
std::vector<UnspokenNumber> FindUnspokenNumbers(std::string_view text) {
  std::vector<UnspokenNumber> found;
  size_t ordinal = 0;
  ScanOutsideStrings(text, [&](size_t* i) {
    const char c = text[*i];
    if (c != '-' && (c < '0' || c > '9')) return true;
    const size_t start = *i;
    while (*i + 1 < text.size() && IsNumberChar(text[*i + 1])) ++*i;
    const std::string_view token = text.substr(start, *i - start + 1);
    // Only a valid number is replaced for the parser: patching an invalid
    // one (`01e400`) would make the text valid.
    const bool overflows = IsJsonNumber(token) && OverflowsDouble(token);
    if (token == "-0" || overflows) found.push_back({ordinal, start, token.size(), overflows});
    ++ordinal;
    return true;
  });
  return found;
}

// Builds the value from nlohmann's SAX events, with number texts for every
// number that is not a canonical integer. Containers on the stack are never
// moved while open: an array only grows after its open child has closed, and
// objects are std::map nodes.
class NumberKeepingBuilder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  NumberKeepingBuilder(std::string_view original, std::vector<UnspokenNumber> unspoken)
      : original_(original), unspoken_(std::move(unspoken)) {}

  bool null() override { return Add(nullptr) != nullptr; }
  bool boolean(bool value) override { return Add(value) != nullptr; }
  bool number_integer(number_integer_t value) override { return Number(nlohmann::json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Number(nlohmann::json(value)); }
  bool number_float(number_float_t /*value*/, const string_t& text) override {
    return Number(MakeNumberText(text));
  }
  bool string(string_t& value) override { return Add(std::move(value)) != nullptr; }
  bool binary(binary_t& /*value*/) override { return false; }  // JSON text has no binary values
  bool start_object(std::size_t /*elements*/) override { return Open(nlohmann::json::object()); }
  bool key(string_t& key) override {
    key_ = std::move(key);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*elements*/) override { return Open(nlohmann::json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::json::exception& /*error*/) override {
    return false;
  }

  nlohmann::json Take() { return std::move(root_); }

 private:
  bool Number(nlohmann::json value) {
    const size_t ordinal = ordinal_++;
    if (next_unspoken_ < unspoken_.size() && unspoken_[next_unspoken_].ordinal == ordinal) {
      const UnspokenNumber& number = unspoken_[next_unspoken_++];
      value = MakeNumberText(original_.substr(number.offset, number.length));
    }
    return Add(std::move(value)) != nullptr;
  }

  nlohmann::json* Add(nlohmann::json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    nlohmann::json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    nlohmann::json& slot = parent[key_];  // a repeated key keeps its last value, as nlohmann and Go do
    slot = std::move(value);
    return &slot;
  }

  bool Open(nlohmann::json container) {
    stack_.push_back(Add(std::move(container)));
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::string_view original_;
  std::vector<UnspokenNumber> unspoken_;
  size_t next_unspoken_ = 0;
  size_t ordinal_ = 0;
  nlohmann::json root_;
  std::vector<nlohmann::json*> stack_;
  std::string key_;
};

}  // namespace

bool IsJsonNumber(std::string_view token) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i - start;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '-' || token[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == token.size();
}

size_t JsonNestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  ScanOutsideStrings(text, [&](size_t* i) {
    const char c = text[*i];
    if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    return true;
  });
  return deepest > limit ? limit + 1 : deepest;
}

absl::StatusOr<nlohmann::json> ParseUntrustedJson(std::string_view text, size_t max_depth) {
  if (JsonNestingDepth(text, max_depth) > max_depth) {
    return absl::InvalidArgumentError(absl::StrCat("nests deeper than ", max_depth, " levels"));
  }
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  return json;
}

absl::StatusOr<nlohmann::json> ParseUntrustedJsonKeepingNumbers(std::string_view text, size_t max_depth) {
  if (JsonNestingDepth(text, max_depth) > max_depth) {
    return absl::InvalidArgumentError(absl::StrCat("nests deeper than ", max_depth, " levels"));
  }
  std::vector<UnspokenNumber> unspoken = FindUnspokenNumbers(text);
  // nlohmann refuses a number beyond double's range: it reads a 0 in its
  // place, and the builder puts the original text back.
  std::string patched;
  std::string_view input = text;
  if (std::any_of(unspoken.begin(), unspoken.end(), [](const UnspokenNumber& n) { return n.overflows; })) {
    size_t copied = 0;
    for (const UnspokenNumber& number : unspoken) {
      if (!number.overflows) continue;
      patched.append(text.substr(copied, number.offset - copied));
      patched += '0';
      copied = number.offset + number.length;
    }
    patched.append(text.substr(copied));
    input = patched;
  }
  NumberKeepingBuilder builder(text, std::move(unspoken));
  if (!nlohmann::json::sax_parse(input, &builder)) return absl::InvalidArgumentError("not valid JSON");
  return builder.Take();
}

size_t JsonMemoryBytes(const nlohmann::json& json) {
  // Per value: the node itself plus allocator overhead; per object member: a
  // red-black tree node and the key; per string: its characters when they
  // are out of the small-string buffer.
  constexpr size_t kNode = sizeof(nlohmann::json) + 16;
  constexpr size_t kMember = 48 + sizeof(std::string);
  size_t bytes = 0;
  std::vector<const nlohmann::json*> pending = {&json};
  while (!pending.empty()) {
    const nlohmann::json* value = pending.back();
    pending.pop_back();
    bytes += kNode;
    if (value->is_string()) {
      const auto& text = value->get_ref<const std::string&>();
      if (text.size() > 15) bytes += text.size() + 1 + sizeof(std::string);
    } else if (value->is_object()) {
      for (auto it = value->begin(); it != value->end(); ++it) {
        bytes += kMember + (it.key().size() > 15 ? it.key().size() + 1 : 0);
        pending.push_back(&it.value());
      }
    } else if (value->is_array()) {
      for (const auto& element : *value) pending.push_back(&element);
    }
  }
  return bytes;
}

}  // namespace vcp
