// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the `objects` YAML of a SecretProviderClass: mount::ParseObjects
// (yaml-cpp, yaml.v3's scalar rules, secretArgs converted to JSON), then what
// the Mount does with each object before Vault answers: the secretPath parsed
// into a request target, the encoding, the object path check, the version
// signature over the object's configuration (which re-encodes secretArgs),
// and the read plan (a template's secret calls become reads).
#include <cstddef>
#include <cstdint>
#include <string>

#include "vcp/mount/mount_params.h"
#include "vcp/mount/object_version.h"
#include "vcp/mount/read_plan.h"
#include "vcp/util/go_json.h"
#include "vcp/vault/secret_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto objects = vcp::mount::ParseObjects(yaml);
  if (!objects.ok()) return 0;
  static const vcp::mount::VersionSigner signer(std::string(32, 'k'));
  (void)vcp::mount::PlanReads(*objects, true);
  for (const auto& object : *objects) {
    (void)vcp::mount::ValidateObjectPath(object.object_name);
    (void)vcp::mount::ParseEncoding(object.encoding);
    (void)vcp::vault::CheckSecretPathStaysInApi(object.secret_path);
    if (auto path = vcp::vault::ParseSecretPath(object.secret_path); path.ok()) {
      (void)vcp::vault::IsVaultApiTarget(path->RequestTarget());
    }
    if (object.secret_args.has_value()) (void)vcp::GoJsonEncode(*object.secret_args);
    (void)signer.Sign(object, object.secret_key);
  }
  return 0;
}
