// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/object_content.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vcp/mount/output_shape.h"
#include "vcp/util/go_json.h"
#include "vcp/util/json_number.h"

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
  // One file's contents: several files are RenderObjectFiles' to return.
  if (object.EffectiveOutput() == OutputShape::kFiles) {
    return absl::FailedPreconditionError("output: files writes several files; render it with RenderObjectFiles");
  }
  auto files = RenderObjectFiles(object, envelope);
  if (!files.ok()) return files.status();
  return std::move(files->front().contents);
}

}  // namespace vcp::mount
