# syntax=docker/dockerfile:1
#
# The Kronika production image: a multi-stage build whose runtime stage holds only the
# `kronika` binary on a slim Debian, running as an unprivileged user, with its data
# directory as a volume and a health check that needs no HTTP client in the image.
#
#   docker build -t kronika .
#   docker run -p 8080:8080 -v kronika-data:/data kronika
#
# See docs/deploy.md for the production stack (compose.yaml).

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
# Dependencies first, so that a change to Kronika's own code does not rebuild them:
# the manifests with stub sources, built once and cached as a layer.
COPY Cargo.toml Cargo.lock ./
COPY api/Cargo.toml api/Cargo.toml
COPY entities/Cargo.toml entities/Cargo.toml
COPY migration/Cargo.toml migration/Cargo.toml
COPY tests/Cargo.toml tests/Cargo.toml
COPY tests/loadbench/Cargo.toml tests/loadbench/Cargo.toml
RUN for crate in api entities migration tests tests/loadbench; do \
        mkdir -p "$crate/src" && echo "" > "$crate/src/lib.rs"; \
    done \
    && echo "fn main() {}" > api/src/main.rs \
    && echo "fn main() {}" > tests/loadbench/src/main.rs \
    && cargo build --release --locked -p kronika-api \
    && rm -rf api/src entities/src migration/src tests/src tests/loadbench/src
COPY . .
# Touch the real sources so cargo sees them as newer than the stub build.
RUN find api entities migration -name '*.rs' -exec touch {} + \
    && cargo build --release --locked -p kronika-api \
    && cp target/release/kronika /usr/local/bin/kronika

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
