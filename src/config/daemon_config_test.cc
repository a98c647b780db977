// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/config/daemon_config.h"

#include <gtest/gtest.h>

#include <map>

namespace vcp::config {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(DaemonConfigTest, DefaultsMatchTheIncumbent) {
  auto parsed = ParseCommandLine({}, Env({}));
  ASSERT_TRUE(parsed.ok());
  const DaemonConfig& c = parsed->config;
  EXPECT_EQ(c.endpoint, "/tmp/vault.sock");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.health_addr, ":8080");
  EXPECT_EQ(c.hmac_secret_name, "vault-csi-provider-hmac-key");
  EXPECT_EQ(c.cache_size, 1000);
  EXPECT_EQ(c.vault_mount, "kubernetes");
  EXPECT_EQ(c.output, "json");
  EXPECT_EQ(c.vault.address, "https://127.0.0.1:8200");
  EXPECT_FALSE(c.vault.tls.skip_verify);
}

TEST(DaemonConfigTest, EnvironmentFillsEveryVaultSetting) {
  auto parsed = ParseCommandLine(
      {}, Env({{"VAULT_ADDR", "https://vault:8200"}, {"VAULT_NAMESPACE", "ns1"}, {"VAULT_CACERT", "/ca.pem"},
               {"VAULT_CAPATH", "/cas"}, {"VAULT_CLIENT_CERT", "/c.pem"}, {"VAULT_CLIENT_KEY", "/k.pem"},
               {"VAULT_TLS_SERVER_NAME", "vault.svc"}, {"VAULT_SKIP_VERIFY", "true"}}));
  ASSERT_TRUE(parsed.ok());
  const auto& v = parsed->config.vault;
  EXPECT_EQ(v.address, "https://vault:8200");
  EXPECT_EQ(v.ns, "ns1");
  EXPECT_EQ(v.tls.ca_cert, "/ca.pem");
  EXPECT_EQ(v.tls.ca_directory, "/cas");
  EXPECT_EQ(v.tls.client_cert, "/c.pem");
  EXPECT_EQ(v.tls.client_key, "/k.pem");
  EXPECT_EQ(v.tls.server_name, "vault.svc");
  EXPECT_TRUE(v.tls.skip_verify);
}

TEST(DaemonConfigTest, FlagsBeatEnvironment) {
  auto parsed = ParseCommandLine(
      {"-vault-addr=https://flag:8200", "--vault-namespace", "flag-ns", "-vault-tls-skip-verify=false",
       "-vault-tls-ca-cert=/flag-ca.pem"},
      Env({{"VAULT_ADDR", "https://env:8200"}, {"VAULT_NAMESPACE", "env-ns"}, {"VAULT_SKIP_VERIFY", "1"},
           {"VAULT_CAPATH", "/env-cas"}}));
  ASSERT_TRUE(parsed.ok());
  const auto& v = parsed->config.vault;
  EXPECT_EQ(v.address, "https://flag:8200");
  EXPECT_EQ(v.ns, "flag-ns");
  EXPECT_FALSE(v.tls.skip_verify);
  EXPECT_EQ(v.tls.ca_cert, "/flag-ca.pem");
  EXPECT_EQ(v.tls.ca_directory, "") << "the flag's CA file replaces the environment's CA directory";
}

TEST(DaemonConfigTest, EveryIncumbentFlagIsAccepted) {
  auto parsed = ParseCommandLine(
      {"-endpoint=/provider/vault.sock", "-log-level=debug", "-debug", "-health-addr=:9090",
       "-hmac-secret-name=x", "-cache-size=5", "-vault-addr=unix:///agent.sock", "-vault-mount=jwt",
       "-vault-namespace=n", "-vault-tls-ca-cert=/a", "-vault-tls-ca-directory=/b", "-vault-tls-server-name=s",
       "-vault-tls-client-cert=/c", "-vault-tls-client-key=/k", "-vault-tls-skip-verify", "-version",
       "-output=yaml"},
      Env({}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.endpoint, "/provider/vault.sock");
  EXPECT_EQ(parsed->config.cache_size, 5);
  EXPECT_EQ(parsed->config.vault_mount, "jwt");
  EXPECT_TRUE(parsed->config.print_version);
  EXPECT_EQ(parsed->config.output, "yaml");
}

TEST(DaemonConfigTest, VaultMaxRetriesFromTheEnvironment) {
  EXPECT_EQ(ParseCommandLine({}, Env({}))->config.vault_max_retries, 2);
  EXPECT_EQ(ParseCommandLine({}, Env({{"VAULT_MAX_RETRIES", "0"}}))->config.vault_max_retries, 0);
  EXPECT_FALSE(ParseCommandLine({}, Env({{"VAULT_MAX_RETRIES", "-1"}})).ok());
}

TEST(DaemonConfigTest, HmacKeyCheckIntervalIsADuration) {
  EXPECT_EQ(ParseCommandLine({}, Env({}))->config.hmac_key_check_interval, std::chrono::minutes(1));
  EXPECT_EQ(ParseCommandLine({"-hmac-key-check-interval=.s"}, Env({})).status().message(),
            "invalid value \".s\" for flag -hmac-key-check-interval: parse error");
  EXPECT_EQ(ParseCommandLine({"-hmac-key-check-interval=30s"}, Env({}))->config.hmac_key_check_interval,
            std::chrono::seconds(30));
  EXPECT_EQ(ParseCommandLine({"-hmac-key-check-interval=-1s"}, Env({})).status().message(),
            "invalid value \"-1s\" for flag -hmac-key-check-interval: must not be negative");
}

TEST(DaemonConfigTest, AllowedVaultAddressesAreCheckedAtTheCommandLine) {
  EXPECT_EQ(ParseCommandLine({"-allowed-vault-addrs=https://a:8200,unix:///s"}, Env({}))->config.allowed_vault_addrs,
            "https://a:8200,unix:///s");
  EXPECT_EQ(ParseCommandLine({"-allowed-vault-addrs=vault:8200"}, Env({})).status().message(),
            "-allowed-vault-addrs: invalid Vault address \"vault:8200\": no scheme");
  EXPECT_TRUE(ParseCommandLine({}, Env({}))->config.allow_class_tls_settings);
  EXPECT_FALSE(ParseCommandLine({"-allow-class-tls-settings=false"}, Env({}))->config.allow_class_tls_settings);
}

TEST(DaemonConfigTest, TokenRequestFallbackIsOnUnlessSwitchedOff) {
  EXPECT_TRUE(ParseCommandLine({}, Env({}))->config.token_request_fallback);
  EXPECT_FALSE(ParseCommandLine({"-token-request-fallback=false"}, Env({}))->config.token_request_fallback);
}

TEST(DaemonConfigTest, HelpShowsTypesAndDefaults) {
  const std::string usage = ParseCommandLine({"-help"}, Env({}))->usage;
  EXPECT_NE(usage.find("  -hmac-key-check-interval duration\n"), std::string::npos) << usage;
  EXPECT_NE(usage.find("(default 1m0s)"), std::string::npos);
  EXPECT_NE(usage.find("  -max-concurrent-mounts int\n"), std::string::npos);
  EXPECT_NE(usage.find("  -endpoint string\n    \tPath to socket on which to listen for driver gRPC calls. "
                       "(default \"/tmp/vault.sock\")\n"), std::string::npos);
  EXPECT_NE(usage.find("  -token-request-fallback\n"), std::string::npos);
}

TEST(DaemonConfigTest, DebugAppliesOnlyWithoutExplicitLogLevel) {
  EXPECT_EQ(ParseCommandLine({"-debug"}, Env({}))->config.log_level, "debug");
  EXPECT_EQ(ParseCommandLine({"-debug", "-log-level=warn"}, Env({}))->config.log_level, "warn");
}

TEST(DaemonConfigTest, BadInputIsRejectedWithTheCulpritNamed) {
  EXPECT_EQ(ParseCommandLine({"-bogus"}, Env({})).status().message(), "flag provided but not defined: -bogus");
  EXPECT_EQ(ParseCommandLine({}, Env({{"VAULT_SKIP_VERIFY", "maybe"}})).status().message(),
            "could not parse VAULT_SKIP_VERIFY \"maybe\": want true or false");
  EXPECT_FALSE(ParseCommandLine({"stray"}, Env({})).ok());
  auto help = ParseCommandLine({"--help"}, Env({}));
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);
}

TEST(DaemonConfigTest, MemoryAndFairnessLimitsHaveDefaultsAndRefuseNegativeSizes) {
  const DaemonConfig c = ParseCommandLine({}, Env({}))->config;
  EXPECT_EQ(c.max_concurrent_mounts_per_vault, 0) << "a quarter of -max-concurrent-mounts";
  EXPECT_EQ(c.max_mount_response_bytes, 8 << 20);
  EXPECT_EQ(c.max_total_response_bytes, 32 << 20);
  EXPECT_EQ(c.max_objects_bytes, 256 << 10);
  EXPECT_EQ(c.objects_cache_bytes, 4 << 20);
  EXPECT_EQ(c.max_ca_cache_bytes, 4 << 20);
  EXPECT_EQ(c.session_idle_timeout, std::chrono::hours(1));
  const DaemonConfig set = ParseCommandLine({"-max-concurrent-mounts-per-vault=3", "-max-mount-response-bytes=0",
                                             "-max-objects-bytes=1048576", "-session-idle-timeout=10m"},
                                            Env({}))->config;
  EXPECT_EQ(set.max_concurrent_mounts_per_vault, 3);
  EXPECT_EQ(set.max_mount_response_bytes, 0);
  EXPECT_EQ(set.max_objects_bytes, 1 << 20);
  EXPECT_EQ(set.session_idle_timeout, std::chrono::minutes(10));
  EXPECT_EQ(ParseCommandLine({"-max-total-response-bytes=-1"}, Env({})).status().message(),
            "invalid value \"-1\" for flag -max-total-response-bytes: must not be negative (0: no limit)");
  EXPECT_FALSE(ParseCommandLine({"-session-idle-timeout=-1s"}, Env({})).ok());
}


// OpenBao's spellings (issue #13 §4), read as OpenBao's own client reads them.
TEST(DaemonConfigTest, BaoVariablesStandForTheirVaultTwins) {
  auto parsed = ParseCommandLine(
      {}, Env({{"BAO_ADDR", "https://bao:8200"}, {"BAO_NAMESPACE", "ns1"}, {"BAO_CACERT", "/ca.pem"},
               {"BAO_CAPATH", "/cas"}, {"BAO_CLIENT_CERT", "/c.pem"}, {"BAO_CLIENT_KEY", "/k.pem"},
               {"BAO_TLS_SERVER_NAME", "bao.svc"}, {"BAO_SKIP_VERIFY", "true"}, {"BAO_MAX_RETRIES", "5"}}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const DaemonConfig& c = parsed->config;
  EXPECT_EQ(c.vault.address, "https://bao:8200");
  EXPECT_EQ(c.vault.ns, "ns1");
  EXPECT_EQ(c.vault.tls.ca_cert, "/ca.pem");
  EXPECT_EQ(c.vault.tls.ca_directory, "/cas");
  EXPECT_EQ(c.vault.tls.client_cert, "/c.pem");
  EXPECT_EQ(c.vault.tls.client_key, "/k.pem");
  EXPECT_EQ(c.vault.tls.server_name, "bao.svc");
  EXPECT_TRUE(c.vault.tls.skip_verify);
  EXPECT_EQ(c.vault_max_retries, 5);
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(DaemonConfigTest, BaoWinsOverVaultWhenBothAreSetWithAWarning) {
  auto parsed = ParseCommandLine({}, Env({{"BAO_ADDR", "https://bao:8200"}, {"VAULT_ADDR", "https://vault:8200"},
                                          {"BAO_NAMESPACE", "same"}, {"VAULT_NAMESPACE", "same"},
                                          {"VAULT_CAPATH", "/vault-cas"}}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.vault.address, "https://bao:8200");
  EXPECT_EQ(parsed->config.vault.ns, "same");
  EXPECT_EQ(parsed->config.vault.tls.ca_directory, "/vault-cas") << "a VAULT_ variable alone still counts";
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0],
            "BAO_ADDR and VAULT_ADDR are both set, to different values: using BAO_ADDR, as OpenBao's own tools do");
  // Set but empty still wins (OpenBao's api/env.go): VAULT_ADDR is not used.
  auto empty = ParseCommandLine({}, Env({{"BAO_ADDR", ""}, {"VAULT_ADDR", "https://vault:8200"}}));
  EXPECT_EQ(empty->config.vault.address, "https://127.0.0.1:8200");
  // Flags still win over either.
  EXPECT_EQ(ParseCommandLine({"-vault-addr=https://flag:8200"}, Env({{"BAO_ADDR", "https://bao:8200"}}))
                ->config.vault.address,
            "https://flag:8200");
}

TEST(DaemonConfigTest, BadBaoVariablesAreNamed) {
  EXPECT_EQ(ParseCommandLine({}, Env({{"BAO_SKIP_VERIFY", "maybe"}, {"VAULT_SKIP_VERIFY", "true"}})).status().message(),
            "could not parse BAO_SKIP_VERIFY \"maybe\": want true or false");
  EXPECT_EQ(ParseCommandLine({}, Env({{"BAO_MAX_RETRIES", "-1"}})).status().message(),
            "could not parse BAO_MAX_RETRIES \"-1\": want a number >= 0");
}

}  // namespace
}  // namespace vcp::config
