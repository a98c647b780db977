// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Helpers for the template tests: JSON parsed the way the provider keeps
// Vault's answers (numbers that are not canonical integers kept as number
// texts, util/json_number.h), and one-call rendering.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "vcp/template/template.h"
#include "vcp/util/json_number.h"

namespace vcp::tmpl::testing {

// A SAX handler that builds a json value, keeping non-integer numbers as
// number texts.
class NumberTextBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Add(nullptr); }
  bool boolean(bool value) override { return Add(value); }
  bool number_integer(number_integer_t value) override { return Add(value); }
  bool number_unsigned(number_unsigned_t value) override { return Add(value); }
  bool number_float(number_float_t /*value*/, const string_t& text) override { return Add(MakeNumberText(text)); }
  bool string(string_t& value) override { return Add(value); }
  bool binary(binary_t& value) override { return Add(nlohmann::json::binary(value)); }
  bool start_object(std::size_t /*size*/) override { return Open(nlohmann::json::object()); }
  bool key(string_t& value) override {
    key_ = value;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*size*/) override { return Open(nlohmann::json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

  nlohmann::json result;

 private:
  bool Add(nlohmann::json value) {
    Insert(std::move(value));
    return true;
  }
  nlohmann::json* Insert(nlohmann::json value) {
    if (stack_.empty()) {
      result = std::move(value);
      return &result;
    }
    nlohmann::json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    return &(top[key_] = std::move(value));
  }
  bool Open(nlohmann::json value) {
    stack_.push_back(Insert(std::move(value)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::vector<nlohmann::json*> stack_;
  std::string key_;
};

inline nlohmann::json VaultJson(std::string_view text) {
  NumberTextBuilder builder;
  nlohmann::json::sax_parse(text, &builder);
  return builder.result;
}

// A Vault response envelope whose data is the JSON text `data`.
inline std::string Envelope(std::string_view data) {
  return std::string(R"({"request_id":"req-1","lease_id":"","lease_duration":0,"renewable":false,"data":)") +
         std::string(data) + R"(,"warnings":null,"wrap_info":null,"auth":null})";
}

// Parses `text` and renders it with `responses` (one Vault response per
// secret call, in order).
inline absl::StatusOr<std::string> Render(std::string_view text, const std::vector<std::string>& responses = {},
                                          const Limits& limits = Limits()) {
  absl::StatusOr<Template> parsed = Template::Parse(text, limits);
  if (!parsed.ok()) return parsed.status();
  std::vector<nlohmann::json> json;
  json.reserve(responses.size());
  for (const std::string& response : responses) json.push_back(VaultJson(response));
  std::vector<const nlohmann::json*> pointers;
  for (const nlohmann::json& j : json) pointers.push_back(&j);
  return parsed->Execute(pointers);
}

// Renders `body` with dot set to `data` (a JSON object, Vault's spelling):
// {{with (secret "test").Data}}BODY{{end}}.
inline absl::StatusOr<std::string> RenderData(std::string_view body, std::string_view data,
                                              const Limits& limits = Limits()) {
  return Render(std::string("{{with (secret \"test\").Data}}") + std::string(body) + "{{end}}", {Envelope(data)},
                limits);
}

// One row of a rendering table: a body for RenderData and what it renders.
struct RenderCase {
  const char* body;
  const char* want;
};

// Renders each row's body against `data` and checks the output.
inline void ExpectRenders(std::string_view data, const std::vector<RenderCase>& cases) {
  for (const RenderCase& c : cases) {
    absl::StatusOr<std::string> got = RenderData(c.body, data);
    if (!got.ok()) {
      ADD_FAILURE() << c.body << "\n  error: " << got.status();
      continue;
    }
    EXPECT_EQ(*got, c.want) << c.body;
  }
}

}  // namespace vcp::tmpl::testing
