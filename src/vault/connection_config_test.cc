// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/vault/connection_config.h"

#include <gtest/gtest.h>

namespace vcp::vault {
namespace {

TEST(ConnectionConfigTest, SetFieldsOverrideAndEmptyOnesDoNot) {
  ConnectionConfig base;
  base.address = "https://flag:8200";
  base.ns = "flag-ns";
  base.tls.server_name = "flag.svc";
  ConnectionOverrides spc;
  spc.address = "https://spc:8200";
  spc.ns = "";  // present but empty: keeps the flag's value, as the incumbent does
  const ConnectionConfig result = ApplyOverrides(base, spc);
  EXPECT_EQ(result.address, "https://spc:8200");
  EXPECT_EQ(result.ns, "flag-ns");
  EXPECT_EQ(result.tls.server_name, "flag.svc");
}

TEST(ConnectionConfigTest, CaChoiceOfTheUpperLayerWins) {
  ConnectionConfig base;
  base.tls.ca_cert = "/flag-ca.pem";
  ConnectionOverrides spc;
  spc.ca_directory = "/spc-cas";
  ConnectionConfig result = ApplyOverrides(base, spc);
  EXPECT_EQ(result.tls.ca_directory, "/spc-cas");
  EXPECT_EQ(result.tls.ca_cert, "");
  spc.ca_cert = "/spc-ca.pem";
  result = ApplyOverrides(base, spc);
  EXPECT_EQ(result.tls.ca_cert, "/spc-ca.pem") << "a CA file wins over a directory in the same layer";
}

TEST(ConnectionConfigTest, SkipVerifyCanBeSwitchedBackOff) {
  ConnectionConfig base;
  base.tls.skip_verify = true;
  ConnectionOverrides spc;
  EXPECT_TRUE(ApplyOverrides(base, spc).tls.skip_verify);
  spc.skip_verify = false;
  EXPECT_FALSE(ApplyOverrides(base, spc).tls.skip_verify);
}

}  // namespace
}  // namespace vcp::vault
