# shellcheck shell=bash
# One organisation's host: its settings, folders and port plan. Sourced by org.sh after
# network/scripts/env.sh, whose helpers (step, info, die, find_fabric, consortium.json arrays)
# are reused; the folders env.sh points at the developer network are pointed here at this
# org's own home, so every file an org's process writes or reads is under CARELEDGER_ORG_HOME.
#
# Settings (environment; `init` records ORG, HOST and PORT_BASE in $ORG_HOME/org.env, so later
# verbs need only CARELEDGER_ORG_HOME):
#   CARELEDGER_ORG            the org of network/consortium.json this host runs (e.g. hospital,
#                             orderer for the ordering service)
#   CARELEDGER_ORG_HOME       the org's own folder: CA, keys, ledgers, logs (default $HOME/careledger-$ORG)
#   CARELEDGER_ORG_HOST       the address this host's nodes advertise to other orgs (default 127.0.0.1)
#   CARELEDGER_ORG_PORT_BASE  B of the port plan below (default 7000: Fabric's standard ports)
#
# Port plan of one host (B = CARELEDGER_ORG_PORT_BASE; n = peer or orderer number):
#   CA              B+54 (API, TLS)       B+55 operations
#   peer n          B+1000n+51 gRPC       +52 chaincode listener   +56 its CCaaS chaincode server
#                   +57 operations        +80 (n = 0 only) the CareLedger gateway (REST)
#   orderer n       B+1000n+50 gRPC       +53 admin (osnadmin)     +58 operations
# gRPC listens on every address of the host; operations, chaincode servers and the gateway on
# 127.0.0.1 only (nothing outside the host needs them).

ORG_HOME="${CARELEDGER_ORG_HOME:-}"
if [[ -n "$ORG_HOME" && -f "$ORG_HOME/org.env" ]]; then
    # shellcheck disable=SC1091
    source "$ORG_HOME/org.env"
fi
ORG="${CARELEDGER_ORG:-${ORG:-}}"
[[ -n "$ORG" ]] || die "set CARELEDGER_ORG (an org of network/consortium.json, or '$ORDERER_ORG') or CARELEDGER_ORG_HOME of an initialised org"
ORG_HOME="${ORG_HOME:-$HOME/careledger-$ORG}"
HOST="${CARELEDGER_ORG_HOST:-${HOST_ADDRESS:-127.0.0.1}}"
ORG_PORT_BASE="${CARELEDGER_ORG_PORT_BASE:-${ORG_PORT_BASE:-7000}}"

# Everything env.sh's helpers write goes to this org's home.
ORGS_DIR="$ORG_HOME/organizations"
DATA_DIR="$ORG_HOME/data"
LOG_DIR="$ORG_HOME/logs"
PID_DIR="$ORG_HOME/.pids"
RUN_DIR="$ORG_HOME/run"
PACKAGES_DIR="$ORG_HOME/run/packages"
ARTIFACTS_DIR="$ORG_HOME/run/channel"
ORG_SCRIPTS="$NETWORK_DIR/org/scripts"

if [[ "$ORG" == "$ORDERER_ORG" ]]; then
    IS_ORDERER=true
    MSP_ID="$ORDERER_MSP"
    DOMAIN="$ORDERER_DOMAIN"
    ORG_DIR="$ORGS_DIR/ordererOrganizations/$DOMAIN"
else
    known_org "$ORG" || die "unknown org '$ORG': network/consortium.json has ${ALL_ORGS[*]} and $ORDERER_ORG"
    IS_ORDERER=false
    MSP_ID="$(org_msp "$ORG")"
    DOMAIN="$(org_domain "$ORG")"
    ORG_DIR="$ORGS_DIR/peerOrganizations/$DOMAIN"
fi
# CARELEDGER_ADMIN_MSP: act with another admin folder (e.g. a retired one, to see it refused).
ADMIN_MSP="${CARELEDGER_ADMIN_MSP:-$ORG_DIR/users/admin@$DOMAIN/msp}"

# ---------------------------------------------------------------------------- ports
# env.sh's port functions take a node's number; here it is the number within this org.
ca_api_port() { echo $((ORG_PORT_BASE + 54)); }
ca_ops_port_here() { echo $((ORG_PORT_BASE + 55)); }
peer_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 51)); }
peer_chaincode_listen_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 52)); }
chaincode_server_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 56)); }
selected_chaincode_server_port() { chaincode_server_port "$1"; }
peer_ops_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 57)); }
gateway_port() { echo $((ORG_PORT_BASE + 80)); }
orderer_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 50)); }
orderer_admin_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 53)); }
orderer_ops_port() { echo $((ORG_PORT_BASE + 1000 * $1 + 58)); }

# ---------------------------------------------------------------------------- layout
# A peer's number is its position in its own org (peer1.hospital... -> 1).
peer_index() {
    local name="${1%%.*}"
    echo "${name#peer}"
}
my_peers() { org_peers "$ORG"; }
orderer_org_dir() { echo "$ORGS_DIR/ordererOrganizations/$ORDERER_DOMAIN"; }
peer_dir() { echo "$ORG_DIR/peers/$1"; }

# The orderer this org talks to (recorded by `trust-orderer` from the orderer org's bundle).
ORDERER_FILE="$RUN_DIR/orderer.env"
load_orderer() {
    if [[ "$IS_ORDERER" == true ]]; then
        ORDERER_ADDRESS="$HOST:$(orderer_port 0)"
        ORDERER_HOSTNAME="$(orderer_name 0)"
        ORDERER_CA="$(orderer_dir 0)/tls/ca.crt"
        return 0
    fi
    [[ -f "$ORDERER_FILE" ]] || die "this host does not know the ordering service yet: run 'org.sh trust-orderer ORDERER_BUNDLE' first"
    # shellcheck disable=SC1090
    source "$ORDERER_FILE"
}

# peer CLI flags to reach the ordering service over TLS.
orderer_args() {
    load_orderer
    echo "-o $ORDERER_ADDRESS --ordererTLSHostnameOverride $ORDERER_HOSTNAME --tls --cafile $ORDERER_CA"
}

# as_admin ORG PEER: the peer CLI as this org's admin against one of its own peers.
as_admin() {
    local peer="$2"
    export CORE_PEER_LOCALMSPID="$MSP_ID"
    export CORE_PEER_MSPCONFIGPATH="$ADMIN_MSP"
    export CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$(peer_index "$peer")")"
    export CORE_PEER_TLS_ENABLED=true
    export CORE_PEER_TLS_ROOTCERT_FILE="$(peer_dir "$peer")/tls/ca.crt"
    export FABRIC_LOGGING_SPEC=WARNING
}
first_peer() { my_peers | head -n1; }

# The channel's orgs as the current channel configuration lists them.
peer_cli() {
    local peer
    peer="$(first_peer)"
    (as_admin "$ORG" "$peer" && "$FABRIC_BIN/peer" "$@")
}

require_initialised() {
    [[ -f "$ORG_HOME/org.env" ]] || die "$ORG_HOME is not an initialised org home: run 'org.sh init' first"
}

# The ordering service's endpoint, once known, for every verb (orderer_args runs in subshells).
if [[ "$IS_ORDERER" == true || -f "$ORDERER_FILE" ]]; then
    load_orderer
fi
