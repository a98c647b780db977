// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/authenticate.h"

#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "vcp/util/text.h"

namespace vcp::mount {
namespace {

// Length-prefixed fields: no two different sets of values make one key.
void AppendField(std::string* key, const std::string& field) { absl::StrAppend(key, field.size(), ":", field, ";"); }

// Every connection and auth setting and the service account: pods with the
// same identity key would get the same token from a Kubernetes auth login.
std::string IdentityKey(const vault::ConnectionConfig& c, const std::string& auth_mount, const MountParams& p) {
  std::string key;
  for (const std::string* field :
       {&c.address, &c.ns, &c.tls.ca_cert, &c.tls.ca_directory, &c.tls.server_name, &c.tls.client_cert,
        &c.tls.client_key, &auth_mount, &p.role_name, &p.audience, &p.pod.ns, &p.pod.service_account}) {
    AppendField(&key, *field);
  }
  key += c.tls.skip_verify ? '1' : '0';
  return key;
}

// The identity key plus the pod itself.
std::string PodKey(const std::string& identity_key, const MountParams& p) {
  std::string key = identity_key;
  AppendField(&key, p.pod.name);
  AppendField(&key, p.pod.uid);
  return key;
}

// How often a Mount re-reads an undecided identity after waiting for its
// first login (which failed) before it logs in per pod.
constexpr int kMaxUndecidedWaits = 3;

}  // namespace

std::shared_ptr<vault::TokenSession> PodSession::OwnTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  if (own_ == nullptr) own_ = std::make_shared<vault::TokenSession>(*clock_, *metrics_);
  return own_;
}

std::shared_ptr<vault::TokenSession> PodSession::Adopt(std::shared_ptr<vault::TokenSession> session) {
  std::lock_guard<std::mutex> lock(mu_);
  if (own_ == session) return nullptr;
  std::swap(own_, session);
  return session;
}

std::shared_ptr<vault::TokenSession> PodSession::own_tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return own_;
}

struct Authenticator::Request {
  explicit Request(vault::LoginSpec login_in) : login(std::move(login_in)) {}

  MountParams params;  // the pod, its role and audience (objects are not needed)
  std::shared_ptr<PodSession> pod;
  std::shared_ptr<Identity> identity;  // null for a Mount that may not share
  std::string pod_key;
  std::string identity_key;
  vault::LoginSpec login;
  Deadline deadline;
  Callback<Authenticated> done;
};

Authenticator::Authenticator(Clock& clock, Metrics& metrics, std::shared_ptr<ByteBudget> lease_budget,
                             AuthenticateOptions options)
    : clock_(&clock),
      metrics_(&metrics),
      lease_budget_(std::move(lease_budget)),
      options_(std::move(options)),
      sessions_(clock, options_.cache_size, options_.idle_timeout),
      identities_(clock, options_.cache_size, options_.idle_timeout),
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

bool Authenticator::MayShare(const MountParams& params, PodSession& pod) const {
  if (!options_.share_tokens) return false;
  const std::optional<std::string> jwt = params.TokenForAudience();
  if (!jwt.has_value()) return true;  // the TokenRequest fallback makes one for the pod's own service account
  const std::optional<std::pair<std::string, std::string>> account = JwtServiceAccount(*jwt);
  if (account.has_value() && account->first == params.pod.ns && account->second == params.pod.service_account) {
    return true;
  }
  if (pod.FirstSubjectMismatch()) {
    spdlog::warn("pod {}/{}: the service-account token the driver passed is {}, not for the pod's service account "
                 "{}/{}; this pod logs in with a Vault token of its own",
                 Shorten(params.pod.ns), Shorten(params.pod.name),
                 account.has_value() ? absl::StrCat("for ", Shorten(account->first), "/", Shorten(account->second))
                                     : std::string("not a service-account token"),
                 Shorten(params.pod.ns), Shorten(params.pod.service_account));
  }
  return false;
}

void Authenticator::Authenticate(const MountParams& params, const vault::VaultClient& client,
                                 const std::string& auth_mount, Deadline deadline, Callback<Authenticated> done) {
  auto request = std::make_shared<Request>(LoginFor(params, client, auth_mount));
  request->identity_key = IdentityKey(client.config(), auth_mount, params);
  request->pod_key = PodKey(request->identity_key, params);
  std::vector<std::shared_ptr<PodSession>> dropped_pods;
  bool hit = false;
  request->pod = sessions_.GetOrCreate(
      request->pod_key, [this] { return std::make_shared<PodSession>(*clock_, *metrics_, lease_budget_); },
      &dropped_pods, &hit);
  std::vector<std::shared_ptr<Identity>> dropped_identities;
  if (MayShare(params, *request->pod)) {
    request->identity = identities_.GetOrCreate(
        request->identity_key, [this] { return std::make_shared<Identity>(*clock_, *metrics_); },
        &dropped_identities);
  }
  metrics_->TokenCacheLookup(hit, sessions_.size());
  metrics_->Identities(identities_.size());
  // A dropped session's or identity's token is revoked once no Mount uses it
  // any more (here, or when the last Mount holding it ends).
  if (options_.revoke_tokens) {
    for (const auto& session : dropped_pods) {
      if (auto own = session->own_tokens()) own->RevokeWhenReleased(revoker_.Later());
    }
    for (const auto& identity : dropped_identities) identity->tokens()->RevokeWhenReleased(revoker_.Later());
  }
  dropped_pods.clear();
  dropped_identities.clear();
  request->params.pod = params.pod;
  request->params.role_name = params.role_name;
  request->params.audience = params.audience;
  request->deadline = deadline;
  request->done = std::move(done);
  if (request->identity == nullptr) {
    PerPod(std::move(request));
  } else {
    Shared(std::move(request), 0);
  }
}

void Authenticator::PerPod(std::shared_ptr<Request> request) {
  std::shared_ptr<vault::TokenSession> tokens = request->pod->OwnTokens();
  tokens->Get(request->login, request->deadline,
              [this, request, tokens](absl::StatusOr<vault::TokenGrant> grant) mutable {
                Finish(std::move(request), tokens, std::move(grant), false);
              });
}

void Authenticator::Shared(std::shared_ptr<Request> request, int attempts) {
  Identity::Next next = request->identity->Begin();
  if (next.sharing == TokenSharing::kPerPod || attempts > kMaxUndecidedWaits) {
    PerPod(std::move(request));
    return;
  }
  if (next.wait != nullptr) {
    // Another Mount is making the identity's first login: its answer says
    // whether this pod may use the token.
    next.wait->Wait(*clock_, request->deadline,
                    absl::StrCat("the Mount's deadline passed while waiting for the first Vault login of service "
                                 "account ",
                                 request->login.service_account),
                    [this, request, attempts](absl::StatusOr<TokenSharing> decided) mutable {
                      if (!decided.ok()) {
                        std::move(request->done)(decided.status());
                        return;
                      }
                      Shared(std::move(request), attempts + 1);
                    });
    return;
  }
  std::shared_ptr<vault::TokenSession> tokens = next.tokens;
  const bool lead = next.lead;
  tokens->Get(request->login, request->deadline,
              [this, request, tokens, lead](absl::StatusOr<vault::TokenGrant> grant) mutable {
                if (!grant.ok()) {
                  if (lead) request->identity->Undecided();
                  Finish(std::move(request), tokens, std::move(grant), true);
                  return;
                }
                // Every grant of the identity's session is judged by the
                // answer of the login that made its token: shared only when
                // Vault says it logged in the pod's service account
                // (Kubernetes auth), or the operator shares JWT logins too.
                const bool shareable = options_.share_jwt_tokens ||
                                       (grant->metadata != nullptr &&
                                        IsKubernetesLoginFor(*grant->metadata, request->params.pod.ns,
                                                             request->params.pod.service_account));
                // The Mount that leads the identity's first decision, or made
                // this login, decides for the identity. An unshareable token
                // is kept only by the pod whose JWT made it (adopted before
                // the decision wakes the identity's other Mounts, which then
                // find the pod's token rather than log in again); any other
                // Mount logs in for itself.
                const bool made_here = grant->logins > 0;
                if (made_here && !shareable) {
                  std::shared_ptr<vault::TokenSession> replaced = request->pod->Adopt(tokens);
                  if (replaced != nullptr && options_.revoke_tokens) replaced->RevokeWhenReleased(revoker_.Later());
                }
                if (lead || made_here) request->identity->Decide(tokens, shareable);
                if (!shareable && !made_here) {
                  // Another pod's login (one that outlived its Mount): nobody keeps it.
                  if (lead && options_.revoke_tokens) tokens->RevokeWhenReleased(revoker_.Later());
                  PerPod(std::move(request));
                  return;
                }
                Finish(std::move(request), tokens, std::move(grant), shareable);
              });
}

void Authenticator::Finish(std::shared_ptr<Request> request, const std::shared_ptr<vault::TokenSession>& tokens,
                           absl::StatusOr<vault::TokenGrant> grant, bool shared) {
  if (!grant.ok()) {
    std::move(request->done)(grant.status());
    return;
  }
  metrics_->TokenUse(shared, grant->logins > 0);
  Authenticated authenticated{request->pod, tokens, std::move(request->login), *std::move(grant), shared,
                              shared ? request->identity_key : request->pod_key};
  std::move(request->done)(std::move(authenticated));
}

void Authenticator::RevokeAll(Deadline deadline, absl::AnyInvocable<void(vault::RevokeTally)> done) {
  std::vector<std::shared_ptr<PodSession>> pods = sessions_.TakeAll();
  std::vector<std::shared_ptr<Identity>> identities = identities_.TakeAll();
  if (!options_.revoke_tokens) {
    done(vault::RevokeTally{});
    return;
  }
  std::vector<std::shared_ptr<vault::TokenSession>> tokens;
  tokens.reserve(pods.size() + identities.size());
  for (const auto& pod : pods) {
    if (auto own = pod->own_tokens()) tokens.push_back(std::move(own));
  }
  for (const auto& identity : identities) tokens.push_back(identity->tokens());
  revoker_.RevokeNow(std::move(tokens), deadline, std::move(done));
}

}  // namespace vcp::mount
