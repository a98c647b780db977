// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string_view>

#include "vcp/util/go_json.h"
#include "vcp/util/text.h"

namespace vcp {
namespace {

// The longest message logged whole; longer ones (untrusted text that a
// caller failed to shorten) are cut with "… (N bytes)".
constexpr size_t kMaxMessageBytes = 64 * 1024;

absl::string_view Payload(const spdlog::details::log_msg& msg) { return {msg.payload.data(), msg.payload.size()}; }

// %*: the message as the inside of a JSON string literal.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/, spdlog::memory_buf_t& dest) override {
    const std::string quoted = GoJsonQuote(Shorten(Payload(msg), kMaxMessageBytes));
    dest.append(quoted.data() + 1, quoted.data() + quoted.size() - 1);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

// %*: the message with control characters escaped, so that nothing in it (a
// Vault error text, a volume attribute) can end the line and start a forged one.
class TextMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/, spdlog::memory_buf_t& dest) override {
    const std::string escaped = EscapeControl(Shorten(Payload(msg), kMaxMessageBytes));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<TextMessageFlag>(); }
};

std::unique_ptr<spdlog::formatter> NewFormatter(const std::string& format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == "json") {
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
  } else {
    formatter->add_flag<TextMessageFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ [%l] %*");
  }
  return formatter;
}

}  // namespace

std::string FormatLogLine(const std::string& format, std::string_view message) {
  const spdlog::details::log_msg msg("vault-csi-provider", spdlog::level::info,
                                     spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t out;
  NewFormatter(format)->format(msg, out);
  return std::string(out.data(), out.size());
}

bool SetupLogging(const std::string& level, const std::string& format) {
  static const std::map<std::string, spdlog::level::level_enum> kLevels = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  spdlog::drop("vault-csi-provider");  // a second call replaces the logger
  auto logger = spdlog::stderr_logger_mt("vault-csi-provider");
  logger->set_formatter(NewFormatter(format));
  spdlog::set_default_logger(logger);
  auto it = kLevels.find(level);
  spdlog::set_level(it == kLevels.end() ? spdlog::level::info : it->second);
  spdlog::flush_on(spdlog::level::trace);
  return it != kLevels.end();
}

}  // namespace vcp
