// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#ifndef VCP_VERSION
#define VCP_VERSION "0.0.0-dev"
#endif

namespace vcp {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
  return kBuckets;
}

}  // namespace

struct Metrics::Families {
  prometheus::Family<prometheus::Counter>& mounts;
  prometheus::Family<prometheus::Histogram>& mount_duration;
  prometheus::Gauge& mounts_in_flight;
  prometheus::Family<prometheus::Counter>& vault_requests;
  prometheus::Family<prometheus::Histogram>& vault_duration;
  prometheus::Family<prometheus::Counter>& logins;
  prometheus::Counter& cache_hits;
  prometheus::Counter& cache_misses;
  prometheus::Gauge& cache_size;
  prometheus::Counter& lease_reuse;
  prometheus::Counter& failovers;
  prometheus::Counter& redirects;
  prometheus::Family<prometheus::Counter>& mount_tokens;
  prometheus::Family<prometheus::Counter>& token_logins;
  prometheus::Gauge& identities;
  prometheus::Counter& coalesced_reads;
  prometheus::Family<prometheus::Counter>& read_cache;
};

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  using namespace prometheus;  // NOLINT: builder-heavy code
  auto& registry = *registry_;
  families_.reset(new Families{
      BuildCounter().Name("vault_csi_provider_mount_requests_total").Help("Mount requests by result (gRPC code).").Register(registry),
      BuildHistogram().Name("vault_csi_provider_mount_duration_seconds").Help("Time to serve a Mount request.").Register(registry),
      BuildGauge().Name("vault_csi_provider_mounts_in_flight").Help("Mount requests being served.").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_vault_requests_total").Help("HTTP requests to Vault by operation and status code (0: no response).").Register(registry),
      BuildHistogram().Name("vault_csi_provider_vault_request_duration_seconds").Help("Duration of HTTP requests to Vault by operation.").Register(registry),
      BuildCounter().Name("vault_csi_provider_logins_total").Help("Vault logins by result.").Register(registry),
      BuildCounter().Name("vault_csi_provider_token_cache_hits_total").Help("Mounts that found their pod's Vault token cached.").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_token_cache_misses_total").Help("Mounts that found no cached Vault token for their pod.").Register(registry).Add({}),
      BuildGauge().Name("vault_csi_provider_token_cache_size").Help("Vault tokens cached (one per pod and auth configuration).").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_lease_reuse_hits_total").Help("Leased Vault responses reused instead of read again.").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_vault_failovers_total").Help("Requests moved on to the next Vault address because one could not serve (unreachable, sealed, standby).").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_vault_redirects_total").Help("Vault redirects followed (a standby pointing at the active node).").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_mount_tokens_total").Help("Mounts by the token they read with: their identity's shared token, or the pod's own.").Register(registry),
      BuildCounter().Name("vault_csi_provider_token_logins_total").Help("Vault logins made by Mounts, by the token's sharing (shared: one per service account).").Register(registry),
      BuildGauge().Name("vault_csi_provider_identities").Help("Vault identities held (service accounts whose pods share a token).").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_coalesced_reads_total").Help("Reads answered by another Mount's identical request in flight (one Vault request for both).").Register(registry).Add({}),
      BuildCounter().Name("vault_csi_provider_read_cache_requests_total").Help("Static reads looked up in the -read-cache-ttl cache, by result.").Register(registry),
  });
  BuildGauge()
      .Name("vault_csi_provider_build_info")
      .Help("Build information; always 1.")
      .Register(registry)
      .Add({{"version", VCP_VERSION}})
      .Set(1);
}

Metrics::~Metrics() = default;

void Metrics::MountStarted() { families_->mounts_in_flight.Increment(); }

void Metrics::MountFinished(const std::string& code, double seconds) {
  families_->mounts_in_flight.Decrement();
  families_->mounts.Add({{"result", code}}).Increment();
  families_->mount_duration.Add({}, LatencyBuckets()).Observe(seconds);
}

void Metrics::VaultRequest(const std::string& operation, int status, double seconds) {
  families_->vault_requests.Add({{"operation", operation}, {"code", std::to_string(status)}}).Increment();
  families_->vault_duration.Add({{"operation", operation}}, LatencyBuckets()).Observe(seconds);
}

void Metrics::Login(bool ok) { families_->logins.Add({{"result", ok ? "ok" : "error"}}).Increment(); }

void Metrics::TokenCacheLookup(bool hit, size_t cache_size) {
  (hit ? families_->cache_hits : families_->cache_misses).Increment();
  families_->cache_size.Set(static_cast<double>(cache_size));
}

void Metrics::LeaseReuse() { families_->lease_reuse.Increment(); }

void Metrics::TokenUse(bool shared, bool logged_in) {
  const std::string sharing = shared ? "shared" : "per-pod";
  families_->mount_tokens.Add({{"sharing", sharing}}).Increment();
  if (logged_in) families_->token_logins.Add({{"sharing", sharing}}).Increment();
}

void Metrics::TokenRelogins(bool shared, int count) {
  if (count <= 0) return;
  families_->token_logins.Add({{"sharing", shared ? "shared" : "per-pod"}}).Increment(count);
}

void Metrics::Identities(size_t count) { families_->identities.Set(static_cast<double>(count)); }

void Metrics::CoalescedRead() { families_->coalesced_reads.Increment(); }

void Metrics::ReadCacheLookup(bool hit) { families_->read_cache.Add({{"result", hit ? "hit" : "miss"}}).Increment(); }

void Metrics::VaultFailover() { families_->failovers.Increment(); }

void Metrics::VaultRedirect() { families_->redirects.Increment(); }

std::string Metrics::Render() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace vcp
