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

// The prefix of a failed read's error: the path without its query string,
// which may carry credentials.
std::string ReadPrefix(const SecretObject& object, const std::string& path) {
  return absl::StrCat("couldn't read secret ", QuoteShortened(object.object_name), " from Vault path ",
                      QuoteShortened(WithoutQuery(path)), ": ");
}

// A templated object's file: its template executed with the answers to its
// secret calls, in their order.
absl::StatusOr<std::string> RenderTemplate(const SecretObject& object, absl::Span<const size_t> answers,
                                           const std::vector<ReadOutcome>& reads) {
  const std::vector<tmpl::SecretCall>& calls = object.parsed_template->secret_calls();
  std::vector<const nlohmann::json*> secrets;
  secrets.reserve(calls.size());
  for (size_t j = 0; j < calls.size(); ++j) {
    const ReadOutcome& read = reads[answers[j]];
    if (!read.envelope.ok()) return WithPrefix(read.envelope.status(), ReadPrefix(object, calls[j].path));
    secrets.push_back(&*read.envelope);
  }
  absl::StatusOr<std::string> rendered = object.parsed_template->Execute(secrets);
  if (!rendered.ok()) {
    return WithPrefix(rendered.status(), absl::StrCat("couldn't render ", QuoteShortened(object.object_name),
                                                      " from its template: template: "));
  }
  return rendered;
}

}  // namespace

absl::StatusOr<RenderedMount> RenderMount(const MountParams& params, const ReadPlan& plan,
                                          const std::vector<ReadOutcome>& reads, const VersionSigner& signer) {
  RenderedMount rendered;
  rendered.files.reserve(params.objects.size());
  rendered.versions.reserve(params.objects.size());
  for (size_t i = 0; i < params.objects.size(); ++i) {
    const SecretObject& object = params.objects[i];
    const absl::Span<const size_t> answers = plan.ReadsOf(i);
    absl::StatusOr<std::vector<RenderedFile>> files;
    if (object.IsTemplated()) {
      absl::StatusOr<std::string> contents = RenderTemplate(object, answers, reads);
      if (!contents.ok()) return contents.status();
      files.emplace();
      files->push_back({object.object_name, *std::move(contents)});
    } else {
      const ReadOutcome& read = reads[answers[0]];
      const std::string prefix = ReadPrefix(object, object.secret_path);
      if (!read.envelope.ok()) return WithPrefix(read.envelope.status(), prefix);
      files = RenderObjectFiles(object, *read.envelope);
      if (!files.ok()) return WithPrefix(files.status(), prefix);
    }
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
