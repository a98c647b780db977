// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "baseline_reads.h"

#include "absl/strings/str_cat.h"

namespace vcp::bench {
namespace {

// Counts the body's bytes; nothing is kept or parsed.
size_t Count(char*, size_t size, size_t count, void* received) {
  *static_cast<size_t*>(received) += size * count;
  return size * count;
}

}  // namespace

BaselineReads::BaselineReads(const std::string& address, int objects, const std::string& token,
                             size_t expected_bytes)
    : received_(static_cast<size_t>(objects)), expected_bytes_(expected_bytes) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(objects));
  headers_ = curl_slist_append(headers_, absl::StrCat("X-Vault-Token: ", token).c_str());
  for (int i = 0; i < objects; ++i) {
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, absl::StrCat(address, "/v1/secret/data/bench/", i).c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, Count);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &received_[static_cast<size_t>(i)]);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 30000L);
    easy_.push_back(easy);
  }
}

BaselineReads::~BaselineReads() {
  for (CURL* easy : easy_) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi_);
  curl_slist_free_all(headers_);
}

bool BaselineReads::ReadAll() {
  for (size_t i = 0; i < easy_.size(); ++i) {
    received_[i] = 0;
    curl_multi_add_handle(multi_, easy_[i]);
  }
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi_, &running) != CURLM_OK) break;
    if (running > 0 && curl_multi_poll(multi_, nullptr, 0, 1000, nullptr) != CURLM_OK) break;
  }
  bool ok = running == 0;
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    long code = 0;
    curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &code);
    ok = ok && message->data.result == CURLE_OK && code == 200;
  }
  for (size_t i = 0; i < easy_.size(); ++i) {
    ok = ok && received_[i] == expected_bytes_;
    curl_multi_remove_handle(multi_, easy_[i]);
  }
  return ok;
}

}  // namespace vcp::bench
