// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/server/provider_core.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "vcp/http/curl_transport.h"
#include "vcp/kube/hmac_key_store.h"
#include "vcp/kube/kube_client.h"
#include "vcp/kube/token_requester.h"
#include "vcp/util/random.h"
#include "vcp/util/status_macros.h"
#include "vcp/vault/address_policy.h"

namespace vcp::server {

ProviderCore::ProviderCore(const config::DaemonConfig& config)
    : transport_(std::make_unique<http::CurlTransport>(
          clock_, http::CurlTransportOptions{.max_ca_cache_bytes = static_cast<size_t>(config.max_ca_cache_bytes)})),
      objects_cache_(static_cast<size_t>(config.objects_cache_bytes)) {}

ProviderCore::~ProviderCore() {
  transport_->Shutdown();
  clock_.Shutdown();
  mounter_.reset();
  version_keys_.reset();
  kube_client_.reset();
  transport_.reset();
}

absl::StatusOr<std::unique_ptr<ProviderCore>> ProviderCore::Create(const config::DaemonConfig& config,
                                                                   const EnvLookup& env) {
  std::unique_ptr<ProviderCore> core(new ProviderCore(config));
  SystemClock& clock = core->clock_;

  // Kubernetes: the TokenRequest fallback and the HMAC key Secret. Outside a
  // cluster both degrade (no fallback; a per-process key) with one warning.
  auto kube_config = kube::LoadInClusterConfig(env, config.kubernetes_service_account_dir);
  if (kube_config.ok()) {
    core->kube_client_ = std::make_unique<kube::KubeClient>(*core->transport_, clock, *kube_config);
  } else {
    spdlog::warn("not using the Kubernetes API ({}): pods need a token from the CSI driver's tokenRequests, "
                 "and object versions use a per-process key (they change when the provider restarts)",
                 std::string(kube_config.status().message()));
  }
  kube::KubeClient* kube_client = core->kube_client_.get();
  core->version_keys_ = std::make_unique<kube::HmacKeyStore>(kube_client, clock, config.hmac_secret_name, RandomKey(),
                                                             config.hmac_key_check_interval);
  // Warm the key, so that the first Mount does not wait for it.
  if (kube_client != nullptr) {
    core->version_keys_->Key(clock.Now() + std::chrono::seconds(10), [](absl::StatusOr<std::string>) {});
  }

  mount::MounterOptions options;
  options.default_connection = config.vault;
  options.default_auth_mount = config.vault_mount;
  options.retry.max_retries = config.vault_max_retries;
  options.lease_reuse = config.lease_reuse;
  options.max_concurrent_mounts = config.max_concurrent_mounts;
  options.allow_class_tls_settings = config.allow_class_tls_settings;
  if (config.allowed_vault_addrs.empty()) {
    spdlog::warn("-allowed-vault-addrs is empty: a SecretProviderClass, or a pod's volumeAttributes, may name "
                 "any Vault address, and the provider will send pods' service-account tokens there; set it "
                 "to the Vault addresses this cluster uses (docs/security.md)");
  } else {
    VCP_ASSIGN_OR_RETURN(options.address_policy,
                         vault::AddressPolicy::AllowOnly({config.vault.address, config.allowed_vault_addrs},
                                                         "-allowed-vault-addrs"));
  }
  options.max_concurrent_mounts_per_vault = config.max_concurrent_mounts_per_vault;
  options.max_mount_response_bytes = static_cast<size_t>(config.max_mount_response_bytes);
  options.max_total_response_bytes = static_cast<size_t>(config.max_total_response_bytes);
  options.max_lease_cache_bytes = static_cast<size_t>(config.max_lease_cache_bytes);
  options.parse = mount::ParseOptions{.max_objects_bytes = static_cast<size_t>(config.max_objects_bytes),
                                      .objects_cache = &core->objects_cache_};
  options.auth.cache_size = config.cache_size;
  options.auth.idle_timeout = config.session_idle_timeout;
  options.auth.revoke_tokens = config.revoke_tokens;
  options.auth.share_tokens = config.share_tokens;
  options.auth.share_jwt_tokens = config.share_jwt_tokens;
  options.read_cache_ttl = config.read_cache_ttl;
  options.max_read_cache_bytes = static_cast<size_t>(config.max_read_cache_bytes);
  options.version_key = [keys = core->version_keys_.get()](Deadline deadline, Callback<std::string> done) {
    keys->Key(deadline, std::move(done));
  };
  if (kube_client != nullptr && config.token_request_fallback) {
    options.auth.request_token = [kube_client](const mount::PodInfo& pod, const std::string& audience,
                                               Deadline deadline, Callback<std::string> done) {
      kube::RequestPodToken(*kube_client, {pod.ns, pod.name, pod.uid, pod.service_account}, audience, deadline,
                            std::move(done));
    };
  } else if (kube_client != nullptr) {
    options.auth.no_token_request_reason = "the TokenRequest fallback is off (-token-request-fallback=false)";
  }
  core->mounter_ = std::make_unique<mount::Mounter>(
      mount::MounterServices{core->transport_.get(), &clock, &core->metrics_}, std::move(options));
  return core;
}

}  // namespace vcp::server
