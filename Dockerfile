# syntax=docker/dockerfile:1
# The provider's container image. Build:
#   docker build -t <registry>/vault-csi-provider:<tag> \
#     --build-arg VCP_GIT_COMMIT=$(git rev-parse HEAD) \
#     --build-arg VCP_BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) .
# (BuildKit, the default builder of Docker 23 and later, or buildah/podman build.)
# CI builds it with buildah and mounts a secret through the provider running inside
# it: test/image/build_image.sh and test/image/image_e2e.sh.
#
# Build stage: Debian bookworm with the -dev packages, a release build.
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake ninja-build g++ ccache pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev libssl-dev libcpp-httplib-dev \
      prometheus-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY proto proto
COPY include include
COPY src src
# What -version reports; the build context has no .git, so the builder passes them
# (empty: -version says so). A fixed VCP_BUILD_DATE (e.g. the commit's date) keeps
# the build reproducible and this step cached.
ARG VCP_GIT_COMMIT=""
ARG VCP_GIT_TREE_STATE=""
ARG VCP_BUILD_DATE=""
# The compiler cache (CMakeLists.txt uses ccache when it finds it) persists across
# builds in a build-cache mount; a rebuild after a source change recompiles only
# what changed. The build is the release preset's (the flags the tests ran with),
# and paths are hashed relative to the source tree, so a builder may also lend its
# own cache: CI passes its host cache as CCACHE_DIR (test/image/build_image.sh).
ARG CCACHE_DIR=/root/.cache/ccache
RUN --mount=type=cache,target=/root/.cache/ccache \
    export CCACHE_DIR="${CCACHE_DIR}" CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1 \
 && cmake --preset release -DVCP_BUILD_TESTS=OFF \
      "-DVCP_GIT_COMMIT=${VCP_GIT_COMMIT}" "-DVCP_GIT_TREE_STATE=${VCP_GIT_TREE_STATE}" \
      "-DVCP_BUILD_DATE=${VCP_BUILD_DATE}" \
 && cmake --build --preset release --target vault-csi-provider \
 && strip build/release/src/vault-csi-provider

# Runtime stage: only the shared libraries the binary links (their Debian packages;
# test/image/check_runtime_libraries.sh keeps this list complete), and CA certificates.
# bookworm-slim's /bin/sh, chgrp and chmod (coreutils) run the chart's init container.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
      libcurl4 libspdlog1.10 libfmt9 libgrpc++1.51 libprotobuf32 libgrpc29 libabsl20220623 \
      libssl3 libyaml-cpp0.7 libcpp-httplib0.11 libprometheus-cpp-core1.0 libstdc++6 libgcc-s1 libc6 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/release/src/vault-csi-provider /bin/vault-csi-provider
# Non-root, with no capabilities (the chart drops them all). The provider creates its
# socket in the host directory shared with the CSI driver, which is root-owned (0755)
# on standard nodes; the chart's init container runs this image as root with only
# CAP_CHOWN and does `chgrp 65532 /provider && chmod g+w /provider`, so this user
# (group 65532) can create its socket there while the directory stays root-owned.
USER 65532:65532
# Debian's libcurl4 links librtmp, which links GnuTLS; GnuTLS initialises itself
# (and loads p11-kit's module list) when the library loads, about 0.9 MiB of
# resident memory the provider never uses: its libcurl speaks only http and
# https, through OpenSSL. This switches that initialisation off.
ENV GNUTLS_NO_IMPLICIT_INIT=1
ENTRYPOINT ["/bin/vault-csi-provider"]
CMD ["-endpoint=/provider/vault.sock"]
