# syntax=docker/dockerfile:1
# The CareLedger gateway (REST API) of one organisation.
# Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t careledger/gateway:0.1.0 .
# Run with CARELEDGER_LEDGER=fabric, CARELEDGER_ORG and CARELEDGER_NETWORK_DIR (the org's
# connection profile and users, mounted from a ConfigMap and a Secret: deploy/charts/careledger-org).

FROM node:22-bookworm-slim AS build
WORKDIR /src
# classic-level builds a native addon when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json ./
COPY chaincode/package.json chaincode/
COPY gateway/package.json gateway/
COPY bench/chaincode/package.json bench/chaincode/
# npm ci's postinstall patches fabric-shim (the embedded ledger runs the chaincode in-process): patches/README.md.
COPY patches/ patches/
RUN npm ci --no-audit --no-fund
COPY chaincode/ chaincode/
COPY gateway/ gateway/
RUN npx tsc -b chaincode gateway && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production CARELEDGER_HOST=0.0.0.0 CARELEDGER_PORT=3000
WORKDIR /app
COPY --from=build --chown=10001:10001 /src/package.json ./
COPY --from=build --chown=10001:10001 /src/node_modules ./node_modules
COPY --from=build --chown=10001:10001 /src/chaincode/package.json chaincode/
COPY --from=build --chown=10001:10001 /src/chaincode/dist chaincode/dist
COPY --from=build --chown=10001:10001 /src/gateway/package.json gateway/
COPY --from=build --chown=10001:10001 /src/gateway/dist gateway/dist
USER 10001:10001
EXPOSE 3000
ENTRYPOINT ["node", "gateway/dist/server/main.js"]
