# syntax=docker/dockerfile:1
# CareLedger chaincode as a service: the contracts of chaincode/ served by fabric-chaincode-node.
# Build from the repository root:
#   docker build -f deploy/docker/chaincode.Dockerfile -t careledger/chaincode:0.1.0 .
# Run: CHAINCODE_ID (the package id the org approved) and CHAINCODE_SERVER_ADDRESS (host:port).

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY chaincode/package.json chaincode/
COPY gateway/package.json gateway/
COPY bench/chaincode/package.json bench/chaincode/
RUN npm ci --no-audit --no-fund --ignore-scripts
# The project's one postinstall step, run explicitly because scripts are off: Fabric 3.1 batched state
# access in fabric-shim (patches/README.md).
COPY patches/ patches/
RUN npx patch-package --error-on-fail
COPY chaincode/ chaincode/
RUN npx tsc -b chaincode \
 && npm prune --omit=dev --workspace @careledger/chaincode --include-workspace-root=false --ignore-scripts

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=10001:10001 /src/chaincode/package.json ./
COPY --from=build --chown=10001:10001 /src/chaincode/dist ./dist
COPY --from=build --chown=10001:10001 /src/node_modules ./node_modules
USER 10001:10001
EXPOSE 9999
ENTRYPOINT ["sh", "-c", "exec node node_modules/.bin/fabric-chaincode-node server --chaincode-address \"${CHAINCODE_SERVER_ADDRESS:-0.0.0.0:9999}\" --chaincode-id \"$CHAINCODE_ID\" --module-path /app"]
