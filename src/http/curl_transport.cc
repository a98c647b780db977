// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/http/curl_transport.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
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

absl::Status ShuttingDown(const HttpRequest& request) {
  return absl::UnavailableError(absl::StrCat(Where(request), ": the provider is shutting down"));
}

}  // namespace

// One request from Send to its callback. Everything curl points into lives
// here, so it stays put while the transfer runs.
struct CurlTransport::Transfer {
  HttpRequest request;
  HttpCallback done;
  HttpResponse response;
  BodySink sink{nullptr, nullptr, absl::OkStatus()};
  std::array<char, CURL_ERROR_SIZE> error{};
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  std::shared_ptr<const std::string> ca_bundle;  // must outlive the transfer

  ~Transfer() {
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
  }
};

// The curl share (connections, DNS answers and TLS sessions for every
// request) with one lock per kind of data it holds.
struct CurlTransport::Shared {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Shared*>(user)->locks[static_cast<size_t>(data)].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Shared*>(user)->locks[static_cast<size_t>(data)].unlock();
  }
};

CurlTransport::CurlTransport(Clock& clock, CurlTransportOptions options)
    : options_(options), clock_(&clock), shared_(std::make_unique<Shared>()) {
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, options_.max_idle_connections);
  multi_ = multi;
  CURLSH* share = curl_share_init();
  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::Lock);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::Unlock);
  curl_share_setopt(share, CURLSHOPT_USERDATA, shared_.get());
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  shared_->share = share;
  loop_ = std::thread([this] { Run(); });
}

CurlTransport::~CurlTransport() {
  Shutdown();
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
  curl_share_cleanup(shared_->share);  // after every easy handle that used it
}

void CurlTransport::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (loop_.joinable()) loop_.join();
}

void CurlTransport::Send(HttpRequest request, HttpCallback done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  transfer->done = std::move(done);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      // One wake-up per batch: a Mount's reads queue up behind the first.
      wake = incoming_.empty();
      incoming_.push_back(std::move(transfer));
    }
  }
  if (transfer != nullptr) {  // refused: the transport is shutting down
    absl::Status refused = ShuttingDown(transfer->request);
    std::move(transfer->done)(std::move(refused));
    return;
  }
  if (wake) curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

void CurlTransport::Run() {
  CURLM* multi = static_cast<CURLM*>(multi_);
  for (;;) {
    std::deque<std::unique_ptr<Transfer>> batch;
    bool stopping = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(incoming_);
      stopping = stopping_;
    }
    if (stopping) {
      for (auto& transfer : batch) {
        absl::Status refused = ShuttingDown(transfer->request);
        std::move(transfer->done)(std::move(refused));
      }
      // Requests in flight end now, each with its callback.
      while (!running_.empty()) {
        void* easy = running_.begin()->first;
        std::unique_ptr<Transfer> transfer = std::move(running_.begin()->second);
        running_.erase(running_.begin());
        curl_multi_remove_handle(multi, static_cast<CURL*>(easy));
        curl_easy_cleanup(static_cast<CURL*>(easy));
        absl::Status refused = ShuttingDown(transfer->request);
        std::move(transfer->done)(std::move(refused));
      }
      return;
    }
    for (auto& transfer : batch) Start(std::move(transfer));
    int still_running = 0;
    curl_multi_perform(multi, &still_running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg == CURLMSG_DONE) Finish(message->easy_handle, message->data.result);
    }
    // Sleeps until a socket is ready, curl's next timeout, or a wake-up from
    // Send or Shutdown; callbacks above may have queued more work already.
    bool more = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      more = !incoming_.empty() || stopping_;
    }
    if (!more) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
}

void CurlTransport::Start(std::unique_ptr<Transfer> transfer) {
  CURL* curl = nullptr;
  if (!idle_handles_.empty()) {
    curl = static_cast<CURL*>(idle_handles_.back());
    idle_handles_.pop_back();
    // Options from a previous request must not leak into this one.
    curl_easy_reset(curl);
  } else {
    curl = curl_easy_init();
  }
  if (curl == nullptr) {
    std::move(transfer->done)(absl::ResourceExhaustedError("curl_easy_init failed"));
    return;
  }
  const HttpRequest& request = transfer->request;
  for (const auto& [name, value] : request.headers) {
    transfer->headers = curl_slist_append(transfer->headers, absl::StrCat(name, ": ", value).c_str());
  }
  if (request.body.has_value()) {
    transfer->headers = curl_slist_append(transfer->headers, "Content-Type: application/json");
  }
  transfer->headers = curl_slist_append(transfer->headers, "Expect:");  // no 100-continue round trip

  curl_easy_setopt(curl, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(curl, CURLOPT_PRIVATE, transfer.get());
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (request.body.has_value()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer->error.data());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, request.timeout.count())));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, std::min(request.connect_timeout, request.timeout).count())));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  transfer->sink = BodySink{&transfer->response.body, request.response_budget, absl::OkStatus()};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer->sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer->response.headers);
  if (!request.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  }

  const TlsConfig& tls = request.tls;
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!tls.ca_cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_cert.c_str());
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  } else if (!tls.ca_directory.empty()) {
    transfer->ca_bundle = CaBundle(tls.ca_directory);
    curl_blob blob{const_cast<char*>(transfer->ca_bundle->data()), transfer->ca_bundle->size(), CURL_BLOB_COPY};
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
        transfer->connect_to = curl_slist_append(
            transfer->connect_to, absl::StrCat(tls.server_name, ":", port, ":", host, ":", port).c_str());
        curl_url_set(url, CURLUPART_HOST, tls.server_name.c_str(), 0);
        char* rewritten = nullptr;
        curl_url_get(url, CURLUPART_URL, &rewritten, 0);
        if (rewritten != nullptr) {
          curl_easy_setopt(curl, CURLOPT_URL, rewritten);  // curl copies the string
          curl_free(rewritten);
        }
        curl_easy_setopt(curl, CURLOPT_CONNECT_TO, transfer->connect_to);
      }
      curl_free(host);
      curl_free(port);
    }
    curl_url_cleanup(url);
  }
  const CURLMcode added = curl_multi_add_handle(static_cast<CURLM*>(multi_), curl);
  if (added != CURLM_OK) {
    curl_easy_cleanup(curl);
    std::move(transfer->done)(absl::ResourceExhaustedError(
        absl::StrCat(Where(transfer->request), ": ", curl_multi_strerror(added))));
    return;
  }
  running_.emplace(curl, std::move(transfer));
}

void CurlTransport::Finish(void* easy, int result) {
  CURL* curl = static_cast<CURL*>(easy);
  auto it = running_.find(easy);
  if (it == running_.end()) return;
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  running_.erase(it);
  curl_multi_remove_handle(static_cast<CURLM*>(multi_), curl);
  const CURLcode code = static_cast<CURLcode>(result);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) {
    const HttpRequest& request = transfer->request;
    absl::Status failure =
        code != CURLE_WRITE_ERROR ? MapCurlError(code, transfer->error.data(), request)
        : !transfer->sink.refused.ok()
            ? absl::ResourceExhaustedError(absl::StrCat(Where(request), ": ", transfer->sink.refused.message()))
            : absl::ResourceExhaustedError(absl::StrCat(Where(request), ": response larger than 32 MiB"));
    curl_easy_cleanup(curl);  // a handle that failed is not worth keeping
    std::move(transfer->done)(std::move(failure));
    return;
  }
  // The handle goes back to the pool without pointers into this transfer.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, nullptr);  // an idle handle keeps no copy of the bundle
  if (idle_handles_.size() < kMaxIdleHandles) {
    idle_handles_.push_back(curl);
  } else {
    curl_easy_cleanup(curl);
  }
  transfer->response.status = static_cast<int>(status);
  std::move(transfer->done)(std::move(transfer->response));
}

std::shared_ptr<const std::string> CurlTransport::CaBundle(const std::string& directory) {
  // The directory itself, however its path is spelled ("d", "d/.", "d//./"):
  // a class must not be able to fill the cache with one directory.
  struct stat info {};
  const std::string key = ::stat(directory.c_str(), &info) == 0
                              ? absl::StrCat(info.st_dev, ":", info.st_ino)
                              : absl::StrCat("?", directory);
  const TimePoint now = clock_->Now();
  {
    std::lock_guard<std::mutex> lock(ca_mu_);
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
  std::lock_guard<std::mutex> lock(ca_mu_);
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
  std::lock_guard<std::mutex> lock(ca_mu_);
  return ca_bytes_;
}

}  // namespace vcp::http
