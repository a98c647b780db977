// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/fetch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "vcp/util/bounded_json.h"
#include "vcp/util/text.h"
#include "vcp/vault/lease_timing.h"

namespace vcp::mount {
namespace {

// One Mount's reads in flight. Owned by the callbacks it hands out.
class FetchStep : public std::enable_shared_from_this<FetchStep> {
 public:
  FetchStep(Clock& clock, Metrics& metrics, FetchInputs inputs, absl::AnyInvocable<void(FetchResult)> done)
      : clock_(&clock), metrics_(&metrics), in_(std::move(inputs)), done_(std::move(done)) {
    states_.resize(in_.reads.size());
    for (ReadState& state : states_) state.budget = std::make_unique<ByteBudget>(0, "", in_.responses.get());
    result_.reads.resize(in_.reads.size());
    pending_ = in_.reads.size();
  }

  // A leading read that never ended (its callback was dropped) must not
  // leave the pod's other Mounts waiting out their deadlines.
  ~FetchStep() {
    for (ReadState& state : states_) {
      if (state.leading) state.leading->Complete(std::optional<nlohmann::json>());
      if (state.shared_leading) state.shared_leading->Complete(SharedAnswer());
    }
  }

  void Start() {
    if (in_.reads.empty()) {
      Finish();
      return;
    }
    Pump();
  }

 private:
  struct ReadState {
    std::unique_ptr<ByteBudget> budget;  // this read's response bytes, inside the Mount's
    std::shared_ptr<LeaseFlight> leading;  // the pod's other Mounts wait on this read
    vault::TokenGrant grant;               // the token it was (last) sent with
    std::optional<vault::SecretPath> kv2_path;  // the KV v2 /data/ path read instead of the planned one
    std::shared_ptr<SharedFlight> shared_leading;  // other Mounts of the scope wait on this read
  };

  // The client for read `i`: the class's, or its object's own namespace.
  vault::VaultClient ClientFor(const PlannedRead& read) const {
    return read.ns.empty() ? in_.client : in_.client.InNamespace(read.ns);
  }

  // Looks the read up in the pod's leases, then reads it unless reused.
  void Begin(size_t i) {
    const PlannedRead& read = in_.reads[i];
    ReadState& state = states_[i];
    state.grant = in_.auth.grant;
    if (in_.kv2_paths != nullptr && read.method == "GET" && !read.body.has_value()) {
      state.kv2_path = in_.kv2_paths->Find(ClientFor(read), read.path);
    }
    if (!read.reusable) {
      Share(i);
      return;
    }
    LeaseCache::Lookup lookup = in_.auth.pod->leases.Begin(read.key, state.grant.generation, clock_->Now());
    switch (lookup.kind) {
      case LeaseCache::Lookup::kReuse:
        metrics_->LeaseReuse();
        Done(i, std::move(lookup.envelope), ReadOutcome::kLeaseReused);
        return;
      case LeaseCache::Lookup::kFollow:
        // Another Mount of this pod is reading it: use its answer if it
        // carries a lease, else read fresh.
        lookup.flight->Wait(*clock_, in_.deadline, "", [self = shared_from_this(), i](
                                                           absl::StatusOr<std::optional<nlohmann::json>> led) {
          if (led.ok() && led->has_value()) {
            self->metrics_->LeaseReuse();
            self->Done(i, **std::move(led), ReadOutcome::kLeaseReused);
          } else {
            self->Share(i);
          }
        });
        return;
      case LeaseCache::Lookup::kLead:
        state.leading = std::move(lookup.flight);
        Share(i);
        return;
      case LeaseCache::Lookup::kReadFresh:
        Share(i);
        return;
    }
  }

  // Looks a static read up among the reads shared by Mounts of the same
  // token scope: cached, or in flight for another Mount (then its answer
  // serves this one too, unless it turns out dynamic), else read it.
  void Share(size_t i) {
    const PlannedRead& read = in_.reads[i];
    if (in_.shared_reads == nullptr || read.method != "GET" || read.body.has_value()) {
      Issue(i, /*retried=*/false);
      return;
    }
    SharedReads::Lookup lookup = in_.shared_reads->Begin(in_.auth.scope, read.key);
    if (in_.shared_reads->caching()) metrics_->ReadCacheLookup(lookup.kind == SharedReads::Lookup::kCached);
    switch (lookup.kind) {
      case SharedReads::Lookup::kCached:
        Record(i, *lookup.cached, ReadOutcome::kCached);
        return;
      case SharedReads::Lookup::kFollow:
        lookup.flight->Wait(*clock_, in_.deadline, "", [self = shared_from_this(), i](
                                                           absl::StatusOr<SharedAnswer> led) {
          if (led.ok() && *led != nullptr) {
            self->metrics_->CoalescedRead();
            self->Record(i, **led, ReadOutcome::kCoalesced);
          } else {
            self->Issue(i, /*retried=*/false);
          }
        });
        return;
      case SharedReads::Lookup::kLead:
        states_[i].shared_leading = std::move(lookup.flight);
        Issue(i, /*retried=*/false);
        return;
      case SharedReads::Lookup::kAlone:
        Issue(i, /*retried=*/false);
        return;
    }
  }

  void Issue(size_t i, bool retried) {
    const PlannedRead& read = in_.reads[i];
    const ReadState& state = states_[i];
    // An object's own vaultNamespace: the class's token reads it there.
    ClientFor(read).Request(read.method, state.kv2_path.has_value() ? *state.kv2_path : read.path, read.body,
                            state.grant.token, in_.deadline,
                       states_[i].budget.get(),
                       [self = shared_from_this(), i, retried](absl::StatusOr<nlohmann::json> envelope) {
                         self->OnAnswer(i, retried, std::move(envelope));
                       });
  }

  void OnAnswer(size_t i, bool retried, absl::StatusOr<nlohmann::json> envelope) {
    ReadState& state = states_[i];
    if (!envelope.ok() && vault::IsKvV2PathWithoutData(envelope.status()) && !state.kv2_path.has_value() &&
        in_.reads[i].method == "GET" && !in_.reads[i].body.has_value()) {
      ReadAtDataPath(i, retried, std::move(envelope).status());
      return;
    }
    if (envelope.ok() || !absl::IsPermissionDenied(envelope.status()) || retried) {
      if (retried && envelope.ok()) in_.auth.tokens->RetrySucceeded(state.grant);
      if (retried && !envelope.ok() && absl::IsPermissionDenied(envelope.status())) {
        in_.auth.tokens->RetryDenied(state.grant);
      }
      Record(i, std::move(envelope));
      return;
    }
    // A revoked or expired token: a new login fixes that, so it is never
    // rate-limited, even right after a login. A plain denial of a token that
    // a login just gave is the role's policy: no second chance.
    const bool invalid_token = vault::IsInvalidToken(envelope.status());
    if (state.grant.fresh && !invalid_token) {
      Record(i, std::move(envelope));
      return;
    }
    in_.auth.tokens->Relogin(
        in_.auth.login, state.grant, invalid_token, in_.deadline,
        [self = shared_from_this(), i, denied = std::move(envelope).status()](
            absl::StatusOr<std::optional<vault::TokenGrant>> renewed) mutable {
          if (!renewed.ok()) {
            self->Record(i, absl::Status(denied.code(), absl::StrCat(denied.message(), "; and failed to reauthenticate: ",
                                                                    renewed.status().message())));
            return;
          }
          if (!renewed->has_value()) {
            self->Record(i, absl::Status(denied.code(), absl::StrCat(denied.message(),
                                                                    " (a fresh token was denied too: check the role's "
                                                                    "policies)")));
            return;
          }
          self->relogins_.fetch_add((*renewed)->logins);
          self->states_[i].grant = **std::move(renewed);
          self->Issue(i, /*retried=*/true);
        });
  }

  // A KV v2 path written without /data/: asks Vault where the mount is and
  // reads <mount>/data/<rest> instead; when that cannot be found, the 404
  // stands.
  void ReadAtDataPath(size_t i, bool retried, absl::Status not_found) {
    const PlannedRead& read = in_.reads[i];
    ResolveKvV2DataPath(
        ClientFor(read), states_[i].grant.token, read.path, in_.deadline,
        [self = shared_from_this(), i, retried, not_found = std::move(not_found)](
            absl::StatusOr<vault::SecretPath> data_path) mutable {
          if (!data_path.ok()) {
            self->Record(i, std::move(not_found));
            return;
          }
          const PlannedRead& planned = self->in_.reads[i];
          self->states_[i].kv2_path = *data_path;
          if (self->in_.kv2_paths == nullptr ||
              self->in_.kv2_paths->Remember(self->ClientFor(planned), planned.path, *data_path)) {
            spdlog::info("SecretProviderClass {} reads {} on a KV v2 mount: it is read at {}; write that path "
                         "to skip the extra requests",
                         QuoteShortened(self->in_.secret_provider_class), QuoteShortened(WithoutQuery(planned.path.path)),
                         QuoteShortened(data_path->path));
          }
          self->Issue(i, retried);
        });
  }

  // Keeps a leased answer for the pod's next Mounts (reusable reads only),
  // and gives a shared read's answer to the Mounts waiting for it.
  void Record(size_t i, absl::StatusOr<nlohmann::json> envelope,
              ReadOutcome::Source source = ReadOutcome::kVault) {
    const PlannedRead& read = in_.reads[i];
    ReadState& state = states_[i];
    if (state.shared_leading != nullptr) {
      in_.shared_reads->Finish(in_.auth.scope, read.key, envelope, state.shared_leading);
      state.shared_leading.reset();
    }
    if (read.reusable) {
      std::optional<TimePoint> reuse_until;
      if (envelope.ok()) {
        if (std::optional<std::chrono::seconds> window = vault::ReuseWindow(*envelope, clock_->UnixSeconds())) {
          reuse_until = clock_->Now() + *window;
        }
      }
      // A parsed answer holds more memory than its text: the larger counts.
      const size_t bytes = std::max(state.budget->used(), envelope.ok() && reuse_until.has_value()
                                                              ? JsonMemoryBytes(*envelope)
                                                              : size_t{0});
      in_.auth.pod->leases.Record(read.key, state.grant.generation, envelope, reuse_until, bytes, state.leading);
      state.leading.reset();
    }
    Done(i, std::move(envelope), source);
  }

  // Starts reads while fewer than max_parallel_reads are in flight. Only one
  // thread pumps at a time, in a loop rather than by recursion: a read that
  // ends inside Begin (reused, or answered at once) does not nest another.
  void Pump() {
    const size_t limit = std::max<size_t>(1, in_.max_parallel_reads);
    std::unique_lock<std::mutex> lock(pump_mu_);
    if (pumping_) return;  // the pumping thread re-checks after each start
    pumping_ = true;
    while (in_flight_ < limit && next_ < in_.reads.size()) {
      const size_t i = next_++;
      ++in_flight_;
      lock.unlock();
      Begin(i);
      lock.lock();
    }
    pumping_ = false;
  }

  void Done(size_t i, absl::StatusOr<nlohmann::json> envelope, ReadOutcome::Source source) {
    result_.reads[i] = ReadOutcome{std::move(envelope), source == ReadOutcome::kLeaseReused, source,
                                   states_[i].kv2_path.has_value() ? states_[i].kv2_path->path : ""};
    // A leading read that ends any other way (it cannot, but a waiter must
    // never wait out its deadline for it) releases its followers.
    if (states_[i].leading) {
      states_[i].leading->Complete(std::optional<nlohmann::json>());
      states_[i].leading.reset();
    }
    if (pending_.fetch_sub(1) == 1) {
      Finish();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(pump_mu_);
      --in_flight_;
    }
    Pump();
  }

  void Finish() {
    result_.relogins = relogins_.load();
    absl::AnyInvocable<void(FetchResult)> done = std::move(done_);
    done(std::move(result_));
  }

  Clock* const clock_;
  Metrics* const metrics_;
  FetchInputs in_;
  absl::AnyInvocable<void(FetchResult)> done_;
  std::vector<ReadState> states_;  // one per read; each touched by its own read's callbacks only
  FetchResult result_;             // each read writes its own slot; read by Finish after the last
  std::atomic<size_t> pending_{0};  // reads without an outcome
  std::atomic<int> relogins_{0};
  std::mutex pump_mu_;
  size_t next_ = 0;        // the next read to begin; guarded by pump_mu_
  size_t in_flight_ = 0;   // reads begun and not done; guarded by pump_mu_
  bool pumping_ = false;   // a thread is in Pump's loop; guarded by pump_mu_
};

}  // namespace

void Fetch(Clock& clock, Metrics& metrics, FetchInputs inputs, absl::AnyInvocable<void(FetchResult)> done) {
  std::make_shared<FetchStep>(clock, metrics, std::move(inputs), std::move(done))->Start();
}

}  // namespace vcp::mount
