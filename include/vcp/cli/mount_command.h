// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// `vault-csi-provider mount -spc=FILE -pod-name=... -dir=DIR`: one real
// Mount of a SecretProviderClass, run by the daemon's own code
// (server/provider_core.h: the same Mounter, with options from the same
// flags and environment), its files written into a directory as the driver
// writes them. For debugging a class without a cluster: what a pod would
// get, or the error it would see.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "vcp/mount/render.h"
#include "vcp/util/env.h"

namespace vcp::cli {

// Writes `files` (as a Mount returns them) under the directory `dir`, the
// way the Secrets Store CSI Driver writes a Mount's files into the pod's
// volume: each file atomically (written to a temporary file in its
// directory, synced, then renamed over the old one, so a reader sees the
// old bytes or the new ones), with exactly its mode (not the umask's), and
// the directories a nested path needs created with mode 0755. Nothing is
// written outside `dir`: every path must pass mount::ValidateObjectPath, and
// the directories on the way are opened without following symbolic links
// (a link planted in `dir` is an error, not a way out). Files of an earlier
// Mount that this one does not write are left alone. Stops at the first
// failure: FailedPrecondition naming the file and the system's reason (the
// files before it stay written); InvalidArgument for a path that is not
// clean. Never quotes a file's contents.
absl::Status WriteMountedFiles(const std::string& dir, const std::vector<mount::MountedFile>& files);

// Runs `vault-csi-provider mount` with `args` (the arguments after "mount"):
// its own flags (-spc, -class, -pod-namespace, -pod-name, -pod-uid,
// -service-account, -jwt-file, -dir, -timeout) mixed with the daemon's
// (config::ParseCommandLine: -vault-addr, -vault-tls-*, -vault-mount,
// -lease-reuse, the limits, ...; -endpoint and -health-addr are accepted and
// unused) and the daemon's environment (`env`: VAULT_*, BAO_*, the
// Kubernetes in-cluster variables). Reads the SecretProviderClass from -spc
// (the only one for this provider in the file, or the one -class names),
// sends it with the pod's attributes and the JWT in -jwt-file (for the
// class's `audience`, else "vault") through one Mount, writes the files
// into -dir (WriteMountedFiles) and prints one line per file to `out`:
// "<dir>/<path> <version>". Logs go to standard error as the daemon's do.
// Returns 0 when the Mount succeeded and every file was written; 1 when
// the Mount failed (its code and message on `err`, as the driver would get
// them) or a file could not be written; 2 for a usage error (a bad or
// missing flag, an unreadable -spc or -jwt-file, no such class). `-h`
// prints the usage and returns 0. REQUIRES: curl_global_init has been
// called; SIGPIPE ignored.
int RunMount(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out, std::ostream& err);

}  // namespace vcp::cli
