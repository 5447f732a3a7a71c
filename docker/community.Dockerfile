# syntax=docker/dockerfile:1
# Community (community/, Astro SSR on @astrojs/node, served by community/server/main.ts). Build from the repository root:
#   docker build -f docker/community.Dockerfile .
# Node 24: @inkstone/config ships TypeScript source that Node runs through its built-in type stripping.
ARG NODE_IMAGE=node:24-bookworm-slim

# --- manifests: every workspace's package.json, so npm sees the whole workspace tree the lockfile describes (npm install, not ci: see .ci/run)
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
ENV NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
COPY config/package.json config/
COPY search/package.json search/
COPY site/package.json site/
COPY cms/package.json cms/
COPY community/package.json community/
COPY workflows/package.json workflows/

# --- build: `astro build` writes dist/server/entry.mjs and dist/client/
FROM manifests AS build
ENV ASTRO_TELEMETRY_DISABLED=1
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --workspace @inkstone/community --include-workspace-root
COPY tsconfig.base.json ./
COPY config/ config/
COPY workflows/ workflows/
COPY community/ community/
RUN npm run build --workspace @inkstone/community

# --- prod-deps: production dependencies of this workspace (and of the workspaces it links: config, workflows)
FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --omit=dev --workspace @inkstone/community

# --- runtime
FROM ${NODE_IMAGE}
# community/server/main.ts listens on HOST and PORT; compose sets them again from COMMUNITY_HOST and COMMUNITY_PORT.
ENV NODE_ENV=production ASTRO_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=4321
WORKDIR /app
COPY --from=prod-deps /app ./
# The server imports @inkstone/config and @inkstone/workflows/client as TypeScript source unless Vite inlined them.
# Their node_modules links resolve outside node_modules, where Node strips types; ship both sources to be safe.
COPY config/src config/src
COPY workflows/src workflows/src
COPY --from=build /app/community/dist community/dist
COPY community/server community/server
COPY community/src/lib/compression.ts community/src/lib/compression.ts
# Share cards are drawn in a worker thread that Node runs from source (src/lib/share-card/render.ts).
COPY community/src/lib/share-card community/src/lib/share-card
USER node
WORKDIR /app/community
EXPOSE 4321
CMD ["node", "server/main.ts"]
