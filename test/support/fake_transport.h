// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// An in-memory HttpTransport for unit tests: answers from a script keyed by
// "METHOD /path" (query stripped) and records every request it was sent.
// Answers come inside Send (the callback runs before Send returns), unless a
// test holds them (Hold) to release them later, in any order, from any
// thread: a Vault that is slow, or answers out of order.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vcp/http/http_transport.h"

namespace vcp::testing {

class FakeTransport final : public http::HttpTransport {
 public:
  // Queues `response` for "METHOD /path"; the last queued response repeats.
  void Script(const std::string& method, const std::string& path, int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[absl::StrCat(method, " ", path)].push_back(http::HttpResponse{status, std::move(body), {}});
  }
  // Queues a response with headers (names lower-case).
  void ScriptWithHeaders(const std::string& method, const std::string& path, int status, std::string body,
                         std::map<std::string, std::string> headers) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[absl::StrCat(method, " ", path)].push_back(http::HttpResponse{status, std::move(body), std::move(headers)});
  }
  // Forgets what was queued for "METHOD /path".
  void Reset(const std::string& method, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.erase(absl::StrCat(method, " ", path));
  }
  void Fail(const std::string& method, const std::string& path, absl::Status failure) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_[absl::StrCat(method, " ", path)] = std::move(failure);
  }

  // Answers every request `handler` returns a value for, before the script
  // (for tests that care about the host, e.g. failover and redirects).
  using Handler = std::function<std::optional<absl::StatusOr<http::HttpResponse>>(const http::HttpRequest&)>;
  void SetHandler(Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }

  // Holds every later request whose path starts with `path_prefix` (any
  // method): its answer is computed and sent only by Release.
  void Hold(const std::string& path_prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    hold_prefixes_.push_back(path_prefix);
  }
  // Stops holding new requests; those held stay held until released.
  void StopHolding() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_prefixes_.clear();
  }
  // Requests held now.
  size_t held() const {
    std::lock_guard<std::mutex> lock(mu_);
    return held_.size();
  }
  // Answers the held requests (the oldest first), from the calling thread.
  void Release(size_t count = SIZE_MAX) {
    std::vector<std::pair<http::HttpRequest, http::HttpCallback>> released;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (count-- > 0 && !held_.empty()) {
        released.push_back(std::move(held_.front()));
        held_.pop_front();
      }
    }
    for (auto& [request, done] : released) {
      absl::StatusOr<http::HttpResponse> answer;
      {
        std::lock_guard<std::mutex> lock(mu_);
        answer = AnswerLocked(request);
      }
      done(std::move(answer));
    }
  }

  void Send(http::HttpRequest request, http::HttpCallback done) override {
    absl::StatusOr<http::HttpResponse> answer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      const std::string path = PathOf(request);
      for (const std::string& prefix : hold_prefixes_) {
        if (path.rfind(prefix, 0) == 0) {
          held_.emplace_back(std::move(request), std::move(done));
          return;
        }
      }
      answer = AnswerLocked(request);
    }
    done(std::move(answer));
  }

  std::vector<http::HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int CountOf(const std::string& method, const std::string& path_prefix) const {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& r : requests_) {
      const std::string path = r.url.substr(r.url.find('/', r.url.find("://") + 3));
      if (r.method == method && path.rfind(path_prefix, 0) == 0) ++n;
    }
    return n;
  }

 private:
  static std::string PathOf(const http::HttpRequest& request) {
    std::string path = request.url.substr(request.url.find('/', request.url.find("://") + 3));
    return path.substr(0, path.find('?'));
  }

  // The scripted answer to `request`. REQUIRES: mu_ held.
  absl::StatusOr<http::HttpResponse> AnswerLocked(const http::HttpRequest& request) {
    if (handler_) {
      if (auto answer = handler_(request); answer.has_value()) return *answer;
    }
    const std::string key = absl::StrCat(request.method, " ", PathOf(request));
    if (auto f = failures_.find(key); f != failures_.end()) return f->second;
    auto it = script_.find(key);
    if (it == script_.end() || it->second.empty()) {
      return http::HttpResponse{404, "{\"errors\":[]}", {}};
    }
    http::HttpResponse response = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    // As CurlTransport: the body's bytes come out of the request's budget.
    if (request.response_budget != nullptr) {
      if (absl::Status refused = request.response_budget->Take(response.body.size()); !refused.ok()) {
        return absl::ResourceExhaustedError(absl::StrCat(request.method, " ", request.url, ": ", refused.message()));
      }
    }
    return response;
  }

  mutable std::mutex mu_;
  std::map<std::string, std::deque<http::HttpResponse>> script_;
  std::map<std::string, absl::Status> failures_;
  std::vector<http::HttpRequest> requests_;
  Handler handler_;
  std::vector<std::string> hold_prefixes_;
  std::deque<std::pair<http::HttpRequest, http::HttpCallback>> held_;
};

// A login response carrying `token`.
inline std::string LoginBody(const std::string& token) {
  return absl::StrCat(R"({"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":null,)",
                      R"("wrap_info":null,"warnings":null,"auth":{"client_token":")", token,
                      R"(","accessor":"a","policies":["default"],"lease_duration":3600,"renewable":true}})");
}

// A KV v2 read response with `data` (a JSON object text).
inline std::string KvV2Body(const std::string& data) {
  return absl::StrCat(R"({"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":)", data,
                      R"(,"metadata":{"version":1}},"wrap_info":null,"warnings":null,"auth":null,"mount_type":"kv"})");
}

}  // namespace vcp::testing
