// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The files an object writes into the volume, in the shape its `output` field
// asks for (issue #13, docs/configuration.md): the whole Vault response, one
// value, the secret's data as JSON, a file per key, a dotenv file or a YAML
// mapping. Pure functions: the Mount pipeline fetches, these render, the
// pipeline writes every file with the object's filePermission (or the
// request's) and signs each with VersionSigner::SignFile(object, path,
// contents). Whatever the shape, a number keeps the text Vault gave it
// (util/json_number.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/mount/mount_params.h"

namespace vcp::mount {

// One file an object writes.
struct RenderedFile {
  std::string path;      // relative to the volume: objectName, or objectName/<key> for output: files
  std::string contents;  // the file's bytes
};

// Returns the files `object` writes from `envelope` (a Vault response as the
// Vault client returns it), by object.EffectiveOutput(). First the selection:
// the secret's data is data.data when that is an object (KV v2), else data;
// a secretKey selects its value in there (InvalidArgument naming the key, the
// path and the keys that exist when it is missing). Then the shape:
//  - envelope: objectName holds the whole response as compact JSON in the
//    incumbent's key order (EnvelopeJson); `encoding` is not applied.
//  - value: objectName holds the selection: a string as its bytes, anything
//    else as compact Go JSON; then decoded per `encoding`. For an object
//    without `output` this is byte for byte RenderObjectContent.
//  - data: objectName holds the selection as compact Go JSON (sorted keys,
//    `<>&` escaped), without the lease fields and KV v2 metadata.
//  - files: one file objectName/<key> per key of the selection, sorted by
//    key: a string as its bytes (decoded per `encoding`), anything else as
//    compact Go JSON. The selection must be a mapping with at least one key
//    ("secret … has no keys" otherwise), and every key a path element: not
//    empty, `.` or `..`, no `/` or NUL, at most 255 bytes, the whole path
//    within the driver's rules (ValidateObjectPath). A key that is not is
//    InvalidArgument naming it (shortened): no key writes outside the
//    object's directory.
//  - dotenv: objectName holds one `KEY='value'` line per key, sorted, each
//    ending in a newline; a value is a string's bytes or other values' Go
//    JSON, single-quoted for a POSIX shell (`'` written `'\''`), so that
//    `set -a; . file` gives every variable exactly its value, newlines
//    included. A key that is not [A-Za-z_][A-Za-z0-9_]* is InvalidArgument
//    naming it; so is a value holding a NUL byte, which no shell variable
//    can hold (the value is not quoted).
//  - yaml: objectName holds the selection as a block YAML mapping (`{}` when
//    empty), keys sorted, nested mappings and lists as block collections,
//    null/booleans/numbers plain (number texts verbatim), every string plain
//    only when no YAML 1.1 or 1.2 reader could take it for anything but that
//    string, else double-quoted with escapes (control characters, line
//    separators, BOM). A key over 1024 bytes (YAML's limit for a key) or a
//    string that is not UTF-8 is InvalidArgument.
// files, dotenv and yaml need a mapping: any other selection is
// InvalidArgument saying what it is. Errors quote keys and the path
// (without its query) shortened, never a value; the pipeline prefixes the
// object's name.
absl::StatusOr<std::vector<RenderedFile>> RenderObjectFiles(const SecretObject& object,
                                                            const nlohmann::json& envelope);

}  // namespace vcp::mount
