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
#include "vcp/template/template.h"
#include "vcp/vault/connection_config.h"

namespace vcp::mount {

// Pod identity from the driver's attributes (csi.storage.k8s.io/*).
struct PodInfo {
  std::string name;
  std::string uid;
  std::string ns;
  std::string service_account;
};

// What an object writes: its `output` field (docs/configuration.md).
enum class OutputShape {
  kEnvelope,  // the whole Vault response as JSON (the default without secretKey)
  kValue,     // the selected value: a string raw, anything else as JSON (the default with secretKey)
  kData,      // the secret's data (KV v2's data.data, else data) or the selected value, as JSON
  kFiles,     // objectName is a directory with one file per top-level key
  kDotenv,    // one KEY='value' line per key, for a POSIX shell's `set -a; . file`
  kYaml,      // a YAML mapping
};

// The bounds every `template` is parsed and rendered with: text at most
// 64 KiB, a rendered file at most 1 MiB, and the template engine's defaults
// for everything else (docs/templates.md, Limits).
tmpl::Limits TemplateLimits();

// Returns the shape `text` names: exactly envelope, value, data, files, dotenv
// or yaml. InvalidArgument `invalid output "x": use envelope, value, data,
// files, dotenv or yaml` otherwise (the value shortened).
absl::StatusOr<OutputShape> ParseOutputShape(const std::string& text);

// The `output` value that names `shape`.
const char* OutputShapeName(OutputShape shape);

// One entry of the `objects` parameter.
struct SecretObject {
  std::string object_name;   // file path in the volume; the ObjectVersion id
  std::string secret_path;   // Vault path as written, may carry "?query"
  std::string secret_key;    // key to extract; empty = whole response as JSON
  std::string method;        // HTTP method as written; empty = GET
  std::optional<nlohmann::json> secret_args;  // JSON request body (an object)
  uint32_t file_permission = 0;  // 0 = use the request's permission; applies to every file the object writes
  std::string encoding;          // as written; empty = utf-8
  bool reuse_lease = true;       // reuseLease: reuse a leased response until 2/3 of its lease
  // `output` as written; nullopt when absent (EffectiveOutput gives the default).
  std::optional<OutputShape> output;
  // `vaultNamespace` (or baoNamespace, openbaoNamespace): the namespace this
  // object is read from (X-Vault-Namespace, a full path from the root),
  // replacing the class's for this object's reads only; the login stays in
  // the class's namespace. Empty: the class's.
  std::string vault_namespace;
  // Whether the object has a `template` field (docs/templates.md): its file
  // is then the template rendered from the secrets it names, instead of a
  // secretPath's answer.
  bool has_template = false;
  // `template` as written.
  std::string template_text;
  // template_text parsed with TemplateLimits() when the objects were parsed
  // (immutable; copies share the parsed form). Set exactly when template_text
  // is set and parses.
  std::optional<tmpl::Template> parsed_template;

  // Whether the object is rendered from a template.
  bool IsTemplated() const { return parsed_template.has_value(); }

  // The shape this object writes: `output` when set, else envelope without a
  // secretKey and value with one.
  OutputShape EffectiveOutput() const;
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
// `vault*` parameter may also be spelled `bao*` or `openbao*` (OpenBao's
// provider), and `roleName` also `vaultRoleName`, `baoRoleName` or
// `openbaoRoleName`; two spellings of one parameter set to different values
// are an error naming both. Every object's path is checked with the driver's
// file-path rules here, before any Vault call. Errors are InvalidArgument with
// an actionable text (the first problem CheckClassParameters would list); an
// `objects` text over `options.max_objects_bytes` is InvalidArgument naming
// the limit, refused before it is parsed.
absl::StatusOr<MountParams> ParseMountRequest(const std::string& attributes,
                                              const std::string& secrets,
                                              const std::string& target_path,
                                              const std::string& permission,
                                              const ParseOptions& options = ParseOptions());

// Parses the `objects` YAML (a list of mappings): InvalidArgument with the
// first problem's text. Used by ObjectsCache; exposed for tests.
absl::StatusOr<std::vector<SecretObject>> ParseObjects(const std::string& yaml_text);

// One problem with a SecretProviderClass that the provider finds before any
// Vault call.
struct ClassProblem {
  std::optional<size_t> object;  // its index in `objects`; nullopt: a class parameter
  std::string object_name;       // the object's objectName, when it could be read
  bool has_object_name = false;
  std::string field;             // the parameter or object field, e.g. "vaultAddress", "secretPath"
  std::string reason;            // what is wrong; input is quoted shortened, secrets never

  // The text ParseMountRequest returns for this problem:
  // `objects[i] (objectName "n"): reason`, `objects[i]: reason` when the
  // name could not be read, or the reason alone for a class parameter.
  std::string Message() const;
};

// Checks a SecretProviderClass's spec.parameters with the rules
// ParseMountRequest applies to them and returns every problem, in the order
// ParseMountRequest meets them: its error is the first one's Message(), and a
// class without problems is one it accepts. What the driver adds (pod
// attributes, service account tokens, target path, permission) is not
// checked, nor what depends on the node (-allowed-vault-addrs,
// -allow-class-tls-settings: see operator_policy.h). Empty when the class is
// valid. `parsed`, when not null, receives what could be parsed (for the
// node's checks). For `vault-csi-provider validate`.
std::vector<ClassProblem> CheckClassParameters(const std::map<std::string, std::string>& parameters,
                                               const ParseOptions& options = ParseOptions(),
                                               MountParams* parsed = nullptr);

// Checks a Vault namespace (X-Vault-Namespace) named by a class or an object:
// no control characters, which would otherwise reach an HTTP header.
// InvalidArgument `invalid <parameter> "...": contains a control character`.
absl::Status ValidateVaultNamespace(const std::string& parameter, const std::string& ns);

// What yaml.v3 (the incumbent's YAML decoder) reads a plain (unquoted) YAML
// scalar as. An integer beyond int64 is kFloat, as yaml.v3 has it.
enum class YamlScalarType { kString, kNull, kBool, kInt, kFloat, kInfinityOrNan };
YamlScalarType ResolvePlainScalar(const std::string& text);

// Parses a YAML plain scalar as yaml.v3 does for an integer (0600, 0o600,
// 0x180, 0b1, 1_000, +/-). nullopt when it is not an integer.
std::optional<int64_t> ParseYamlInt(const std::string& text);

// Checks `path` with the driver's rules for a file in the volume: non-empty,
// relative, at most 4096 bytes, elements at most 255 bytes, no ".." element,
// first element not starting with "..", already in clean form (no "./",
// "//" or trailing "/"), no NUL. InvalidArgument naming the path otherwise.
absl::Status ValidateObjectPath(const std::string& path);

}  // namespace vcp::mount
