// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes what a Vault server (any address a SecretProviderClass names) sends
// back: the body goes through VaultClient's parsing (Login and RenewSelf's
// auth block, Request's envelope, and the error paths for non-2xx statuses),
// then every key the response has is rendered into file contents in each
// encoding (and the whole envelope for an empty secretKey) and in every output
// shape, and each result is signed as an object version. The first input byte
// picks the HTTP status; the rest is the body. The transport is the unit tests' scripted fake.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fixed_answer.h"
#include "vcp/mount/object_content.h"
#include "vcp/mount/object_version.h"
#include "vcp/mount/output_shape.h"
#include "vcp/vault/vault_client.h"

namespace {

constexpr int kStatuses[] = {200, 200, 200, 200, 204, 400, 403, 404, 405, 412, 429, 500, 501, 503, 307};

void RenderAndSign(const nlohmann::json& envelope) {
  static const vcp::mount::VersionSigner signer(std::string(32, 'k'));
  vcp::mount::SecretObject object;
  object.object_name = "file";
  object.secret_path = "secret/data/app";
  (void)vcp::mount::RenderObjectContent(object, envelope);  // the whole envelope
  std::vector<std::string> keys = {"password", "missing"};
  const nlohmann::json* data = &envelope["data"];
  if (data->is_object() && data->contains("data") && (*data)["data"].is_object()) data = &(*data)["data"];
  if (data->is_object()) {
    for (auto it = data->begin(); it != data->end() && keys.size() < 10; ++it) keys.push_back(it.key());
  }
  for (const std::string& key : keys) {
    object.secret_key = key;
    for (const char* encoding : {"", "base64", "hex"}) {
      object.encoding = encoding;
      auto content = vcp::mount::RenderObjectContent(object, envelope);
      if (content.ok()) (void)signer.Sign(object, *content);
    }
  }
  // Every output shape, with and without a secretKey (issue #13).
  object.encoding.clear();
  for (const std::string& key : {std::string(), keys.back()}) {
    object.secret_key = key;
    for (auto shape : {vcp::mount::OutputShape::kData, vcp::mount::OutputShape::kFiles,
                       vcp::mount::OutputShape::kDotenv, vcp::mount::OutputShape::kYaml}) {
      object.output = shape;
      auto files = vcp::mount::RenderObjectFiles(object, envelope);
      if (!files.ok()) continue;
      for (const auto& file : *files) (void)signer.SignFile(object, file.path, file.contents);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  vcp::fuzzing::FixedAnswer vault(data, size, kStatuses);
  vcp::Metrics metrics;
  vcp::vault::ConnectionConfig config;
  config.address = "https://vault.example:8200";
  vcp::vault::RetryPolicy no_retries;
  no_retries.max_retries = 0;
  auto client = vcp::vault::VaultClient::Create(
      vcp::vault::VaultContext{&vault.transport, &vault.clock, &metrics, nullptr, nullptr, no_retries}, config);
  if (!client.ok()) __builtin_trap();

  vcp::fuzzing::Answered<vcp::vault::LoginResult> login, renew;
  client->Login("kubernetes", "app", "eyJ.jwt", vault.Soon(), login.Callback());
  (void)login.get();
  client->RenewSelf("hvs.token", vault.Soon(), renew.Callback());
  (void)renew.get();
  bool revoked = false;
  client->RevokeSelf("hvs.token", vault.Soon(), [&](absl::Status) { revoked = true; });
  if (!revoked) __builtin_trap();
  const auto path = vcp::vault::ParseSecretPath("secret/data/app").value();
  vcp::fuzzing::Answered<nlohmann::json> read;
  client->Request("GET", path, std::nullopt, "hvs.token", vault.Soon(), nullptr, read.Callback());
  auto envelope = read.get();
  if (!envelope.ok()) {
    (void)vcp::vault::IsInvalidToken(envelope.status());
    (void)vcp::vault::IsKvV2PathWithoutData(envelope.status());
    return 0;
  }
  RenderAndSign(*envelope);
  return 0;
}
