// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// What the documentation shows is what the provider accepts: every YAML
// example of a SecretProviderClass, its parameters or its objects in the
// user-facing docs passes the daemon's own checks (templates included).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "vcp/mount/mount_params.h"

namespace vcp::testing {
namespace {

struct Example {
  int line = 0;  // where the block starts in the file
  std::string text;
};

std::vector<Example> YamlBlocks(const std::string& file) {
  std::ifstream in(absl::StrCat(VCP_SOURCE_DIR, "/", file));
  std::vector<Example> blocks;
  std::string line;
  int number = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line == "```yaml") {
      inside = true;
      blocks.push_back({number + 1, ""});
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      absl::StrAppend(&blocks.back().text, line, "\n");
    }
  }
  return blocks;
}

// The class parameters an example shows, or nullopt when it shows none (a
// pod, a Helm value, environment variables).
std::optional<std::map<std::string, std::string>> ParametersOf(const std::string& text) {
  std::map<std::string, std::string> parameters = {{"roleName", "app"}};
  if (absl::StartsWith(text, "- objectName:")) {
    parameters["objects"] = text;
    return parameters;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  if (!root.IsMap()) return std::nullopt;
  YAML::Node params;
  if (root["kind"] && root["kind"].as<std::string>() == "SecretProviderClass") {
    params = root["spec"]["parameters"];
  } else if (root["parameters"]) {
    params = root["parameters"];
  } else if (root["objects"]) {
    params = root;
  } else {
    return std::nullopt;
  }
  for (const auto& entry : params) parameters[entry.first.as<std::string>()] = entry.second.as<std::string>();
  // A fragment that shows parameters only: any object makes it a class.
  parameters.emplace("objects", "- {objectName: x, secretPath: secret/data/x}");
  return parameters;
}

TEST(DocsE2eTest, EveryClassParametersAndObjectsExampleIsValid) {
  int checked = 0;
  for (const char* file : {"README.md", "docs/configuration.md", "docs/templates.md", "docs/install.md"}) {
    const std::vector<Example> blocks = YamlBlocks(file);
    EXPECT_FALSE(blocks.empty()) << file;
    for (const Example& block : blocks) {
      const auto parameters = ParametersOf(block.text);
      if (!parameters.has_value()) continue;
      ++checked;
      std::vector<std::string> problems;
      for (const mount::ClassProblem& problem : mount::CheckClassParameters(*parameters)) {
        problems.push_back(problem.Message());
      }
      EXPECT_TRUE(problems.empty()) << file << ":" << block.line << ": " << absl::StrJoin(problems, "\n") << "\n"
                                    << block.text;
    }
  }
  EXPECT_GE(checked, 18) << "the examples of the four files";
}

}  // namespace
}  // namespace vcp::testing
