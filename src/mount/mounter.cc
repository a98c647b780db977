// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/mounter.h"

#include <atomic>
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vcp/mount/fetch.h"
#include "vcp/mount/operator_policy.h"
#include "vcp/mount/read_plan.h"
#include "vcp/util/status_macros.h"
#include "vcp/util/text.h"

namespace vcp::mount {

struct Mounter::Shared {
  Shared(MounterServices services_in, MounterOptions options_in)
      : services(services_in),
        options(std::move(options_in)),
        vault_context{services.transport, services.clock, services.metrics, &addresses, &options.address_policy,
                      options.retry},
        admission(*services.clock, options.max_concurrent_mounts, options.max_concurrent_mounts_per_vault),
        total_responses(options.max_total_response_bytes,
                        absl::StrCat("the Vault responses of all Mounts in flight exceed the provider's limit of ",
                                     FormatBytes(options.max_total_response_bytes),
                                     " (-max-total-response-bytes); retry when fewer large Mounts run")),
        lease_bytes(std::make_shared<ByteBudget>(options.max_lease_cache_bytes, "the provider's lease cache is full")),
        authenticator(*services.clock, *services.metrics, lease_bytes, options.auth),
        shared_reads(*services.clock, options.read_cache_ttl, options.max_read_cache_bytes, kMaxSharedReadsInFlight) {}

  // Identical reads in flight that may be coalesced, over every scope.
  static constexpr size_t kMaxSharedReadsInFlight = 4096;

  MounterServices services;
  MounterOptions options;
  vault::HealthyAddressMemory addresses;  // which Vault address answered last
  vault::VaultContext vault_context;
  Admission admission;
  ByteBudget total_responses;  // max_total_response_bytes
  // max_lease_cache_bytes; shared with the pod sessions, which a Mount's
  // last step may release on a transport thread after the Mounter is gone.
  std::shared_ptr<ByteBudget> lease_bytes;
  Authenticator authenticator;
  KvV2PathMemory kv2_paths;  // KV v2 paths written without /data/, learned
  SharedReads shared_reads;  // reads shared by Mounts of one token scope
};

namespace {

// One Mount from request to reply: the steps in order, each a method that
// hands over to the next. Owned by the callbacks of the step in progress.
class MountJob : public std::enable_shared_from_this<MountJob> {
 public:
  MountJob(Mounter::Shared& mounter, MountRequest request, Deadline caller_deadline, MountCallback done)
      : m_(mounter), request_(std::move(request)), done_(std::move(done)) {
    Clock& clock = *m_.services.clock;
    const auto remaining = std::max(std::chrono::nanoseconds(0), caller_deadline - clock.Now());
    const auto reserve =
        std::min<std::chrono::nanoseconds>(m_.options.max_reserve, remaining / 10);
    started_ = clock.Now();
    deadline_ = caller_deadline - reserve;
    watchdog_at_ = caller_deadline - reserve / 2;
  }

  // A job that ends without having answered (a step's callback was dropped
  // rather than run: a bug, but never a caller left waiting) answers now.
  ~MountJob() {
    if (!replied_) {
      Reply(absl::InternalError(absl::StrCat("the Mount ended without an answer while ", step_.load(),
                                             " (this is a bug in the provider)")));
    }
  }

  void Start() {
    absl::Status prepared = Prepare();
    if (!prepared.ok()) {
      Reply(prepared);
      return;
    }
    // If a step never answers (it should not), the Mount still ends before
    // its caller gives up, saying where it was.
    {
      std::lock_guard<std::mutex> lock(mu_);
      watchdog_ = m_.services.clock->Schedule(watchdog_at_, [job = weak_from_this()] {
        if (std::shared_ptr<MountJob> self = job.lock()) {
          self->Reply(absl::DeadlineExceededError(
              absl::StrCat("the Mount's deadline passed while ", self->step_.load(), " (no answer in time)")));
        }
      });
    }
    step_ = "waiting for a Mount slot";
    m_.admission.Admit(connection_.address, deadline_,
                       [self = shared_from_this()](absl::StatusOr<AdmissionTicket> ticket) {
                         if (!ticket.ok()) {
                           self->Reply(ticket.status());
                           return;
                         }
                         {
                           std::lock_guard<std::mutex> lock(self->mu_);
                           // Answered already (the watchdog): the slots go back at once.
                           if (self->replied_) return;
                           self->ticket_ = *std::move(ticket);
                           self->queued_ = self->ticket_.waited;
                           self->queued_for_ = self->ticket_.waited_for;
                         }
                         self->Authenticate();
                       });
  }

 private:
  // Parse and plan: everything that needs no wait, before any slot is taken
  // or anything is contacted.
  absl::Status Prepare() {
    VCP_ASSIGN_OR_RETURN(params_, ParseMountRequest(request_.attributes, request_.secrets, request_.target_path,
                                                    request_.permission, m_.options.parse));
    request_ = MountRequest();  // parsed: the texts are no longer needed
    report_.pod = absl::StrCat(Shorten(params_.pod.ns), "/", Shorten(params_.pod.name));
    report_.secret_provider_class = Shorten(params_.secret_provider_class);
    report_.objects = params_.objects.size();
    // The operator's policy, before anything waits or connects.
    VCP_RETURN_IF_ERROR(CheckOperatorPolicy(params_.connection, m_.options.allow_class_tls_settings));
    connection_ = vault::ApplyOverrides(m_.options.default_connection, params_.connection);
    VCP_RETURN_IF_ERROR(m_.options.address_policy.CheckAddresses(connection_.address));
    VCP_ASSIGN_OR_RETURN(plan_, PlanReads(params_.objects, m_.options.lease_reuse));
    return absl::OkStatus();
  }

  void Authenticate() {
    if (replied_) return;
    absl::StatusOr<vault::VaultClient> client = vault::VaultClient::Create(m_.vault_context, connection_);
    if (!client.ok()) {
      Reply(client.status());
      return;
    }
    client_ = *std::move(client);
    step_ = "logging in to Vault";
    m_.authenticator.Authenticate(params_, *client_, params_.auth_mount.value_or(m_.options.default_auth_mount),
                                  deadline_, [self = shared_from_this()](absl::StatusOr<Authenticated> auth) {
                                    if (!auth.ok()) {
                                      self->Reply(auth.status());
                                      return;
                                    }
                                    {
                                      std::lock_guard<std::mutex> lock(self->mu_);
                                      self->report_.logins += auth->grant.logins;
                                      self->report_.shared_token = auth->shared;
                                    }
                                    self->FetchReads(*std::move(auth));
                                  });
  }

  void FetchReads(Authenticated auth) {
    if (replied_) return;
    step_ = "reading from Vault";
    // Every response byte of this Mount is counted as it arrives, against
    // its own budget and the provider's total.
    auto responses = std::make_shared<ByteBudget>(
        m_.options.max_mount_response_bytes,
        absl::StrCat("the Mount's Vault responses together exceed the provider's limit of ",
                     FormatBytes(m_.options.max_mount_response_bytes), " per Mount (-max-mount-response-bytes)"),
        &m_.total_responses);
    FetchInputs inputs{.reads = plan_.reads,
                       .client = *client_,
                       .auth = std::move(auth),
                       .responses = responses,
                       .max_parallel_reads = m_.options.max_parallel_reads,
                       .deadline = deadline_,
                       .kv2_paths = &m_.kv2_paths,
                       .shared_reads = &m_.shared_reads,
                       .secret_provider_class = params_.secret_provider_class};
    Fetch(*m_.services.clock, *m_.services.metrics, std::move(inputs),
          [self = shared_from_this(), responses](FetchResult fetched) mutable {
            {
              std::lock_guard<std::mutex> lock(self->mu_);
              if (self->replied_) return;
              self->responses_ = std::move(responses);  // held until the reply: the bytes are in use until then
            }
            self->Sign(std::move(fetched));
          });
  }

  void Sign(FetchResult fetched) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      report_.logins += fetched.relogins;
      m_.services.metrics->TokenRelogins(report_.shared_token, fetched.relogins);
      for (size_t i = 0; i < plan_.reads.size(); ++i) {
        const ReadOutcome& read = fetched.reads[i];
        report_.reused += read.reused ? 1 : 0;
        const std::string& path = read.path.empty() ? plan_.reads[i].path.path : read.path;
        const char* how = read.source == ReadOutcome::kLeaseReused ? " (lease reused)"
                          : read.source == ReadOutcome::kCoalesced ? " (coalesced)"
                          : read.source == ReadOutcome::kCached    ? " (cached)"
                                                                   : "";
        report_.vault_reads.push_back(absl::StrCat(plan_.reads[i].method, " ", path, how));
      }
    }
    step_ = "getting the object version key";
    m_.options.version_key(deadline_, [self = shared_from_this(), fetched = std::move(fetched)](
                                          absl::StatusOr<std::string> key) mutable {
      if (!key.ok()) {
        self->Reply(key.status());
        return;
      }
      absl::StatusOr<RenderedMount> rendered =
          RenderMount(self->params_, self->plan_, fetched.reads, VersionSigner(*std::move(key)));
      if (!rendered.ok()) {
        self->Reply(rendered.status());
        return;
      }
      self->Reply(MountResult{std::move(rendered->files), std::move(rendered->versions)});
    });
  }

  // Answers the caller, once: later answers (a step finishing after the
  // watchdog) are dropped. The slots go back now.
  void Reply(absl::StatusOr<MountResult> result) {
    if (absl::IsDeadlineExceeded(result.status())) result = WithQueueing(result.status());
    MountCallback done;
    MountReport report;
    AdmissionTicket ticket;
    std::shared_ptr<ByteBudget> responses;
    TimerId watchdog = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (replied_) return;
      replied_ = true;
      done = std::move(done_);
      report = std::move(report_);
      ticket = std::move(ticket_);
      responses = std::move(responses_);
      watchdog = watchdog_;
    }
    if (watchdog != 0) m_.services.clock->Cancel(watchdog);
    ticket = AdmissionTicket();  // the slots go back before the caller hears
    done(std::move(result), std::move(report));
  }

  // A deadline error says so when the Mount spent a good part of its time
  // queued for a slot: the real cause is the queue, not the last step.
  absl::Status WithQueueing(const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto had = deadline_ - started_;
    if (queued_for_.empty() || queued_ * 4 < had) return status;
    return absl::Status(status.code(),
                        absl::StrCat(status.message(), " (it first waited ",
                                     std::chrono::duration_cast<std::chrono::milliseconds>(queued_).count(),
                                     " ms for ", queued_for_, ")"));
  }

  Mounter::Shared& m_;
  MountRequest request_;
  TimePoint started_;      // when the Mount arrived
  Deadline deadline_;      // when the Mount's own work must end
  TimePoint watchdog_at_;  // when the watchdog answers for it
  std::atomic<const char*> step_{"parsing the request"};
  // Written by Prepare, before any other thread knows the job; read-only after.
  MountParams params_;
  vault::ConnectionConfig connection_;
  ReadPlan plan_;
  std::optional<vault::VaultClient> client_;  // written by Authenticate, read by later steps only
  // The steps and the watchdog's Reply may run on different threads.
  std::mutex mu_;
  std::atomic<bool> replied_{false};       // written under mu_
  MountCallback done_;                     // guarded by mu_
  MountReport report_;                     // guarded by mu_ after Prepare
  AdmissionTicket ticket_;                 // guarded by mu_
  std::shared_ptr<ByteBudget> responses_;  // guarded by mu_
  TimerId watchdog_ = 0;                   // guarded by mu_
  std::chrono::nanoseconds queued_{0};     // time spent waiting for slots; guarded by mu_
  std::string queued_for_;                 // which limit it waited for; guarded by mu_
};

}  // namespace

Mounter::Mounter(MounterServices services, MounterOptions options)
    : shared_(std::make_unique<Shared>(services, std::move(options))) {}

Mounter::~Mounter() = default;

void Mounter::Mount(MountRequest request, Deadline caller_deadline, MountCallback done) {
  std::make_shared<MountJob>(*shared_, std::move(request), caller_deadline, std::move(done))->Start();
}

void Mounter::RevokeCachedTokens(Deadline deadline, absl::AnyInvocable<void(vault::RevokeTally)> done) {
  shared_->authenticator.RevokeAll(deadline, std::move(done));
}

size_t Mounter::sessions() const { return shared_->authenticator.sessions(); }

size_t Mounter::lease_cache_bytes() const { return shared_->lease_bytes->used(); }

}  // namespace vcp::mount
