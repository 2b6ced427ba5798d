# shellcheck shell=bash
# The org's processes on its own host: orderers (orderer org) or peers, one CCaaS chaincode
# server per peer, and the CareLedger gateway. Settings as network/scripts/nodes.sh explains
# them, except addresses: gRPC listens on every address of the host and advertises
# CARELEDGER_ORG_HOST; operations endpoints, chaincode servers and the gateway stay on
# 127.0.0.1. Sourced by org.sh after host.sh.

start_org_orderer() {
    local i="$1" name dir data
    name="$(orderer_name "$i")"
    dir="$(orderer_dir "$i")"
    data="$DATA_DIR/$name"
    mkdir -p "$data"
    process_alive "$name" && return 0
    require_ports_free "$(orderer_port "$i")" "$(orderer_admin_port "$i")" "$(orderer_ops_port "$i")"
    start_process "$name" env \
        FABRIC_CFG_PATH="$FABRIC_CONFIG" \
        FABRIC_LOGGING_SPEC="$LOG_LEVEL" \
        ORDERER_GENERAL_LISTENADDRESS=0.0.0.0 \
        ORDERER_GENERAL_LISTENPORT="$(orderer_port "$i")" \
        ORDERER_GENERAL_LOCALMSPID="$ORDERER_MSP" \
        ORDERER_GENERAL_LOCALMSPDIR="$dir/msp" \
        ORDERER_GENERAL_TLS_ENABLED=true \
        ORDERER_GENERAL_TLS_PRIVATEKEY="$dir/tls/server.key" \
        ORDERER_GENERAL_TLS_CERTIFICATE="$dir/tls/server.crt" \
        ORDERER_GENERAL_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$dir/tls/server.crt" \
        ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$dir/tls/server.key" \
        ORDERER_GENERAL_CLUSTER_ROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_FILELEDGER_LOCATION="$data/ledger" \
        ORDERER_CONSENSUS_WALDIR="$data/etcdraft/wal" \
        ORDERER_CONSENSUS_SNAPDIR="$data/etcdraft/snapshot" \
        ORDERER_ADMIN_LISTENADDRESS="0.0.0.0:$(orderer_admin_port "$i")" \
        ORDERER_ADMIN_TLS_ENABLED=true \
        ORDERER_ADMIN_TLS_PRIVATEKEY="$dir/tls/server.key" \
        ORDERER_ADMIN_TLS_CERTIFICATE="$dir/tls/server.crt" \
        ORDERER_ADMIN_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
        ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_ops_port "$i")" \
        ORDERER_GENERAL_CLUSTER_RPCTIMEOUT="$CLUSTER_RPC_TIMEOUT" \
        ORDERER_METRICS_PROVIDER=prometheus \
        GOGC="$GOGC_TARGET" GOMEMLIMIT="$ORDERER_MEMORY_LIMIT" \
        "$FABRIC_BIN/orderer"
}

start_org_peer() {
    local peer="$1" n dir data address bootstrap other
    n="$(peer_index "$peer")"
    dir="$(peer_dir "$peer")"
    data="$DATA_DIR/$peer"
    mkdir -p "$data"
    process_alive "$peer" && return 0
    require_ports_free "$(peer_port "$n")" "$(peer_chaincode_listen_port "$n")" "$(peer_ops_port "$n")"
    address="$HOST:$(peer_port "$n")"
    # Gossip bootstrap: another peer of this org when there is one, else itself.
    bootstrap="$address"
    while read -r other; do
        [[ "$other" != "$peer" ]] && bootstrap="$HOST:$(peer_port "$(peer_index "$other")")" && break
    done < <(my_peers)
    start_process "$peer" env \
        FABRIC_CFG_PATH="$FABRIC_CONFIG" \
        FABRIC_LOGGING_SPEC="$LOG_LEVEL" \
        CORE_PEER_ID="$peer" \
        CORE_PEER_LISTENADDRESS="0.0.0.0:$(peer_port "$n")" \
        CORE_PEER_ADDRESS="$address" \
        CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_chaincode_listen_port "$n")" \
        CORE_PEER_GOSSIP_BOOTSTRAP="$bootstrap" \
        CORE_PEER_GOSSIP_EXTERNALENDPOINT="$address" \
        CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s \
        CORE_PEER_GOSSIP_ALIVETIMEINTERVAL=2s \
        CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT=10s \
        CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL=1s \
        CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL=1s \
        CORE_PEER_LOCALMSPID="$MSP_ID" \
        CORE_PEER_MSPCONFIGPATH="$dir/msp" \
        CORE_PEER_TLS_ENABLED=true \
        CORE_PEER_TLS_CERT_FILE="$dir/tls/server.crt" \
        CORE_PEER_TLS_KEY_FILE="$dir/tls/server.key" \
        CORE_PEER_TLS_ROOTCERT_FILE="$dir/tls/ca.crt" \
        CORE_PEER_FILESYSTEMPATH="$data" \
        CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots" \
        CORE_LEDGER_STATE_STATEDATABASE=goleveldb \
        CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE="$GATEWAY_CONCURRENCY" \
        CORE_PEER_GATEWAY_DIALTIMEOUT=5s \
        CORE_PEER_GATEWAY_BROADCASTTIMEOUT="$GATEWAY_BROADCAST_TIMEOUT" \
        CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_ops_port "$n")" \
        CORE_METRICS_PROVIDER=prometheus \
        GOGC="$GOGC_TARGET" GOMEMLIMIT="$PEER_MEMORY_LIMIT" \
        CORE_VM_ENDPOINT= \
        CORE_CHAINCODE_EXTERNALBUILDERS="[{name: careledger-ccaas, path: $NETWORK_DIR/builders/ccaas, propagateEnvironment: [CARELEDGER_CHAINCODE_ADDRESS, CARELEDGER_EXTRA_CHAINCODE_ADDRESS, CARELEDGER_CHAINCODE_TLS_DIR, CARELEDGER_PEER_TLS_DIR]}]" \
        CARELEDGER_CHAINCODE_ADDRESS="127.0.0.1:$(chaincode_server_port "$n")" \
        CARELEDGER_EXTRA_CHAINCODE_ADDRESS="127.0.0.1:$(chaincode_server_port "$n")" \
        CARELEDGER_CHAINCODE_TLS_DIR="$dir/chaincode-tls" \
        CARELEDGER_PEER_TLS_DIR="$dir/tls" \
        "$FABRIC_BIN/peer" node start
}

wait_org_peer() {
    local n
    n="$(peer_index "$1")"
    wait_healthy "$1" "$(peer_ops_port "$n")"
    wait_for "$1" "$1 to listen on $(peer_port "$n")" port_in_use "$(peer_port "$n")"
}

# The chaincode server next to PEER runs the code this host built (a snapshot of
# chaincode/dist under run/chaincode, so rebuilding the work tree does not change it) for the
# package this org approved (run/chaincode.env). NODE_PATH: the snapshot lives outside the
# repository, so its modules resolve from the repository's node_modules.
start_org_chaincode_server() {
    local peer="$1" n dir name
    n="$(peer_index "$peer")"
    dir="$(peer_dir "$peer")"
    name="chaincode.$peer"
    process_alive "$name" && return 0
    require_ports_free "$(chaincode_server_port "$n")"
    start_process "$name" env \
        CORE_CHAINCODE_LOGGING_LEVEL="$CHAINCODE_LOG_LEVEL" \
        NODE_PATH="$ROOT_DIR/node_modules" \
        node "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" server \
        --chaincode-address "127.0.0.1:$(chaincode_server_port "$n")" \
        --chaincode-id "$PACKAGE_ID" --module-path "$SNAPSHOT_DIR" \
        --chaincode-tls-cert-file "$dir/chaincode-tls/server.crt" \
        --chaincode-tls-key-file "$dir/chaincode-tls/server.key" \
        --chaincode-tls-client-cacert-file "$dir/tls/ca.crt"
    wait_for "$name" "the chaincode server of $peer" port_in_use "$(chaincode_server_port "$n")"
}

# The CareLedger gateway (REST) of this org, reading this org's folder only.
start_org_gateway() {
    process_alive gateway && return 0
    [[ -f "$ROOT_DIR/gateway/dist/server/main.js" ]] || die "the gateway is not built: run 'npm run build' in $ROOT_DIR"
    require_ports_free "$(gateway_port)"
    start_process gateway env \
        CARELEDGER_LEDGER=fabric CARELEDGER_ORG="$ORG" CARELEDGER_NETWORK_DIR="$ORGS_DIR" \
        CARELEDGER_DATA_DIR="$DATA_DIR/gateway" CARELEDGER_HOST=127.0.0.1 CARELEDGER_PORT="$(gateway_port)" \
        node "$ROOT_DIR/gateway/dist/server/main.js"
    wait_for gateway "the gateway on 127.0.0.1:$(gateway_port)" port_in_use "$(gateway_port)"
}
