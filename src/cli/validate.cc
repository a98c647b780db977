// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/cli/validate.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <istream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vcp/config/flag_set.h"
#include "vcp/mount/operator_policy.h"
#include "vcp/util/text.h"
#include "vcp/vault/address_policy.h"

namespace vcp::cli {
namespace {

constexpr char kApiGroup[] = "secrets-store.csi.x-k8s.io/";

// More documents than any real manifest has: each costs yaml-cpp memory
// even when empty, so such a file is refused before its nodes are built.
constexpr size_t kMaxDocuments = 10000;

std::string Quote(absl::string_view text) { return QuoteShortened(text, 64); }

// Parse events, ignored: for counting documents without building nodes.
class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The documents yaml-cpp finds in `text`, counted up to `limit` + 1. Not
// the `---` lines: after a ',' outside brackets (the whole file "," will do)
// yaml-cpp 0.7 yields empty documents forever, which LoadAll would collect
// until memory ran out. Throws what the parser throws.
size_t CountDocuments(const std::string& text, size_t limit) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  IgnoreEvents ignore;
  size_t count = 0;
  while (count <= limit && parser.HandleNextDocument(ignore)) ++count;
  return count;
}

// yaml-cpp throws when asked the type of a node a failed lookup returned:
// every test starts with IsDefined.
bool IsMapping(const YAML::Node& node) { return node.IsDefined() && node.IsMap(); }

// The scalar at `key` of a mapping; "" when absent or not a scalar.
std::string ScalarAt(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value.IsDefined() && value.IsScalar() ? value.Scalar() : std::string();
}

// What a Kubernetes client (sigs.k8s.io/yaml: YAML 1.1 booleans such as yes
// and on, as well as yaml.v3's null, booleans and numbers) reads a plain
// scalar as, when that is not a string: the API server then refuses it for
// spec.parameters, a map of strings.
std::optional<std::string> NonStringKind(const YAML::Node& value) {
  if (value.Tag() != "?") return std::nullopt;  // quoted, or explicitly tagged
  const std::string& text = value.Scalar();
  static const std::set<std::string> kYaml11Booleans = {"y",   "Y",   "yes", "Yes", "YES", "n",  "N",  "no",
                                                        "No",  "NO",  "on",  "On",  "ON",  "off", "Off", "OFF"};
  if (kYaml11Booleans.count(text) > 0) return "a boolean";
  switch (mount::ResolvePlainScalar(text)) {
    case mount::YamlScalarType::kNull:
      return "null";
    case mount::YamlScalarType::kBool:
      return "a boolean";
    case mount::YamlScalarType::kInt:
    case mount::YamlScalarType::kFloat:
    case mount::YamlScalarType::kInfinityOrNan:
      return "a number";
    case mount::YamlScalarType::kString:
      break;
  }
  return std::nullopt;
}

class Checker {
 public:
  Checker(const std::string& file, const ValidateOptions& options, const vault::AddressPolicy& addresses,
          ManifestReport* report)
      : file_(file), options_(options), addresses_(addresses), report_(report) {}

  void Document(const YAML::Node& document, size_t index) {
    document_ = index;
    if (!IsMapping(document)) return;  // empty documents and scalars are not Kubernetes objects
    const std::string kind = ScalarAt(document, "kind");
    const YAML::Node items = document["items"];
    if (absl::EndsWith(kind, "List") && items.IsDefined() && items.IsSequence()) {
      for (const YAML::Node& item : items) Object(item);
    } else {
      Object(document);
    }
  }

 private:
  void Problem(const std::string& class_name, std::string field, std::string reason) {
    mount::ClassProblem problem;
    problem.field = std::move(field);
    problem.reason = std::move(reason);
    report_->problems.push_back({file_, document_, class_name, std::move(problem)});
  }

  void Object(const YAML::Node& object) {
    if (!IsMapping(object) || ScalarAt(object, "kind") != "SecretProviderClass") return;
    if (!absl::StartsWith(ScalarAt(object, "apiVersion"), kApiGroup)) return;  // another group's kind
    const YAML::Node metadata = object["metadata"];
    const std::string name = IsMapping(metadata) ? ScalarAt(metadata, "name") : "";
    const std::string ns = IsMapping(metadata) ? ScalarAt(metadata, "namespace") : "";
    const std::string class_name = ns.empty() ? name : absl::StrCat(ns, "/", name);
    const YAML::Node spec = object["spec"];
    const std::string provider = IsMapping(spec) ? ScalarAt(spec, "provider") : "";
    if (!provider.empty() && provider != "vault" && provider != "openbao") {
      report_->notes.push_back(absl::StrCat(EscapeControl(file_), ": document ", document_,
                                            ": SecretProviderClass ", Quote(class_name), ": skipped: provider ",
                                            Quote(provider), " is another provider's"));
      return;
    }
    ++report_->classes;
    if (name.empty()) Problem(class_name, "metadata.name", "missing metadata.name");
    if (!IsMapping(spec)) {
      Problem(class_name, "spec", "missing spec (provider and parameters)");
      return;
    }
    if (provider.empty()) {
      Problem(class_name, "spec.provider",
              "missing spec.provider: vault (or openbao, for classes written for openbao-csi-provider)");
    }
    std::map<std::string, std::string> parameters;
    const YAML::Node params = spec["parameters"];
    if (params.IsDefined() && !params.IsNull() && !params.IsMap()) {
      Problem(class_name, "spec.parameters", "spec.parameters must be a mapping of strings");
    } else if (IsMapping(params)) {
      for (const auto& entry : params) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
        const std::string field = absl::StrCat("spec.parameters.", key);
        if (!entry.first.IsScalar()) {
          Problem(class_name, "spec.parameters", "every key of spec.parameters must be a string");
        } else if (!entry.second.IsScalar() && !entry.second.IsNull()) {
          Problem(class_name, field, "must be a string (write a YAML mapping or list as a string with objects: |)");
        } else if (entry.second.IsNull()) {
          Problem(class_name, field, "must be a string, not null: quote it (\"\") or remove it");
        } else {
          if (auto kind = NonStringKind(entry.second); kind.has_value()) {
            Problem(class_name, field,
                    absl::StrCat("must be a string, but YAML reads ", Quote(entry.second.Scalar()), " as ", *kind,
                                 " and Kubernetes refuses it: quote it"));
          }
          parameters[key] = entry.second.Scalar();
        }
      }
    }
    report_->found.push_back({name, ns, document_, parameters});
    mount::ParseOptions parse;
    parse.max_objects_bytes = static_cast<size_t>(options_.max_objects_bytes);
    mount::MountParams parsed;
    for (mount::ClassProblem& problem : mount::CheckClassParameters(parameters, parse, &parsed)) {
      report_->problems.push_back({file_, document_, class_name, std::move(problem)});
    }
    // The node's rules, when the command line names them (as the daemon's flags).
    if (absl::Status s = mount::CheckOperatorPolicy(parsed.connection, options_.allow_class_tls_settings); !s.ok()) {
      Problem(class_name, "parameters", std::string(s.message()));
    }
    if (parsed.connection.address.has_value() && !parsed.connection.address->empty()) {
      if (absl::Status s = addresses_.CheckAddresses(*parsed.connection.address); !s.ok()) {
        Problem(class_name, "vaultAddress", std::string(s.message()));
      }
    }
  }

  const std::string& file_;
  const ValidateOptions& options_;
  const vault::AddressPolicy& addresses_;
  ManifestReport* report_;
  size_t document_ = 0;
};

ManifestReport Validate(const std::string& file, const std::string& text, const ValidateOptions& options,
                        const vault::AddressPolicy& addresses) {
  ManifestReport report;
  auto file_problem = [&](std::string reason) {
    mount::ClassProblem problem;
    problem.reason = std::move(reason);
    report.problems.push_back({file, 0, "", std::move(problem)});
  };
  if (options.max_file_bytes > 0 && text.size() > static_cast<size_t>(options.max_file_bytes)) {
    file_problem(absl::StrCat("the file is ", text.size(), " bytes, more than -max-file-bytes=",
                              options.max_file_bytes, "; not read"));
    return report;
  }
  std::vector<YAML::Node> documents;
  try {
    if (CountDocuments(text, kMaxDocuments) > kMaxDocuments) {
      file_problem(absl::StrCat("more than ", kMaxDocuments,
                                " YAML documents (a ',' outside brackets reads as endless empty ones); not read"));
      return report;
    }
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    file_problem(absl::StrCat("YAML error at line ", e.mark.line + 1, ", column ", e.mark.column + 1, ": ",
                              Shorten(e.msg)));
    return report;
  }
  Checker checker(file, options, addresses, &report);
  for (size_t i = 0; i < documents.size(); ++i) checker.Document(documents[i], i + 1);
  return report;
}

// Reads at most `limit` + 1 bytes (0: no limit), so that an oversized input
// is refused without being held whole.
std::string ReadBounded(std::istream& in, int limit) {
  std::string text;
  char buffer[65536];
  while (in.good() && (limit <= 0 || text.size() <= static_cast<size_t>(limit))) {
    in.read(buffer, sizeof(buffer));
    text.append(buffer, static_cast<size_t>(in.gcount()));
  }
  return text;
}

constexpr char kUsageHead[] =
    "vault-csi-provider validate [flags] FILE...\n\n"
    "Checks the SecretProviderClass manifests in FILE... (YAML or JSON, several documents and\n"
    "kind: List allowed; \"-\" reads standard input) with the provider's own parser and rules,\n"
    "and prints every problem. Exit status: 0 no problem, 1 problems, 2 usage error.\n\n";

}  // namespace

std::string ManifestProblem::Line() const {
  std::vector<std::string> parts = {EscapeControl(file)};
  if (document > 0) parts.push_back(absl::StrCat("document ", document));
  if (!class_name.empty()) parts.push_back(absl::StrCat("SecretProviderClass ", Quote(class_name)));
  if (problem.object.has_value()) {
    parts.push_back(problem.has_object_name
                        ? absl::StrCat("objects[", *problem.object, "] (objectName ", Quote(problem.object_name), ")")
                        : absl::StrCat("objects[", *problem.object, "]"));
  }
  if (!problem.field.empty()) parts.push_back(EscapeControl(Shorten(problem.field, 128)));
  parts.push_back(EscapeControl(problem.reason));
  return absl::StrJoin(parts, ": ");
}

ManifestReport ValidateManifest(const std::string& file, const std::string& text, const ValidateOptions& options) {
  auto addresses = options.allowed_vault_addrs.empty()
                       ? absl::StatusOr<vault::AddressPolicy>(vault::AddressPolicy())
                       : vault::AddressPolicy::AllowOnly({options.allowed_vault_addrs}, "-allowed-vault-addrs");
  if (!addresses.ok()) {
    ManifestReport report;
    mount::ClassProblem problem;
    problem.reason = std::string(addresses.status().message());
    report.problems.push_back({file, 0, "", std::move(problem)});
    return report;
  }
  return Validate(file, text, options, *addresses);
}

int RunValidate(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  ValidateOptions options;
  config::FlagSet flags("vault-csi-provider validate");
  flags.Int("max-file-bytes", &options.max_file_bytes,
            "Size limit of one manifest file; a larger one is a problem and is not parsed. 0: no limit.");
  flags.Int("max-objects-bytes", &options.max_objects_bytes,
            "Size limit of a class's 'objects' parameter, as the daemon's flag of that name. 0: no limit.");
  flags.Bool("allow-class-tls-settings", &options.allow_class_tls_settings,
             "As the daemon's flag: false makes a class that sets vaultSkipTLSVerify, vaultCACertPath, "
             "vaultCADirectory, vaultTLSServerName, vaultTLSClientCertPath or vaultTLSClientKeyPath a problem "
             "(the Helm chart's default is false).");
  flags.String("allowed-vault-addrs", &options.allowed_vault_addrs,
               "As the daemon's flag: comma-separated Vault addresses a class may name in vaultAddress (list every "
               "address the node allows, the chart's vault.address included). Empty: any address.");
  auto usage = [&] { err << kUsageHead << flags.Usage(); };
  auto files = flags.Parse(args);
  if (!files.ok()) {
    if (absl::IsCancelled(files.status())) {
      usage();
      return 0;
    }
    err << files.status().message() << "\n";
    usage();
    return 2;
  }
  if (files->empty()) {
    err << "validate: name at least one manifest file (\"-\" for standard input)\n";
    usage();
    return 2;
  }
  if (options.max_file_bytes < 0 || options.max_objects_bytes < 0) {
    err << "validate: -max-file-bytes and -max-objects-bytes must not be negative (0: no limit)\n";
    return 2;
  }
  if (!options.allowed_vault_addrs.empty()) {
    if (auto policy = vault::AddressPolicy::AllowOnly({options.allowed_vault_addrs}, "-allowed-vault-addrs");
        !policy.ok()) {
      err << policy.status().message() << "\n";
      return 2;
    }
  }
  bool unreadable = false;
  size_t problems = 0;
  size_t classes = 0;
  for (const std::string& file : *files) {
    std::string text;
    if (file == "-") {
      text = ReadBounded(in, options.max_file_bytes);
    } else {
      std::ifstream stream(file, std::ios::binary);
      if (!stream) {
        err << "validate: cannot read " << EscapeControl(file) << "\n";
        unreadable = true;
        continue;
      }
      text = ReadBounded(stream, options.max_file_bytes);
      if (stream.bad()) {
        err << "validate: cannot read " << EscapeControl(file) << "\n";
        unreadable = true;
        continue;
      }
    }
    const ManifestReport report = ValidateManifest(file, text, options);
    for (const std::string& note : report.notes) out << note << "\n";
    for (const ManifestProblem& problem : report.problems) out << problem.Line() << "\n";
    problems += report.problems.size();
    classes += report.classes;
  }
  out << "validate: " << classes << (classes == 1 ? " SecretProviderClass, " : " SecretProviderClasses, ")
      << problems << (problems == 1 ? " problem" : " problems") << "\n";
  if (unreadable) return 2;
  return problems > 0 ? 1 : 0;
}

}  // namespace vcp::cli
