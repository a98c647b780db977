// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes a template from a SecretProviderClass (anyone who can create a pod
// writes one): Template::Parse, then Execute with every secret call answered
// by one fixed response whose data holds each kind of value Vault sends
// (strings, numbers kept as Vault spelled them, bools, null, lists, maps,
// JSON and YAML in strings). Limits are smaller than the defaults so that one
// input stays fast; their breaches are ordinary errors, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vcp/template/template.h"
#include "vcp/util/json_number.h"

namespace {

const nlohmann::json& Response() {
  static const nlohmann::json* const response = [] {
    nlohmann::json data = {
        {"username", "v-app-x1"},
        {"password", "p@ss<w>rd&\"'\n"},
        {"port", 5432},
        {"ratio", vcp::MakeNumberText("1.50")},
        {"big", vcp::MakeNumberText("12345678901234567890123")},
        {"on", true},
        {"none", nullptr},
        {"empty", ""},
        {"list", {"a", "b", "c"}},
        {"map", {{"b", "2"}, {"a", "1"}}},
        {"nested", {{"inner", {{"k", "v"}, {"l", {1, 2, {{"x", nullptr}}}}}}}},
        {"json", R"({"a":[1,2.5,"x"],"b":{"c":null}})"},
        {"yaml", "a: &x [1, yes, ~]\nb: *x\nc: {d: 0x1F}\n"},
        {"pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
        {"b64", "aGVsbG8="},
        {"data", {{"key", "kv2"}}},
        {"metadata", {{"version", 3}}},
    };
    return new nlohmann::json{{"request_id", "r-1"},    {"lease_id", "database/creds/app/x"},
                              {"lease_duration", 3600}, {"renewable", true},
                              {"data", data},           {"warnings", {"w"}},
                              {"auth", nullptr},        {"wrap_info", nullptr}};
  }();
  return *response;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vcp::tmpl::Limits limits;
  limits.max_output_bytes = 64 << 10;
  limits.max_value_bytes = 64 << 10;
  limits.max_steps = 20'000;
  limits.max_collection_elements = 2'000;
  auto parsed = vcp::tmpl::Template::Parse(text, limits);
  if (!parsed.ok()) return 0;
  const std::vector<const nlohmann::json*> secrets(parsed->secret_calls().size(), &Response());
  (void)parsed->Execute(secrets);
  return 0;
}
