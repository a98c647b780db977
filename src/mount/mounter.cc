// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mounter.h"

#include <atomic>
#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "vcp/mount/lease_timing.h"
#include "vcp/mount/object_content.h"
#include "vcp/mount/operator_policy.h"
#include "vcp/util/concurrency.h"
#include "vcp/util/go_json.h"
#include "vcp/util/metrics.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"
#include "vcp/vault/secret_path.h"

namespace vcp::mount {
namespace {

using vault::VaultClient;

// One distinct Vault request of a Mount and, after fetching, its outcome.
struct PlannedRead {
  std::string method;
  vault::SecretPath path;
  std::optional<nlohmann::json> body;
  std::string key;           // method, target and body: what makes two reads the same
  bool reusable = true;      // every object sharing it allows lease reuse
  bool reused = false;       // served from the pod's lease cache
  std::shared_ptr<vault::PodSession::Flight> leading;    // this Mount reads it for the pod's other Mounts
  std::shared_ptr<vault::PodSession::Flight> following;  // another Mount of the pod is reading it
  absl::StatusOr<nlohmann::json> result = absl::UnknownError("not fetched");
  std::unique_ptr<ByteBudget> budget;  // counts this read's response bytes, inside the Mount's budget
};

// The wall clock in Unix seconds: certificate expirations are Unix times.
int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

absl::Status WithPrefix(const absl::Status& status, const std::string& prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

std::string SessionKey(const vault::ConnectionConfig& c, const std::string& auth_mount,
                       const MountParams& p) {
  const nlohmann::json key = {
      {"address", c.address},         {"namespace", c.ns},
      {"ca_cert", c.tls.ca_cert},     {"ca_directory", c.tls.ca_directory},
      {"server_name", c.tls.server_name}, {"client_cert", c.tls.client_cert},
      {"client_key", c.tls.client_key},   {"skip_verify", c.tls.skip_verify},
      {"auth_mount", auth_mount},     {"role", p.role_name},
      {"audience", p.audience},       {"pod_name", p.pod.name},
      {"pod_uid", p.pod.uid},         {"pod_namespace", p.pod.ns},
      {"service_account", p.pod.service_account}};
  return key.dump();
}

// The Vault address list as a key for the per-address share of Mount slots:
// case, spaces and trailing slashes do not make another address.
std::string VaultSlotKey(const std::string& addresses) {
  std::string key;
  for (const absl::string_view address : absl::StrSplit(addresses, ',')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(address);
    while (absl::ConsumeSuffix(&trimmed, "/")) {
    }
    if (!key.empty()) key += ',';
    key += absl::AsciiStrToLower(trimmed);
  }
  return key;
}

// A leased response larger than this is not kept for reuse: sessions live
// long and are many (-cache-size); a credential or certificate is a few KiB.
constexpr size_t kMaxReusableResponseBytes = 256 << 10;

using JwtSource = std::function<absl::StatusOr<std::string>()>;

// How many requests a pod session remembers as answered without a lease.
constexpr size_t kMaxUnleasedReads = 256;

// How long after a denial-triggered re-login another one may happen for the
// same pod: a policy that denies a path denies it for a fresh token too.
constexpr std::chrono::minutes kDenialReloginInterval(5);

// Stores a login or renewal in `session`: the token is refreshed once two
// thirds of its TTL have passed. REQUIRES: session.mu held.
void StoreTokenLocked(vault::PodSession& session, const vault::LoginResult& login, vault::PodSession::TimePoint now) {
  session.token = login.client_token;
  session.renewable = login.renewable;
  const std::optional<std::chrono::seconds> delay = TokenRefreshDelay(login.lease_duration_seconds);
  session.refresh_at = delay.has_value() ? now + *delay : vault::PodSession::TimePoint::max();
}

// Logs in and stores the token in `session`. REQUIRES: session->mu held.
absl::StatusOr<std::string> LoginLocked(const VaultClient& client, const std::string& auth_mount,
                                        const MountParams& p, const JwtSource& jwt_source,
                                        vault::Deadline deadline, vault::PodSession& session,
                                        vault::PodSession::TimePoint now) {
  VCP_ASSIGN_OR_RETURN(const std::string jwt, jwt_source());
  auto login = client.Login(auth_mount, p.role_name, jwt, deadline);
  Metrics::Get().Login(login.ok());
  if (!login.ok()) {
    return WithPrefix(login.status(),
                      absl::StrCat("failed to login to Vault with role ", QuoteShortened(p.role_name),
                                   " at auth mount ", QuoteShortened(auth_mount), " for service account ",
                                   Shorten(p.pod.ns), "/", Shorten(p.pod.service_account), ": "));
  }
  StoreTokenLocked(session, *login, now);
  session.connection = client.config();
  session.login_ttl_seconds = login->lease_duration_seconds;
  session.leases.clear();  // they belonged to the previous token
  return session.token;
}

// Renews the session's token when it is renewable and renewal still buys a
// useful TTL (not capped near its max TTL); otherwise logs in again.
// REQUIRES: session.mu held, session.token set.
absl::StatusOr<std::string> RefreshLocked(const VaultClient& client, const std::string& auth_mount,
                                          const MountParams& p, const JwtSource& jwt_source,
                                          vault::Deadline deadline, vault::PodSession& session,
                                          vault::PodSession::TimePoint now, int* logins) {
  if (session.renewable) {
    auto renewed = client.RenewSelf(session.token, deadline);
    if (renewed.ok() && RenewalWorthKeeping(renewed->lease_duration_seconds, session.login_ttl_seconds)) {
      renewed->client_token = session.token;
      StoreTokenLocked(session, *renewed, now);
      return session.token;
    }
  }
  ++*logins;
  return LoginLocked(client, auth_mount, p, jwt_source, deadline, session, now);
}

}  // namespace

Mounter::Mounter(http::HttpTransport& transport, vault::TokenCache& tokens, MounterOptions options)
    : transport_(&transport),
      tokens_(&tokens),
      options_(std::move(options)),
      mount_slots_(options_.max_concurrent_mounts),
      vault_slots_(VaultSlotLimit(options_)),
      total_responses_(options_.max_total_response_bytes,
                       absl::StrCat("the Vault responses of all Mounts in flight exceed the provider's limit of ",
                                    FormatBytes(options_.max_total_response_bytes),
                                    " (-max-total-response-bytes); retry when fewer large Mounts run")) {
  if (options_.revoke_tokens) {
    revoker_ = std::make_unique<TokenRevoker>(transport, options_.retry, &addresses_, &options_.address_policy);
  }
}

int Mounter::VaultSlotLimit(const MounterOptions& options) {
  const int slots = options.max_concurrent_mounts;
  int share = options.max_concurrent_mounts_per_vault;
  if (share == 0) share = slots > 0 ? std::max(1, slots / 4) : -1;
  // A share of every slot (or more) limits nothing: the node-wide limit says why a Mount waits.
  if (share < 0 || (slots > 0 && share >= slots)) return -1;
  return share;
}

int Mounter::RevokeCachedTokens(vault::Deadline deadline) const {
  if (!revoker_) return 0;
  return revoker_->RevokeNow(tokens_->TakeAll(), deadline);
}

absl::StatusOr<MountResult> Mounter::Mount(const MountParams& p, vault::Deadline deadline) const {
  // The operator's policy, before anything waits or connects.
  VCP_RETURN_IF_ERROR(CheckOperatorPolicy(p.connection, options_.allow_class_tls_settings));
  const vault::ConnectionConfig connection =
      vault::ApplyOverrides(options_.default_connection, p.connection);
  VCP_RETURN_IF_ERROR(options_.address_policy.CheckAddresses(connection.address));
  // Fairness first: Mounts of one Vault address wait here for their
  // address's share before they may take a node-wide slot, so a Vault that
  // accepts and never answers holds at most its share of the slots.
  const std::string vault_key = VaultSlotKey(connection.address);
  if (!vault_slots_.Acquire(vault_key, deadline)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the Mount's deadline passed while waiting for one of the ", vault_slots_.limit(),
        " concurrent Mount slots one Vault address may use (-max-concurrent-mounts-per-vault): earlier Mounts to ",
        QuoteShortened(connection.address), " have not finished; is that Vault slow or unreachable?"));
  }
  struct VaultSlotRelease {
    KeyedConcurrencyLimit* slots;
    const std::string& key;
    ~VaultSlotRelease() { slots->Release(key); }
  } vault_slot_release{&vault_slots_, vault_key};
  // A burst of Mounts (a node full of starting pods) queues here rather than
  // all holding Vault connections and buffers at once.
  if (!mount_slots_.Acquire(deadline)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the Mount's deadline passed while waiting for one of the provider's ", options_.max_concurrent_mounts,
        " concurrent Mount slots (-max-concurrent-mounts): the provider is overloaded or Vault is slow"));
  }
  struct SlotRelease {
    ConcurrencyLimit* slots;
    ~SlotRelease() { slots->Release(); }
  } slot_release{&mount_slots_};

  VCP_ASSIGN_OR_RETURN(const VaultClient client, VaultClient::Create(*transport_, connection, options_.retry,
                                                                     &addresses_, &options_.address_policy));
  const std::string auth_mount = p.auth_mount.value_or(options_.default_auth_mount);

  // Every response byte of this Mount is counted as it arrives, against its
  // own budget and the provider's total.
  ByteBudget responses(options_.max_mount_response_bytes,
                       absl::StrCat("the Mount's Vault responses together exceed the provider's limit of ",
                                    FormatBytes(options_.max_mount_response_bytes),
                                    " per Mount (-max-mount-response-bytes)"),
                       &total_responses_);

  // Plan: one read per distinct (method, path, query, body).
  std::vector<PlannedRead> reads;
  std::vector<size_t> read_of_object;
  std::map<std::string, size_t> read_index;
  for (const SecretObject& object : p.objects) {
    auto path = vault::ParseSecretPath(object.secret_path);
    if (!path.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "failed to parse query parameters from secretPath ", QuoteShortened(WithoutQuery(object.secret_path)),
          object.secret_path.find('?') == std::string::npos ? "" : " (query not shown)", " for objectName ",
          QuoteShortened(object.object_name), ": ", path.status().message()));
    }
    PlannedRead read;
    read.method = object.method.empty() ? "GET" : object.method;
    read.path = std::move(*path);
    read.body = object.secret_args;
    read.key = absl::StrCat(read.method, " ", read.path.RequestTarget(), " ",
                            read.body.has_value() ? GoJsonEncode(*read.body) : "-");
    auto [it, inserted] = read_index.emplace(read.key, reads.size());
    if (inserted) {
      read.budget = std::make_unique<ByteBudget>(0, "", &responses);
      reads.push_back(std::move(read));
    }
    reads[it->second].reusable = reads[it->second].reusable && object.reuse_lease && options_.lease_reuse;
    read_of_object.push_back(it->second);
  }

  // The pod's JWT, needed only when a login is: the driver's token for the
  // audience, else one created through the TokenRequest API.
  const JwtSource jwt_source = [&]() -> absl::StatusOr<std::string> {
    if (std::optional<std::string> jwt = p.TokenForAudience(); jwt.has_value()) return *jwt;
    if (options_.request_token) return options_.request_token(p, deadline);
    const std::string audience = p.audience.empty() ? "vault" : p.audience;
    return absl::FailedPreconditionError(absl::StrCat(
        "no service account token for audience ", QuoteShortened(audience), " in the mount request for pod ",
        Shorten(p.pod.ns), "/", Shorten(p.pod.name), " and ", options_.no_token_request_reason,
        ", so it cannot create one: configure the Secrets Store "
        "CSI Driver to pass it (CSIDriver tokenRequests, e.g. helm --set tokenRequests[0].audience=",
        Shorten(audience), "), or set 'audience' in the SecretProviderClass to an audience the driver requests"));
  };

  MountResult result;
  const auto now = options_.now ? options_.now() : std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<vault::PodSession>> evicted;
  const std::shared_ptr<vault::PodSession> session =
      tokens_->GetOrCreate(SessionKey(connection, auth_mount, p), revoker_ ? &evicted : nullptr);
  if (!evicted.empty()) revoker_->RevokeLater(std::move(evicted));
  std::string token;
  bool fresh_login = false;
  {
    std::lock_guard<std::mutex> lock(session->mu);
    Metrics::Get().TokenCacheLookup(!session->token.empty(), tokens_->size());
    if (session->token.empty()) {
      VCP_ASSIGN_OR_RETURN(token, LoginLocked(client, auth_mount, p, jwt_source, deadline, *session, now));
      fresh_login = true;
      ++result.logins;
    } else if (now >= session->refresh_at) {
      const int before = result.logins;
      VCP_ASSIGN_OR_RETURN(token, RefreshLocked(client, auth_mount, p, jwt_source, deadline, *session, now,
                                                &result.logins));
      fresh_login = result.logins > before;
    } else {
      token = session->token;
    }
  }

  // Leased responses still within their reuse window need no Vault call.
  {
    std::lock_guard<std::mutex> lock(session->mu);
    std::erase_if(session->leases, [&](const auto& lease) { return now >= lease.second.reuse_until; });
    for (PlannedRead& read : reads) {
      if (!read.reusable) continue;
      auto cached = session->leases.find(read.key);
      if (cached != session->leases.end() && now >= cached->second.reuse_until) {
        session->leases.erase(cached);
        cached = session->leases.end();
      }
      if (cached != session->leases.end()) {
        read.result = cached->second.envelope;
        read.reused = true;
        Metrics::Get().LeaseReuse();
      } else if (session->unleased_reads.count(read.key) != 0) {
        // Answered without a lease before: read it fresh, nobody to wait for.
      } else if (auto flight = session->flights.find(read.key); flight != session->flights.end()) {
        read.following = flight->second;
      } else {
        read.leading = std::make_shared<vault::PodSession::Flight>();
        session->flights.emplace(read.key, read.leading);
      }
    }
  }

  std::atomic<int> relogins{0};
  const auto read_one = [&](PlannedRead& read) {
    if (read.following) {
      // Another Mount of this pod is reading the same request: use its
      // response if it carries a lease, else read fresh.
      std::unique_lock<std::mutex> lock(read.following->mu);
      if (read.following->done_cv.wait_until(lock, deadline, [&] { return read.following->done; }) &&
          read.following->envelope.has_value()) {
        read.result = *read.following->envelope;
        read.reused = true;
        Metrics::Get().LeaseReuse();
        return;
      }
    }
    read.result = client.Request(read.method, read.path, read.body, token, deadline, read.budget.get());
    if (read.result.ok() || !absl::IsPermissionDenied(read.result.status())) return;
    // A revoked or expired token: a new login fixes that, so it is never
    // rate-limited, even right after a login. Otherwise (or on OpenBao, which
    // does not say so) the denial interval below applies.
    const bool token_invalid = vault::IsInvalidToken(read.result.status());
    if (fresh_login && !token_invalid) return;
    // The cached token may have been revoked or expired early: log in again
    // (once for all reads of this pod) and retry this read once. A policy
    // denial survives a fresh token, so a pod re-logs in for a denial at most
    // once per interval: no login storm when a role lacks a policy.
    absl::StatusOr<std::string> renewed;
    bool relogged = false;
    {
      std::lock_guard<std::mutex> lock(session->mu);
      if (!session->token.empty() && session->token != token) {
        renewed = session->token;
      } else if (!token_invalid && session->denial_relogin_at.has_value() &&
                 now - *session->denial_relogin_at < kDenialReloginInterval) {
        // Denied again soon after a fresh token was denied too: a policy denial.
        read.result = absl::Status(read.result.status().code(),
                                   absl::StrCat(read.result.status().message(),
                                                " (a fresh token was denied too: check the role's policies)"));
        return;
      } else {
        renewed = LoginLocked(client, auth_mount, p, jwt_source, deadline, *session, now);
        if (renewed.ok()) {
          relogins.fetch_add(1);
          if (!token_invalid) session->denial_relogin_at = now;
          relogged = true;
        }
      }
    }
    if (!renewed.ok()) {
      read.result = absl::Status(read.result.status().code(),
                                 absl::StrCat(read.result.status().message(),
                                              "; and failed to reauthenticate: ",
                                              renewed.status().message()));
      return;
    }
    read.result = client.Request(read.method, read.path, read.body, *renewed, deadline, read.budget.get());
    if (relogged && read.result.ok()) {
      std::lock_guard<std::mutex> lock(session->mu);
      session->denial_relogin_at.reset();  // the old token was the problem, not a policy
    }
  };
  ForEachConcurrently(reads.size(), options_.max_parallel_reads, [&](size_t i) {
    PlannedRead& read = reads[i];
    if (read.reused) return;
    read_one(read);
    if (!read.reusable || read.reused) return;
    const std::optional<std::chrono::seconds> window =
        read.result.ok() ? ReuseWindow(*read.result, UnixNow()) : std::nullopt;
    const bool leased = window.has_value();
    {
      std::lock_guard<std::mutex> lock(session->mu);
      // Store a lease before the flight ends, so a Mount arriving now finds
      // one or the other. A request that answered without a lease (static KV)
      // gets no flight from now on: its readers never wait for each other.
      if (leased && read.budget->used() <= kMaxReusableResponseBytes) {
        session->leases[read.key] = vault::PodSession::Lease{*read.result, now + *window};
        session->unleased_reads.erase(read.key);
      } else if (read.result.ok() && session->unleased_reads.size() < kMaxUnleasedReads) {
        session->unleased_reads.insert(read.key);
      }
      if (read.leading) session->flights.erase(read.key);
    }
    if (!read.leading) return;
    {
      std::lock_guard<std::mutex> lock(read.leading->mu);
      if (leased) read.leading->envelope = *read.result;
      read.leading->done = true;
    }
    read.leading->done_cv.notify_all();
  });
  result.logins += relogins.load();
  result.reused = static_cast<int>(std::count_if(reads.begin(), reads.end(), [](const PlannedRead& r) { return r.reused; }));

  for (const PlannedRead& read : reads) {
    result.vault_reads.push_back(absl::StrCat(read.method, " ", read.path.path, read.reused ? " (lease reused)" : ""));
  }
  const VersionSigner signer(options_.version_key());
  for (size_t i = 0; i < p.objects.size(); ++i) {
    const SecretObject& object = p.objects[i];
    const PlannedRead& read = reads[read_of_object[i]];
    // The path without its query string, which may carry credentials.
    const std::string prefix = absl::StrCat("couldn't read secret ", QuoteShortened(object.object_name),
                                            " from Vault path ", QuoteShortened(WithoutQuery(object.secret_path)),
                                            ": ");
    if (!read.result.ok()) return WithPrefix(read.result.status(), prefix);
    auto content = RenderObjectContent(object, *read.result);
    if (!content.ok()) return WithPrefix(content.status(), prefix);
    result.versions.push_back({object.object_name, signer.Sign(object, *content)});
    result.files.push_back({object.object_name,
                            object.file_permission != 0 ? object.file_permission : p.default_mode,
                            std::move(*content)});
  }
  return result;
}

}  // namespace vcp::mount
