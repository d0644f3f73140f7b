# syntax=docker/dockerfile:1
# One image for every app (the command picks the app: node dist/apps/<app>/main.js),
# and an Airflow image that carries Node.js and the same build for its DAGs' tasks.
# Node.js 24, the current LTS, for every stage (engines: >=20.11 <25; CI also runs 20).
ARG NODE_VERSION=24
ARG AIRFLOW_VERSION=3.3.2

# The compiled hot paths (libs/native, a Node-API addon in Rust): Node-API is stable
# across Node.js versions, so the addon built here loads in every Node.js stage below.
# Gzip's level 1 by ISA-L (the `isal` feature), whose build needs nasm and the autotools.
FROM rust:1-slim-bookworm AS native
RUN apt-get update && apt-get install -y --no-install-recommends nasm autoconf automake libtool make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /crate
COPY libs/native/crate ./
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo build --release --locked --features isal && cp target/release/libshoplens_native.so /shoplens_native.node

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /repo
ENV NX_NO_CLOUD=true NX_DAEMON=false CI=true
COPY . .
# In place before the build: its build-addon step finds no cargo here and keeps this one.
COPY --from=native /shoplens_native.node libs/native/shoplens_native.node
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx nx run-many -t build
# Workspace packages stay linked; only dev tooling goes.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS app
ENV NODE_ENV=production
WORKDIR /opt/shoplens
COPY --from=build /repo/package.json /repo/package-lock.json ./
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs ./libs
COPY --from=build /repo/apps ./apps
COPY --from=build /repo/dist ./dist
USER node
CMD ["node", "dist/apps/api/main.js"]

FROM apache/airflow:${AIRFLOW_VERSION}-python3.11 AS airflow
COPY airflow/requirements.txt /tmp/shoplens-airflow-requirements.txt
RUN pip install --no-cache-dir -r /tmp/shoplens-airflow-requirements.txt
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=app /opt/shoplens /opt/shoplens
