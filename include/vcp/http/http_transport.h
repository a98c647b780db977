// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The one network seam: an HTTP request goes in, and later a response (or a
// transport failure) comes out through a callback. Nothing waits on a thread
// for the network: a Mount that waits for Vault holds no thread at all. The
// Vault and Kubernetes clients are written against this interface;
// production uses CurlTransport (one event loop), unit tests a scripted fake.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "vcp/util/byte_budget.h"

namespace vcp::http {

// TLS settings for a connection. Paths are on the provider's own filesystem.
struct TlsConfig {
  std::string ca_cert;       // PEM file of trusted CAs; wins over ca_directory
  std::string ca_directory;  // directory of PEM CAs (c_rehash layout or plain files)
  std::string server_name;   // name to verify (and send as SNI) instead of the URL host
  std::string client_cert;   // PEM client certificate; requires client_key
  std::string client_key;    // PEM client key; requires client_cert
  bool skip_verify = false;  // do not verify the server's certificate (insecure)

  bool operator==(const TlsConfig&) const = default;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;               // absolute http(s) URL
  std::string unix_socket;       // when set, connect here instead of the URL's host
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;
  TlsConfig tls;
  std::chrono::milliseconds timeout{60000};          // whole request, connection included
  std::chrono::milliseconds connect_timeout{10000};  // connection (and TLS handshake) alone
  // The response body's bytes are taken from this budget as they arrive (may
  // be null; must outlive Send): when it refuses, the transfer stops at once.
  ByteBudget* response_budget = nullptr;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

// Receives the outcome of one request.
using HttpCallback = absl::AnyInvocable<void(absl::StatusOr<HttpResponse>)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Starts `request` and returns at once. `done` runs exactly once, on a
  // transport thread, or inside Send when the request cannot even start; it
  // must not block. Any HTTP status is a successful result. Transport
  // failures: Unavailable (cannot connect, connection reset, the transport
  // is shutting down), DeadlineExceeded (timeout), FailedPrecondition (TLS
  // verification or TLS material problems: the text says which),
  // ResourceExhausted (the body is over 32 MiB, or the request's
  // response_budget refused it: the text is the budget's). Thread-safe.
  virtual void Send(HttpRequest request, HttpCallback done) = 0;
};

}  // namespace vcp::http
