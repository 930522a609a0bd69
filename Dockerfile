# Assay in a container: `assay serve` by default, `assay worker` as the other command.
#
#   docker build -t assay .
#   docker run -p 8000:8000 assay                       # serve, SQLite in /app/data
#   docker run -e DATABASE_URL=postgres://… assay worker
#
# Two stages: a release build on the official Swift image, then a slim Debian runtime with only the
# libraries the binary links (scripts/check-container compares them with a build's `ldd`).

FROM swift:6.3.1-bookworm AS build
WORKDIR /src
# The whole package (the manifest names the test targets' folders too); .dockerignore keeps
# builds, data and secrets out.
COPY . .
# The store links the system's SQLite.
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev && rm -rf /var/lib/apt/lists/*
# The Swift runtime linked statically, and a position-dependent executable: no 3 MB of relocations
# to read and apply at every start (1.5 MB less resident in a worker).
RUN swift build -c release --product assay --static-swift-stdlib -Xlinker -no-pie \
    && mkdir -p /out \
    && cp .build/release/assay /out/assay \
    && cp -R .build/release/assay_AssayServer.resources /out/

FROM debian:bookworm-slim
# libstdc++6, zlib1g and libsqlite3-0 (the store's SQLite) are what the binary links beyond libc
# (scripts/check-container checks it); curl is for the health check only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libstdc++6 zlib1g libsqlite3-0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin assay \
    && mkdir -p /app/data \
    && chown assay:assay /app/data \
    && chmod 0700 /app/data
WORKDIR /app
COPY --from=build /out/ /app/
COPY Examples /app/Examples
USER assay
ENV HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/data \
    EXAMPLES_DIR=/app/Examples \
    DATABASE_URL=sqlite:///app/data/assay.sqlite
EXPOSE 8000
VOLUME ["/app/data"]
# Ready means the database answers and takes writes; a worker has no HTTP port, so its
# orchestrator should watch the process instead (compose.yaml turns the check off for workers).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/ready" > /dev/null || exit 1
ENTRYPOINT ["/app/assay"]
CMD ["serve"]
