# syntax=docker/dockerfile:1
# Generation worker (workflows/). Build from the repository root: docker build -f docker/worker.Dockerfile .
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

# --- build: this workspace's dependencies plus the root's (tsc is a root devDependency), then `tsc`
FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --workspace @inkstone/workflows --include-workspace-root
COPY tsconfig.base.json ./
COPY config/ config/
COPY workflows/ workflows/
RUN npm run build --workspace @inkstone/workflows

# --- prod-deps: production dependencies of this workspace only (the root's are for `npm start`, not for images)
FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --omit=dev --workspace @inkstone/workflows

# --- runtime
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# node_modules/@inkstone/* are symlinks into the workspace folders. Node resolves them to their real paths, which
# lie outside node_modules, so it is willing to strip the types of config/src/*.ts (it refuses inside node_modules).
COPY --from=prod-deps /app ./
COPY config/src config/src
COPY --from=build /app/workflows/dist workflows/dist
# Root-owned and read-only for the app; the worker bundles its workflow code in memory and writes nothing.
USER node
WORKDIR /app/workflows
# Temporal's SDK drains in-flight activities on SIGTERM; compose runs it under `init: true` so the signal reaches it.
CMD ["node", "dist/worker.js"]
