// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/config/daemon_config.h"

#include <cctype>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vcp/config/flag_set.h"
#include "vcp/vault/address_policy.h"

namespace vcp::config {

namespace {

// A VAULT_* variable or its OpenBao twin BAO_*, as OpenBao's own client
// reads them (api/env.go, ReadBaoVariable): BAO_X when it is set, even to
// an empty string, else VAULT_X. A pair set to different values is noted in
// `*warnings` (the values are not: they may be paths or addresses only, but
// the rule costs nothing).
class VaultEnvironment {
 public:
  VaultEnvironment(const EnvLookup& env, std::vector<std::string>* warnings) : env_(env), warnings_(warnings) {}

  // The value of VAULT_<suffix> or BAO_<suffix>, and in `*name` (when not
  // null) the variable it came from.
  std::optional<std::string> Get(const std::string& suffix, std::string* name = nullptr) const {
    const std::string bao_name = "BAO_" + suffix;
    const std::string vault_name = "VAULT_" + suffix;
    std::optional<std::string> bao = env_(bao_name);
    std::optional<std::string> vault = env_(vault_name);
    if (bao.has_value() && vault.has_value() && *bao != *vault) {
      warnings_->push_back(absl::StrCat(bao_name, " and ", vault_name, " are both set, to different values: using ",
                                        bao_name, ", as OpenBao's own tools do"));
    }
    if (name != nullptr) *name = bao.has_value() ? bao_name : vault_name;
    return bao.has_value() ? bao : vault;
  }

 private:
  const EnvLookup& env_;
  std::vector<std::string>* warnings_;
};

absl::StatusOr<vault::ConnectionOverrides> EnvironmentLayer(const VaultEnvironment& env) {
  vault::ConnectionOverrides layer;
  layer.address = env.Get("ADDR");
  layer.ns = env.Get("NAMESPACE");
  layer.ca_cert = env.Get("CACERT");
  layer.ca_directory = env.Get("CAPATH");
  layer.client_cert = env.Get("CLIENT_CERT");
  layer.client_key = env.Get("CLIENT_KEY");
  layer.server_name = env.Get("TLS_SERVER_NAME");
  std::string name;
  if (auto skip = env.Get("SKIP_VERIFY", &name); skip.has_value() && !skip->empty()) {
    bool ok = false;
    layer.skip_verify = ParseGoBool(*skip, &ok);
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("could not parse ", name, " \"", *skip, "\": want true or false"));
    }
  }
  return layer;
}

}  // namespace

absl::StatusOr<ParsedCommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                                   const EnvLookup& env) {
  ParsedCommandLine parsed;
  DaemonConfig& c = parsed.config;
  std::string vault_addr, vault_namespace, ca_cert, ca_dir, server_name, client_cert, client_key;
  bool skip_verify = false;

  FlagSet flags("vault-csi-provider");
  flags.String("endpoint", &c.endpoint, "Path to socket on which to listen for driver gRPC calls.");
  flags.Bool("debug", &c.debug, "Sets log to debug level (deprecated: use -log-level=debug).");
  flags.String("log-level", &c.log_level,
               "Sets log level. Options are trace, debug, info, warn, error and off.");
  flags.String("log-format", &c.log_format, "Log line format: text or json.");
  flags.Bool("version", &c.print_version, "Prints the version information and exits.");
  flags.String("output", &c.output,
               "Output format for -version: one of 'yaml', 'json', 'json-pretty'.");
  flags.String("health-addr", &c.health_addr,
               "Configure HTTP listener address for health checks (/health/ready, /health/live) and "
               "metrics (/metrics).");
  flags.String("hmac-secret-name", &c.hmac_secret_name,
               "Configure the Kubernetes secret name used to store the HMAC key for object "
               "versions.");
  flags.Int("cache-size", &c.cache_size,
            "Set the maximum number of Vault tokens that will be cached in-memory. One Vault "
            "token is stored for each pod on the same node that mounts secrets. Setting to 0 "
            "disables the cache.");
  flags.String("vault-addr", &vault_addr,
               "Default address for connecting to Vault. Can also be specified via the "
               "VAULT_ADDR environment variable.");
  flags.String("vault-mount", &c.vault_mount,
               "Default Vault mount path for authentication. Can refer to a Kubernetes or JWT "
               "auth mount.");
  flags.String("vault-namespace", &vault_namespace,
               "Default Vault namespace for Vault requests. Can also be specified via the "
               "VAULT_NAMESPACE environment variable.");
  flags.String("vault-tls-ca-cert", &ca_cert,
               "Path on disk to a single PEM-encoded CA certificate to trust for Vault. Takes "
               "precedence over -vault-tls-ca-directory. Can also be specified via the "
               "VAULT_CACERT environment variable.");
  flags.String("vault-tls-ca-directory", &ca_dir,
               "Path on disk to a directory of PEM-encoded CA certificates to trust for Vault. "
               "Can also be specified via the VAULT_CAPATH environment variable.");
  flags.String("vault-tls-server-name", &server_name,
               "Name to use as the SNI host when connecting to Vault via TLS. Can also be "
               "specified via the VAULT_TLS_SERVER_NAME environment variable.");
  flags.String("vault-tls-client-cert", &client_cert,
               "Path on disk to a PEM-encoded client certificate for mTLS communication with "
               "Vault. If set, also requires -vault-tls-client-key. Can also be specified via "
               "the VAULT_CLIENT_CERT environment variable.");
  flags.String("vault-tls-client-key", &client_key,
               "Path on disk to a PEM-encoded client key for mTLS communication with Vault. If "
               "set, also requires -vault-tls-client-cert. Can also be specified via the "
               "VAULT_CLIENT_KEY environment variable.");
  flags.Bool("vault-tls-skip-verify", &skip_verify,
             "Disable verification of TLS certificates. Can also be specified via the "
             "VAULT_SKIP_VERIFY environment variable.");
  flags.Bool("lease-reuse", &c.lease_reuse,
             "Reuse a leased Vault response (database credentials, certificates, ...) for a pod's "
             "later Mounts until two thirds of its lease has passed, instead of minting a new one "
             "on every rotation poll.");
  flags.Bool("revoke-tokens", &c.revoke_tokens,
             "Revoke (auth/token/revoke-self) a Vault token when it leaves the provider's caches (a pod's, "
             "or a service account's shared one, once no Mount uses it), and every cached token at shutdown. "
             "Revoking a token also revokes the leases created with it (database credentials, ...) that pods "
             "may still be using.");
  flags.Bool("share-tokens", &c.share_tokens,
             "Pods of one service account share one Vault token (one login, one renewal) when Vault's answer "
             "shows a Kubernetes auth login for that service account, whose roles bind service accounts, never "
             "pods. false: a token per pod, as HashiCorp's provider does.");
  flags.Bool("share-jwt-tokens", &c.share_jwt_tokens,
             "Share JWT auth logins per service account too (with -share-tokens). Off by default: a JWT role's "
             "bound_claims or claim mappings may use the pod's own claims.");
  flags.Duration("read-cache-ttl", &c.read_cache_ttl,
                 "Serve a static Vault answer (no lease, no issued certificate) to the Mounts of the same "
                 "service account (or pod) for this long without asking Vault again: a rotated secret reaches "
                 "pods up to this much later, and Vault sees one read per object per TTL, whatever the replica "
                 "count. 0: off.");
  flags.Int("max-read-cache-bytes", &c.max_read_cache_bytes,
            "Memory for the answers -read-cache-ttl keeps (LRU); an answer larger than an eighth of it is "
            "not kept.");
  flags.Int("max-concurrent-mounts", &c.max_concurrent_mounts,
            "Mounts served at once; more wait (within their deadline) for a free slot. Bounds the "
            "provider's memory and its burst load on Vault. 0 or less: no limit.");
  flags.Int("max-concurrent-mounts-per-vault", &c.max_concurrent_mounts_per_vault,
            "Mounts to one Vault address (list) served or waiting for a slot at once; more wait for one of "
            "their address's. Keeps a slow or hung Vault from taking every Mount slot. 0: a quarter of "
            "-max-concurrent-mounts (at least 1); less than 0: no limit.");
  flags.Int("max-mount-response-bytes", &c.max_mount_response_bytes,
            "Bytes of Vault responses one Mount may receive (all its reads together, counted as they "
            "arrive); more fails the Mount with RESOURCE_EXHAUSTED. 0: no limit (each response is "
            "still limited to 32 MiB).");
  flags.Int("max-total-response-bytes", &c.max_total_response_bytes,
            "Bytes of Vault responses all Mounts in flight may hold together; a Mount that would go "
            "over fails with RESOURCE_EXHAUSTED (the driver retries it). 0: no limit.");
  flags.Int("max-objects-bytes", &c.max_objects_bytes,
            "Size limit of a SecretProviderClass's 'objects' parameter; a larger one fails the Mount "
            "with INVALID_ARGUMENT before it is parsed. 0: no limit.");
  flags.Int("objects-cache-bytes", &c.objects_cache_bytes,
            "Memory for parsed 'objects' parameters kept between Mounts (LRU); a text larger than an "
            "eighth of it is parsed on every Mount. 0: no cache.");
  flags.Int("max-lease-cache-bytes", &c.max_lease_cache_bytes,
            "Memory for leased Vault responses (database credentials, certificates) kept for reuse by "
            "later Mounts of the same pod, over every pod; a response that does not fit is read again "
            "at the pod's next Mount. 0: no limit (each response is still at most 256 KiB).");
  flags.Int("max-ca-cache-bytes", &c.max_ca_cache_bytes,
            "Memory for CA bundles read from CA directories kept between requests (LRU, by directory); "
            "a bundle larger than a quarter of it is read on every request. 0: no cache.");
  flags.Duration("session-idle-timeout", &c.session_idle_timeout,
                 "Drop a pod's cached Vault token and reusable leases when the pod has not mounted for "
                 "this long (checked at the next Mount). 0: only -cache-size evicts.");
  flags.String("kubernetes-service-account-dir", &c.kubernetes_service_account_dir,
               "Directory with the provider's own service account token, ca.crt and namespace, for "
               "Kubernetes API calls (TokenRequest fallback, HMAC key Secret).");
  flags.Duration("hmac-key-check-interval", &c.hmac_key_check_interval,
                 "How often the HMAC key Secret is re-read, so that deleting it rotates the key.");
  flags.String("allowed-vault-addrs", &c.allowed_vault_addrs,
               "Comma-separated Vault addresses a SecretProviderClass (or a pod's volumeAttributes) may "
               "name, besides -vault-addr's own; every address of a failover list must be allowed, and "
               "redirects are followed only to them. Matched by scheme://host:port, unix:// by path. "
               "Empty: any address (the incumbent's behaviour; a warning at startup).");
  flags.Bool("allow-class-tls-settings", &c.allow_class_tls_settings,
             "Let a SecretProviderClass set vaultSkipTLSVerify, vaultCACertPath, vaultCADirectory, "
             "vaultTLSServerName, vaultTLSClientCertPath and vaultTLSClientKeyPath (they read files on "
             "the node and can weaken TLS). false: such a class fails, naming the parameter.");
  flags.Bool("token-request-fallback", &c.token_request_fallback,
             "When a Mount carries no service account token for the audience, create one with the "
             "Kubernetes TokenRequest API (needs serviceaccounts/token create on every namespace). "
             "Off: such a Mount fails and says to configure the CSI driver's tokenRequests.");
  parsed.usage = flags.Usage();

  auto rest = flags.Parse(args);
  if (!rest.ok()) {
    if (absl::IsCancelled(rest.status())) {
      parsed.help = true;
      return parsed;
    }
    return rest.status();
  }
  if (!rest->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected arguments: ", absl::StrJoin(*rest, " ")));
  }
  if (c.log_format != "text" && c.log_format != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid value \"", c.log_format, "\" for flag -log-format: want text or json"));
  }
  if (c.hmac_key_check_interval.count() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid value \"", FormatGoDuration(c.hmac_key_check_interval),
                                                   "\" for flag -hmac-key-check-interval: must not be negative"));
  }
  if (!c.allowed_vault_addrs.empty()) {
    // Checked here so that a bad entry fails at the command line, not at the first Mount.
    if (auto policy = vault::AddressPolicy::AllowOnly({c.allowed_vault_addrs}, "-allowed-vault-addrs"); !policy.ok()) {
      return policy.status();
    }
  }
  for (const auto& [name, value] :
       {std::pair<const char*, int>{"max-mount-response-bytes", c.max_mount_response_bytes},
        {"max-total-response-bytes", c.max_total_response_bytes},
        {"max-objects-bytes", c.max_objects_bytes},
        {"objects-cache-bytes", c.objects_cache_bytes},
        {"max-lease-cache-bytes", c.max_lease_cache_bytes},
        {"max-read-cache-bytes", c.max_read_cache_bytes},
        {"max-ca-cache-bytes", c.max_ca_cache_bytes}}) {
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid value \"", value, "\" for flag -", name, ": must not be negative (0: no limit)"));
    }
  }
  if (c.read_cache_ttl.count() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid value \"", FormatGoDuration(c.read_cache_ttl),
                                                   "\" for flag -read-cache-ttl: must not be negative"));
  }
  if (c.session_idle_timeout.count() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid value \"", FormatGoDuration(c.session_idle_timeout),
                                                   "\" for flag -session-idle-timeout: must not be negative"));
  }
  // -debug only applies when -log-level was not given explicitly.
  if (c.debug && !flags.WasSet("log-level")) c.log_level = "debug";

  const VaultEnvironment vault_env(env, &parsed.warnings);
  std::string retries_name;
  if (auto retries = vault_env.Get("MAX_RETRIES", &retries_name); retries.has_value() && !retries->empty()) {
    if (!absl::SimpleAtoi(*retries, &c.vault_max_retries) || c.vault_max_retries < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("could not parse ", retries_name, " \"", *retries, "\": want a number >= 0"));
    }
  }
  auto env_layer = EnvironmentLayer(vault_env);
  if (!env_layer.ok()) return env_layer.status();
  c.vault = vault::ApplyOverrides(c.vault, *env_layer);

  vault::ConnectionOverrides flag_layer;
  auto if_set = [&](const char* name, const std::string& value) -> std::optional<std::string> {
    if (flags.WasSet(name)) return value;
    return std::nullopt;
  };
  flag_layer.address = if_set("vault-addr", vault_addr);
  flag_layer.ns = if_set("vault-namespace", vault_namespace);
  flag_layer.ca_cert = if_set("vault-tls-ca-cert", ca_cert);
  flag_layer.ca_directory = if_set("vault-tls-ca-directory", ca_dir);
  flag_layer.server_name = if_set("vault-tls-server-name", server_name);
  flag_layer.client_cert = if_set("vault-tls-client-cert", client_cert);
  flag_layer.client_key = if_set("vault-tls-client-key", client_key);
  if (flags.WasSet("vault-tls-skip-verify")) flag_layer.skip_verify = skip_verify;
  c.vault = vault::ApplyOverrides(c.vault, flag_layer);
  return parsed;
}

}  // namespace vcp::config
