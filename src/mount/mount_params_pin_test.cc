// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Every error text ParseMountRequest and ParseObjects return, pinned whole
// before the parser learned to collect every problem for `validate` (issue
// #13): the daemon's first error must stay byte for byte what it was. The
// texts were recorded from main at 303440c and must not be edited to make a
// change pass.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vcp/mount/mount_params.h"
#include "vcp/util/go_json.h"

namespace vcp::mount {
namespace {

std::string Attributes(const std::map<std::string, std::string>& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : params) j[k] = v;
  return GoJsonEncode(j);
}

std::map<std::string, std::string> With(std::map<std::string, std::string> changes,
                                        const std::vector<std::string>& erase = {}) {
  std::map<std::string, std::string> params = {
      {"roleName", "app"},
      {"objects", "- objectName: a\n  secretPath: secret/data/a\n  secretKey: k\n"},
      {"csi.storage.k8s.io/pod.name", "web-1"},
      {"csi.storage.k8s.io/serviceAccount.tokens", R"({"vault":{"token":"jwt"}})"}};
  for (auto& [k, v] : changes) params[k] = v;
  for (const auto& k : erase) params.erase(k);
  return params;
}

struct Case {
  std::string attributes;
  std::string target_path;
  std::string permission;
  std::string want;
};

std::vector<Case> Cases() {
  auto objects = [](const std::string& yaml) { return Attributes(With({{"objects", yaml}})); };
  const std::string t = "/target";
  return {
      {"not json", t, "420", "failed to parse mount request attributes: not a JSON object of strings"},
      {R"({"roleName":5})", t, "420", "failed to parse mount request attributes: value of \"roleName\" is not a string"},
      {"[]", t, "420", "failed to parse mount request attributes: not a JSON object of strings"},
      {Attributes(With({{"vaultSkipTLSVerify", "yes"}})), t, "420", "failed to parse vaultSkipTLSVerify: strconv.ParseBool: parsing \"yes\": invalid syntax (use \"true\" or \"false\")"},
      {Attributes(With({{"vaultSkipTLSVerify", std::string(100, 'y')}})), t, "420", "failed to parse vaultSkipTLSVerify: strconv.ParseBool: parsing \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"\xe2\x80\xa6 (100 bytes): invalid syntax (use \"true\" or \"false\")"},
      {Attributes(With({{"vaultAuthMountPath", "a"}, {"vaultKubernetesMountPath", "b"}})), t, "420", "cannot set both vaultKubernetesMountPath and vaultAuthMountPath"},
      {Attributes(With({{"csi.storage.k8s.io/serviceAccount.tokens", "{broken"}})), t, "420", "failed to unmarshal service account tokens: the csi.storage.k8s.io/serviceAccount.tokens attribute is not a JSON object keyed by audience"},
      {Attributes(With({{"objects", "# " + std::string(300 << 10, 'x')}})), t, "420", "the 'objects' parameter in SecretProviderClass is 307202 bytes, more than the provider's limit of 256 KiB (-max-objects-bytes): split the objects over several SecretProviderClasses"},
      {objects("objectName: a"), t, "420", "failed to parse 'objects' in SecretProviderClass: expected a YAML list of objects (each starting with '- objectName: ...'), got a mapping"},
      {objects("just a string"), t, "420", "failed to parse 'objects' in SecretProviderClass: expected a YAML list of objects (each starting with '- objectName: ...'), got a scalar"},
      {objects("- just-a-string"), t, "420", "objects[0]: each object must be a mapping with objectName, secretPath, ..., got a scalar"},
      {objects("- [a, b]"), t, "420", "objects[0]: each object must be a mapping with objectName, secretPath, ..., got a list"},
      {objects("- objectName: a\n bad indent: ["), t, "420", "failed to parse 'objects' in SecretProviderClass: YAML error at line 2, column 2: end of sequence not found"},
      {objects("- {objectName: [a]}"), t, "420", "objects[0]: field objectName must be a string"},
      {objects("- {objectName: a, secretPath: {x: 1}}"), t, "420", "objects[0]: field secretPath must be a string"},
      {objects("- {objectName: a, secretPath: x, secretKey: [k]}"), t, "420", "objects[0]: field secretKey must be a string"},
      {objects("- {objectName: a, secretPath: x, method: [GET]}"), t, "420", "objects[0]: field method must be a string"},
      {objects("- {objectName: a, secretPath: x, encoding: {a: b}}"), t, "420", "objects[0]: field encoding must be a string"},
      {objects("- {objectName: a, secretPath: x, reuseLease: \"no\"}"), t, "420", "objects[0] (objectName \"a\"): reuseLease must be true or false"},
      {objects("- {objectName: a, secretPath: x, reuseLease: [true]}"), t, "420", "objects[0] (objectName \"a\"): reuseLease must be true or false"},
      {objects("- {objectName: a, secretPath: x, filePermission: \"0600\"}"), t, "420", "objects[0] (objectName \"a\"): invalid filePermission \"0600\"; write it as a YAML integer, e.g. 0600 (octal) or 384 (decimal), without quotes"},
      {objects("- {objectName: a, secretPath: x, filePermission: [1]}"), t, "420", "objects[0] (objectName \"a\"): filePermission must be an integer; write it as a YAML integer, e.g. 0600 (octal) or 384 (decimal), without quotes"},
      {objects("- {objectName: a, secretPath: x, filePermission: -1}"), t, "420", "objects[0] (objectName \"a\"): invalid filePermission \"-1\"; write it as a YAML integer, e.g. 0600 (octal) or 384 (decimal), without quotes"},
      {objects("- {objectName: a, secretPath: x, secretArgs: [1]}"), t, "420", "objects[0] (objectName \"a\"): secretArgs must be a mapping of request body fields"},
      {objects("- {objectName: a, secretPath: x, secretArgs: {v: .inf}}"), t, "420", "objects[0] (objectName \"a\"): secretArgs: unsupported value .inf (JSON has no infinity or NaN)"},
      {objects("- {objectName: a, secretPath: x, secretArgs: {v: 1e999}}"), t, "420", "objects[0] (objectName \"a\"): secretArgs: number out of range: \"1e999\""},
      {objects("- {objectName: a, secretPath: x, secretArgs: {[k]: 1}}"), t, "420", "objects[0] (objectName \"a\"): secretArgs: mapping keys must be strings"},
      {objects("- {objectName: a, secretPath: x}\n- {objectName: [b]}\n- 7"), t, "420", "objects[1]: field objectName must be a string"},
      {Attributes(With({})), t, "0644x", "failed to parse permission \"0644x\": want a decimal file mode such as \"420\" (0644)"},
      {Attributes(With({}, {"roleName"})), t, "420", "missing 'roleName' in SecretProviderClass definition"},
      {Attributes(With({})), "", "420", "missing target path field"},
      {Attributes(With({}, {"objects"})), t, "420", "no secrets configured - the provider will not read any secret material"},
      {objects(""), t, "420", "no secrets configured - the provider will not read any secret material"},
      {objects("- {objectName: a, secretPath: x}\n- {objectName: a, secretPath: y}\n- {secretPath: z}\n- {secretPath: w}"),
       t, "420", "each `objectName` within a SecretProviderClass must be unique, but the following keys were duplicated: a, "},
      {objects("- {objectName: ../../etc/passwd, secretPath: x}"), t, "420", "objects[0] (objectName \"../../etc/passwd\"): invalid objectName \"../../etc/passwd\": must not contain '..'"},
      {objects("- {objectName: \"" + std::string(300, 'n') + "\", secretPath: x}"), t, "420", "objects[0] (objectName \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"\xe2\x80\xa6 (300 bytes)): invalid objectName \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"\xe2\x80\xa6 (300 bytes): has a path element longer than 255 bytes"},
      {objects("- {secretPath: x}"), t, "420", "objects[0] (objectName \"\"): invalid objectName \"\": it is empty; every object needs a file name"},
      {objects("- {objectName: a}"), t, "420", "objects[0] (objectName \"a\"): missing secretPath (the Vault path to read, e.g. secret/data/my-app for KV v2)"},
      {objects("- {objectName: a, secretPath: \"x\\r\\nX-Evil: 1\"}"), t, "420", "objects[0] (objectName \"a\"): secretPath contains a control character"},
      {objects("- {objectName: a, secretPath: \"secret/../../sys/raw?token=s3cr3t\"}"), t, "420", "objects[0] (objectName \"a\"): secretPath \"secret/../../sys/raw\": a \".\" or \"..\" path segment is not allowed (it would leave Vault's /v1/ API)"},
      {objects("- {objectName: a, secretPath: x, method: \"GET /x HTTP/1.1\"}"), t, "420", "objects[0] (objectName \"a\"): invalid method \"GET /x HTTP/1.1\" (use GET, PUT or POST)"},
      {objects("- {objectName: a, secretPath: x, encoding: rot13}"), t, "420", "objects[0] (objectName \"a\"): invalid encoding type. Should be utf-8, base64, or hex"},
      {objects("- {objectName: a, secretPath: x}\n- {objectName: b/../c, secretPath: \"\", method: \"1\"}"), t, "420",
       "objects[1] (objectName \"b/../c\"): invalid objectName \"b/../c\": must not contain '..'"},
  };
}

TEST(MountParamsPinTest, EveryErrorTextIsUnchanged) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.attributes.substr(0, 200));
    auto parsed = ParseMountRequest(c.attributes, "null", c.target_path, c.permission);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.want);
  }
}

}  // namespace
}  // namespace vcp::mount
