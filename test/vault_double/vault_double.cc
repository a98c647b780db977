// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vault_double/vault_double.h"

#include <netinet/in.h>
#include <openssl/rand.h>
#include <sys/socket.h>

#include <httplib.h>

#include <ctime>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "support/jwt.h"

namespace vcp::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Reply = VaultDouble::Reply;

constexpr int64_t kDefaultTtl = 2764800;  // 768h, Vault's system default

std::string RandomBase62(size_t n) {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string bytes(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n));
  std::string out;
  for (char b : bytes) out += kChars[static_cast<unsigned char>(b) % 62];
  return out;
}

std::string Uuid() {
  const std::string hex = RandomBase62(32);
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += kHex[static_cast<unsigned char>(hex[i]) % 16];
  }
  return out;
}

std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() % 1000000000;
  return absl::StrCat(buffer, ".", absl::Dec(nanos, absl::kZeroPad9), "Z");
}

Reply Json(int status, const nlohmann::ordered_json& body) {
  return Reply{status, body.dump() + "\n", {{"content-type", "application/json"}, {"cache-control", "no-store"}}};
}

// Vault's error envelope: one string, or none.
Reply Error(int status, const std::string& message) {
  nlohmann::ordered_json body;
  body["errors"] = message.empty() ? nlohmann::json::array() : nlohmann::json::array({message});
  return Json(status, body);
}

// Non-login handlers wrap their errors in go-multierror's format.
Reply MultiError(int status, const std::vector<std::string>& messages) {
  std::string text = messages.size() == 1 ? "1 error occurred:\n" : absl::StrCat(messages.size(), " errors occurred:\n");
  for (const auto& m : messages) absl::StrAppend(&text, "\t* ", m, "\n");
  text += "\n";
  return Error(status, text);
}

Reply PermissionDenied() { return MultiError(403, {"permission denied"}); }
Reply InvalidToken() { return MultiError(403, {"permission denied", "invalid token"}); }

bool GlobMatch(const std::string& pattern, const std::string& value) {
  if (pattern == "*") return true;
  if (!pattern.empty() && pattern.back() == '*') return absl::StartsWith(value, pattern.substr(0, pattern.size() - 1));
  return pattern == value;
}

bool AnyGlob(const nlohmann::json& patterns, const std::string& value) {
  if (!patterns.is_array()) return false;
  for (const auto& p : patterns) {
    if (p.is_string() && GlobMatch(p.get<std::string>(), value)) return true;
  }
  return false;
}

int64_t ParseTtl(const nlohmann::json& value, int64_t fallback) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (!value.is_string()) return fallback;
  std::string s = value.get<std::string>();
  int64_t unit = 1;
  if (!s.empty() && std::string("smhd").find(s.back()) != std::string::npos) {
    unit = s.back() == 's' ? 1 : s.back() == 'm' ? 60 : s.back() == 'h' ? 3600 : 86400;
    s.pop_back();
  }
  int64_t n = 0;
  return absl::SimpleAtoi(s, &n) ? n * unit : fallback;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// cpp-httplib listens with a backlog of 5, so bursts of new connections (many
// clients at once) see SYNs dropped and 1 s retransmits: the double, not the
// system under test, would set the latency tail. Linux lets listen() on a
// listening socket raise its backlog; find ours by its port.
void WidenListenBacklog(int port) {
  for (int fd = 3; fd < 4096; ++fd) {
    int accepting = 0;
    socklen_t len = sizeof(accepting);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0 || accepting == 0) continue;
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0 || addr.ss_family != AF_INET) continue;
    if (ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port) == port) listen(fd, 4096);
  }
}

// Percent-encodes a query key or value.
std::string QueryEscape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

}  // namespace

nlohmann::ordered_json Envelope(const nlohmann::json& data) {
  nlohmann::ordered_json e;
  e["request_id"] = Uuid();
  e["lease_id"] = "";
  e["renewable"] = false;
  e["lease_duration"] = 0;
  e["data"] = data;
  e["wrap_info"] = nullptr;
  e["warnings"] = nullptr;
  e["auth"] = nullptr;
  e["mount_type"] = "";
  return e;
}

VaultDouble::VaultDouble(VaultDoubleOptions options)
    : options_(std::move(options)), pki_ca_(MakeCa("Vault Double Root CA")) {
  LoadSeed(options_.seed.is_null() ? DemoSeed() : options_.seed);
  Token root;
  root.root = true;
  root.ttl = 0;
  root.policies = {"root"};
  tokens_[options_.root_token] = root;
}

Reply VaultDouble::Control(const std::string& method, const std::string& path,
                           const std::multimap<std::string, std::string>& query, const std::string& body) {
  if (method == "GET" && path == "/_test/counters") return Json(200, nlohmann::ordered_json(Counters()));
  if (method != "POST" && method != "DELETE") return Error(405, "");
  if (path == "/_test/reset-counters") {
    ResetCounters();
  } else if (path == "/_test/seal") {
    SetSealed(true);
  } else if (path == "/_test/unseal") {
    SetSealed(false);
  } else if (path == "/_test/expire-tokens") {
    ExpireAllTokens();
  } else if (path == "/_test/latency") {
    int ms = 0;
    auto it = query.find("ms");
    if (it == query.end() || !absl::SimpleAtoi(it->second, &ms)) return Error(400, "want ?ms=N");
    SetLatency(std::chrono::milliseconds(ms));
  } else if (path == "/_test/faults" && method == "DELETE") {
    ClearFaults();
  } else if (path == "/_test/faults") {
    nlohmann::json f = nlohmann::json::parse(body, nullptr, false);
    if (!f.is_object()) return Error(400, "want a JSON fault");
    Fault fault;
    fault.method = f.value("method", "");
    fault.path_prefix = f.value("path_prefix", "");
    fault.status = f.value("status", 0);
    if (f.contains("body")) fault.body = f["body"].get<std::string>();
    if (f.contains("retry_after")) fault.retry_after = f["retry_after"].get<std::string>();
    fault.latency = std::chrono::milliseconds(f.value("latency_ms", 0));
    fault.times = f.value("times", -1);
    AddFault(fault);
  } else {
    return Error(404, "");
  }
  return Reply{204, "", {}};
}

VaultDouble::~VaultDouble() { Stop(); }

void VaultDouble::LoadSeed(const nlohmann::json& seed) {
  for (auto& [ns, w] : seed.at("namespaces").items()) {
    World& world = worlds_[ns];
    world.auth = w.value("auth", nlohmann::json::object());
    world.policies = w.value("policies", nlohmann::json::object());
    world.mounts = w.value("mounts", nlohmann::json::object());
    const nlohmann::json kv = w.value("kv", nlohmann::json::object());
    for (auto& [path, data] : kv.items()) {
      const std::string mount = path.substr(0, path.find('/'));
      const std::string type = world.mounts.value(mount, nlohmann::json::object()).value("type", "");
      if (type == "kv-v2") {
        world.kv2[path].push_back(KvVersion{data, NowRfc3339(), false});
      } else {
        world.kv1[path] = data;
      }
    }
  }
}

absl::Status VaultDouble::Start() {
  if (!options_.tls_cert_file.empty()) {
    server_ = std::make_unique<httplib::SSLServer>(
        options_.tls_cert_file.c_str(), options_.tls_key_file.c_str(),
        options_.client_ca_file.empty() ? nullptr : options_.client_ca_file.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!server_->is_valid()) return absl::InternalError("test Vault: bad TLS material");
  if (!options_.tls_cert_file.empty()) {
    // Resumed TLS sessions, as Vault's Go server accepts them: OpenSSL refuses
    // to resume a session on a server that verifies client certificates
    // unless the session has an ID context ("internal error" alerts).
    static const unsigned char kContext[] = "vcp-test-vault";
    SSL_CTX_set_session_id_context(static_cast<httplib::SSLServer&>(*server_).ssl_context(), kContext,
                                   sizeof(kContext) - 1);
  }
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server_->set_keep_alive_max_count(100000);
  server_->set_tcp_nodelay(true);  // as Go servers do; avoids 40 ms Nagle/delayed-ACK stalls
  server_->set_keep_alive_timeout(options_.keep_alive_seconds);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    std::map<std::string, std::string> headers;
    for (const auto& [k, v] : req.headers) headers[absl::AsciiStrToLower(k)] = v;
    std::multimap<std::string, std::string> query(req.params.begin(), req.params.end());
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (connections_seen_.insert(absl::StrCat(req.remote_addr, ":", req.remote_port)).second) Bump("connections");
    }
    Reply reply = Handle(req.method, req.path, query, headers, req.body);
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) {
      if (k != "content-type") res.set_header(k.c_str(), v);
    }
    auto ct = reply.headers.find("content-type");
    res.set_content(reply.body, ct == reply.headers.end() ? "text/plain" : ct->second.c_str());
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Delete(".*", handler);
  server_->Patch(".*", handler);
  port_ = options_.port == 0 ? server_->bind_to_any_port(options_.host)
                             : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port_ < 0) return absl::UnavailableError("test Vault: cannot bind");
  WidenListenBacklog(port_);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return absl::OkStatus();
}

void VaultDouble::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string VaultDouble::address() const {
  return absl::StrCat(options_.tls_cert_file.empty() ? "http" : "https", "://", options_.host, ":", port_);
}

void VaultDouble::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}
void VaultDouble::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}
void VaultDouble::SetSealed(bool sealed) {
  std::lock_guard<std::mutex> lock(mu_);
  sealed_ = sealed;
}
void VaultDouble::SetStandby(bool standby, std::string active_address) {
  std::lock_guard<std::mutex> lock(mu_);
  standby_ = standby;
  active_address_ = std::move(active_address);
}
void VaultDouble::SetLatency(std::chrono::milliseconds latency) {
  std::lock_guard<std::mutex> lock(mu_);
  latency_ = latency;
}
void VaultDouble::ExpireAllTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, token] : tokens_) {
    if (token.root) continue;
    token.expires = Clock::now() - std::chrono::seconds(1);
    RevokeLeasesOf(token.accessor);  // Vault's expiration manager revokes an expired token's leases
  }
}
std::vector<std::string> VaultDouble::IssuedTokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> issued;
  for (const auto& [id, token] : tokens_) {
    if (!token.root) issued.push_back(id);
  }
  return issued;
}
int64_t VaultDouble::LiveTokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t live = 0;
  for (const auto& [id, token] : tokens_) live += !token.root && token.expires > Clock::now() ? 1 : 0;
  return live;
}
int64_t VaultDouble::Count(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second;
}
std::map<std::string, int64_t> VaultDouble::Counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}
void VaultDouble::ResetCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  counters_.clear();
}
void VaultDouble::Bump(const std::string& key) { ++counters_[key]; }

Reply VaultDouble::Handle(const std::string& method, const std::string& path,
                          const std::multimap<std::string, std::string>& query,
                          const std::map<std::string, std::string>& headers, const std::string& body) {
  if (absl::StartsWith(path, "/_test/")) return Control(method, path, query, body);
  std::chrono::milliseconds delay{0};
  std::optional<Reply> injected;
  struct InFlight {
    VaultDouble* self;
    ~InFlight() {
      std::lock_guard<std::mutex> lock(self->mu_);
      --self->inflight_;
    }
  } inflight{this};
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++inflight_;
    counters_["max_inflight"] = std::max(counters_["max_inflight"], inflight_);
    Bump("total");
    Bump(absl::StrCat(method, " ", path));
    delay = latency_;
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
      if ((!it->method.empty() && it->method != method) || !absl::StartsWith(path, it->path_prefix)) continue;
      delay += it->latency;
      if (it->status != 0) {
        Reply r{it->status, it->body.value_or(it->status >= 400 ? "{\"errors\":[]}\n" : ""),
                {{"content-type", "application/json"}}};
        if (it->retry_after.has_value()) r.headers["retry-after"] = *it->retry_after;
        injected = r;
      }
      if (it->times > 0 && --it->times == 0) faults_.erase(it);
      break;
    }
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  if (injected.has_value()) return *injected;
  std::lock_guard<std::mutex> lock(mu_);
  return Route(method, path, query, headers, body);
}

Reply VaultDouble::Route(const std::string& method, const std::string& full_path,
                         const std::multimap<std::string, std::string>& query,
                         const std::map<std::string, std::string>& headers, const std::string& body) {
  absl::string_view path_view = full_path;
  if (!absl::ConsumePrefix(&path_view, "/v1/")) return Error(404, "");
  const std::string path(path_view);
  if (path == "sys/health") {
    nlohmann::ordered_json health = {{"initialized", true}, {"sealed", sealed_}, {"standby", standby_},
                                     {"performance_standby", false}, {"server_time_utc", UnixNow()},
                                     {"version", "1.17.0"}, {"cluster_name", "vault-double"}};
    return Json(sealed_ ? 503 : standby_ ? 429 : 200, health);
  }
  if (sealed_) return Error(503, "Vault is sealed");
  if (standby_) {
    if (active_address_.empty()) return Error(503, "no active Vault instance found");
    std::string location = absl::StrCat(active_address_, full_path);
    char separator = '?';
    for (const auto& [key, value] : query) {
      absl::StrAppend(&location, std::string(1, separator), QueryEscape(key), "=", QueryEscape(value));
      separator = '&';
    }
    Bump("redirect");
    return Reply{307, "", {{"location", location}}};
  }

  auto ns_header = headers.find("x-vault-namespace");
  std::string ns = ns_header == headers.end() ? "" : std::string(absl::StripSuffix(ns_header->second, "/"));
  if (ns == "root") ns = "";
  auto world = worlds_.find(ns);

  if (absl::StartsWith(path, "auth/") && absl::EndsWith(path, "/login") && path != "auth/token/login") {
    const std::string mount = path.substr(5, path.size() - 5 - 6);
    if (method != "POST" && method != "PUT") return Error(405, "unsupported operation");
    if (world == worlds_.end() || !world->second.auth.contains(mount)) return PermissionDenied();
    Bump("login");
    Bump(absl::StrCat("login:", mount));
    return Login(world->second, ns, mount, body);
  }

  std::string token_id;
  if (auto t = headers.find("x-vault-token"); t != headers.end()) {
    token_id = t->second;
  } else if (auto a = headers.find("authorization"); a != headers.end() && absl::StartsWith(a->second, "Bearer ")) {
    token_id = a->second.substr(7);
  }
  if (absl::StartsWith(path, "auth/token/")) return TokenSelf(path.substr(11), token_id, ns);
  if (token_id.empty()) return PermissionDenied();
  auto token = tokens_.find(token_id);
  if (token == tokens_.end() || (!token->second.root && token->second.expires <= Clock::now())) {
    return InvalidToken();
  }
  // A token reaches its own namespace and, as in Vault, its children: the
  // request's final path is the namespace header plus the path (vault-api.md
  // §3.1), checked against the token's policies from its own namespace.
  const Token& caller = token->second;
  const bool from_parent = !caller.root && caller.ns != ns &&
                           (caller.ns.empty() ? !ns.empty() : absl::StartsWith(ns, caller.ns + "/"));
  if (world == worlds_.end() || (!caller.root && caller.ns != ns && !from_parent)) return PermissionDenied();
  if (absl::StartsWith(path, "sys/internal/ui/mounts/") && method == "GET") {
    return UiMount(world->second, caller, path.substr(23));
  }
  if (from_parent) {
    const std::string relative = absl::StrCat(caller.ns.empty() ? ns : ns.substr(caller.ns.size() + 1), "/", path);
    auto home = worlds_.find(caller.ns);
    if (home == worlds_.end() || !Allowed(home->second, caller, relative)) return PermissionDenied();
  } else if (!Allowed(world->second, caller, path)) {
    return PermissionDenied();
  }
  return Logical(world->second, caller, method, path, query, body);
}

Reply VaultDouble::UiMount(const World& world, const Token& token, const std::string& path) {
  // The CLI's preflight (vault-api.md §4.2): the mount that holds `path`,
  // to a token that may use something under it.
  std::string mount;
  for (const auto& [name, config] : world.mounts.items()) {
    if ((path == name || absl::StartsWith(path, name + "/")) && name.size() > mount.size()) mount = name;
  }
  const std::string type = mount.empty() ? "" : world.mounts[mount].value("type", "");
  const std::string rest = path.size() > mount.size() ? path.substr(mount.size() + 1) : "";
  const bool allowed = Allowed(world, token, path) ||
                       (type == "kv-v2" && (Allowed(world, token, absl::StrCat(mount, "/data/", rest)) ||
                                            Allowed(world, token, absl::StrCat(mount, "/metadata/", rest))));
  if (mount.empty() || !allowed) {
    return MultiError(403, {absl::StrCat("preflight capability check returned 403, please ensure client's "
                                         "policies grant access to path \"", path, "/\"")});
  }
  const bool kv = type == "kv-v1" || type == "kv-v2";
  nlohmann::json options = nlohmann::json::object();
  if (kv) options["version"] = type == "kv-v2" ? "2" : "1";
  return Json(200, Envelope({{"path", mount + "/"},
                             {"type", kv ? "kv" : type},
                             {"description", ""},
                             {"options", options},
                             {"local", false},
                             {"seal_wrap", false}}));
}

bool VaultDouble::Allowed(const World& world, const Token& token, const std::string& path) const {
  if (token.root) return true;
  for (const auto& policy : token.policies) {
    if (AnyGlob(world.policies.value(policy, nlohmann::json::array()), path)) return true;
  }
  return false;
}

Reply VaultDouble::Login(World& world, const std::string& ns, const std::string& mount,
                         const std::string& body) {
  const nlohmann::json& auth = world.auth[mount];
  const bool is_jwt = auth.value("type", "kubernetes") == "jwt";
  nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
  if (request.is_discarded()) return Error(400, "failed to parse JSON input: invalid character");
  const std::string role_name = absl::AsciiStrToLower(request.value("role", ""));
  const std::string jwt = request.value("jwt", "");
  if (role_name.empty()) return Error(400, "missing role");
  if (jwt.empty()) return Error(400, "missing jwt");
  const nlohmann::json roles = auth.value("roles", nlohmann::json::object());
  if (!roles.contains(role_name)) {
    return Error(400, is_jwt ? absl::StrCat("role \"", role_name, "\" could not be found")
                             : absl::StrCat("invalid role name \"", role_name, "\""));
  }
  const nlohmann::json& role = roles[role_name];
  auto claims = VerifyJwt(options_.jwt_key_pem, jwt);
  if (!claims.ok()) return Error(is_jwt ? 400 : 403, is_jwt ? "error validating token: invalid signature" : "permission denied");
  const int64_t now = UnixNow();
  if (claims->contains("exp") && (*claims)["exp"].get<int64_t>() + 60 < now) {
    return Error(is_jwt ? 400 : 403, "invalid expiration time (exp) claim: token is expired");
  }
  std::set<std::string> aud;
  if (claims->contains("aud")) {
    const auto& a = (*claims)["aud"];
    if (a.is_string()) aud.insert(a.get<std::string>());
    if (a.is_array()) for (const auto& x : a) aud.insert(x.get<std::string>());
  }
  const nlohmann::json k8s = claims->value("kubernetes.io", nlohmann::json::object());
  const std::string sa_name = k8s.value("serviceaccount", nlohmann::json::object()).value("name", "");
  const std::string sa_ns = k8s.value("namespace", "");
  const std::string sa_uid = k8s.value("serviceaccount", nlohmann::json::object()).value("uid", "");
  nlohmann::json metadata;
  if (is_jwt) {
    const nlohmann::json bound = role.value("bound_audiences", nlohmann::json::array());
    bool match = bound.empty();
    for (const auto& b : bound) match = match || aud.count(b.get<std::string>()) > 0;
    if (!match) {
      return Error(400, "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience");
    }
    const std::string sub = claims->value("sub", "");
    if (role.contains("bound_subject") && role["bound_subject"] != sub) {
      return Error(400, "sub claim does not match bound subject");
    }
    metadata = {{"role", role_name}};
  } else {
    if (role.contains("audience") && aud.count(role["audience"].get<std::string>()) == 0) {
      return Error(403, "invalid audience (aud) claim: audience claim does not match any expected audience");
    }
    if (!AnyGlob(role.value("bound_service_account_names", nlohmann::json::array()), sa_name)) {
      return Error(403, "service account name not authorized");
    }
    if (!AnyGlob(role.value("bound_service_account_namespaces", nlohmann::json::array()), sa_ns)) {
      return Error(403, "namespace not authorized");
    }
    metadata = {{"role", role_name}, {"service_account_name", sa_name},
                {"service_account_namespace", sa_ns}, {"service_account_secret_name", ""},
                {"service_account_uid", sa_uid}};
  }
  Token token;
  token.ns = ns;
  for (const auto& p : role.value("token_policies", nlohmann::json::array())) token.policies.insert(p.get<std::string>());
  token.policies.insert("default");
  token.ttl = ParseTtl(role.value("token_ttl", nlohmann::json()), kDefaultTtl);
  token.expires = Clock::now() + std::chrono::seconds(token.ttl);
  token.accessor = RandomBase62(24);
  token.metadata = metadata;
  const std::string id = absl::StrCat("hvs.", RandomBase62(24), ns.empty() ? "" : ".ns1");
  tokens_[id] = token;

  nlohmann::ordered_json auth_block;
  auth_block["client_token"] = id;
  auth_block["accessor"] = token.accessor;
  auth_block["policies"] = nlohmann::json(std::vector<std::string>(token.policies.begin(), token.policies.end()));
  auth_block["token_policies"] = auth_block["policies"];
  auth_block["metadata"] = metadata;
  auth_block["lease_duration"] = token.ttl;
  auth_block["renewable"] = true;
  auth_block["entity_id"] = Uuid();
  auth_block["token_type"] = "service";
  auth_block["orphan"] = true;
  auth_block["mfa_requirement"] = nullptr;
  auth_block["num_uses"] = 0;
  nlohmann::ordered_json envelope = Envelope(nullptr);
  envelope["auth"] = auth_block;
  return Json(200, envelope);
}

Reply VaultDouble::TokenSelf(const std::string& op, const std::string& token_id, const std::string& ns) {
  auto token = tokens_.find(token_id);
  if (token_id.empty()) return PermissionDenied();
  if (token == tokens_.end() || (!token->second.root && token->second.expires <= Clock::now()) ||
      token->second.ns != ns) {
    return InvalidToken();
  }
  Token& t = token->second;
  if (op == "lookup-self") {
    const int64_t ttl = std::chrono::duration_cast<std::chrono::seconds>(t.expires - Clock::now()).count();
    return Json(200, Envelope({{"accessor", t.accessor}, {"id", token_id}, {"policies", t.policies},
                               {"renewable", t.renewable}, {"ttl", t.root ? 0 : ttl}, {"type", "service"},
                               {"meta", t.metadata}, {"path", "auth/kubernetes/login"}}));
  }
  if (op == "renew-self") {
    t.expires = Clock::now() + std::chrono::seconds(t.ttl);
    nlohmann::ordered_json envelope = Envelope(nullptr);
    envelope["auth"] = {{"client_token", token_id}, {"accessor", t.accessor}, {"policies", t.policies},
                        {"lease_duration", t.ttl}, {"renewable", true}, {"token_type", "service"}};
    return Json(200, envelope);
  }
  if (op == "revoke-self") {
    RevokeLeasesOf(t.accessor);
    tokens_.erase(token);
    return Reply{204, "", {}};
  }
  return Error(405, "unsupported operation");
}

Reply VaultDouble::Logical(World& world, const Token& token, const std::string& method,
                           const std::string& path, const std::multimap<std::string, std::string>& query,
                           const std::string& body) {
  // Longest mount prefix wins.
  std::string mount;
  for (auto& [name, config] : world.mounts.items()) {
    if ((path == name || absl::StartsWith(path, name + "/")) && name.size() > mount.size()) mount = name;
  }
  if (mount.empty()) {
    return MultiError(404, {absl::StrCat("no handler for route \"", path, "\". route entry not found.")});
  }
  const nlohmann::json& config = world.mounts[mount];
  const std::string rest = path.size() > mount.size() ? path.substr(mount.size() + 1) : "";
  const std::string type = config.value("type", "");
  if (type == "kv-v2") return KvV2(world, mount, method, rest, query, body);
  if (type == "kv-v1") return KvV1(world, mount, method, rest, body);
  Reply reply = MultiError(404, {"unsupported path"});
  if (type == "pki") reply = Pki(config, mount, method, rest, body);
  if (type == "database") reply = Database(config, mount, method, rest);
  if (reply.status == 200) {
    // A lease belongs to the token that created it and is revoked with it.
    const nlohmann::json envelope = nlohmann::json::parse(reply.body, nullptr, false);
    if (envelope.is_object() && envelope.value("lease_id", "") != "") {
      leases_[envelope["lease_id"].get<std::string>()] = token.accessor;
    }
  }
  return reply;
}

void VaultDouble::RevokeLeasesOf(const std::string& accessor) {
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (it->second == accessor) {
      Bump("lease:revoked");
      it = leases_.erase(it);
    } else {
      ++it;
    }
  }
}

int64_t VaultDouble::ActiveLeases() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(leases_.size());
}

Reply VaultDouble::KvV2(World& world, const std::string& mount, const std::string& method,
                        const std::string& rest, const std::multimap<std::string, std::string>& query,
                        const std::string& body) {
  absl::string_view sub = rest;
  if (!absl::ConsumePrefix(&sub, "data/")) {
    nlohmann::ordered_json envelope = Envelope(nullptr);
    envelope.erase("mount_type");
    envelope["warnings"] = {absl::StrCat(
        "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API "
        "endpoints to use. If using the Vault CLI, use 'vault kv ",
        method == "GET" ? "get" : "put", "' for this operation.")};
    return Json(404, envelope);
  }
  const std::string key = absl::StrCat(mount, "/", std::string(sub));
  auto& versions = world.kv2[key];
  if (method == "POST" || method == "PUT") {
    nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.contains("data")) return Error(400, "no data provided");
    versions.push_back(KvVersion{request["data"], NowRfc3339(), false});
    return Json(200, Envelope({{"created_time", versions.back().created_time}, {"custom_metadata", nullptr},
                               {"deletion_time", ""}, {"destroyed", false}, {"version", versions.size()}}));
  }
  if (method == "DELETE") {
    if (!versions.empty()) versions.back().deleted = true;
    return Reply{204, "", {}};
  }
  if (method != "GET") return MultiError(405, {"unsupported operation"});
  size_t version = versions.size();
  if (auto v = query.find("version"); v != query.end()) {
    size_t requested = 0;
    if (!absl::SimpleAtoi(v->second, &requested)) return MultiError(400, {"invalid version"});
    if (requested != 0) version = requested;
  }
  if (versions.empty() || version == 0 || version > versions.size()) {
    if (versions.empty()) world.kv2.erase(key);
    return Error(404, "");
  }
  const KvVersion& kv = versions[version - 1];
  nlohmann::json metadata = {{"created_time", kv.created_time}, {"custom_metadata", nullptr},
                             {"deletion_time", kv.deleted ? NowRfc3339() : ""}, {"destroyed", false},
                             {"version", version}};
  nlohmann::ordered_json envelope = Envelope({{"data", kv.deleted ? nlohmann::json() : kv.data}, {"metadata", metadata}});
  envelope["mount_type"] = "kv";
  return Json(kv.deleted ? 404 : 200, envelope);
}

Reply VaultDouble::KvV1(World& world, const std::string& mount, const std::string& method,
                        const std::string& rest, const std::string& body) {
  const std::string key = absl::StrCat(mount, "/", rest);
  if (method == "POST" || method == "PUT") {
    nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.is_object()) return Error(400, "failed to parse JSON input");
    world.kv1[key] = request;
    return Reply{204, "", {}};
  }
  if (method == "DELETE") {
    world.kv1.erase(key);
    return Reply{204, "", {}};
  }
  if (method != "GET") return MultiError(405, {"unsupported operation"});
  auto it = world.kv1.find(key);
  if (it == world.kv1.end()) return Error(404, "");
  nlohmann::ordered_json envelope = Envelope(it->second);
  envelope["lease_duration"] = ParseTtl(it->second.value("ttl", nlohmann::json()), kDefaultTtl);
  envelope["mount_type"] = "kv";
  return Json(200, envelope);
}

Reply VaultDouble::Pki(const nlohmann::json& config, const std::string& mount, const std::string& method,
                       const std::string& rest, const std::string& body) {
  absl::string_view role_name = rest;
  if (!absl::ConsumePrefix(&role_name, "issue/")) return MultiError(404, {"unsupported path"});
  if (method != "POST" && method != "PUT") return MultiError(405, {"unsupported operation"});
  const nlohmann::json roles = config.value("roles", nlohmann::json::object());
  if (!roles.contains(std::string(role_name))) return MultiError(400, {absl::StrCat("unknown role: ", std::string(role_name))});
  const nlohmann::json& role = roles[std::string(role_name)];
  nlohmann::json request = nlohmann::json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (request.is_discarded()) return MultiError(400, {"failed to parse JSON input"});
  const std::string cn = request.value("common_name", "");
  if (cn.empty()) return MultiError(400, {"the common_name field is required, or must be provided in a CSR with \"use_csr_common_name\" set to true, unless \"require_cn\" is set to false"});
  bool allowed = false;
  for (const auto& d : role.value("allowed_domains", nlohmann::json::array())) {
    const std::string domain = d.get<std::string>();
    allowed = allowed || cn == domain || (role.value("allow_subdomains", false) && absl::EndsWith(cn, "." + domain));
  }
  if (!allowed) return MultiError(400, {absl::StrCat("common name ", cn, " not allowed by this role")});
  const int64_t max_ttl = ParseTtl(role.value("max_ttl", nlohmann::json()), 86400 * 30);
  int64_t ttl = ParseTtl(request.value("ttl", nlohmann::json()), ParseTtl(role.value("ttl", nlohmann::json()), max_ttl));
  std::vector<std::string> warnings;
  if (ttl > max_ttl) {
    warnings.push_back(absl::StrCat("TTL \"", ttl, "s\" is longer than permitted maxTTL \"", max_ttl, "s\", so maxTTL is being used"));
    ttl = max_ttl;
  }
  Bump("pki:issue");
  CertAndKey leaf = IssueLeaf(pki_ca_, cn, {cn}, {}, ttl, false);
  nlohmann::ordered_json data;
  data["ca_chain"] = {pki_ca_.cert_pem};
  data["certificate"] = leaf.cert_pem;
  data["expiration"] = leaf.not_after;
  data["issuing_ca"] = pki_ca_.cert_pem;
  data["private_key"] = leaf.key_pem;
  data["private_key_type"] = "ec";
  data["serial_number"] = leaf.serial_hex;
  nlohmann::ordered_json envelope = Envelope(data);
  if (role.value("generate_lease", false)) {
    envelope["lease_id"] = absl::StrCat(mount, "/issue/", std::string(role_name), "/", RandomBase62(24));
    envelope["lease_duration"] = ttl;
    envelope["renewable"] = false;
  }
  if (!warnings.empty()) envelope["warnings"] = warnings;
  envelope["mount_type"] = "pki";
  return Json(200, envelope);
}

Reply VaultDouble::Database(const nlohmann::json& config, const std::string& mount,
                            const std::string& method, const std::string& rest) {
  absl::string_view role_name = rest;
  if (!absl::ConsumePrefix(&role_name, "creds/")) return MultiError(404, {"unsupported path"});
  if (method != "GET") return MultiError(405, {"unsupported operation"});
  const nlohmann::json roles = config.value("roles", nlohmann::json::object());
  const std::string role(role_name);
  if (!roles.contains(role)) return MultiError(400, {absl::StrCat("unknown role: ", role)});
  Bump("lease:new");
  nlohmann::ordered_json envelope = Envelope({{"username", absl::StrCat("v-kubernetes-", role, "-", RandomBase62(8), "-", UnixNow())},
                                              {"password", absl::StrCat("A1a-", RandomBase62(20))}});
  envelope["lease_id"] = absl::StrCat(mount, "/creds/", role, "/", RandomBase62(24));
  envelope["renewable"] = true;
  envelope["lease_duration"] = ParseTtl(roles[role].value("default_ttl", nlohmann::json()), 3600);
  envelope["mount_type"] = "database";
  return Json(200, envelope);
}

nlohmann::json DemoSeed() {
  // Service account default/app, audience "vault", policy "app".
  const nlohmann::json app_role = {{"bound_service_account_names", {"app"}},
                                   {"bound_service_account_namespaces", {"default"}},
                                   {"audience", "vault"},
                                   {"token_policies", {"app"}},
                                   {"token_ttl", 3600}};
  const nlohmann::json world = {
      {"auth",
       {{"kubernetes",
         {{"type", "kubernetes"},
          {"roles",
           {{"app", app_role},
            {"any", {{"bound_service_account_names", {"*"}}, {"bound_service_account_namespaces", {"*"}}, {"token_policies", {"app"}}}},
            {"custom-audience",
             {{"bound_service_account_names", {"app"}},
              {"bound_service_account_namespaces", {"default"}},
              {"audience", "https://vault.example.com/custom"},
              {"token_policies", {"app"}}}},
            {"short-ttl", {{"bound_service_account_names", {"app"}}, {"bound_service_account_namespaces", {"default"}},
                           {"token_policies", {"app"}}, {"token_ttl", 3}}},
            {"broad", {{"bound_service_account_names", {"*"}}, {"bound_service_account_namespaces", {"*"}}, {"token_policies", {"broad"}}}},
            {"no-policy", {{"bound_service_account_names", {"*"}}, {"bound_service_account_namespaces", {"*"}}}}}}}},
        {"cluster-a", {{"type", "kubernetes"}, {"roles", {{"app", app_role}}}}},
        {"jwt",
         {{"type", "jwt"},
          {"roles", {{"app", {{"bound_audiences", {"https://vault.example.com"}}, {"user_claim", "sub"}, {"token_policies", {"app"}}}}}}}}}},
      // "team-a/secret/data/*": a root token of the role may read team-a's KV v2 (an object's own vaultNamespace).
      {"policies", {{"app", {"secret/data/*", "kv/*", "pki/issue/*", "database/creds/*", "team-a/secret/data/*"}},
                    {"broad", {"secret/*"}}}},
      {"mounts",
       {{"secret", {{"type", "kv-v2"}}},
        {"kv", {{"type", "kv-v1"}}},
        {"pki", {{"type", "pki"}, {"roles", {{"example-dot-com", {{"allowed_domains", {"example.com"}}, {"allow_subdomains", true}, {"max_ttl", "72h"}}}}}}},
        {"database", {{"type", "database"}, {"roles", {{"app", {{"default_ttl", 3600}}}}}}}}},
      {"kv",
       {{"secret/app", {{"username", "app-user"}, {"password", "s3cr3t-p@ss"}, {"port", 5432}, {"enabled", true},
                        {"config", {{"b", "<two>"}, {"a", 1}}}, {"tls.key.b64", "aGVsbG8gd29ybGQK"}, {"hex", "68656c6c6f"}}},
        {"kv/app", {{"api-key", "kv1-api-key-value"}}},
        // The paths docs/examples use.
        {"secret/db-pass", {{"password", "db-secret-password"}}},
        {"kv/api", {{"key", "example-api-key"}}},
        {"kv/tls", {{"key", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg=="}}}}}};
  nlohmann::json team = world;
  team["kv"] = {{"secret/app", {{"username", "team-a-user"}, {"password", "team-a-pass"}}},
                {"secret/db-pass", {{"password", "team-a-db-password"}}}};
  return {{"namespaces", {{"", world}, {"team-a", team}}}};
}

}  // namespace vcp::testing
