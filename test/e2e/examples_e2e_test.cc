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
    // One file and one version per object the class names, each non-empty.
    const YAML::Node objects = YAML::Load(mount.parameters.at("objects"));
    ASSERT_TRUE(objects.IsSequence());
    EXPECT_EQ(out.response.files_size(), static_cast<int>(objects.size()));
    EXPECT_EQ(out.response.object_version_size(), static_cast<int>(objects.size()));
    for (const auto& object : objects) {
      const std::string name = object["objectName"].as<std::string>();
      EXPECT_FALSE(out.File(name).empty()) << name;
      EXPECT_FALSE(out.Version(name).empty()) << name;
    }
    ++mounted;
  }
  EXPECT_GE(mounted, 9);
}

}  // namespace
}  // namespace vcp::testing
