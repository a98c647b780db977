// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/render.h"

#include "absl/strings/str_cat.h"
#include "vcp/mount/output_shape.h"
#include "vcp/util/text.h"

namespace vcp::mount {
namespace {

absl::Status WithPrefix(const absl::Status& status, const std::string& prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

absl::StatusOr<RenderedMount> RenderMount(const MountParams& params, const ReadPlan& plan,
                                          const std::vector<ReadOutcome>& reads, const VersionSigner& signer) {
  RenderedMount rendered;
  rendered.files.reserve(params.objects.size());
  rendered.versions.reserve(params.objects.size());
  for (size_t i = 0; i < params.objects.size(); ++i) {
    const SecretObject& object = params.objects[i];
    const ReadOutcome& read = reads[plan.read_of_object[i]];
    // The path without its query string, which may carry credentials.
    const std::string prefix = absl::StrCat("couldn't read secret ", QuoteShortened(object.object_name),
                                            " from Vault path ", QuoteShortened(WithoutQuery(object.secret_path)),
                                            ": ");
    if (!read.envelope.ok()) return WithPrefix(read.envelope.status(), prefix);
    absl::StatusOr<std::vector<RenderedFile>> files = RenderObjectFiles(object, *read.envelope);
    if (!files.ok()) return WithPrefix(files.status(), prefix);
    // filePermission applies to every file an object writes.
    const uint32_t mode = object.file_permission != 0 ? object.file_permission : params.default_mode;
    for (RenderedFile& file : *files) {
      rendered.versions.push_back({file.path, signer.SignFile(object, file.path, file.contents)});
      rendered.files.push_back({std::move(file.path), mode, std::move(file.contents)});
    }
  }
  return rendered;
}

}  // namespace vcp::mount
