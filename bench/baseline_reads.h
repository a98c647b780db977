// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// The Vault half of mount_bench's baseline: the K reads of a Mount issued
// the cheapest way libcurl allows. All K go out together on one multi handle
// that the calling thread drives itself (no thread per read), each over a
// connection the multi handle keeps alive between calls.
#pragma once

#include <curl/curl.h>

#include <string>
#include <vector>

namespace vcp::bench {

class BaselineReads {
 public:
  // Reads `<address>/v1/secret/data/bench/<i>` for i in [0, objects) with
  // `token`; each answer must be 200 with `expected_bytes` of body.
  BaselineReads(const std::string& address, int objects, const std::string& token, size_t expected_bytes);
  ~BaselineReads();

  BaselineReads(const BaselineReads&) = delete;
  BaselineReads& operator=(const BaselineReads&) = delete;

  // Issues the reads concurrently and waits for all; false if any failed.
  bool ReadAll();

 private:
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::vector<CURL*> easy_;
  std::vector<size_t> received_;
  size_t expected_bytes_;
};

}  // namespace vcp::bench
