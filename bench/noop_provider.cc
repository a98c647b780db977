// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// noop_provider: the hop of mount_bench's baseline, a separate process so
// that its CPU can be read from /proc on its own.
//
// It serves v1alpha1.CSIDriverProvider on a Unix socket with gRPC's callback
// API (the handler runs on gRPC's own threads and finishes at once: no thread
// hand-off) and does no work a provider could skip: Mount receives the
// driver-shaped request and answers a prebuilt MountResponse of the same
// shape as the provider's (one file and one object version per object the
// request names), so the hop carries what a Mount carries.
//
//   noop_provider -socket=/tmp/x/noop.sock -value=<file contents>
//
// Prints "serving unix:<socket>" on stdout once it accepts calls; exits on
// SIGTERM or SIGINT.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "v1alpha1/service.grpc.pb.h"

namespace {

constexpr int kMaxObjects = 64;
// As long as the provider's versions (base64url of an HMAC-SHA256, padded).
constexpr char kVersion[] = "bm9vcC1wcm92aWRlci1vYmplY3QtdmVyc2lvbi0wMDA=";

class NoopProvider final : public v1alpha1::CSIDriverProvider::CallbackService {
 public:
  explicit NoopProvider(const std::string& value) {
    for (int n = 0; n <= kMaxObjects; ++n) {
      v1alpha1::MountResponse response;
      for (int i = 0; i < n; ++i) {
        v1alpha1::File* file = response.add_files();
        file->set_path("o" + std::to_string(i));
        file->set_mode(420);
        file->set_contents(value);
        v1alpha1::ObjectVersion* version = response.add_object_version();
        version->set_id("o" + std::to_string(i));
        version->set_version(kVersion);
      }
      canned_.push_back(std::move(response));
    }
  }

  grpc::ServerUnaryReactor* Version(grpc::CallbackServerContext* context, const v1alpha1::VersionRequest*,
                                    v1alpha1::VersionResponse* response) override {
    response->set_version("v1alpha1");
    response->set_runtime_name("noop_provider");
    response->set_runtime_version("0");
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* Mount(grpc::CallbackServerContext* context, const v1alpha1::MountRequest* request,
                                  v1alpha1::MountResponse* response) override {
    // How many objects the request names: one "objectName" per object in
    // the attributes' objects YAML (a scan, not a parse).
    const std::string_view attributes = request->attributes();
    int objects = 0;
    for (size_t at = attributes.find("objectName"); at != std::string_view::npos;
         at = attributes.find("objectName", at + 10)) {
      ++objects;
    }
    *response = canned_[static_cast<size_t>(std::min(objects, kMaxObjects))];
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  std::vector<v1alpha1::MountResponse> canned_;
};

std::string FlagValue(int argc, char** argv, const std::string& name) {
  const std::string prefix = "-" + name + "=";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) arg.erase(0, 1);
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string socket = FlagValue(argc, argv, "socket");
  if (socket.empty()) {
    std::fprintf(stderr, "usage: noop_provider -socket=PATH [-value=FILE_CONTENTS]\n");
    return 2;
  }
  // Block the stop signals in every thread (gRPC's start after this) and
  // take them with sigwait below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  unlink(socket.c_str());
  NoopProvider service(FlagValue(argc, argv, "value"));
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::fprintf(stderr, "noop_provider: cannot serve on unix:%s\n", socket.c_str());
    return 1;
  }
  std::printf("serving unix:%s\n", socket.c_str());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  server->Shutdown();
  unlink(socket.c_str());
  return 0;
}
