// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Every SecretProviderClass in docs/examples mounts as written (against the
// Vault double, which holds the paths, roles and auth mounts they use).
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

class ExamplesE2eTest : public E2eTest {};

TEST_F(ExamplesE2eTest, EveryDocumentedSecretProviderClassMounts) {
  StartProvider();
  int mounted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(VCP_SOURCE_DIR) + "/docs/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const YAML::Node spc = YAML::LoadFile(entry.path().string());
    ASSERT_EQ(spc["kind"].as<std::string>(), "SecretProviderClass");
    ASSERT_EQ(spc["spec"]["provider"].as<std::string>(), "vault");
    DriverMount mount;
    mount.secret_provider_class = spc["metadata"]["name"].as<std::string>();
    for (const auto& p : spc["spec"]["parameters"]) mount.parameters[p.first.as<std::string>()] = p.second.as<std::string>();
    mount.parameters.erase("vaultAddress");  // the examples' addresses point at a real Vault; the flag points at the double
    const std::string audience = mount.parameters.count("audience") ? mount.parameters["audience"] : "vault";
    mount.tokens[audience] = Jwt(mount.pod, audience);
    auto out = Send(mount);
    ASSERT_TRUE(out.status.ok()) << out.status.error_message();
    EXPECT_GT(out.response.files_size(), 0);
    EXPECT_EQ(out.response.files_size(), out.response.object_version_size());
    ++mounted;
  }
  EXPECT_GE(mounted, 9);
}

}  // namespace
}  // namespace vcp::testing
