// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// `vault-csi-provider validate FILE…`: checks SecretProviderClass manifests
// offline with the daemon's own parser and rules (mount/mount_params.h), for
// CI pipelines and admission checks. It reports every problem, not only the
// one a Mount would fail on first, and contacts nothing: no Vault, no
// Kubernetes API.
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "vcp/mount/mount_params.h"

namespace vcp::cli {

// The options of `validate`, as Go-style flags.
struct ValidateOptions {
  int max_file_bytes = 4 << 20;         // -max-file-bytes: larger files are refused, unparsed
  int max_objects_bytes = 256 << 10;    // -max-objects-bytes: as the daemon's flag
  bool allow_class_tls_settings = true;  // -allow-class-tls-settings: as the daemon's flag
  std::string allowed_vault_addrs;       // -allowed-vault-addrs: as the daemon's flag; empty: any
};

// One problem in a manifest.
struct ManifestProblem {
  std::string file;            // as named on the command line ("-" for standard input)
  size_t document = 0;         // 1-based YAML document in the file; 0 for the file as a whole
  std::string class_name;      // metadata.name (with "namespace/" when set); "" when not a class's
  mount::ClassProblem problem;  // object index and name, field, reason

  // One line: `FILE: document N: SecretProviderClass "ns/name": objects[i]
  // (objectName "x"): FIELD: REASON`, the parts that do not apply left out.
  // Names from the file are quoted shortened and control characters escaped.
  std::string Line() const;
};

// A SecretProviderClass for this provider found in a manifest.
struct ManifestClass {
  std::string name;  // metadata.name
  std::string ns;    // metadata.namespace; "" when not set
  size_t document = 0;  // 1-based YAML document in the file
  // spec.parameters whose keys and values are scalars, as the strings
  // Kubernetes would hold (non-strings are problems in the report).
  std::map<std::string, std::string> parameters;
};

// What ValidateManifest found in one file.
struct ManifestReport {
  std::vector<ManifestProblem> problems;
  size_t classes = 0;             // SecretProviderClasses checked
  std::vector<ManifestClass> found;  // the classes checked, in file order
  std::vector<std::string> notes;  // classes skipped (another provider), one line each
};

// Checks every SecretProviderClass in `text` (multi-document YAML or JSON;
// `kind: List` items included; other kinds skipped) read from `file`:
// apiVersion secrets-store.csi.x-k8s.io/*, metadata.name, spec.provider
// (vault or openbao; a class for another provider is skipped with a note),
// spec.parameters as a mapping of strings (a value YAML would read as a
// number, boolean or null is a problem: Kubernetes refuses it), then every
// parameter and object with mount::CheckClassParameters and the node's checks
// `options` names (allowed Vault addresses, class TLS settings). A text over
// options.max_file_bytes is one problem, not parsed; so is a YAML syntax
// error or a nesting deeper than yaml-cpp's limit. Anchors and aliases are
// never expanded beyond the fixed paths read here. Every class checked is
// also listed in `found`, with its parameters (for `mount`).
ManifestReport ValidateManifest(const std::string& file, const std::string& text,
                                const ValidateOptions& options);

// Runs `vault-csi-provider validate` with `args` (the arguments after
// "validate"): flags, then one or more files ("-" reads standard input).
// Prints every problem to `out`, one line each, then a summary line; usage
// and flag errors to `err`. Returns 0 when every class is valid, 1 when any
// problem was found, 2 for a usage error (bad flag, no file, a file that
// cannot be read). `-h` prints the usage and returns 0.
int RunValidate(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace vcp::cli
