# The provider's container image. Build: docker build -t <registry>/vault-csi-provider:<tag> .
#
# Build stage: Debian bookworm with the -dev packages, a release build.
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake ninja-build g++ pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev libssl-dev libcpp-httplib-dev \
      prometheus-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY proto proto
COPY include include
COPY src src
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVCP_BUILD_TESTS=OFF \
 && cmake --build /build --target vault-csi-provider \
 && strip /build/src/vault-csi-provider

# Runtime stage: only the shared libraries the binary links (their Debian packages;
# test/image/check_runtime_libraries.sh keeps this list complete), and CA certificates.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
      libcurl4 libspdlog1.10 libfmt9 libgrpc++1.51 libprotobuf32 libgrpc29 libabsl20220623 \
      libssl3 libyaml-cpp0.7 libcpp-httplib0.11 libprometheus-cpp-core1.0 libstdc++6 libgcc-s1 libc6 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/src/vault-csi-provider /bin/vault-csi-provider
# Root, with no capabilities (the chart drops them all): the provider must create its
# socket in the host directory shared with the CSI driver, which is root-owned on
# standard nodes. Where that directory is writable by another user, run as that user.
USER 0:0
ENTRYPOINT ["/bin/vault-csi-provider"]
CMD ["-endpoint=/provider/vault.sock"]
