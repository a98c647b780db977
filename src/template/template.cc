// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/template/template.h"

#include "str.h"
#include "template_impl.h"
#include "vcp/util/byte_budget.h"
#include "vcp/util/status_macros.h"

namespace vcp::tmpl {

absl::StatusOr<Template> Template::Parse(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_template_bytes) {
    return absl::InvalidArgumentError(
        Cat("the template is ", FormatBytes(text.size()), "; the limit is ", FormatBytes(limits.max_template_bytes)));
  }
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  impl->limits = limits;
  VCP_RETURN_IF_ERROR(ParseTemplate(impl.get()));
  return Template(std::move(impl));
}

const std::vector<SecretCall>& Template::secret_calls() const { return impl_->calls; }

const Limits& Template::limits() const { return impl_->limits; }

absl::StatusOr<std::string> Template::Execute(const std::vector<const nlohmann::json*>& secrets) const {
  return ExecuteTemplate(*impl_, secrets);
}

}  // namespace vcp::tmpl
