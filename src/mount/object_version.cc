// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/object_version.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>


#include "absl/strings/str_cat.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"

namespace vcp::mount {
namespace {

// The incumbent's config JSON, with the fields beyond it (issues #12 and
// #13) only when an object sets them: an object that does not has the version it
// always had. `object_name` is the file's id: the objectName, or
// objectName/<key> for a file of an output: files object.
std::string ConfigJson(const SecretObject& o, std::string_view object_name) {
  std::string json = absl::StrCat(
      "{\"ObjectName\":", GoJsonQuote(std::string(object_name)), ",\"SecretPath\":", GoJsonQuote(o.secret_path),
      ",\"SecretKey\":", GoJsonQuote(o.secret_key), ",\"Method\":", GoJsonQuote(o.method),
      ",\"SecretArgs\":", o.secret_args.has_value() ? GoJsonEncode(*o.secret_args) : "null",
      ",\"FilePermission\":", o.file_permission, ",\"Encoding\":", GoJsonQuote(o.encoding));
  if (o.output.has_value()) absl::StrAppend(&json, ",\"Output\":", GoJsonQuote(OutputShapeName(*o.output)));
  if (!o.vault_namespace.empty()) absl::StrAppend(&json, ",\"VaultNamespace\":", GoJsonQuote(o.vault_namespace));
  if (o.IsTemplated()) absl::StrAppend(&json, ",\"Template\":", GoJsonQuote(o.template_text));
  json += "}";
  return json;
}

}  // namespace

VersionSigner::VersionSigner(std::string key) : key_(std::move(key)) {}

std::string VersionSigner::Sign(const SecretObject& object, std::string_view content) const {
  return SignFile(object, object.object_name, content);
}

std::string VersionSigner::SignFile(const SecretObject& object, std::string_view file_path,
                                    std::string_view content) const {
  std::string message = ConfigJson(object, file_path);
  message.append(content.data(), content.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return EncodeBase64Url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace vcp::mount
