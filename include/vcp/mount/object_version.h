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
  // SecretPath, SecretKey, Method, SecretArgs, FilePermission, Encoding;
  // then Output, VaultNamespace and Template (the template's text) only when
  // the object sets them, so that an object without them keeps the
  // incumbent's version. A templated object's version therefore changes
  // exactly when its rendered bytes or its template change.
  std::string Sign(const SecretObject& object, std::string_view content) const;

  // The version of one file `object` writes (mount/output_shape.h), its id
  // being `file_path`: Sign(object, content) for the objectName itself, and
  // for a file objectName/<key> of an output: files object the same HMAC
  // with `file_path` as ObjectName, so that each file has its own version.
  std::string SignFile(const SecretObject& object, std::string_view file_path, std::string_view content) const;

 private:
  std::string key_;
};

}  // namespace vcp::mount
