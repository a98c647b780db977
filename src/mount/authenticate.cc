// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/authenticate.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vcp/util/text.h"

namespace vcp::mount {
namespace {

// Every connection and auth setting plus the pod's identity, each field
// length-prefixed so that no two different sets of values make one key.
std::string SessionKey(const vault::ConnectionConfig& c, const std::string& auth_mount, const MountParams& p) {
  std::string key;
  for (const std::string* field :
       {&c.address, &c.ns, &c.tls.ca_cert, &c.tls.ca_directory, &c.tls.server_name, &c.tls.client_cert,
        &c.tls.client_key, &auth_mount, &p.role_name, &p.audience, &p.pod.name, &p.pod.uid, &p.pod.ns,
        &p.pod.service_account}) {
    absl::StrAppend(&key, field->size(), ":", *field, ";");
  }
  key += c.tls.skip_verify ? '1' : '0';
  return key;
}

}  // namespace

Authenticator::Authenticator(Clock& clock, Metrics& metrics, ByteBudget* lease_budget, AuthenticateOptions options)
    : clock_(&clock),
      metrics_(&metrics),
      lease_budget_(lease_budget),
      options_(std::move(options)),
      sessions_(clock, options_.cache_size, options_.idle_timeout),
      revoker_(clock) {}

vault::LoginSpec Authenticator::LoginFor(const MountParams& params, const vault::VaultClient& client,
                                         const std::string& auth_mount) const {
  vault::LoginSpec login{client, auth_mount, params.role_name,
                         absl::StrCat(Shorten(params.pod.ns), "/", Shorten(params.pod.service_account)), nullptr};
  // The pod's JWT, needed only when a login is: the driver's token for the
  // audience, else one created through the TokenRequest API.
  login.jwt = [driver_jwt = params.TokenForAudience(), pod = params.pod, audience = params.audience,
               fallback = options_.request_token,
               reason = options_.no_token_request_reason](Deadline deadline, Callback<std::string> done) {
    if (driver_jwt.has_value()) {
      done(*driver_jwt);
      return;
    }
    if (fallback) {
      fallback(pod, audience, deadline, std::move(done));
      return;
    }
    const std::string shown_audience = audience.empty() ? "vault" : audience;
    done(absl::FailedPreconditionError(absl::StrCat(
        "no service account token for audience ", QuoteShortened(shown_audience), " in the mount request for pod ",
        Shorten(pod.ns), "/", Shorten(pod.name), " and ", reason,
        ", so it cannot create one: configure the Secrets Store "
        "CSI Driver to pass it (CSIDriver tokenRequests, e.g. helm --set tokenRequests[0].audience=",
        Shorten(shown_audience),
        "), or set 'audience' in the SecretProviderClass to an audience the driver requests")));
  };
  return login;
}

void Authenticator::Authenticate(const MountParams& params, const vault::VaultClient& client,
                                 const std::string& auth_mount, Deadline deadline, Callback<Authenticated> done) {
  std::vector<std::shared_ptr<PodSession>> dropped;
  bool hit = false;
  std::shared_ptr<PodSession> pod = sessions_.GetOrCreate(
      SessionKey(client.config(), auth_mount, params),
      [this] { return std::make_shared<PodSession>(std::make_shared<vault::TokenSession>(*clock_, *metrics_),
                                                   lease_budget_); },
      &dropped, &hit);
  metrics_->TokenCacheLookup(hit && pod->tokens->has_token(), sessions_.size());
  // A dropped session's token is revoked once no Mount uses it any more
  // (here, or when the last Mount holding it ends).
  if (options_.revoke_tokens) {
    for (const auto& session : dropped) session->tokens->RevokeWhenReleased(revoker_.Later());
  }
  dropped.clear();
  vault::LoginSpec login = LoginFor(params, client, auth_mount);
  std::shared_ptr<vault::TokenSession> tokens = pod->tokens;
  tokens->Get(login, deadline,
              [pod = std::move(pod), login, done = std::move(done)](absl::StatusOr<vault::TokenGrant> grant) mutable {
                if (!grant.ok()) {
                  std::move(done)(grant.status());
                  return;
                }
                std::move(done)(Authenticated{std::move(pod), std::move(login), *std::move(grant)});
              });
}

void Authenticator::RevokeAll(Deadline deadline, absl::AnyInvocable<void(int)> done) {
  std::vector<std::shared_ptr<PodSession>> all = sessions_.TakeAll();
  if (!options_.revoke_tokens) {
    done(0);
    return;
  }
  std::vector<std::shared_ptr<vault::TokenSession>> tokens;
  tokens.reserve(all.size());
  for (const auto& session : all) tokens.push_back(session->tokens);
  revoker_.RevokeNow(std::move(tokens), deadline, std::move(done));
}

}  // namespace vcp::mount
