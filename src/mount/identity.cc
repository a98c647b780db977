// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/identity.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/encoding.h"

namespace vcp::mount {

Identity::Identity(Clock& clock, Metrics& metrics)
    : clock_(&clock), metrics_(&metrics), tokens_(std::make_shared<vault::TokenSession>(clock, metrics)) {}

Identity::Next Identity::Begin() {
  std::lock_guard<std::mutex> lock(mu_);
  Next next;
  next.sharing = sharing_;
  if (sharing_ == TokenSharing::kShared) {
    next.tokens = tokens_;
  } else if (sharing_ == TokenSharing::kUndecided) {
    if (first_login_ != nullptr && !first_login_->completed()) {
      next.wait = first_login_;
    } else {
      first_login_ = std::make_shared<Flight<TokenSharing>>();
      next.lead = true;
      next.tokens = tokens_;
    }
  }
  return next;
}

void Identity::Decide(const std::shared_ptr<vault::TokenSession>& session, bool shareable) {
  std::shared_ptr<Flight<TokenSharing>> first_login;
  TokenSharing decided;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (session == tokens_) {
      if (shareable) {
        sharing_ = TokenSharing::kShared;
      } else {
        // The token is this pod's alone: it keeps the session, and the
        // identity's pods log in per pod from now on.
        sharing_ = TokenSharing::kPerPod;
        tokens_ = std::make_shared<vault::TokenSession>(*clock_, *metrics_);
      }
    }
    decided = sharing_;
    first_login = std::move(first_login_);
  }
  if (first_login != nullptr) first_login->Complete(decided);
}

void Identity::Undecided() {
  std::shared_ptr<Flight<TokenSharing>> first_login;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first_login = std::move(first_login_);
  }
  if (first_login != nullptr) first_login->Complete(TokenSharing::kUndecided);
}

std::shared_ptr<vault::TokenSession> Identity::tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_;
}

std::optional<std::pair<std::string, std::string>> JwtServiceAccount(std::string_view jwt) {
  const std::vector<absl::string_view> parts = absl::StrSplit(absl::string_view(jwt.data(), jwt.size()), '.');
  if (parts.size() != 3 || parts[1].size() > 64 * 1024) return std::nullopt;
  absl::StatusOr<std::string> payload = DecodeBase64RawUrl(std::string_view(parts[1].data(), parts[1].size()));
  if (!payload.ok()) return std::nullopt;
  absl::StatusOr<nlohmann::json> claims = ParseUntrustedJson(*payload);
  if (!claims.ok() || !claims->is_object() || !claims->contains("sub") || !(*claims)["sub"].is_string()) {
    return std::nullopt;
  }
  absl::string_view sub = (*claims)["sub"].get_ref<const std::string&>();
  if (!absl::ConsumePrefix(&sub, "system:serviceaccount:")) return std::nullopt;
  const size_t colon = sub.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == sub.size() ||
      sub.find(':', colon + 1) != absl::string_view::npos) {
    return std::nullopt;
  }
  return std::make_pair(std::string(sub.substr(0, colon)), std::string(sub.substr(colon + 1)));
}

bool IsKubernetesLoginFor(const std::map<std::string, std::string>& metadata, const std::string& ns,
                          const std::string& name) {
  auto it_ns = metadata.find("service_account_namespace");
  auto it_name = metadata.find("service_account_name");
  return it_ns != metadata.end() && it_name != metadata.end() && it_ns->second == ns && it_name->second == name;
}

}  // namespace vcp::mount
