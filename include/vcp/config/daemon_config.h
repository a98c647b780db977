// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The daemon's process configuration: every flag of the incumbent with its
// name, default and meaning, plus the VAULT_* environment fallbacks and their
// OpenBao spellings BAO_*.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vcp/util/env.h"
#include "vcp/vault/connection_config.h"

namespace vcp::config {

struct DaemonConfig {
  std::string endpoint = "/tmp/vault.sock";  // Unix socket the gRPC server listens on
  std::string log_level = "info";            // trace|debug|info|warn|error|off
  std::string log_format = "text";           // text|json
  bool debug = false;                        // deprecated: debug logging unless -log-level is given
  bool print_version = false;                // -version: print version information and exit
  std::string output = "json";               // -output: json|yaml|json-pretty for -version
  std::string health_addr = ":8080";         // HTTP address for /health/* probes
  std::string hmac_secret_name = "vault-csi-provider-hmac-key";
  int cache_size = 1000;                     // cached Vault tokens (one per pod); <= 0 disables
  std::string vault_mount = "kubernetes";    // default auth mount for login
  vault::ConnectionConfig vault;             // environment < flags, before SecretProviderClass
  int vault_max_retries = 2;                 // VAULT_MAX_RETRIES
  bool lease_reuse = true;                   // reuse leased responses across a pod's Mounts
  bool revoke_tokens = false;                // revoke evicted tokens, and cached ones at shutdown
  bool share_tokens = true;                  // pods of a service account share a token (Kubernetes auth)
  bool share_jwt_tokens = false;             // ... JWT auth logins too
  std::chrono::milliseconds read_cache_ttl{0};  // serve static answers this long; 0: off
  int max_read_cache_bytes = 4 << 20;        // memory for them
  int max_concurrent_mounts = 32;            // Mounts served at once; more wait; <= 0: no limit
  // Bounds on memory and on one tenant's share (0: no limit unless noted):
  int max_concurrent_mounts_per_vault = 0;   // Mounts per Vault address; 0: max(1, max_concurrent_mounts/4); < 0: none
  int max_mount_response_bytes = 8 << 20;    // Vault response bytes one Mount may receive
  int max_total_response_bytes = 32 << 20;   // the same over every Mount in flight
  int max_objects_bytes = 256 << 10;         // size of a class's `objects` text
  int objects_cache_bytes = 4 << 20;         // parsed `objects` kept in memory; 0: none
  int max_lease_cache_bytes = 16 << 20;      // leased responses kept for reuse, over every pod; 0: no limit
  int max_ca_cache_bytes = 4 << 20;          // CA directory bundles kept in memory; 0: none
  std::chrono::milliseconds session_idle_timeout{3600000};  // drop a pod's session unused this long; 0: never
  // Beyond the incumbent's flags:
  std::string kubernetes_service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::chrono::milliseconds hmac_key_check_interval{60000};  // how often the HMAC Secret is re-read
  std::string allowed_vault_addrs;           // -allowed-vault-addrs: empty = any address
  bool allow_class_tls_settings = true;      // a SecretProviderClass may set vaultSkipTLSVerify, vaultCACertPath, ...
  bool token_request_fallback = true;        // create a pod token (TokenRequest) when the driver passed none
};

// Outcome of parsing a command line.
struct ParsedCommandLine {
  DaemonConfig config;
  bool help = false;     // -h/-help: caller prints `usage` and exits 0
  std::string usage;     // Go-style usage text of every flag
  std::vector<std::string> warnings;  // to log once logging is set up, e.g. BAO_ADDR and VAULT_ADDR differ
};

// Parses `args` (without argv[0]) over `env`. Every VAULT_* variable read
// (VAULT_ADDR, VAULT_NAMESPACE, VAULT_CACERT, VAULT_CAPATH, VAULT_CLIENT_CERT,
// VAULT_CLIENT_KEY, VAULT_TLS_SERVER_NAME, VAULT_SKIP_VERIFY,
// VAULT_MAX_RETRIES) may also be spelled BAO_*; as in OpenBao's own client,
// BAO_X wins when it is set (even to ""), and a pair set to different values
// adds a warning. Errors (InvalidArgument) carry Go's flag texts, or name the
// bad environment variable, e.g. "could not parse VAULT_SKIP_VERIFY
// \"maybe\"". Extra positional arguments are an error.
absl::StatusOr<ParsedCommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                                   const EnvLookup& env);

}  // namespace vcp::config
