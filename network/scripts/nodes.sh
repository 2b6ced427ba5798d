# shellcheck shell=bash
# Orderers and peers as local processes. Each reads Fabric's own orderer.yaml / core.yaml from
# $FABRIC_HOME/config (FABRIC_CFG_PATH) and gets everything that differs per node, or from
# Fabric's defaults, as ORDERER_* / CORE_* environment variables, listed and explained here.
# Sourced after env.sh and process.sh.

# ---------------------------------------------------------------------------- orderers

start_orderer() {
    local i="$1" name dir data
    name="$(orderer_name "$i")"
    dir="$(orderer_dir "$i")"
    data="$DATA_DIR/$name"
    mkdir -p "$data"
    local version_env=()
    if ! version_at_least "$FABRIC_VERSION" 3.0; then
        # Fabric 2.5 still defaults to a system channel; CareLedger uses channel participation only.
        version_env=(ORDERER_GENERAL_BOOTSTRAPMETHOD=none ORDERER_CHANNELPARTICIPATION_ENABLED=true)
    fi
    start_process "$name" env \
        FABRIC_CFG_PATH="$FABRIC_CONFIG" \
        FABRIC_LOGGING_SPEC="$LOG_LEVEL" \
        ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 \
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
        ORDERER_GENERAL_CLUSTER_RPCTIMEOUT="$CLUSTER_RPC_TIMEOUT" \
        ORDERER_FILELEDGER_LOCATION="$data/ledger" \
        ORDERER_CONSENSUS_WALDIR="$data/etcdraft/wal" \
        ORDERER_CONSENSUS_SNAPDIR="$data/etcdraft/snapshot" \
        ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(orderer_admin_port "$i")" \
        ORDERER_ADMIN_TLS_ENABLED=true \
        ORDERER_ADMIN_TLS_PRIVATEKEY="$dir/tls/server.key" \
        ORDERER_ADMIN_TLS_CERTIFICATE="$dir/tls/server.crt" \
        ORDERER_ADMIN_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
        ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_ops_port "$i")" \
        ORDERER_METRICS_PROVIDER=prometheus \
        GOGC="$GOGC_TARGET" \
        GOMEMLIMIT="$ORDERER_MEMORY_LIMIT" \
        ORDERER_GENERAL_PROFILE_ENABLED="$PROFILE" \
        ORDERER_GENERAL_PROFILE_ADDRESS="127.0.0.1:$(orderer_pprof_port "$i")" \
        "${version_env[@]}" \
        "${ORDERER_EXTRA_ENV[@]}" \
        "$FABRIC_BIN/orderer"
}

# Healthy on the operations endpoint, which starts before the node's gRPC and admin servers.
wait_orderer() {
    local name
    name="$(orderer_name "$1")"
    wait_healthy "$name" "$(orderer_ops_port "$1")"
    wait_for "$name" "$name to listen on $(orderer_port "$1")" port_in_use "$(orderer_port "$1")"
    wait_for "$name" "$name's admin endpoint on $(orderer_admin_port "$1")" port_in_use "$(orderer_admin_port "$1")"
}

orderer_ports() {
    local i
    for ((i = 0; i < ORDERER_COUNT; i++)); do
        echo "$(orderer_port "$i") $(orderer_admin_port "$i") $(orderer_ops_port "$i")"
    done
}

# ---------------------------------------------------------------------------- peers

start_peer() {
    local peer="$1" org index domain dir data
    org="$(peer_org "$peer")"
    index="$(peer_index "$peer")"
    domain="$(org_domain "$org")"
    dir="$(peer_org_dir "$domain")/peers/$peer"
    data="$DATA_DIR/$peer"
    mkdir -p "$data"
    local address="127.0.0.1:$(peer_port "$index")"
    # Gossip bootstrap: another peer of the same org when there is one, else itself.
    local bootstrap="$address" other
    while read -r other; do
        [[ "$other" != "$peer" ]] && bootstrap="127.0.0.1:$(peer_port "$(peer_index "$other")")" && break
    done < <(org_peers "$org")
    start_process "$peer" env \
        FABRIC_CFG_PATH="$FABRIC_CONFIG" \
        FABRIC_LOGGING_SPEC="$LOG_LEVEL" \
        CORE_PEER_ID="$peer" \
        CORE_PEER_LISTENADDRESS="$address" \
        CORE_PEER_ADDRESS="$address" \
        CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_chaincode_listen_port "$index")" \
        CORE_PEER_GOSSIP_BOOTSTRAP="$bootstrap" \
        CORE_PEER_GOSSIP_EXTERNALENDPOINT="$address" \
        CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s \
        CORE_PEER_GOSSIP_ALIVETIMEINTERVAL="$GOSSIP_ALIVE_INTERVAL" \
        CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT="$GOSSIP_ALIVE_EXPIRATION" \
        CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL=1s \
        CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL=1s \
        CORE_PEER_LOCALMSPID="$(org_msp "$org")" \
        CORE_PEER_MSPCONFIGPATH="$dir/msp" \
        CORE_PEER_TLS_ENABLED=true \
        CORE_PEER_TLS_CERT_FILE="$dir/tls/server.crt" \
        CORE_PEER_TLS_KEY_FILE="$dir/tls/server.key" \
        CORE_PEER_TLS_ROOTCERT_FILE="$dir/tls/ca.crt" \
        CORE_PEER_FILESYSTEMPATH="$data" \
        CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots" \
        CORE_LEDGER_STATE_STATEDATABASE=goleveldb \
        CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE="$GATEWAY_CONCURRENCY" \
        CORE_PEER_GATEWAY_DIALTIMEOUT=10s \
        CORE_PEER_GATEWAY_BROADCASTTIMEOUT="$GATEWAY_BROADCAST_TIMEOUT" \
        CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_ops_port "$index")" \
        CORE_METRICS_PROVIDER=prometheus \
        GOGC="$GOGC_TARGET" \
        GOMEMLIMIT="$PEER_MEMORY_LIMIT" \
        CORE_PEER_PROFILE_ENABLED="$PROFILE" \
        CORE_PEER_PROFILE_LISTENADDRESS="127.0.0.1:$(peer_pprof_port "$index")" \
        CORE_VM_ENDPOINT= \
        CORE_CHAINCODE_EXTERNALBUILDERS="[{name: careledger-ccaas, path: $NETWORK_DIR/builders/ccaas, propagateEnvironment: [CARELEDGER_CHAINCODE_ADDRESS, CARELEDGER_EXTRA_CHAINCODE_ADDRESS, CARELEDGER_CHAINCODE_TLS_DIR, CARELEDGER_PEER_TLS_DIR]}]" \
        CARELEDGER_CHAINCODE_ADDRESS="127.0.0.1:$(chaincode_server_port "$index")" \
        CARELEDGER_EXTRA_CHAINCODE_ADDRESS="127.0.0.1:$(extra_chaincode_server_port "$index")" \
        CARELEDGER_CHAINCODE_TLS_DIR="$([[ "$CHAINCODE_TLS" == true ]] && echo "$dir/chaincode-tls")" \
        CARELEDGER_PEER_TLS_DIR="$dir/tls" \
        "${PEER_EXTRA_ENV[@]}" \
        "$FABRIC_BIN/peer" node start
}

wait_peer() {
    local index
    index="$(peer_index "$1")"
    wait_healthy "$1" "$(peer_ops_port "$index")"
    wait_for "$1" "$1 to listen on $(peer_port "$index")" port_in_use "$(peer_port "$index")"
}

peer_ports() {
    local index="$(peer_index "$1")"
    echo "$(peer_port "$index") $(peer_chaincode_listen_port "$index") $(peer_ops_port "$index") $(chaincode_server_port "$index") $(extra_chaincode_server_port "$index")"
}
