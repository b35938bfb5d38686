# intelligence-server as a container image.
#   docker build -t intelligence-server .
#   docker build -t intelligence-server:pocketsphinx --build-arg SPEECH=pocketsphinx .   (offline recogniser)
#   docker run -p 4010:4010 -v intelligence-data:/data intelligence-server
# Configuration is by environment only (README "Configuration"); data lives in the /data volume.
# test/container/image.test.ts builds and runs this file with podman.

ARG NODE_IMAGE=node:20-bookworm-slim

# Build: every dependency (esbuild, TypeScript's types) and a compiler for better-sqlite3, whose
# prebuilt binary comes from GitHub, which a build may not reach: npm then compiles it from source.
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The dependencies first, in a layer of their own, so that a change to src/ does not reinstall them.
# nodedir: the image's own Node headers, which node-gyp would otherwise download from nodejs.org.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm_config_nodedir=/usr/local npm rebuild better-sqlite3 esbuild
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY console ./console
# dist/: the bundled server and its V8 code cache (made by one start of it on this Node).
# Of better-sqlite3's build, only the module itself is kept (its sources and objects are ~25 MB).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . \
 && rm -rf build deps src \
 && mkdir -p build/Release && mv better_sqlite3.node build/Release/

# Runtime: the same Node (the code cache is valid only for it), production dependencies only.
FROM ${NODE_IMAGE} AS runtime
# SPEECH=pocketsphinx adds Debian's offline speech recogniser and its English models (~170 MB).
ARG SPEECH=none
RUN case "$SPEECH" in \
      none) ;; \
      pocketsphinx) apt-get update \
        && apt-get install -y --no-install-recommends pocketsphinx pocketsphinx-en-us \
        && rm -rf /var/lib/apt/lists/* ;; \
      *) echo "SPEECH must be none or pocketsphinx, got $SPEECH" >&2; exit 1 ;; \
    esac \
 && groupadd --system --gid 10001 intelligence \
 && useradd --system --uid 10001 --gid intelligence --home-dir /data --shell /usr/sbin/nologin intelligence \
 && mkdir -p /data /media && chown intelligence:intelligence /data /media
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4010 \
    DATABASE_URL=sqlite:/data/intelligence.db
VOLUME ["/data"]
# /media: where compose.yaml mounts the replicas' shared media volume (MEDIA_DIR); a new volume
# takes this directory's owner, so the server's user can write to it.
EXPOSE 4010
USER intelligence
# /readyz is 200 while the database answers and 503 while the server drains; no curl in a slim image.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4010) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 (exec form, no shell): the server handles SIGTERM and SIGINT itself — it stops
# accepting, finishes in-flight requests within SHUTDOWN_TIMEOUT_MS, closes the database, exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js", "serve"]
