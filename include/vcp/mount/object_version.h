// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Object versions: an HMAC-SHA256 over an object's configuration and its
// content. The version changes exactly when either changes, and reveals
// nothing about the content to whoever reads SecretProviderClassPodStatus.
#pragma once

#include <string>
#include <string_view>

#include "vcp/mount/mount_params.h"

namespace vcp::mount {

class VersionSigner {
 public:
  // `key` is the HMAC key (32 random bytes in practice).
  explicit VersionSigner(std::string key);

  // base64url (padded) of HMAC-SHA256(key, config JSON || content), where the
  // config JSON has the incumbent's field names and order: ObjectName,
  // SecretPath, SecretKey, Method, SecretArgs, FilePermission, Encoding.
  std::string Sign(const SecretObject& object, std::string_view content) const;

 private:
  std::string key_;
};

}  // namespace vcp::mount
