// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The values a template computes with, modelled on the Go values Vault
// Agent's templates see:
//  - secret data decoded with UseNumber: strings, json.Number (a string
//    kind printed as Vault spelled it), bools, nil, []interface{} and
//    map[string]interface{};
//  - the *dependency.Secret that `secret` returns (and its Auth, WrapInfo);
//  - literals and function results: bool, int, int64, float64, string,
//    []string, map[string]string, and parseJSON's float64 numbers.
// One addition: a missing value, what a field or index of a map without that
// key gives. It is falsy, empty to default/coalesce, and an error wherever
// it would be printed or used as a value.
//
// Values are cheap to copy: strings and containers are views into JSON that
// either the caller owns (secret responses, alive for the whole render) or
// `owner` keeps alive.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vcp::tmpl {

// How numbers inside JSON containers read.
enum class NumberMode : uint8_t {
  kJsonNumber,  // Vault data (UseNumber): json.Number, printed as written
  kFloat64,     // parseJSON (json.Unmarshal into interface{}): float64
  kNative,      // parseYAML: integers are int, others float64
};

// Go types a value may carry, for type errors and printf's %!v(type=...).
enum class GoType : uint8_t {
  kNone,
  kBool,
  kInt,
  kInt64,
  kUint8,
  kFloat64,
  kString,
  kJsonNumber,
  kAnyList,     // []interface {}
  kStringList,  // []string
  kAnyMap,      // map[string]interface {}
  kStringMap,   // map[string]string
  kSecret,      // *dependency.Secret
  kSecretAuth,
  kSecretWrapInfo,
};

// Go's name of `type`, as %T would print it.
std::string_view GoTypeName(GoType type);

class Value {
 public:
  enum class Kind : uint8_t { kMissing, kNil, kBool, kInt, kFloat, kString, kNumber, kList, kMap, kStruct };

  // A missing map key; `key` (template text, or empty when the key did not
  // come from the template) names it in errors.
  static Value Missing(std::string_view key);
  // A nil (JSON null, the nil literal, an absent Auth); `key` as above.
  static Value Nil(std::string_view key = {});
  static Value Bool(bool value);
  static Value Int(int64_t value, GoType type = GoType::kInt);
  static Value Float(double value);
  // A string the value owns.
  static Value String(std::string text);
  // A string that `owner` keeps alive (null: alive for the whole render).
  static Value StringView(std::string_view text, std::shared_ptr<const void> owner = nullptr);
  // A json.Number with text `text`, kept alive as above.
  static Value JsonNumber(std::string_view text, std::shared_ptr<const void> owner = nullptr);
  // The value of a JSON node inside a container read in `mode`.
  static Value FromJson(const nlohmann::json& json, NumberMode mode, const std::shared_ptr<const void>& owner,
                        std::string_view key = {});
  // A list or map over a JSON array or object.
  static Value Container(const nlohmann::json& json, NumberMode mode, std::shared_ptr<const void> owner, GoType type);
  // A JSON value the value owns: a list or a map (of `type`), or a scalar.
  static Value Owned(nlohmann::json json, NumberMode mode, GoType type);
  // A *dependency.Secret (`type` kSecret, kSecretAuth or kSecretWrapInfo)
  // over a Vault response object.
  static Value Struct(GoType type, const nlohmann::json& object);

  Kind kind() const { return kind_; }
  GoType type() const { return type_; }
  bool is_absent() const { return kind_ == Kind::kMissing || kind_ == Kind::kNil; }
  bool is_stringish() const { return kind_ == Kind::kString || kind_ == Kind::kNumber; }

  bool boolean() const { return b_; }
  int64_t integer() const { return i_; }
  double floating() const { return f_; }
  // kString, kNumber: the text. kMissing, kNil: the key that names it.
  std::string_view str() const { return s_; }

  // kList, kMap: the number of elements.
  size_t size() const;
  // kList: element `i`. REQUIRES: i < size().
  Value At(size_t i) const;
  // kList: elements [from, to). REQUIRES: from <= to <= size().
  Value Slice(size_t from, size_t to) const;
  // kMap: the element with key `key`, or nullopt. A nil element is named
  // `name` in errors (empty: the key may be secret, so it goes unnamed).
  std::optional<Value> Get(std::string_view key, std::string_view name = {}) const;
  // kMap: the underlying object, keys in byte order (as Go sorts them).
  const nlohmann::json& object() const { return *json_; }
  NumberMode mode() const { return mode_; }
  const std::shared_ptr<const void>& owner() const { return owner_; }

  // kStruct: the field named `name` (a Go field name), or nullopt when the
  // struct has none.
  std::optional<Value> Field(std::string_view name) const;

 private:
  Kind kind_ = Kind::kNil;
  GoType type_ = GoType::kNone;
  NumberMode mode_ = NumberMode::kJsonNumber;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string_view s_;
  const nlohmann::json* json_ = nullptr;
  size_t offset_ = 0;
  size_t length_ = 0;
  std::shared_ptr<const void> owner_;
};

// Go's truth (text/template's isTrue): false, 0, "", and empty lists and maps
// are false, as are nil and missing values; structs are true.
bool Truth(const Value& value);

// Sprig's empty(): true for what Truth calls false.
inline bool Empty(const Value& value) { return !Truth(value); }

// The error for using `value` (missing or nil) where a value is needed:
// `map has no entry for key "k"` or `value of "k" is nil`.
std::string AbsentMessage(const Value& value);

}  // namespace vcp::tmpl
