// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "value.h"

#include <utility>

#include "go_strconv.h"
#include "str.h"
#include "vcp/util/json_number.h"
#include "vcp/util/text.h"

namespace vcp::tmpl {
namespace {

const nlohmann::json& EmptyObject() {
  static const nlohmann::json* const kEmpty = new nlohmann::json(nlohmann::json::object());
  return *kEmpty;
}

const nlohmann::json& EmptyArray() {
  static const nlohmann::json* const kEmpty = new nlohmann::json(nlohmann::json::array());
  return *kEmpty;
}

// A member of a Vault response object, or null when absent.
const nlohmann::json* Member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Value StringMember(const nlohmann::json& object, const char* key) {
  const nlohmann::json* member = Member(object, key);
  if (member == nullptr || !member->is_string()) return Value::StringView("");
  return Value::StringView(member->get_ref<const std::string&>());
}

// An int field (Go's zero when absent or not an integer).
Value IntMember(const nlohmann::json& object, const char* key) {
  const nlohmann::json* member = Member(object, key);
  int64_t value = 0;
  if (member == nullptr) return Value::Int(0);
  if (member->is_number_integer()) {
    value = member->get<int64_t>();
  } else if (IsNumberText(*member)) {
    if (ParseInt(NumberText(*member), 10, &value) != NumError::kOk) value = 0;
  }
  return Value::Int(value);
}

Value BoolMember(const nlohmann::json& object, const char* key) {
  const nlohmann::json* member = Member(object, key);
  return Value::Bool(member != nullptr && member->is_boolean() && member->get<bool>());
}

Value MapMember(const nlohmann::json& object, const char* key, GoType type) {
  const nlohmann::json* member = Member(object, key);
  if (member == nullptr || !member->is_object()) member = &EmptyObject();
  return Value::Container(*member, NumberMode::kJsonNumber, nullptr, type);
}

Value ListMember(const nlohmann::json& object, const char* key) {
  const nlohmann::json* member = Member(object, key);
  if (member == nullptr || !member->is_array()) member = &EmptyArray();
  return Value::Container(*member, NumberMode::kJsonNumber, nullptr, GoType::kStringList);
}

Value StructMember(const nlohmann::json& object, const char* key, GoType type, std::string_view field) {
  const nlohmann::json* member = Member(object, key);
  if (member == nullptr || !member->is_object()) return Value::Nil(field);
  return Value::Struct(type, *member);
}

}  // namespace

std::string_view GoTypeName(GoType type) {
  switch (type) {
    case GoType::kNone: return "<nil>";
    case GoType::kBool: return "bool";
    case GoType::kInt: return "int";
    case GoType::kInt64: return "int64";
    case GoType::kUint8: return "uint8";
    case GoType::kFloat64: return "float64";
    case GoType::kString: return "string";
    case GoType::kJsonNumber: return "json.Number";
    case GoType::kAnyList: return "[]interface {}";
    case GoType::kStringList: return "[]string";
    case GoType::kAnyMap: return "map[string]interface {}";
    case GoType::kStringMap: return "map[string]string";
    case GoType::kSecret: return "*dependency.Secret";
    case GoType::kSecretAuth: return "*dependency.SecretAuth";
    case GoType::kSecretWrapInfo: return "*dependency.SecretWrapInfo";
  }
  return "?";
}

Value Value::Missing(std::string_view key) {
  Value v;
  v.kind_ = Kind::kMissing;
  v.s_ = key;
  return v;
}

Value Value::Nil(std::string_view key) {
  Value v;
  v.kind_ = Kind::kNil;
  v.s_ = key;
  return v;
}

Value Value::Bool(bool value) {
  Value v;
  v.kind_ = Kind::kBool;
  v.type_ = GoType::kBool;
  v.b_ = value;
  return v;
}

Value Value::Int(int64_t value, GoType type) {
  Value v;
  v.kind_ = Kind::kInt;
  v.type_ = type;
  v.i_ = value;
  return v;
}

Value Value::Float(double value) {
  Value v;
  v.kind_ = Kind::kFloat;
  v.type_ = GoType::kFloat64;
  v.f_ = value;
  return v;
}

Value Value::String(std::string text) {
  auto holder = std::make_shared<const std::string>(std::move(text));
  std::string_view view = *holder;
  return StringView(view, std::move(holder));
}

Value Value::StringView(std::string_view text, std::shared_ptr<const void> owner) {
  Value v;
  v.kind_ = Kind::kString;
  v.type_ = GoType::kString;
  v.s_ = text;
  v.owner_ = std::move(owner);
  return v;
}

Value Value::JsonNumber(std::string_view text, std::shared_ptr<const void> owner) {
  Value v = StringView(text, std::move(owner));
  v.kind_ = Kind::kNumber;
  v.type_ = GoType::kJsonNumber;
  return v;
}

Value Value::FromJson(const nlohmann::json& json, NumberMode mode, const std::shared_ptr<const void>& owner,
                      std::string_view key) {
  using Type = nlohmann::json::value_t;
  switch (json.type()) {
    case Type::null:
    case Type::discarded: return Nil(key);
    case Type::boolean: return Bool(json.get<bool>());
    case Type::string: return StringView(json.get_ref<const std::string&>(), owner);
    case Type::array: return Container(json, mode, owner, GoType::kAnyList);
    case Type::object: return Container(json, mode, owner, GoType::kAnyMap);
    case Type::number_integer:
    case Type::number_unsigned: {
      if (mode == NumberMode::kFloat64) return Float(json.get<double>());
      if (mode == NumberMode::kNative && json.is_number_integer()) return Int(json.get<int64_t>());
      if (mode == NumberMode::kNative && json.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
        return Int(static_cast<int64_t>(json.get<uint64_t>()));
      }
      Value v = String(json.dump());
      v.kind_ = Kind::kNumber;
      v.type_ = GoType::kJsonNumber;
      return v;
    }
    case Type::number_float: {
      if (mode != NumberMode::kJsonNumber) return Float(json.get<double>());
      Value v = String(FormatFloat(json.get<double>(), 'g', -1));
      v.kind_ = Kind::kNumber;
      v.type_ = GoType::kJsonNumber;
      return v;
    }
    case Type::binary: {
      const auto& bytes = json.get_binary();
      const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      if (!IsNumberText(json)) return StringView(text, owner);
      if (mode == NumberMode::kJsonNumber) return JsonNumber(text, owner);
      int64_t i;
      if (mode == NumberMode::kNative && ParseInt(text, 10, &i) == NumError::kOk) return Int(i);
      double f = 0;
      (void)ParseFloat(text, &f);
      return Float(f);
    }
  }
  return Nil(key);
}

Value Value::Container(const nlohmann::json& json, NumberMode mode, std::shared_ptr<const void> owner, GoType type) {
  Value v;
  v.kind_ = json.is_array() ? Kind::kList : Kind::kMap;
  v.type_ = type;
  v.mode_ = mode;
  v.json_ = &json;
  v.offset_ = 0;
  v.length_ = json.size();
  v.owner_ = std::move(owner);
  return v;
}

Value Value::Owned(nlohmann::json json, NumberMode mode, GoType type) {
  auto holder = std::make_shared<const nlohmann::json>(std::move(json));
  const nlohmann::json& ref = *holder;
  if (ref.is_array() || ref.is_object()) return Container(ref, mode, std::move(holder), type);
  return FromJson(ref, mode, holder);
}

Value Value::Struct(GoType type, const nlohmann::json& object) {
  Value v;
  v.kind_ = Kind::kStruct;
  v.type_ = type;
  v.json_ = &object;
  return v;
}

size_t Value::size() const { return length_; }

Value Value::At(size_t i) const { return FromJson((*json_)[offset_ + i], mode_, owner_); }

Value Value::Slice(size_t from, size_t to) const {
  Value v = *this;
  v.offset_ = offset_ + from;
  v.length_ = to - from;
  return v;
}

std::optional<Value> Value::Get(std::string_view key, std::string_view name) const {
  auto it = json_->find(key);
  if (it == json_->end()) return std::nullopt;
  return FromJson(*it, mode_, owner_, name);
}

std::optional<Value> Value::Field(std::string_view name) const {
  const nlohmann::json& o = *json_;
  switch (type_) {
    case GoType::kSecret:
      if (name == "RequestID") return StringMember(o, "request_id");
      if (name == "LeaseID") return StringMember(o, "lease_id");
      if (name == "LeaseDuration") return IntMember(o, "lease_duration");
      if (name == "Renewable") return BoolMember(o, "renewable");
      if (name == "Data") return MapMember(o, "data", GoType::kAnyMap);
      if (name == "Warnings") return ListMember(o, "warnings");
      if (name == "Auth") return StructMember(o, "auth", GoType::kSecretAuth, "Auth");
      if (name == "WrapInfo") return StructMember(o, "wrap_info", GoType::kSecretWrapInfo, "WrapInfo");
      return std::nullopt;
    case GoType::kSecretAuth:
      if (name == "ClientToken") return StringMember(o, "client_token");
      if (name == "Accessor") return StringMember(o, "accessor");
      if (name == "Policies") return ListMember(o, "policies");
      if (name == "Metadata") return MapMember(o, "metadata", GoType::kStringMap);
      if (name == "LeaseDuration") return IntMember(o, "lease_duration");
      if (name == "Renewable") return BoolMember(o, "renewable");
      return std::nullopt;
    case GoType::kSecretWrapInfo:
      if (name == "Token") return StringMember(o, "token");
      if (name == "TTL") return IntMember(o, "ttl");
      if (name == "CreationTime") return StringMember(o, "creation_time");
      if (name == "WrappedAccessor") return StringMember(o, "wrapped_accessor");
      return std::nullopt;
    default: return std::nullopt;
  }
}

bool Truth(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kMissing:
    case Value::Kind::kNil: return false;
    case Value::Kind::kBool: return value.boolean();
    case Value::Kind::kInt: return value.integer() != 0;
    case Value::Kind::kFloat: return value.floating() != 0;
    case Value::Kind::kString:
    case Value::Kind::kNumber: return !value.str().empty();
    case Value::Kind::kList:
    case Value::Kind::kMap: return value.size() > 0;
    case Value::Kind::kStruct: return true;
  }
  return false;
}

std::string AbsentMessage(const Value& value) {
  if (value.kind() == Value::Kind::kMissing) {
    if (value.str().empty()) return "map has no entry for the key given";
    return Cat("map has no entry for key ", QuoteShortened(ToAbsl(value.str()), 64));
  }
  if (value.str().empty()) return "nil value";
  if (value.str() == ".") return "no data here: outside {{with secret \"PATH\"}}, dot is nil";
  return Cat(QuoteShortened(ToAbsl(value.str()), 64), " is nil");
}

}  // namespace vcp::tmpl
