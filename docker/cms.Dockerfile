# syntax=docker/dockerfile:1
# CMS (cms/, Strapi 5 on PostgreSQL). Build from the repository root: docker build -f docker/cms.Dockerfile .
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

# --- build: `strapi build` compiles the TypeScript app into cms/dist and the admin panel into cms/dist/build.
# It needs no secrets: they are read when the server starts, from the container's environment.
FROM manifests AS build
ENV NODE_ENV=production STRAPI_TELEMETRY_DISABLED=true
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --workspace @inkstone/cms --include-workspace-root
COPY tsconfig.base.json ./
COPY config/ config/
COPY cms/ cms/
RUN npm run build --workspace @inkstone/cms \
 && rm -rf cms/node_modules

# --- prod-deps: production dependencies of this workspace only
FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --omit=dev --workspace @inkstone/cms

# --- runtime
FROM ${NODE_IMAGE}
ENV NODE_ENV=production STRAPI_TELEMETRY_DISABLED=true BROWSER=none
WORKDIR /app
# The whole app folder (Strapi reads its compiled config and src from dist/, and serves public/), without the
# build stage's dev dependencies (removed above); then production node_modules, root and nested, on top.
COPY --from=build /app/cms cms
COPY --from=prod-deps /app ./
# node_modules/@inkstone/config links to config/: outside node_modules, so Node strips the types of its .ts source.
COPY config/src config/src
# Uploads are the only thing the CMS writes; compose mounts a named volume here (it inherits this ownership).
RUN mkdir -p cms/public/uploads && chown node:node cms/public/uploads
USER node
WORKDIR /app/cms
EXPOSE 1337
# Strapi's own binary rather than `npm start`, so signals reach Node directly (compose adds `init: true`).
CMD ["node", "/app/node_modules/@strapi/strapi/bin/strapi.js", "start"]
