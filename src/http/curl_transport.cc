// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/http/curl_transport.h"

#include <curl/curl.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "vcp/util/text.h"

namespace vcp::http {
namespace {

constexpr size_t kMaxIdleHandles = 64;
constexpr long kMaxResponseBytes = 32L << 20;  // as Vault's default max request size

// Where a response body goes, and the budget it is taken from.
struct BodySink {
  std::string* body;
  ByteBudget* budget;    // may be null
  absl::Status refused;  // why the budget stopped the transfer
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->body->size() + size * count > static_cast<size_t>(kMaxResponseBytes)) return 0;
  if (sink->budget != nullptr) {
    sink->refused = sink->budget->Take(size * count);
    if (!sink->refused.ok()) return 0;
  }
  sink->body->append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (e.g. after 100-continue)
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string name = absl::AsciiStrToLower(std::string(line.substr(0, colon)));
    const std::string value(line.substr(colon + 1));
    (*headers)[name] = std::string(absl::StripAsciiWhitespace(value));
  }
  return size * count;
}

// The request as messages name it: method and URL, without the query string
// (which may carry credentials), shortened.
std::string Where(const HttpRequest& request) {
  return absl::StrCat(request.method, " ", Shorten(WithoutQuery(request.url)));
}

absl::Status MapCurlError(CURLcode code, const char* detail, const HttpRequest& request) {
  // curl's own detail may quote the URL (a malformed one, a host name).
  const std::string said = detail[0] != '\0' ? Shorten(WithoutQuery(detail)) : curl_easy_strerror(code);
  const std::string text = absl::StrCat(Where(request), ": ", said);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(absl::StrCat(text, " (Vault did not answer in time)"));
    case CURLE_PEER_FAILED_VERIFICATION:
      return absl::FailedPreconditionError(absl::StrCat(
          text, " (Vault's TLS certificate is not trusted: check vaultCACertPath / "
                "-vault-tls-ca-cert and vaultTLSServerName)"));
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
      return absl::FailedPreconditionError(absl::StrCat(
          text, " (check the TLS files given to the provider: CA, client certificate and key)"));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(absl::StrCat(text, " (check the Vault address)"));
    default:
      return absl::UnavailableError(absl::StrCat(text, " (is Vault reachable at this address?)"));
  }
}

}  // namespace

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(options) {}

CurlTransport::~CurlTransport() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlTransport::Release(void* handle) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleHandles) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

std::shared_ptr<const std::string> CurlTransport::CaBundle(const std::string& directory) {
  // The directory itself, however its path is spelled ("d", "d/.", "d//./"):
  // a class must not be able to fill the cache with one directory.
  struct stat info {};
  const std::string key = ::stat(directory.c_str(), &info) == 0
                              ? absl::StrCat(info.st_dev, ":", info.st_ino)
                              : absl::StrCat("?", directory);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ca_bundles_.find(key);
    if (it != ca_bundles_.end() && now - it->second.loaded < std::chrono::seconds(30)) {
      it->second.used = now;
      return it->second.pem;
    }
  }
  auto pem = std::make_shared<std::string>();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (!entry.is_regular_file(ec)) continue;  // follows symlinks, as Kubernetes Secret volumes use them
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) continue;
    absl::StrAppend(pem.get(), text.str(), "\n");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = ca_bundles_.find(key); it != ca_bundles_.end()) {
    ca_bytes_ -= it->second.pem->size();
    ca_bundles_.erase(it);
  }
  if (pem->size() > options_.max_ca_cache_bytes / 4) return pem;  // too large to keep
  ca_bundles_[key] = CachedBundle{pem, now, now};
  ca_bytes_ += pem->size();
  while (ca_bytes_ > options_.max_ca_cache_bytes) {
    auto oldest = std::min_element(ca_bundles_.begin(), ca_bundles_.end(), [](const auto& a, const auto& b) {
      return a.second.used < b.second.used;
    });
    ca_bytes_ -= oldest->second.pem->size();
    ca_bundles_.erase(oldest);
  }
  return pem;
}

size_t CurlTransport::ca_cache_bytes() {
  std::lock_guard<std::mutex> lock(mu_);
  return ca_bytes_;
}

absl::StatusOr<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  // Options from a previous request must not leak into this one; the
  // connection cache and TLS session cache survive the reset.
  curl_easy_reset(curl);

  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  if (request.body.has_value()) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (request.body.has_value()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, request.timeout.count())));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, std::min(request.connect_timeout, request.timeout).count())));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  BodySink sink{&response.body, request.response_budget, absl::OkStatus()};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (!request.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  }

  const TlsConfig& tls = request.tls;
  std::shared_ptr<const std::string> ca_bundle;  // must outlive curl_easy_perform
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!tls.ca_cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_cert.c_str());
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  } else if (!tls.ca_directory.empty()) {
    ca_bundle = CaBundle(tls.ca_directory);
    curl_blob blob{const_cast<char*>(ca_bundle->data()), ca_bundle->size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
    curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  }
  if (!tls.client_cert.empty()) curl_easy_setopt(curl, CURLOPT_SSLCERT, tls.client_cert.c_str());
  if (!tls.client_key.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, tls.client_key.c_str());
  if (tls.skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_slist* resolve = nullptr;
  if (!tls.server_name.empty()) {
    // Verify against (and send SNI for) server_name while connecting to the
    // URL's host: rewrite the URL's host and pin the name to the real address
    // with CURLOPT_CONNECT_TO.
    CURLU* url = curl_url();
    if (curl_url_set(url, CURLUPART_URL, request.url.c_str(), 0) == CURLUE_OK) {
      char* host = nullptr;
      char* port = nullptr;
      curl_url_get(url, CURLUPART_HOST, &host, 0);
      curl_url_get(url, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
      if (host != nullptr && port != nullptr) {
        resolve = curl_slist_append(
            resolve, absl::StrCat(tls.server_name, ":", port, ":", host, ":", port).c_str());
        curl_url_set(url, CURLUPART_HOST, tls.server_name.c_str(), 0);
        char* rewritten = nullptr;
        curl_url_get(url, CURLUPART_URL, &rewritten, 0);
        if (rewritten != nullptr) {
          curl_easy_setopt(curl, CURLOPT_URL, rewritten);  // curl copies the string
          curl_free(rewritten);
        }
        curl_easy_setopt(curl, CURLOPT_CONNECT_TO, resolve);
      }
      curl_free(host);
      curl_free(port);
    }
    curl_url_cleanup(url);
  }

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, nullptr);  // an idle handle keeps no copy of the bundle
  curl_slist_free_all(headers);
  curl_slist_free_all(resolve);
  if (code != CURLE_OK) {
    absl::Status failure =
        code != CURLE_WRITE_ERROR ? MapCurlError(code, error, request)
        : !sink.refused.ok()
            ? absl::ResourceExhaustedError(absl::StrCat(Where(request), ": ", sink.refused.message()))
            : absl::ResourceExhaustedError(absl::StrCat(Where(request), ": response larger than 32 MiB"));
    curl_easy_cleanup(curl);  // a failed connection is not worth keeping
    return failure;
  }
  Release(curl);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace vcp::http
