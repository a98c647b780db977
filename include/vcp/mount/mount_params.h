// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// A Mount request as the Secrets Store CSI Driver sends it, turned into typed,
// validated parameters. Pure: no I/O, no clock. Error texts follow the
// incumbent's where it has one, so users searching for them find answers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/vault/connection_config.h"

namespace vcp::mount {

// Pod identity from the driver's attributes (csi.storage.k8s.io/*).
struct PodInfo {
  std::string name;
  std::string uid;
  std::string ns;
  std::string service_account;
};

// One entry of the `objects` parameter.
struct SecretObject {
  std::string object_name;   // file path in the volume; the ObjectVersion id
  std::string secret_path;   // Vault path as written, may carry "?query"
  std::string secret_key;    // key to extract; empty = whole response as JSON
  std::string method;        // HTTP method as written; empty = GET
  std::optional<nlohmann::json> secret_args;  // JSON request body (an object)
  uint32_t file_permission = 0;  // 0 = use the request's permission
  std::string encoding;          // as written; empty = utf-8
  bool reuse_lease = true;       // reuseLease: reuse a leased response until 2/3 of its lease
};

// The file contents' encoding in Vault.
enum class Encoding { kUtf8, kBase64, kHex };

// Returns the encoding for `text` (case-insensitive "", utf-8, base64, hex).
// InvalidArgument "invalid encoding type. Should be utf-8, base64, or hex".
absl::StatusOr<Encoding> ParseEncoding(const std::string& text);

// Everything a Mount needs, parsed and validated.
struct MountParams {
  std::string role_name;
  std::string audience;  // as given; the token lookup uses "vault" when empty
  std::optional<std::string> auth_mount;       // vaultAuthMountPath / vaultKubernetesMountPath
  vault::ConnectionOverrides connection;       // the SecretProviderClass layer
  std::map<std::string, std::string> sa_tokens;  // audience -> JWT from the driver
  PodInfo pod;
  std::string secret_provider_class;  // for logs; may be empty (v1.5 rotation)
  std::vector<SecretObject> objects;
  uint32_t default_mode = 0644;
  std::string target_path;

  // The driver-supplied JWT for `audience` (or "vault"), if any.
  std::optional<std::string> TokenForAudience() const;
};

class ObjectsCache;

// Bounds on what a Mount request may make the provider parse and keep.
struct ParseOptions {
  // The `objects` text's size limit (-max-objects-bytes); 0: no limit.
  size_t max_objects_bytes = 256 * 1024;
  // Parsed `objects` by text; null: parse every time. Must outlive the call.
  ObjectsCache* objects_cache = nullptr;
};

// Parses a MountRequest's string fields. `attributes` must be a JSON object of
// strings; `secrets` may be "", "null", "{}" or an object (it is not used);
// `permission` is a decimal JSON number ("420"), empty meaning 0644. Every
// object's path is checked with the driver's file-path rules here, before any
// Vault call. Errors are InvalidArgument with an actionable text; an
// `objects` text over `options.max_objects_bytes` is InvalidArgument naming
// the limit, refused before it is parsed.
absl::StatusOr<MountParams> ParseMountRequest(const std::string& attributes,
                                              const std::string& secrets,
                                              const std::string& target_path,
                                              const std::string& permission,
                                              const ParseOptions& options = ParseOptions());

// Parses the `objects` YAML (a list of mappings). Exposed for tests.
absl::StatusOr<std::vector<SecretObject>> ParseObjects(const std::string& yaml_text);

// Parses a YAML plain scalar as yaml.v3 does for an integer (0600, 0o600,
// 0x180, 0b1, 1_000, +/-). nullopt when it is not an integer.
std::optional<int64_t> ParseYamlInt(const std::string& text);

// Checks `path` with the driver's rules for a file in the volume: non-empty,
// relative, at most 4096 bytes, elements at most 255 bytes, no ".." element,
// first element not starting with "..", already in clean form (no "./",
// "//" or trailing "/"), no NUL. InvalidArgument naming the path otherwise.
absl::Status ValidateObjectPath(const std::string& path);

}  // namespace vcp::mount
