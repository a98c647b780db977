// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/object_content.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"
#include "vcp/util/json_number.h"
#include "vcp/util/text.h"

namespace vcp::mount {
namespace {

const nlohmann::json& Field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// Go's `omitempty`-like test used by the incumbent's struct for the optional keys.
bool IsEmptyValue(const nlohmann::json& value) {
  return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
         (value.is_object() && value.empty()) || (value.is_array() && value.empty());
}

std::string KeyNames(const nlohmann::json& data) {
  std::vector<std::string> names;
  for (auto it = data.begin(); it != data.end() && names.size() < 20; ++it) {
    names.push_back(QuoteShortened(it.key(), 64));
  }
  if (names.empty()) return "no keys there";
  return absl::StrCat("keys there: ", absl::StrJoin(names, ", "), data.size() > 20 ? ", ..." : "");
}

}  // namespace

std::string EnvelopeJson(const nlohmann::json& envelope) {
  auto number_or_zero = [&](const char* key) {
    const nlohmann::json& v = Field(envelope, key);
    return v.is_number() || IsNumberText(v) ? GoJsonEncode(v) : std::string("0");
  };
  const nlohmann::json& request_id = Field(envelope, "request_id");
  const nlohmann::json& lease_id = Field(envelope, "lease_id");
  const nlohmann::json& renewable = Field(envelope, "renewable");
  std::string out = "{";
  absl::StrAppend(&out, "\"request_id\":", GoJsonQuote(request_id.is_string() ? request_id.get<std::string>() : ""));
  absl::StrAppend(&out, ",\"lease_id\":", GoJsonQuote(lease_id.is_string() ? lease_id.get<std::string>() : ""));
  absl::StrAppend(&out, ",\"lease_duration\":", number_or_zero("lease_duration"));
  absl::StrAppend(&out, ",\"renewable\":", renewable.is_boolean() && renewable.get<bool>() ? "true" : "false");
  absl::StrAppend(&out, ",\"data\":", GoJsonEncode(Field(envelope, "data")));
  absl::StrAppend(&out, ",\"warnings\":", GoJsonEncode(Field(envelope, "warnings")));
  for (const char* optional : {"auth", "wrap_info", "mount_type"}) {
    const nlohmann::json& value = Field(envelope, optional);
    if (!IsEmptyValue(value)) absl::StrAppend(&out, ",\"", optional, "\":", GoJsonEncode(value));
  }
  out += "}";
  return out;
}

absl::StatusOr<std::string> RenderObjectContent(const SecretObject& object,
                                                const nlohmann::json& envelope) {
  if (object.secret_key.empty()) return EnvelopeJson(envelope);

  const nlohmann::json& data = Field(envelope, "data");
  const nlohmann::json& nested = Field(data, "data");
  const nlohmann::json& source = nested.is_object() ? nested : data;
  auto it = source.is_object() ? source.find(object.secret_key) : source.end();
  if (!source.is_object() || it == source.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key ", QuoteShortened(object.secret_key), " does not exist at the secret path ",
        QuoteShortened(WithoutQuery(object.secret_path)), " (", source.is_object() ? KeyNames(source) : "no keys there",
        ")"));
  }
  const std::string value = it->is_string() ? it->get<std::string>() : GoJsonEncode(*it);
  auto encoding = ParseEncoding(object.encoding);
  if (!encoding.ok()) return encoding.status();
  absl::StatusOr<std::string> decoded = value;
  if (*encoding == Encoding::kBase64) decoded = DecodeBase64Std(value);
  if (*encoding == Encoding::kHex) decoded = DecodeHex(value);
  if (!decoded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "value of key ", QuoteShortened(object.secret_key), " at ", QuoteShortened(WithoutQuery(object.secret_path)),
        " is not valid ", object.encoding, ": ", decoded.status().message()));
  }
  return decoded;
}

}  // namespace vcp::mount
