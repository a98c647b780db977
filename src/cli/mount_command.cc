// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/cli/mount_command.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "vcp/cli/validate.h"
#include "vcp/config/daemon_config.h"
#include "vcp/config/flag_set.h"
#include "vcp/mount/mount_params.h"
#include "vcp/server/provider_core.h"
#include "vcp/util/encoding.h"
#include "vcp/util/go_json.h"
#include "vcp/util/logging.h"
#include "vcp/util/random.h"
#include "vcp/util/text.h"

namespace vcp::cli {
namespace {

// Sizes of what the command reads, as `validate` bounds a manifest.
constexpr size_t kMaxSpcBytes = 4 << 20;
constexpr size_t kMaxJwtBytes = 64 << 10;

// A file descriptor closed when it goes.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status WriteError(const std::string& path, const std::string& what, int error) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot write ", QuoteShortened(path), ": ", what, ": ", std::strerror(error)));
}

// Writes all of `contents` to `fd`.
bool WriteAll(int fd, const std::string& contents) {
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

absl::Status WriteOne(int root, const mount::MountedFile& file) {
  if (absl::Status s = mount::ValidateObjectPath(file.path); !s.ok()) return s;
  const std::vector<std::string> elements = absl::StrSplit(file.path, '/');
  // Walk down from the root without following links, creating what is missing.
  Fd dir(dup(root));
  if (dir.get() < 0) return WriteError(file.path, "dup", errno);
  for (size_t i = 0; i + 1 < elements.size(); ++i) {
    if (mkdirat(dir.get(), elements[i].c_str(), 0755) != 0 && errno != EEXIST) {
      return WriteError(file.path, absl::StrCat("creating directory ", QuoteShortened(elements[i])), errno);
    }
    Fd next(openat(dir.get(), elements[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) {
      return WriteError(file.path,
                        absl::StrCat("opening directory ", QuoteShortened(elements[i]),
                                     " (a symbolic link or a file is not followed)"),
                        errno);
    }
    dir = std::move(next);
  }
  const std::string& name = elements.back();
  // A name of our own: the file's own name may already be 255 bytes long.
  const std::string temp = absl::StrCat(".vcp-mount-", EncodeBase64RawUrl(RandomKey().substr(0, 9)), ".tmp");
  Fd out(openat(dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (out.get() < 0) return WriteError(file.path, "creating a temporary file", errno);
  auto fail = [&](const char* what) {
    const int error = errno;
    unlinkat(dir.get(), temp.c_str(), 0);
    return WriteError(file.path, what, error);
  };
  if (!WriteAll(out.get(), file.contents)) return fail("writing");
  // The mode exactly, whatever the umask.
  if (fchmod(out.get(), file.mode & 07777) != 0) return fail("setting the mode");
  if (fsync(out.get()) != 0) return fail("syncing");
  out = Fd();
  if (renameat(dir.get(), temp.c_str(), dir.get(), name.c_str()) != 0) return fail("renaming into place");
  fsync(dir.get());  // the rename itself; a failure here loses nothing the reader sees
  return absl::OkStatus();
}

// Reads at most `limit` bytes of `path`; false (and `*error`) when it cannot
// be read or is larger.
bool ReadFileBounded(const std::string& path, size_t limit, std::string* text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = absl::StrCat("cannot read ", EscapeControl(path), ": ", std::strerror(errno));
    return false;
  }
  char buffer[65536];
  while (in.good() && text->size() <= limit) {
    in.read(buffer, sizeof(buffer));
    text->append(buffer, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    *error = absl::StrCat("cannot read ", EscapeControl(path));
    return false;
  }
  if (text->size() > limit) {
    *error = absl::StrCat(EscapeControl(path), " is larger than ", FormatBytes(limit));
    return false;
  }
  return true;
}

// The command's own flags. All take a value, so each may be written
// `-flag value` as well as `-flag=value`.
struct Options {
  std::string spc_file;
  std::string class_name;
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::string service_account = "default";
  std::string jwt_file;
  std::string dir;
  std::chrono::milliseconds timeout{30000};
};

void Register(config::FlagSet& flags, Options* o) {
  flags.String("spc", &o->spc_file,
               "SecretProviderClass manifest (YAML or JSON; several documents allowed). Required.");
  flags.String("class", &o->class_name,
               "Which SecretProviderClass of the file to mount (metadata.name, or namespace/name) when it holds "
               "several for this provider.");
  flags.String("pod-namespace", &o->pod_namespace,
               "The pod's namespace (csi.storage.k8s.io/pod.namespace). Default: the class's metadata.namespace, "
               "else \"default\".");
  flags.String("pod-name", &o->pod_name, "The pod's name (csi.storage.k8s.io/pod.name). Required.");
  flags.String("pod-uid", &o->pod_uid, "The pod's UID (csi.storage.k8s.io/pod.uid), for the TokenRequest fallback.");
  flags.String("service-account", &o->service_account,
               "The pod's service account (csi.storage.k8s.io/serviceAccount.name).");
  flags.String("jwt-file", &o->jwt_file,
               "File holding the pod's service account token (a JWT) for the class's audience (\"vault\" when it "
               "sets none), as the driver passes it. Without it the daemon's TokenRequest fallback applies.");
  flags.String("dir", &o->dir, "Directory to write the files into (it must exist). Required.");
  flags.Duration("timeout", &o->timeout, "How long the Mount may take, as the driver's deadline.");
}

constexpr char kUsageHead[] =
    "vault-csi-provider mount -spc=FILE -pod-name=NAME -dir=DIR [flags]\n\n"
    "Runs one Mount of the SecretProviderClass in FILE with the provider's own code, its flags (below)\n"
    "and its environment (VAULT_*, BAO_*), writes the files into DIR as the CSI driver does, and\n"
    "prints each file's path and object version. Exit status: 0 mounted, 1 the Mount failed (its\n"
    "error on standard error), 2 usage error.\n\n";

// Splits `args` into the command's own flags and the daemon's, keeping Go's
// flag syntax: a flag without `=` takes the next argument as its value when
// that is not a flag itself. Positional arguments go with the daemon's
// flags, whose parser refuses them.
void SplitFlags(const std::vector<std::string>& args, const std::set<std::string>& own,
                std::vector<std::string>* own_args, std::vector<std::string>* daemon_args) {
  auto is_flag = [](const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      daemon_args->insert(daemon_args->end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      return;
    }
    if (!is_flag(arg)) {
      daemon_args->push_back(arg);
      continue;
    }
    const std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t equals = name.find('=');
    const bool has_value = equals != std::string::npos;
    std::vector<std::string>* to = own.count(name.substr(0, equals)) > 0 ? own_args : daemon_args;
    to->push_back(arg);
    if (!has_value && i + 1 < args.size() && (to == own_args || !is_flag(args[i + 1]))) to->push_back(args[++i]);
  }
}

// The class to mount: the only one in the report, or the one `wanted` names.
const ManifestClass* ChooseClass(const ManifestReport& report, const std::string& wanted, std::string* error) {
  std::vector<std::string> names;
  const ManifestClass* chosen = nullptr;
  for (const ManifestClass& found : report.found) {
    const std::string qualified = found.ns.empty() ? found.name : absl::StrCat(found.ns, "/", found.name);
    names.push_back(QuoteShortened(qualified, 64));
    if (!wanted.empty() && (wanted == found.name || wanted == qualified)) {
      if (chosen != nullptr) {
        *error = absl::StrCat("-class ", QuoteShortened(wanted, 64), " names several classes; write namespace/name");
        return nullptr;
      }
      chosen = &found;
    }
  }
  if (!wanted.empty() && chosen == nullptr) {
    *error = absl::StrCat("no SecretProviderClass ", QuoteShortened(wanted, 64), " in the file (it has ",
                          names.empty() ? "none" : absl::StrJoin(names, ", "), ")");
  } else if (wanted.empty() && names.size() != 1) {
    *error = names.empty() ? "no SecretProviderClass for provider vault or openbao in the file"
                           : absl::StrCat("the file has ", names.size(),
                                          " SecretProviderClasses: choose one with -class (",
                                          absl::StrJoin(names, ", "), ")");
  } else if (wanted.empty()) {
    chosen = &report.found.front();
  }
  return chosen;
}

// The MountRequest attributes the driver sends for `spc` and the pod.
std::string Attributes(const ManifestClass& spc, const Options& o, const std::string& pod_namespace,
                       const std::string& jwt) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : spc.parameters) attributes[key] = value;
  attributes["secretProviderClass"] = spc.name;
  attributes["csi.storage.k8s.io/pod.name"] = o.pod_name;
  attributes["csi.storage.k8s.io/pod.namespace"] = pod_namespace;
  attributes["csi.storage.k8s.io/pod.uid"] = o.pod_uid;
  attributes["csi.storage.k8s.io/serviceAccount.name"] = o.service_account;
  if (!jwt.empty()) {
    auto audience = spc.parameters.find("audience");
    const std::string name = audience == spc.parameters.end() || audience->second.empty() ? "vault" : audience->second;
    attributes["csi.storage.k8s.io/serviceAccount.tokens"] = GoJsonEncode(nlohmann::json{{name, {{"token", jwt}}}});
  }
  return GoJsonEncode(attributes);
}

}  // namespace

absl::Status WriteMountedFiles(const std::string& dir, const std::vector<mount::MountedFile>& files) {
  Fd root(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the directory ", QuoteShortened(dir), ": ", std::strerror(errno)));
  }
  for (const mount::MountedFile& file : files) {
    if (absl::Status s = WriteOne(root.get(), file); !s.ok()) return s;
  }
  return absl::OkStatus();
}

int RunMount(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out, std::ostream& err) {
  Options options;
  config::FlagSet flags("vault-csi-provider mount");
  Register(flags, &options);
  const std::set<std::string> own = {"spc", "class", "pod-namespace", "pod-name", "pod-uid", "service-account",
                                     "jwt-file", "dir", "timeout"};
  std::vector<std::string> own_args, daemon_args;
  SplitFlags(args, own, &own_args, &daemon_args);
  auto usage = [&] {
    err << kUsageHead << flags.Usage() << "\nThe daemon's flags (those that shape a Mount apply):\n";
    if (auto daemon = config::ParseCommandLine({"-h"}, env); daemon.ok()) err << daemon->usage;
  };
  auto usage_error = [&](const std::string& message) {
    err << "mount: " << message << "\n";
    return 2;
  };
  auto rest = flags.Parse(own_args);
  if (!rest.ok()) {
    err << rest.status().message() << "\n";
    usage();
    return 2;
  }
  auto parsed = config::ParseCommandLine(daemon_args, env);
  if (!parsed.ok()) {
    err << parsed.status().message() << "\n";
    usage();
    return 2;
  }
  if (parsed->help) {
    usage();
    return 0;
  }
  if (options.spc_file.empty() || options.pod_name.empty() || options.dir.empty()) {
    err << "mount: -spc, -pod-name and -dir are required\n";
    usage();
    return 2;
  }
  if (options.timeout.count() <= 0) return usage_error("-timeout must be positive");
  if (struct stat st {}; stat(options.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return usage_error(absl::StrCat("-dir ", EscapeControl(options.dir), " is not a directory"));
  }
  const config::DaemonConfig& config = parsed->config;
  if (!SetupLogging(config.log_level, config.log_format)) {
    spdlog::warn("unknown -log-level \"{}\", using info", config.log_level);
  }
  for (const std::string& warning : parsed->warnings) spdlog::warn("{}", warning);

  std::string text, error;
  if (!ReadFileBounded(options.spc_file, kMaxSpcBytes, &text, &error)) return usage_error(error);
  const ManifestReport report = ValidateManifest(options.spc_file, text, ValidateOptions());
  for (const ManifestProblem& problem : report.problems) {
    if (problem.document == 0) return usage_error(problem.Line());  // the file as a whole: not YAML, too large
  }
  const ManifestClass* spc = ChooseClass(report, options.class_name, &error);
  if (spc == nullptr) return usage_error(absl::StrCat(EscapeControl(options.spc_file), ": ", error));
  std::string jwt;
  if (!options.jwt_file.empty()) {
    if (!ReadFileBounded(options.jwt_file, kMaxJwtBytes, &jwt, &error)) return usage_error(error);
    jwt = std::string(absl::StripAsciiWhitespace(jwt));
    if (jwt.empty()) return usage_error(absl::StrCat(EscapeControl(options.jwt_file), " is empty"));
  }
  const std::string pod_namespace =
      !options.pod_namespace.empty() ? options.pod_namespace : (spc->ns.empty() ? "default" : spc->ns);

  auto core = server::ProviderCore::Create(config, env);
  if (!core.ok()) {
    err << "mount: " << core.status().message() << "\n";
    return 2;
  }
  mount::MountRequest request;
  request.attributes = Attributes(*spc, options, pod_namespace, jwt);
  request.secrets = "null";
  request.target_path = options.dir;
  request.permission = "420";
  Notification done;
  absl::StatusOr<mount::MountResult> result = absl::UnknownError("no answer");
  mount::MountReport mount_report;
  (*core)->mounter().Mount(std::move(request), (*core)->clock().Now() + options.timeout,
                           [&](absl::StatusOr<mount::MountResult> r, mount::MountReport rep) {
                             result = std::move(r);
                             mount_report = std::move(rep);
                             done.Notify();
                           });
  done.Wait();
  core->reset();  // nothing is in flight any more: stop the transport and the clock
  if (!result.ok()) {
    err << "mount: " << absl::StatusCodeToString(result.status().code()) << ": " << result.status().message()
        << "\n";
    return 1;
  }
  spdlog::info("mount ok: pod={} spc={} objects={} logins={} leases_reused={} vault_reads=[{}]", mount_report.pod,
               mount_report.secret_provider_class, mount_report.objects, mount_report.logins, mount_report.reused,
               absl::StrJoin(mount_report.vault_reads, ", "));
  if (absl::Status s = WriteMountedFiles(options.dir, result->files); !s.ok()) {
    err << "mount: " << s.message() << "\n";
    return 1;
  }
  for (const mount::MountedVersion& version : result->versions) {
    out << EscapeControl(absl::StrCat(options.dir, "/", version.id)) << " " << version.version << "\n";
  }
  return 0;
}

}  // namespace vcp::cli
