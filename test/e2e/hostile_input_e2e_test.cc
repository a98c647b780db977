// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: what a hostile tenant can send (a SecretProviderClass or a pod's
// volumeAttributes) and what a hostile Vault can answer. Each case gets a clear
// error, the daemon stays alive and serving, its memory stays bounded, and no
// request leaves Vault's /v1/ API.
#include <gmock/gmock.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class HostileInputE2eTest : public E2eTest {
 protected:
  void ExpectStillServing() {
    auto out = Send(Mount("- {objectName: ok, secretPath: secret/data/app, secretKey: username}"));
    EXPECT_TRUE(out.status.ok()) << out.status.error_message();
    EXPECT_EQ(out.File("ok"), "app-user");
  }
};

TEST_F(HostileInputE2eTest, AHugePlainScalarIsAShortErrorNotACrash) {
  StartProvider();
  const std::string digits(100000, '7');
  for (const std::string& objects :
       {absl::StrCat("- {objectName: a, secretPath: secret/data/app, secretArgs: {n: ", digits, "}}"),
        absl::StrCat("- {objectName: a, secretPath: secret/data/app, reuseLease: ", digits, "}"),
        absl::StrCat("- {objectName: a, secretPath: secret/data/app, filePermission: ", digits, "}")}) {
    auto out = Send(Mount(objects));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_LT(out.status.error_message().size(), 400u) << "the input is quoted shortened";
    EXPECT_THAT(out.status.error_message(), HasSubstr("objects[0]"));
  }
  EXPECT_EQ(vault_->Count("total"), 0);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, AYamlAliasBombIsRefusedWithinTheNodeBudget) {
  auto& provider = StartProvider();
  // 9 levels of 10 aliases each: 10^9 nodes once expanded, from ~700 bytes.
  std::string bomb = "- objectName: a\n  secretPath: secret/data/app\n  method: PUT\n  secretArgs:\n";
  bomb += "    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    absl::StrAppend(&bomb, "    l", level, ": &l", level, " [");
    for (int i = 0; i < 10; ++i) absl::StrAppend(&bomb, i ? ", " : "", "*l", level - 1);
    bomb += "]\n";
  }
  const double before = StatusMiB(provider.pid(), "VmRSS");
  auto out = Send(Mount(bomb));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("secretArgs"), HasSubstr("more than 10000 values")));
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(StatusMiB(provider.pid(), "VmRSS") - before, 20) << "expanding the aliases took memory";
  }
  EXPECT_EQ(vault_->Count("total"), 0);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, ADeeplyNestedVaultAnswerIsAnErrorNotACrash) {
  StartProvider();
  for (const std::string& open : {std::string("["), std::string("{\"a\":")}) {
    std::string deep = "{\"data\":";
    for (int i = 0; i < 100000; ++i) deep += open;
    vault_->ClearFaults();
    vault_->AddFault({"GET", "/v1/secret/", 200, deep, {}, {}, -1});
    Pod pod;
    pod.uid = absl::StrCat("uid-deep-", open.size());
    auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app}", pod));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_THAT(out.status.error_message(),
                AllOf(HasSubstr("secret/data/app"), HasSubstr("nests deeper than 128 levels")));
  }
  vault_->ClearFaults();
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, DotSegmentsAndEncodedSlashesNeverLeaveTheApi) {
  StartProvider();
  for (const char* path : {"../../metadata/escape", "secret/../../../x/y", "secret/./data/app", "secret/data/..",
                           "secret\\\\..\\\\x", "secret/%2e%2e/x", "secret/%2F/x", "secret/data/app/..?x=1"}) {
    auto out = Send(Mount(absl::StrCat("- {objectName: a, secretPath: \"", path, "\"}")));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("objects[0]"), HasSubstr("secretPath"))) << path;
  }
  EXPECT_EQ(vault_->Count("total"), 0) << "nothing was sent anywhere";
  // Dots inside a segment are ordinary names.
  WriteKv2("secret/data/app.v2", {{"k", "dotted"}});
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app.v2, secretKey: k}"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_EQ(out.File("a"), "dotted");
}

TEST_F(HostileInputE2eTest, LongNamesAreQuotedShortened) {
  StartProvider();
  const std::string name(100000, 'n');
  auto out = Send(Mount(absl::StrCat("- {objectName: ", name, ", secretPath: \"secret/../x\"}")));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(out.status.error_message().size(), 400u);
  EXPECT_THAT(out.status.error_message(), HasSubstr("(100000 bytes)"));
  ExpectStillServing();
}

// The operator's policy: -allowed-vault-addrs and -allow-class-tls-settings.
class OperatorPolicyE2eTest : public HostileInputE2eTest {
 protected:
  void SetUp() override {
    HostileInputE2eTest::SetUp();
    attacker_ = std::make_unique<VaultDouble>(VaultOptions());
    ASSERT_TRUE(attacker_->Start().ok());
  }
  void TearDown() override {
    HostileInputE2eTest::TearDown();
    attacker_->Stop();
  }
  DriverMount MountAt(const std::string& addresses) {
    DriverMount mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
    mount.parameters["vaultAddress"] = addresses;
    return mount;
  }
  std::unique_ptr<VaultDouble> attacker_;  // any JSON endpoint a tenant could name
};

TEST_F(OperatorPolicyE2eTest, AnUnlistedVaultAddressFailsBeforeAnyConnection) {
  StartProvider({"-allowed-vault-addrs=https://vault.example.com:8200"});
  for (const std::string& addresses :
       {attacker_->address(), absl::StrCat(vault_->address(), ",", attacker_->address())}) {
    auto out = Send(MountAt(addresses));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << addresses;
    EXPECT_THAT(out.status.error_message(),
                AllOf(HasSubstr(attacker_->address()), HasSubstr("is not allowed"), HasSubstr("-allowed-vault-addrs")));
  }
  EXPECT_EQ(attacker_->Count("total"), 0) << "the pod's token went to the tenant's address";
  EXPECT_EQ(vault_->Count("total"), 0) << "no part of a list with an unlisted address is contacted";
  ExpectStillServing();  // -vault-addr's own address is always allowed
  auto spelled = Send(MountAt(absl::StrCat(vault_->address(), "/")));
  EXPECT_TRUE(spelled.status.ok()) << spelled.status.error_message();
}

TEST_F(OperatorPolicyE2eTest, ListedAddressesWorkAndWithoutAListTheStartupLogWarns) {
  auto& listed = StartProvider({"-allowed-vault-addrs=" + attacker_->address()});
  EXPECT_THAT(listed.Log(), Not(HasSubstr("-allowed-vault-addrs is empty")));
  auto out = Send(MountAt(attacker_->address()));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  listed.Stop();
  auto& open = StartProvider();
  EXPECT_THAT(open.Log(), HasSubstr("-allowed-vault-addrs is empty"));
  EXPECT_TRUE(Send(MountAt(attacker_->address())).status.ok()) << "no list: the incumbent's behaviour";
}

TEST_F(OperatorPolicyE2eTest, RedirectsAreFollowedOnlyToListedAddresses) {
  StartProvider({"-allowed-vault-addrs=https://vault.example.com:8200"});
  vault_->SetStandby(true, attacker_->address());  // the real Vault sends the provider elsewhere
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(out.status.error_message(), HasSubstr("which -allowed-vault-addrs does not list"));
  EXPECT_EQ(attacker_->Count("total"), 0) << "the JWT was re-sent to the redirect's host";
  vault_->SetStandby(false);  // the double is shared by the suite
}

TEST_F(OperatorPolicyE2eTest, ClassTlsSettingsAreRefusedWhenTheOperatorSaysSo) {
  StartProvider({"-allow-class-tls-settings=false"});
  auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
  mount.parameters["vaultCADirectory"] = "/etc/ssl/certs";
  auto out = Send(mount);
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("sets vaultCADirectory"), HasSubstr("-allow-class-tls-settings=false")));
  mount.parameters.erase("vaultCADirectory");
  mount.parameters["vaultSkipTLSVerify"] = "true";
  EXPECT_THAT(Send(mount).status.error_message(), HasSubstr("sets vaultSkipTLSVerify"));
  EXPECT_EQ(vault_->Count("total"), 0);
  ExpectStillServing();
}

// A text-format log line as the provider writes it, forged into input.
constexpr char kForged[] = "2026-01-01T00:00:00.000Z [info] mount ok: pod=kube-system/forged";

std::vector<std::string> LogLines(const ProviderProcess& provider) {
  std::vector<std::string> lines;
  std::istringstream log(provider.Log());
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  return lines;
}

size_t LongestLine(const std::vector<std::string>& lines) {
  size_t longest = 0;
  for (const std::string& line : lines) longest = std::max(longest, line.size());
  return longest;
}

TEST_F(HostileInputE2eTest, NoInputCanForgeALogLine) {
  auto& provider = StartProvider();
  // A Vault (any address a class names) answering an error text with a line in it.
  vault_->AddFault({"GET", "/v1/secret/data/forge", 500,
                    nlohmann::json{{"errors", {absl::StrCat("oops\n", kForged, "\r\x1b[2K")}}}.dump(), {}, {}, -1});
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/forge, secretKey: k}"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INTERNAL);
  // A volume attribute with a line in it, on a Mount that succeeds.
  DriverMount mount = Mount("- {objectName: ok, secretPath: secret/data/app, secretKey: username}");
  mount.secret_provider_class = absl::StrCat("vault-app\n", kForged);
  out = Send(mount);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  vault_->ClearFaults();
  const std::vector<std::string> lines = LogLines(provider);
  for (const std::string& line : lines) {
    EXPECT_NE(line.rfind(kForged, 0), 0u) << "a forged line: " << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
  EXPECT_THAT(provider.Log(), HasSubstr(absl::StrCat("oops\\n", kForged, "\\r\\x1b[2K"))) << "escaped, not lost";
  EXPECT_THAT(provider.Log(), HasSubstr(absl::StrCat("spc=vault-app\\n", kForged)));
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, AHugeVaultErrorIsShortenedInTheStatusAndTheLog) {
  auto& provider = StartProvider();
  const std::string huge(5 << 20, 'e');
  vault_->AddFault({"GET", "/v1/secret/data/huge", 500, nlohmann::json{{"errors", {huge}}}.dump(), {}, {}, -1});
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/huge, secretKey: k}"));
  vault_->ClearFaults();
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_LT(out.status.error_message().size(), 1024u);
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("secret/data/huge"), HasSubstr(absl::StrCat("… (", huge.size(), " bytes)"))));
  EXPECT_LT(LongestLine(LogLines(provider)), 2048u);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, ANonHexByteOfASecretIsNeverShown) {
  auto& provider = StartProvider();
  // The byte that breaks hex decoding is the secret's: 'Z' (U+005A).
  WriteKv2("secret/data/hex", {{"k", "00ffZ1"}});
  auto out = Send(Mount("- {objectName: a, secretPath: secret/data/hex, secretKey: k, encoding: hex}"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("invalid byte at input byte 4"));
  for (const std::string& text : {out.status.error_message(), provider.Log()}) {
    EXPECT_THAT(text, AllOf(Not(HasSubstr("'Z'")), Not(HasSubstr("U+005A")), Not(HasSubstr("Z1"))));
  }
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, QueryStringsNeverReachTheStatusOrTheLog) {
  auto& provider = StartProvider();
  // Vault refuses the read...
  auto out = Send(Mount("- {objectName: a, secretPath: \"secret/data/absent?token=CANARY\", secretKey: k}"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("secret/data/absent"), Not(HasSubstr("CANARY"))));
  // ...or never answers it (libcurl's own error names the URL).
  vault_->AddFault({"GET", "/v1/secret/data/slow", 0, {}, {}, std::chrono::milliseconds(4000), -1});
  out = Send(Mount("- {objectName: a, secretPath: \"secret/data/slow?token=CANARY\", secretKey: k}"),
             std::chrono::seconds(2));
  vault_->ClearFaults();
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("secret/data/slow"), Not(HasSubstr("CANARY"))));
  // ...or the query itself is malformed.
  out = Send(Mount("- {objectName: a, secretPath: \"secret/data/app?token=%CXCANARY\", secretKey: k}"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), AllOf(HasSubstr("secret/data/app"), Not(HasSubstr("%CX"))));
  EXPECT_THAT(provider.Log(), AllOf(HasSubstr("mount failed"), Not(HasSubstr("CANARY")), Not(HasSubstr("%CX"))));
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, ACertificateWithAnOutOfRangeExpirationIsIssuedAgain) {
  StartProvider();
  const char* objects =
      "- {objectName: c, secretPath: pki/issue/example-dot-com, method: PUT, secretArgs: {common_name: a.example.com}, "
      "secretKey: certificate}";
  // -2^63: expiration - now overflows. 10^13 (the year 318,857): two thirds of
  // the remaining validity overflowed in nanoseconds into a reuse window of
  // about 200 years, so the certificate was reused.
  for (const char* expiration : {"-9223372036854775808", "10000000000000"}) {
    vault_->ClearFaults();
    vault_->ResetCounters();
    vault_->AddFault({"PUT", "/v1/pki/issue/", 200,
                      absl::StrCat(R"({"lease_id":"","lease_duration":0,"renewable":false,"data":{"certificate":"C",)",
                                   R"("expiration":)", expiration, R"(,"private_key":"K","serial_number":"01"}})"),
                      {}, {}, -1});
    Pod pod;
    pod.uid = absl::StrCat("uid-expiration-", expiration);
    for (int i = 0; i < 2; ++i) {
      auto out = Send(Mount(objects, pod));
      ASSERT_TRUE(out.status.ok()) << out.status.error_message();
      EXPECT_EQ(out.File("c"), "C");
    }
    EXPECT_EQ(vault_->Count("PUT /v1/pki/issue/example-dot-com"), 2) << "the second Mount issued again: " << expiration;
  }
  vault_->ClearFaults();
  ExpectStillServing();
}

}  // namespace
}  // namespace vcp::testing
