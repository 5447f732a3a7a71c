# syntax=docker/dockerfile:1
# Docs site (site/, VitePress): static files built here, served by an unprivileged nginx on port 8080.
# Build from the repository root: docker build -f docker/site.Dockerfile .
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

# --- build: the site's public URLs are baked into canonical links, the sitemap and links into the community,
# so they are build arguments (compose passes SITE_URL and COMMUNITY_URL from .env).
FROM manifests AS build
ARG SITE_URL=http://localhost:4173
ARG COMMUNITY_URL=http://localhost:4321
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --workspace @inkstone/site --include-workspace-root
COPY tsconfig.base.json ./
COPY config/ config/
COPY site/ site/
RUN SITE_URL="$SITE_URL" COMMUNITY_URL="$COMMUNITY_URL" npm run build --workspace @inkstone/site

# --- runtime: no Node, no shell scripts of ours; nginx as uid 101 listening on 8080
FROM nginxinc/nginx-unprivileged:1.28-alpine
COPY docker/site.nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/site/.vitepress/dist /usr/share/nginx/html
EXPOSE 8080
