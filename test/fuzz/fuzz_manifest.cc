// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes `vault-csi-provider validate`'s input: a manifest file (multi-document
// YAML or JSON) whose SecretProviderClasses go through cli::ValidateManifest
// (yaml-cpp, the shape checks, every parameter and object with the daemon's
// rules), and every problem's line.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vcp/cli/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  vcp::cli::ValidateOptions options;
  options.allow_class_tls_settings = size % 2 == 0;
  options.allowed_vault_addrs = "https://vault.example.com:8200";
  const vcp::cli::ManifestReport report = vcp::cli::ValidateManifest("fuzz.yaml", text, options);
  for (const auto& problem : report.problems) (void)problem.Line();
  return 0;
}
