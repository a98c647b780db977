// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/object_version.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>


#include "absl/strings/str_cat.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"

namespace vcp::mount {
namespace {

std::string ConfigJson(const SecretObject& o) {
  return absl::StrCat(
      "{\"ObjectName\":", GoJsonQuote(o.object_name), ",\"SecretPath\":", GoJsonQuote(o.secret_path),
      ",\"SecretKey\":", GoJsonQuote(o.secret_key), ",\"Method\":", GoJsonQuote(o.method),
      ",\"SecretArgs\":", o.secret_args.has_value() ? GoJsonEncode(*o.secret_args) : "null",
      ",\"FilePermission\":", o.file_permission, ",\"Encoding\":", GoJsonQuote(o.encoding), "}");
}

}  // namespace

VersionSigner::VersionSigner(std::string key) : key_(std::move(key)) {}

std::string VersionSigner::Sign(const SecretObject& object, std::string_view content) const {
  std::string message = ConfigJson(object);
  message.append(content.data(), content.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return EncodeBase64Url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace vcp::mount
