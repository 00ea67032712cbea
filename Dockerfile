# syntax=docker/dockerfile:1
#
# The Kronika production image: a multi-stage build whose runtime stage holds only the
# `kronika` binary on a slim Debian, running as an unprivileged user, with its data
# directory as a volume and a health check that needs no HTTP client in the image.
#
#   docker build -t kronika .        # BuildKit (the default builder since Docker 23)
#   docker run -p 8080:8080 -v kronika-data:/data kronika
#
# See docs/deploy.md for the production stack (compose.yaml). tests/tests/deploy checks
# that every path named here exists.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
# The whole workspace, whatever members it has: no list of crates to keep in step with
# Cargo.toml. .dockerignore keeps build output, local data and secrets out.
COPY . .
# Compiled dependencies are kept between builds in BuildKit cache mounts instead of a
# layer of stub crates, so a change to Kronika's own code rebuilds only Kronika. The
# target directory is a cache mount and is gone after this step, so the binary is
# copied out of it here.
RUN --mount=type=cache,id=kronika-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=kronika-cargo-git,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,id=kronika-target,target=/src/target,sharing=locked \
    cargo build --release --locked -p kronika-api --bin kronika \
    && cp /src/target/release/kronika /usr/local/bin/kronika

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# CA certificates for HTTPS to Meilisearch, S3 and the change webhook; tzdata is not
# needed (chrono-tz carries the zone database).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin kronika \
    && mkdir -p /data \
    && chown kronika:kronika /data
COPY --from=build /usr/local/bin/kronika /usr/local/bin/kronika
USER 10001:10001
ENV KRONIKA_LISTEN=0.0.0.0:8080 \
    KRONIKA_DATA_DIR=/data \
    KRONIKA_LOG_FORMAT=json \
    RUST_LOG=info
VOLUME ["/data"]
EXPOSE 8080
# `kronika healthcheck` asks /health on KRONIKA_LISTEN and exits 0 on 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["kronika", "healthcheck"]
ENTRYPOINT ["kronika"]
CMD ["serve"]
