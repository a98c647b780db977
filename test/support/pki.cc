// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "support/pki.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace vcp::testing {
namespace {

std::string ToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

EVP_PKEY* ReadKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

X509* ReadCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) std::abort();
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertAndKey Make(const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key, bool is_ca,
                const std::vector<std::string>& sans, int64_t ttl_seconds, bool client_auth) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof(serial_bytes));
  serial_bytes[0] &= 0x7f;
  BIGNUM* serial_bn = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
  BN_to_ASN1_INTEGER(serial_bn, X509_get_serialNumber(cert));
  BN_free(serial_bn);
  std::vector<std::string> hex;
  for (unsigned char b : serial_bytes) hex.push_back(absl::StrCat(absl::Hex(b, absl::kZeroPad2)));
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(ttl_seconds));
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  if (is_ca) {
    AddExtension(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert, signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert, signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    AddExtension(cert, signer, NID_ext_key_usage, client_auth ? "clientAuth,serverAuth" : "serverAuth");
    if (!sans.empty()) AddExtension(cert, signer, NID_subject_alt_name, absl::StrJoin(sans, ","));
  }
  X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  CertAndKey out{ToPem(cert), ToPem(key), absl::StrJoin(hex, ":"),
                 std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     ttl_seconds};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace

std::string GenerateRsaKeyPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  std::string pem = ToPem(key);
  EVP_PKEY_free(key);
  return pem;
}

CertAndKey MakeCa(const std::string& common_name) {
  return Make(common_name, nullptr, nullptr, true, {}, 10 * 365 * 86400, false);
}

CertAndKey IssueLeaf(const CertAndKey& ca, const std::string& common_name,
                     const std::vector<std::string>& dns_names,
                     const std::vector<std::string>& ip_addresses, int64_t ttl_seconds,
                     bool client_auth) {
  X509* ca_cert = ReadCert(ca.cert_pem);
  EVP_PKEY* ca_key = ReadKey(ca.key_pem);
  std::vector<std::string> sans;
  for (const auto& dns : dns_names) sans.push_back("DNS:" + dns);
  for (const auto& ip : ip_addresses) sans.push_back("IP:" + ip);
  CertAndKey leaf = Make(common_name, ca_cert, ca_key, false, sans, ttl_seconds, client_auth);
  X509_free(ca_cert);
  EVP_PKEY_free(ca_key);
  return leaf;
}

void WriteFile(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::abort();
  close(fd);
}

std::string CertificateCommonName(const std::string& cert_pem) {
  X509* cert = ReadCert(cert_pem);
  if (cert == nullptr) return "";
  char buffer[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buffer, sizeof(buffer));
  X509_free(cert);
  return buffer;
}

bool PrivateKeyMatchesCertificate(const std::string& cert_pem, const std::string& key_pem) {
  X509* cert = ReadCert(cert_pem);
  EVP_PKEY* key = ReadKey(key_pem);
  const bool match = cert != nullptr && key != nullptr && X509_check_private_key(cert, key) == 1;
  EVP_PKEY_free(key);
  X509_free(cert);
  return match;
}

}  // namespace vcp::testing
