# syntax=docker/dockerfile:1
# Build stage: compile TypeScript, then keep only production dependencies. The full image has the
# compiler better-sqlite3's native module is built with, and Node's headers (nodedir: no download).
FROM node:20-bookworm AS build
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled code, production node_modules, schemas, and the demo fixtures in /fixtures.
# Mount your own data over /fixtures (`-v "$PWD/my-fixtures:/fixtures:ro"`) to replace the demo.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    FIXTURES_DIR=/fixtures
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schemas ./schemas
COPY fixtures /fixtures
# A place for --data-dir (pushed points and runtime changes), owned by the user the server runs as:
# `-v simplejson-data:/data -e DATA_DIR=/data`. Without DATA_DIR they stay in memory.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 8080
# GET /healthz (the process serves; a database that is down does not restart the container) with the
# server's own credentials (from the same env vars), so it passes with auth on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "dist/process/healthcheck.js"]
# An ENTRYPOINT, not a CMD, so arguments after the image name reach the server:
# `docker run IMAGE --log-level debug`, `docker run IMAGE --help`, `docker run IMAGE grafana yaml --url …`.
ENTRYPOINT ["node", "dist/process/server.js"]
