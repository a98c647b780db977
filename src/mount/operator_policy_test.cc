// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/mount/operator_policy.h"

#include <gmock/gmock.h>

namespace vcp::mount {
namespace {

using ::testing::HasSubstr;

TEST(OperatorPolicyTest, TlsParametersAreRefusedOnlyWhenTheOperatorSaysSo) {
  vault::ConnectionOverrides layer;
  layer.ca_directory = "/etc/ssl/certs";
  EXPECT_TRUE(CheckOperatorPolicy(layer, true).ok());
  auto refused = CheckOperatorPolicy(layer, false);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("sets vaultCADirectory"));
  EXPECT_THAT(refused.message(), HasSubstr("-allow-class-tls-settings=false"));
}

TEST(OperatorPolicyTest, EachParameterIsNamed) {
  const std::pair<std::optional<std::string> vault::ConnectionOverrides::*, const char*> fields[] = {
      {&vault::ConnectionOverrides::ca_cert, "vaultCACertPath"},
      {&vault::ConnectionOverrides::server_name, "vaultTLSServerName"},
      {&vault::ConnectionOverrides::client_cert, "vaultTLSClientCertPath"},
      {&vault::ConnectionOverrides::client_key, "vaultTLSClientKeyPath"},
  };
  for (const auto& [field, name] : fields) {
    vault::ConnectionOverrides layer;
    layer.*field = "/x";
    EXPECT_THAT(CheckOperatorPolicy(layer, false).message(), HasSubstr(name));
  }
  vault::ConnectionOverrides skip;
  skip.skip_verify = false;  // even switching verification on is the operator's call
  EXPECT_THAT(CheckOperatorPolicy(skip, false).message(), HasSubstr("vaultSkipTLSVerify"));
}

TEST(OperatorPolicyTest, AddressAndNamespaceAndEmptyValuesAreNotTlsSettings) {
  vault::ConnectionOverrides layer;
  layer.address = "https://vault:8200";
  layer.ns = "team-a";
  layer.ca_cert = "";
  EXPECT_TRUE(CheckOperatorPolicy(layer, false).ok());
}

}  // namespace
}  // namespace vcp::mount
