// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// test-vault: the Vault double as a standalone server, for the README demo
// and the benchmarks. Not for production use.
//
//   test-vault -listen=127.0.0.1:8200 -jwt-key=sa-signer.pem [-seed=seed.json]
//              [-tls-cert=... -tls-key=... [-client-ca=...]] [-latency-ms=N]
//
// Control endpoints (no auth): GET /_test/counters, POST /_test/reset-counters,
// /_test/seal, /_test/unseal, /_test/expire-tokens, /_test/latency?ms=N,
// POST|DELETE /_test/faults. Root token: "root".
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "vault_double/vault_double.h"
#include "vcp/config/flag_set.h"

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:8200", tls_cert, tls_key, client_ca, jwt_key, seed_file;
  int latency_ms = 0;
  vcp::config::FlagSet flags("test-vault");
  flags.String("listen", &listen, "host:port to listen on");
  flags.String("tls-cert", &tls_cert, "PEM server certificate (serves HTTPS when set)");
  flags.String("tls-key", &tls_key, "PEM server key");
  flags.String("client-ca", &client_ca, "PEM CA; when set, clients must present a certificate it signed");
  flags.String("jwt-key", &jwt_key, "PEM key whose public half verifies service-account JWTs");
  flags.String("seed", &seed_file, "JSON seed (default: the built-in demo seed)");
  flags.Int("latency-ms", &latency_ms, "added latency per request");
  auto rest = flags.Parse(std::vector<std::string>(argv + 1, argv + argc));
  if (!rest.ok()) {
    std::fprintf(stderr, "%s\n%s", std::string(rest.status().message()).c_str(), flags.Usage().c_str());
    return 2;
  }
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  vcp::testing::VaultDoubleOptions options;
  const size_t colon = listen.rfind(':');
  options.host = listen.substr(0, colon);
  options.port = std::stoi(listen.substr(colon + 1));
  options.tls_cert_file = tls_cert;
  options.tls_key_file = tls_key;
  options.client_ca_file = client_ca;
  if (!jwt_key.empty()) options.jwt_key_pem = read(jwt_key);
  if (!seed_file.empty()) options.seed = nlohmann::json::parse(read(seed_file));

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  vcp::testing::VaultDouble vault(options);
  vault.SetLatency(std::chrono::milliseconds(latency_ms));
  if (auto s = vault.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("test Vault listening on %s\n", vault.address().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  vault.Stop();
  return 0;
}
