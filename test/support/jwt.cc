// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "support/jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "vcp/util/encoding.h"

namespace vcp::testing {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

PKey LoadKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  if (key == nullptr) {
    BIO_free(bio);
    bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  }
  BIO_free(bio);
  return PKey(key, EVP_PKEY_free);
}

}  // namespace

absl::StatusOr<std::string> SignJwt(const std::string& key_pem, const nlohmann::json& claims) {
  PKey key = LoadKey(key_pem);
  if (!key) return absl::InvalidArgumentError("bad signing key");
  const std::string signing_input =
      absl::StrCat(EncodeBase64RawUrl(R"({"alg":"RS256","kid":"test","typ":"JWT"})"), ".",
                   EncodeBase64RawUrl(claims.dump()));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  std::string signature;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx, nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    EVP_MD_CTX_free(ctx);
    return absl::InternalError("sign failed");
  }
  signature.resize(length);
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  EVP_MD_CTX_free(ctx);
  signature.resize(length);
  return absl::StrCat(signing_input, ".", EncodeBase64RawUrl(signature));
}

absl::StatusOr<nlohmann::json> VerifyJwt(const std::string& key_pem, const std::string& jwt) {
  const std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  if (parts.size() != 3) return absl::PermissionDeniedError("not a JWT");
  auto header = DecodeBase64RawUrl(parts[0]);
  auto payload = DecodeBase64RawUrl(parts[1]);
  auto signature = DecodeBase64RawUrl(parts[2]);
  if (!header.ok() || !payload.ok() || !signature.ok()) return absl::PermissionDeniedError("bad encoding");
  nlohmann::json h = nlohmann::json::parse(*header, nullptr, false);
  if (!h.is_object() || h.value("alg", "") != "RS256") return absl::PermissionDeniedError("bad alg");
  PKey key = LoadKey(key_pem);
  if (!key) return absl::InternalError("bad verification key");
  const std::string signing_input = absl::StrCat(parts[0], ".", parts[1]);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::PermissionDeniedError("bad signature");
  nlohmann::json claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object()) return absl::PermissionDeniedError("bad claims");
  return claims;
}

nlohmann::json ServiceAccountClaims(const std::string& ns, const std::string& service_account,
                                    const std::string& pod_name, const std::string& pod_uid,
                                    const std::string& audience, int64_t lifetime_seconds) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return {{"aud", nlohmann::json::array({audience})},
          {"exp", now + lifetime_seconds},
          {"iat", now},
          {"nbf", now},
          {"iss", "https://kubernetes.default.svc.cluster.local"},
          {"sub", absl::StrCat("system:serviceaccount:", ns, ":", service_account)},
          {"kubernetes.io",
           {{"namespace", ns},
            {"pod", {{"name", pod_name}, {"uid", pod_uid}}},
            {"serviceaccount", {{"name", service_account}, {"uid", "sa-uid-" + service_account}}}}}};
}

}  // namespace vcp::testing
