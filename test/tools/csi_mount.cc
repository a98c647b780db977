// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// csi-mount: does what the Secrets Store CSI Driver does for one pod volume.
// Reads a SecretProviderClass manifest, mints the pod's service-account token
// (as kubelet would for the CSIDriver's tokenRequests), sends a Mount over
// the provider's Unix socket, and prints the files it got back.
//
//   csi-mount -endpoint=/run/vault.sock -spc=spc.yaml -jwt-key=sa-signer.pem
//             [-pod-name=app-7d9c -pod-namespace=default -service-account=app]
//             [-audience=vault]
#include <grpcpp/grpcpp.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/driver.h"
#include "v1alpha1/service.grpc.pb.h"
#include "support/jwt.h"
#include "vcp/config/flag_set.h"

int main(int argc, char** argv) {
  std::string endpoint = "/tmp/vault.sock", spc_file, jwt_key, audience = "vault";
  vcp::testing::Pod pod;
  vcp::config::FlagSet flags("csi-mount");
  flags.String("endpoint", &endpoint, "provider Unix socket");
  flags.String("spc", &spc_file, "SecretProviderClass manifest (YAML)");
  flags.String("jwt-key", &jwt_key, "PEM key that signs the pod's service-account token");
  flags.String("audience", &audience, "audience of the token the driver passes (tokenRequests)");
  flags.String("pod-name", &pod.name, "pod name");
  flags.String("pod-namespace", &pod.ns, "pod namespace");
  flags.String("pod-uid", &pod.uid, "pod UID");
  flags.String("service-account", &pod.service_account, "pod service account");
  auto rest = flags.Parse(std::vector<std::string>(argv + 1, argv + argc));
  if (!rest.ok() || spc_file.empty() || jwt_key.empty()) {
    std::fprintf(stderr, "%s\n%s", rest.ok() ? "-spc and -jwt-key are required" : std::string(rest.status().message()).c_str(),
                 flags.Usage().c_str());
    return 2;
  }
  vcp::testing::DriverMount mount;
  mount.pod = pod;
  try {
    const YAML::Node spc = YAML::LoadFile(spc_file);
    mount.secret_provider_class = spc["metadata"]["name"].as<std::string>();
    for (const auto& p : spc["spec"]["parameters"]) {
      mount.parameters[p.first.as<std::string>()] = p.second.as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "cannot read %s: %s\n", spc_file.c_str(), e.what());
    return 2;
  }
  std::ifstream in(jwt_key);
  std::stringstream key;
  key << in.rdbuf();
  auto jwt = vcp::testing::SignJwt(
      key.str(), vcp::testing::ServiceAccountClaims(pod.ns, pod.service_account, pod.name, pod.uid, audience));
  if (!jwt.ok()) {
    std::fprintf(stderr, "cannot sign token: %s\n", std::string(jwt.status().message()).c_str());
    return 2;
  }
  mount.tokens[audience] = *jwt;

  auto channel = grpc::CreateChannel("unix:" + endpoint, grpc::InsecureChannelCredentials());
  auto stub = v1alpha1::CSIDriverProvider::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  context.set_wait_for_ready(true);
  v1alpha1::MountResponse response;
  const grpc::Status status = stub->Mount(&context, vcp::testing::BuildMountRequest(mount), &response);
  if (!status.ok()) {
    std::fprintf(stderr, "Mount failed: code=%d: %s\n", static_cast<int>(status.error_code()),
                 status.error_message().c_str());
    return 1;
  }
  std::printf("Mounted %d file(s) for pod %s/%s from SecretProviderClass %s:\n", response.files_size(),
              pod.ns.c_str(), pod.name.c_str(), mount.secret_provider_class.c_str());
  for (int i = 0; i < response.files_size(); ++i) {
    const auto& file = response.files(i);
    std::printf("\n--- %s (mode %04o, version %s)\n%s%s", file.path().c_str(), static_cast<unsigned>(file.mode()),
                response.object_version(i).version().c_str(), file.contents().c_str(),
                file.contents().empty() || file.contents().back() != '\n' ? "\n" : "");
  }
  return 0;
}
