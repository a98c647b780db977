// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The render and sign steps of a Mount: each object's file (or files, for
// `output: files`) from the answer to its read (or its template's reads), byte for byte as the
// incumbent writes it for the shapes it has, and each file's object version. All or nothing: the first object that fails fails the
// Mount, and no file is returned. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vcp/mount/fetch.h"
#include "vcp/mount/mount_params.h"
#include "vcp/mount/object_version.h"
#include "vcp/mount/read_plan.h"

namespace vcp::mount {

struct MountedFile {
  std::string path;
  uint32_t mode = 0;
  std::string contents;
};

struct MountedVersion {
  std::string id;
  std::string version;

  bool operator==(const MountedVersion&) const = default;
};

struct RenderedMount {
  std::vector<MountedFile> files;        // in SecretProviderClass order: one per object, several for `output: files`
  std::vector<MountedVersion> versions;  // one per file, same order
};

// Renders every object of `params` from `reads` (the outcomes of `plan`'s
// reads) and signs it with `signer`. A failed read or render is the error of
// the Mount, prefixed "couldn't read secret <objectName> from Vault path
// <secretPath without its query>: ", with the read's or render's code. A
// templated object's file is its template executed with the answers to its
// secret calls (Vault's envelopes, numbers as Vault spelled them): a failed
// read is prefixed the same way, with the call's path; a failed execution
// "couldn't render <objectName> from its template: template: LINE:COLUMN: ",
// with its code (InvalidArgument, or ResourceExhausted for a limit).
absl::StatusOr<RenderedMount> RenderMount(const MountParams& params, const ReadPlan& plan,
                                          const std::vector<ReadOutcome>& reads, const VersionSigner& signer);

}  // namespace vcp::mount
