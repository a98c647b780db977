// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// End to end: a hostile tenant cannot grow the provider's memory without
// bound, nor take every Mount slot with a Vault that never answers. Memory is
// the provider process's own (VmRSS and VmHWM in /proc/<pid>/status); every
// test uses the default limits, as the chart deploys them.
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "e2e/e2e_fixture.h"

namespace vcp::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

class LimitsE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    WriteKv2("secret/data/app", {{"username", "app-user"}});
  }

  void ExpectStillServing() {
    auto out = Send(Mount("- {objectName: ok, secretPath: secret/data/app, secretKey: username}"));
    EXPECT_TRUE(out.status.ok()) << out.status.error_message();
    EXPECT_EQ(out.File("ok"), "app-user");
  }

  double Rss() { return StatusMiB(provider_->pid(), "VmRSS"); }
  double Peak() { return StatusMiB(provider_->pid(), "VmHWM"); }
};

// 300 spellings of one CA directory holding a 200 KB bundle: one cache entry.
TEST_F(LimitsE2eTest, CaDirectorySpellingsShareOneCacheEntry) {
  // Trust comes from the class's directory alone: no -vault-tls-ca-cert.
  const std::string ca_dir = dir_ + "/ca-dir";
  ASSERT_EQ(std::system(absl::StrCat("mkdir -p ", ca_dir).c_str()), 0);
  std::ifstream ca(dir_ + "/ca.pem");
  std::stringstream bundle;
  bundle << ca.rdbuf() << "\n";
  while (bundle.tellp() < 200 * 1024) bundle << "# padding: bundles carry comments and whole chains\n";
  WriteText(ca_dir + "/ca.pem", bundle.str());
  provider_ = nullptr;
  auto started = ProviderProcess::Start(
      VCP_PROVIDER_BINARY, dir_,
      {absl::StrCat("-vault-addr=", vault_->address()), absl::StrCat("-vault-tls-client-cert=", dir_, "/client.pem"),
       absl::StrCat("-vault-tls-client-key=", dir_, "/client-key.pem")});
  ASSERT_TRUE(started.ok()) << started.status();
  provider_ = std::move(*started);

  auto mount_with = [&](const std::string& directory) {
    auto mount = Mount("- {objectName: a, secretPath: secret/data/app, secretKey: username}");
    mount.parameters["vaultCADirectory"] = directory;
    return Send(mount);
  };
  auto first = mount_with(ca_dir);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  const double before = Rss();
  std::string spelling = ca_dir;
  for (int i = 0; i < 300; ++i) {
    spelling += "/.";
    auto out = mount_with(spelling);
    ASSERT_TRUE(out.status.ok()) << i << ": " << out.status.error_message();
  }
  const double growth = Rss() - before;
  std::printf("RSS %.1f MiB -> %.1f MiB after 300 CA directory spellings\n", before, before + growth);
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(growth, 16) << "the old cache, keyed by path text, grew by 59 MB";
  }
  EXPECT_TRUE(mount_with(ca_dir).status.ok());
}

// 16 distinct 3.5 MB `objects` texts: refused before parsing, nothing kept.
TEST_F(LimitsE2eTest, HugeObjectsTextsAreRefusedAndNotKept) {
  StartProvider();
  ExpectStillServing();
  const double before = Rss();
  for (int i = 0; i < 16; ++i) {
    std::string objects = absl::StrCat("- {objectName: a, secretPath: secret/data/app, secretKey: username}\n# ", i, " ");
    objects.append(3500 * 1000, 'x');
    auto out = Send(Mount(objects));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_THAT(out.status.error_message(),
                AllOf(HasSubstr("'objects'"), HasSubstr("256 KiB"), HasSubstr("-max-objects-bytes")));
  }
  const double growth = Rss() - before;
  std::printf("RSS %.1f MiB -> %.1f MiB after 16 x 3.5 MB objects texts\n", before, before + growth);
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(growth, 24) << "the old parsed-objects cache kept +140 MB";
  }
  ExpectStillServing();
}

// A class just under the size limit, in many variants: the cache stays within its bytes.
TEST_F(LimitsE2eTest, ManyLargeObjectsTextsJustUnderTheLimitStayBounded) {
  StartProvider();
  ExpectStillServing();
  const double before = Rss();
  for (int i = 0; i < 64; ++i) {
    std::string objects = absl::StrCat("- {objectName: a, secretPath: secret/data/app, secretKey: username}\n# ", i, " ");
    objects.append(250 * 1000, 'x');
    auto out = Send(Mount(objects));
    ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  }
  const double growth = Rss() - before;
  std::printf("RSS %.1f MiB -> %.1f MiB after 64 x 250 KB objects texts\n", before, before + growth);
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(growth, 16) << "64 x 250 KB would be 16 MB kept twice";
  }
}

// One Mount of 8 objects of 31 MiB each: stopped at the Mount's budget.
TEST_F(LimitsE2eTest, ResponsesOverTheMountsBudgetFailFastAndMemoryReturns) {
  StartProvider();
  ExpectStillServing();
  const double rss_before = Rss();
  const double peak_before = Peak();
  std::string body = R"({"data":{"v":")";
  body.append(31 << 20, 'x');
  body += R"("}})";
  vault_->AddFault({"GET", "/v1/secret/data/big", 200, body, {}, {}, -1});
  std::string objects;
  for (int i = 0; i < 8; ++i) {
    absl::StrAppend(&objects, "- {objectName: big", i, ", secretPath: secret/data/big", i, ", secretKey: v}\n");
  }
  const auto started = std::chrono::steady_clock::now();
  auto out = Send(Mount(objects));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << out.status.error_message();
  EXPECT_THAT(out.status.error_message(),
              AllOf(HasSubstr("couldn't read secret \"big"), HasSubstr("8 MiB"), HasSubstr("-max-mount-response-bytes")));
  EXPECT_EQ(out.response.files_size(), 0);
  EXPECT_LT(took, std::chrono::seconds(5));
  vault_->ClearFaults();
  ExpectStillServing();
  const double peak = Peak() - peak_before;
  const double kept = Rss() - rss_before;
  std::printf("peak +%.1f MiB, kept +%.1f MiB after 8 x 31 MiB responses\n", peak, kept);
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(peak, 64) << "the old provider peaked at 1.19 GB";
  }
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(kept, 24) << "the old provider kept 477 MB";
  }
}

// A Vault that accepts connections and never answers: its Mounts take their
// address's share of the slots, not every slot.
TEST_F(LimitsE2eTest, HungVaultCannotTakeEveryMountSlot) {
  const int hung = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(hung, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(hung, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(hung, 128), 0);  // accepted by the kernel, never answered
  socklen_t length = sizeof(address);
  ::getsockname(hung, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string hung_address = absl::StrCat("https://127.0.0.1:", ntohs(address.sin_port));

  StartProvider();
  ExpectStillServing();
  std::vector<std::future<MountOutcome>> hanging;
  for (int i = 0; i < 40; ++i) {
    Pod pod;
    pod.name = absl::StrCat("tenant-b-", i);
    pod.uid = absl::StrCat("uid-b-", i);
    auto mount = Mount("- {objectName: a, secretPath: secret/data/app}", pod);
    mount.parameters["vaultAddress"] = hung_address;
    hanging.push_back(std::async(std::launch::async, [this, mount] { return Send(mount, std::chrono::seconds(5)); }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // every hung Mount has arrived

  const auto started = std::chrono::steady_clock::now();
  auto healthy = Send(Mount("- {objectName: ok, secretPath: secret/data/app, secretKey: username}"),
                      std::chrono::seconds(3));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(healthy.status.ok()) << healthy.status.error_message();
  EXPECT_EQ(healthy.File("ok"), "app-user");
  EXPECT_LT(took, std::chrono::seconds(1)) << "a healthy Vault's Mount does not wait for the hung one's";

  int waited_for_share = 0;
  for (auto& future : hanging) {
    MountOutcome out = future.get();
    EXPECT_FALSE(out.status.ok());
    if (absl::StrContains(out.status.error_message(), "-max-concurrent-mounts-per-vault")) ++waited_for_share;
  }
  EXPECT_GT(waited_for_share, 0) << "beyond 8 (a quarter of 32 slots), Mounts to the hung Vault wait for its share";
  ::close(hung);
  ExpectStillServing();
}

}  // namespace
}  // namespace vcp::testing
