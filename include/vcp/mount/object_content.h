// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The bytes of one mounted file, from a Vault response envelope, byte for
// byte as the incumbent writes them. Pure functions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/mount/mount_params.h"

namespace vcp::mount {

// Returns the file contents for `object` from `envelope` (a Vault response):
//  - empty secretKey: the whole envelope as compact JSON with the keys
//    request_id, lease_id, lease_duration, renewable, data, warnings, then
//    auth, wrap_info, mount_type only when non-empty (encoding not applied);
//  - otherwise the key's value from data.data when that is an object (KV v2),
//    else from data; strings raw, anything else as compact Go-style JSON;
//    then decoded per `encoding`.
// An object with `output` set renders as RenderObjectFiles does
// (mount/output_shape.h); output: files, which is several files, is
// FailedPrecondition here (the Mount's render step calls RenderObjectFiles).
// Numbers parsed with ParseUntrustedJsonKeepingNumbers keep Vault's text
// everywhere: a number value is written as its text, and number texts inside
// objects, arrays and the envelope are written verbatim.
// Errors (InvalidArgument): the key is missing (names the key, the Vault path
// and the keys that do exist) or the value does not decode.
absl::StatusOr<std::string> RenderObjectContent(const SecretObject& object,
                                                const nlohmann::json& envelope);

// The whole-envelope JSON described above. Exposed for tests.
std::string EnvelopeJson(const nlohmann::json& envelope);

}  // namespace vcp::mount
