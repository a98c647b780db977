// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A Vault server double that behaves like real Vault on the wire (see
// ../shared/reference/vault-api.md): response envelopes, error texts and
// status codes, Kubernetes and JWT auth login with role bindings and
// audiences, tokens with TTLs, KV v1, KV v2 with versions, PKI issuing real
// certificates, database credentials with leases, namespaces by header,
// HTTPS with client-certificate verification, request counters and fault
// injection. Used in-process by the end-to-end tests and as the `test-vault`
// binary by the README demo and the benchmarks.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "support/pki.h"

namespace httplib {
class Server;
}

namespace vcp::testing {

// An injected fault: requests matching method (empty = any) and path prefix
// (empty = any) get `latency`, and then, when `status` is non-zero, that
// status with `body` (default: {"errors":[]} for >= 400, empty otherwise).
// Applies `times` times (-1 = until cleared).
struct Fault {
  std::string method;
  std::string path_prefix;
  int status = 0;
  std::optional<std::string> body;
  std::optional<std::string> retry_after;
  std::chrono::milliseconds latency{0};
  int times = -1;
};

struct VaultDoubleOptions {
  std::string host = "127.0.0.1";
  int port = 0;                 // 0 = any free port
  std::string tls_cert_file;    // HTTPS when set
  std::string tls_key_file;
  std::string client_ca_file;   // require and verify client certificates when set
  std::string jwt_key_pem;      // key that signs pod service-account tokens
  std::string root_token = "root";
  nlohmann::json seed;          // {"namespaces": {"": World, "team-a": World}}, see DemoSeed()
  int threads = 64;
  int keep_alive_seconds = 5;   // idle keep-alive; Stop() waits for idle connections this long
};

class VaultDouble {
 public:
  explicit VaultDouble(VaultDoubleOptions options);
  ~VaultDouble();

  VaultDouble(const VaultDouble&) = delete;
  VaultDouble& operator=(const VaultDouble&) = delete;

  // Binds and serves in the background.
  absl::Status Start();
  void Stop();

  int port() const { return port_; }
  // "http(s)://127.0.0.1:<port>".
  std::string address() const;

  void AddFault(Fault fault);
  void ClearFaults();
  void SetSealed(bool sealed);
  // Makes this node an HA standby that does not forward (as with
  // X-Vault-No-Request-Forwarding): every request but sys/health gets a 307 to
  // `active_address` (e.g. "http://127.0.0.1:8201") with the same path and
  // query; with an empty address, 503 "no active Vault instance found".
  // sys/health answers 429 with "standby": true.
  void SetStandby(bool standby, std::string active_address = "");
  void SetLatency(std::chrono::milliseconds latency);
  // Every issued token expires now (as when its TTL runs out).
  void ExpireAllTokens();
  // Every token the double has issued (by login), expired or not; never the root token.
  std::vector<std::string> IssuedTokens() const;
  // Issued tokens neither expired nor revoked: the rows of Vault's token store.
  int64_t LiveTokens() const;

  // Leases not yet revoked (database credentials, leased certificates). A
  // lease is revoked with the token that created it (revoke-self, expiry).
  int64_t ActiveLeases() const;

  // Request counters: "total", "login", "login:<mount>", "<METHOD> <path>",
  // "lease:new" (database credentials minted), "lease:revoked", "pki:issue", "max_inflight"
  // (most requests handled at once), "connections" (distinct client connections).
  int64_t Count(const std::string& key) const;
  std::map<std::string, int64_t> Counters() const;
  void ResetCounters();

  // The PKI engine's CA certificate.
  std::string PkiCaPem() const { return pki_ca_.cert_pem; }

  // Handles one request; public for the HTTP glue. `headers` names are lower-case.
  struct Reply {
    int status = 200;
    std::string body;
    std::map<std::string, std::string> headers;
  };
  Reply Handle(const std::string& method, const std::string& path,
               const std::multimap<std::string, std::string>& query,
               const std::map<std::string, std::string>& headers, const std::string& body);

 private:
  struct Token {
    std::string ns;
    std::set<std::string> policies;
    std::chrono::steady_clock::time_point expires;
    int64_t ttl = 0;
    bool renewable = true;
    bool root = false;
    std::string accessor;
    nlohmann::json metadata;
  };
  struct KvVersion {
    nlohmann::json data;
    std::string created_time;
    bool deleted = false;
  };
  struct World {
    nlohmann::json auth = nlohmann::json::object();
    nlohmann::json policies = nlohmann::json::object();
    nlohmann::json mounts = nlohmann::json::object();
    std::map<std::string, std::vector<KvVersion>> kv2;  // "<mount>/<path>"
    std::map<std::string, nlohmann::json> kv1;          // "<mount>/<path>"
  };

  Reply Control(const std::string& method, const std::string& path,
                const std::multimap<std::string, std::string>& query, const std::string& body);
  Reply Route(const std::string& method, const std::string& path,
              const std::multimap<std::string, std::string>& query,
              const std::map<std::string, std::string>& headers, const std::string& body);
  Reply Login(World& world, const std::string& ns, const std::string& mount,
              const std::string& body);
  Reply TokenSelf(const std::string& op, const std::string& token_id, const std::string& ns);
  Reply Logical(World& world, const Token& token, const std::string& method,
                const std::string& path, const std::multimap<std::string, std::string>& query,
                const std::string& body);
  Reply KvV2(World& world, const std::string& mount, const std::string& method,
             const std::string& rest, const std::multimap<std::string, std::string>& query,
             const std::string& body);
  Reply KvV1(World& world, const std::string& mount, const std::string& method,
             const std::string& rest, const std::string& body);
  Reply Pki(const nlohmann::json& mount_config, const std::string& mount, const std::string& method,
            const std::string& rest, const std::string& body);
  Reply Database(const nlohmann::json& mount_config, const std::string& mount,
                 const std::string& method, const std::string& rest);
  // GET sys/internal/ui/mounts/<path>: which mount holds `path`. REQUIRES: mu_ held.
  Reply UiMount(const World& world, const Token& token, const std::string& path);
  bool Allowed(const World& world, const Token& token, const std::string& path) const;
  void LoadSeed(const nlohmann::json& seed);
  void Bump(const std::string& key);
  // Revokes every lease created by the token with `accessor`. REQUIRES: mu_ held.
  void RevokeLeasesOf(const std::string& accessor);

  VaultDoubleOptions options_;
  CertAndKey pki_ca_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;  // guards everything below
  std::map<std::string, World> worlds_;
  std::map<std::string, Token> tokens_;
  std::map<std::string, int64_t> counters_;
  std::map<std::string, std::string> leases_;  // lease_id -> accessor of the token that created it
  std::vector<Fault> faults_;
  bool sealed_ = false;
  bool standby_ = false;
  std::string active_address_;
  std::chrono::milliseconds latency_{0};
  int64_t inflight_ = 0;
  std::set<std::string> connections_seen_;  // client address:port pairs
};

// A seed with one Kubernetes auth role "app" (service account default/app,
// audience "vault"), a JWT auth mount, KV v1 and v2 secrets, a PKI role, a
// database role, and a namespace "team-a". The demo and the tests use it.
nlohmann::json DemoSeed();

// Vault's success envelope around `data`.
nlohmann::ordered_json Envelope(const nlohmann::json& data);

}  // namespace vcp::testing
