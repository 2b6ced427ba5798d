# shellcheck shell=bash
# Settings, paths, ports and small helpers shared by every network script. Sourced, not run.
#
# Every setting can be changed from the environment:
#   FABRIC_HOME                     Fabric install (bin/ + config/); else /opt/fabric; else `peer` on PATH
#   CARELEDGER_PORT_BASE            first port of the port plan below (default 7000)
#   CARELEDGER_ORDERER_TYPE         raft (3 orderers, default) or bft (4 orderers, Fabric 3.x)
#   CARELEDGER_TIMEOUT              seconds to wait for any one readiness condition (default 60)
#   CARELEDGER_STOP_TIMEOUT         seconds a process gets to exit on SIGTERM before SIGKILL (default 10)
#   CARELEDGER_LOG_LEVEL            Fabric logging spec (default WARNING:kvledger=INFO; INFO, which logs every
#                                   gRPC call, costs about a quarter of the throughput: bench/README.md)
#   CARELEDGER_CHAINCODE_LOG_LEVEL  chaincode servers' log level (default warning: info logs every call)
#   CARELEDGER_BATCH_TIMEOUT        orderer batch timeout (default 50ms: a lone transaction commits in ~80 ms)
#   CARELEDGER_BATCH_MAX_MESSAGES   transactions per block at most (default 200)
#   CARELEDGER_GATEWAY_CONCURRENCY  concurrent gateway requests per peer (default 10000; Fabric's is 500)
#   CARELEDGER_CHAINCODE_TLS        mutual TLS between peer and chaincode server (default true)
#   CARELEDGER_PROFILE              true: Go pprof on every peer (port +7) and orderer (port +5), for profiling
#   CARELEDGER_GOGC                 Go GC target of peers and orderers (default 100, Go's)
#   CARELEDGER_PEER_MEMORY_LIMIT, CARELEDGER_ORDERER_MEMORY_LIMIT  Go soft memory limit (GOMEMLIMIT) of each
#                                   peer / orderer (default 180MiB / 110MiB): the GC works harder near it
#                                   instead of letting blocks buffered under load grow the heap
#   CARELEDGER_CHAINCODE_NODE_OPTIONS  NODE_OPTIONS of the chaincode servers
#   CARELEDGER_CLUSTER_RPC_TIMEOUT  orderer cluster RPC timeout (default 7s, Fabric's): bounds a transaction a
#                                   follower forwards to a Raft leader that died (docs/reliability.md)
#   CARELEDGER_GATEWAY_BROADCAST_TIMEOUT  how long a peer's gateway waits for one orderer's broadcast answer before
#                                   it tries the next orderer (peer.gateway.broadcastTimeout; default 2s, Fabric's
#                                   30s let a transaction forwarded to a dead Raft leader wait 7s: docs/reliability.md)
#   CARELEDGER_RAFT_TICK_INTERVAL, CARELEDGER_RAFT_ELECTION_TICK  the channel's etcdraft TickInterval and
#                                   ElectionTick (default 100ms and 10: a leader is presumed dead after 1-2 s
#                                   without a heartbeat, a new one elected ~1 s after it died; docs/reliability.md)
#   CARELEDGER_GOSSIP_ALIVE_INTERVAL, CARELEDGER_GOSSIP_ALIVE_EXPIRATION  gossip alive messages and how long
#                                   until a silent peer leaves the membership (default 2s / 10s)
#   CARELEDGER_PEER_ENV, CARELEDGER_ORDERER_ENV  extra VAR=value settings (space-separated) for every
#                                   peer / orderer, after the ones nodes.sh sets (experiments, e.g. GOGC=200)
#   CARELEDGER_CHAINCODE_DIR        the chaincode workspace deployCC compiles and deploys (default chaincode/)
#   CARELEDGER_NETWORK_DIR          generated crypto material and connection profiles (default network/organizations)
#   CARELEDGER_NETWORK_DATA_DIR     ledgers and CA databases (default network/data)
#   CARELEDGER_NETWORK_LOG_DIR      one log per process (default network/logs)
#
# Port plan (B = CARELEDGER_PORT_BASE), one block of ten ports per node:
#   orderer i   B+100+10i: +0 gRPC (broadcast, deliver, cluster), +3 admin (osnadmin), +4 operations,
#                          +5 pprof (CARELEDGER_PROFILE=true)
#   peer n      B+200+10n: +0 gRPC (endorse, gateway, gossip), +1 chaincode listener, +4 operations,
#                          +5 the peer's chaincode server (chaincode-as-a-service),
#                          +6 the server of the one other chaincode (`deployCC --name`, the benchmark's floor),
#                          +7 pprof (CARELEDGER_PROFILE=true)
#   CA k        B+400+10k: +0 API (TLS), +4 operations
# n and k are stable positions in consortium.json (k = 0 is the orderer org), so adding an
# org never moves another node's ports. Every server binds 127.0.0.1 only.

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$NETWORK_DIR/.." && pwd)"
SCRIPTS_DIR="$NETWORK_DIR/scripts"

PORT_BASE="${CARELEDGER_PORT_BASE:-7000}"
# Verbs after `up` use the type the running network was brought up with (run/orderer-type).
ORDERER_TYPE="${CARELEDGER_ORDERER_TYPE:-$(cat "$(dirname "${BASH_SOURCE[0]}")/../run/orderer-type" 2>/dev/null || echo raft)}"
TIMEOUT="${CARELEDGER_TIMEOUT:-60}"
STOP_TIMEOUT="${CARELEDGER_STOP_TIMEOUT:-10}"
LOG_LEVEL="${CARELEDGER_LOG_LEVEL:-WARNING:kvledger=INFO}"
CHAINCODE_LOG_LEVEL="${CARELEDGER_CHAINCODE_LOG_LEVEL:-warning}"
BATCH_TIMEOUT="${CARELEDGER_BATCH_TIMEOUT:-50ms}"
BATCH_MAX_MESSAGES="${CARELEDGER_BATCH_MAX_MESSAGES:-200}"
GATEWAY_CONCURRENCY="${CARELEDGER_GATEWAY_CONCURRENCY:-10000}"
CHAINCODE_TLS="${CARELEDGER_CHAINCODE_TLS:-true}"
PROFILE="${CARELEDGER_PROFILE:-false}"
GOGC_TARGET="${CARELEDGER_GOGC:-100}"
PEER_MEMORY_LIMIT="${CARELEDGER_PEER_MEMORY_LIMIT:-180MiB}"
ORDERER_MEMORY_LIMIT="${CARELEDGER_ORDERER_MEMORY_LIMIT:-110MiB}"
CHAINCODE_NODE_OPTIONS="${CARELEDGER_CHAINCODE_NODE_OPTIONS:-}"
CLUSTER_RPC_TIMEOUT="${CARELEDGER_CLUSTER_RPC_TIMEOUT:-7s}"
GATEWAY_BROADCAST_TIMEOUT="${CARELEDGER_GATEWAY_BROADCAST_TIMEOUT:-2s}"
RAFT_TICK_INTERVAL="${CARELEDGER_RAFT_TICK_INTERVAL:-100ms}"
RAFT_ELECTION_TICK="${CARELEDGER_RAFT_ELECTION_TICK:-10}"
GOSSIP_ALIVE_INTERVAL="${CARELEDGER_GOSSIP_ALIVE_INTERVAL:-2s}"
GOSSIP_ALIVE_EXPIRATION="${CARELEDGER_GOSSIP_ALIVE_EXPIRATION:-10s}"
read -r -a PEER_EXTRA_ENV <<<"${CARELEDGER_PEER_ENV:-}"
read -r -a ORDERER_EXTRA_ENV <<<"${CARELEDGER_ORDERER_ENV:-}"

CHAINCODE_DIR="${CARELEDGER_CHAINCODE_DIR:-$ROOT_DIR/chaincode}"
ORGS_DIR="${CARELEDGER_NETWORK_DIR:-$NETWORK_DIR/organizations}"
DATA_DIR="${CARELEDGER_NETWORK_DATA_DIR:-$NETWORK_DIR/data}"
LOG_DIR="${CARELEDGER_NETWORK_LOG_DIR:-$NETWORK_DIR/logs}"
PID_DIR="$NETWORK_DIR/.pids"
RUN_DIR="$NETWORK_DIR/run"
ARTIFACTS_DIR="$NETWORK_DIR/channel-artifacts"
PACKAGES_DIR="$NETWORK_DIR/packages"

CONSORTIUM() { node "$SCRIPTS_DIR/consortium.js" "$@"; }

read -r CHANNEL CHAINCODE_NAME < <(CONSORTIUM channel)
read -r ORDERER_ORG ORDERER_MSP ORDERER_DOMAIN RAFT_ORDERERS < <(CONSORTIUM orderer)

# set_orderer_type raft|bft: Raft runs consortium.json's orderers; BFT needs 3f+1 = 4 for f = 1.
set_orderer_type() {
    case "$1" in
    raft) ORDERER_TYPE=raft ORDERER_COUNT="$RAFT_ORDERERS" ;;
    bft) ORDERER_TYPE=bft ORDERER_COUNT=4 ;;
    *)
        echo "ERROR: CARELEDGER_ORDERER_TYPE must be raft or bft, not '$1'" >&2
        exit 1
        ;;
    esac
}
set_orderer_type "$ORDERER_TYPE"

# ---------------------------------------------------------------------------- ports

orderer_port() { echo $((PORT_BASE + 100 + 10 * $1)); }
orderer_admin_port() { echo $((PORT_BASE + 103 + 10 * $1)); }
orderer_ops_port() { echo $((PORT_BASE + 104 + 10 * $1)); }
peer_port() { echo $((PORT_BASE + 200 + 10 * $1)); }
peer_chaincode_listen_port() { echo $((PORT_BASE + 201 + 10 * $1)); }
peer_ops_port() { echo $((PORT_BASE + 204 + 10 * $1)); }
chaincode_server_port() { echo $((PORT_BASE + 205 + 10 * $1)); }
extra_chaincode_server_port() { echo $((PORT_BASE + 206 + 10 * $1)); }
peer_pprof_port() { echo $((PORT_BASE + 207 + 10 * $1)); }
orderer_pprof_port() { echo $((PORT_BASE + 105 + 10 * $1)); }
ca_port() { echo $((PORT_BASE + 400 + 10 * $1)); }
ca_ops_port() { echo $((PORT_BASE + 404 + 10 * $1)); }

# ---------------------------------------------------------------------------- output

STARTED_AT=${STARTED_AT:-$(date +%s%N)}
export STARTED_AT

elapsed() { printf '%5.1fs' "$(($(date +%s%N) - STARTED_AT))e-9"; }
step() { echo "[$(elapsed)] ==> $*"; }
info() { echo "[$(elapsed)]     $*"; }

# die MESSAGE [LOGFILE]: fails loudly, with the tail of the log of the process that failed.
die() {
    echo "ERROR: $1" >&2
    if [[ -n "${2:-}" && -f "$2" ]]; then
        echo "---- last lines of $2 ----" >&2
        tail -n "${CARELEDGER_LOG_TAIL:-25}" "$2" >&2
        echo "----" >&2
    fi
    exit 1
}

# ---------------------------------------------------------------------------- Fabric

# find_fabric: sets FABRIC_HOME_FOUND, FABRIC_BIN, FABRIC_CONFIG, FABRIC_VERSION, CA_VERSION,
# or sets FABRIC_MISSING to one line naming what is missing and returns 1.
find_fabric() {
    FABRIC_MISSING=""
    local home source
    if [[ -n "${FABRIC_HOME:-}" ]]; then
        home="$FABRIC_HOME" source="FABRIC_HOME"
    elif [[ -x /opt/fabric/bin/peer ]]; then
        home=/opt/fabric source="/opt/fabric"
    elif command -v peer >/dev/null 2>&1; then
        home="$(cd "$(dirname "$(command -v peer)")/.." && pwd)" source="PATH"
    else
        FABRIC_MISSING="Fabric not found: set FABRIC_HOME to a folder with bin/peer, or install to /opt/fabric, or put peer on PATH"
        return 1
    fi
    FABRIC_HOME_FOUND="$home"
    FABRIC_BIN="$home/bin"
    FABRIC_CONFIG="$home/config"
    local missing=()
    local tool
    for tool in peer orderer osnadmin configtxgen configtxlator fabric-ca-server fabric-ca-client; do
        [[ -x "$FABRIC_BIN/$tool" ]] || missing+=("bin/$tool")
    done
    for tool in core.yaml orderer.yaml; do
        [[ -f "$FABRIC_CONFIG/$tool" ]] || missing+=("config/$tool")
    done
    for tool in node curl tar; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool (not on PATH)")
    done
    if ((${#missing[@]})); then
        FABRIC_MISSING="Fabric at $home (from $source) is incomplete: missing ${missing[*]}"
        return 1
    fi
    FABRIC_VERSION="$("$FABRIC_BIN/peer" version 2>/dev/null | awk '/^ Version:/ {print $2; exit}')"
    CA_VERSION="$("$FABRIC_BIN/fabric-ca-server" version 2>/dev/null | awk '/^ Version:/ {print $2; exit}')"
    if ! version_at_least "$FABRIC_VERSION" 2.5; then
        FABRIC_MISSING="Fabric at $home is version ${FABRIC_VERSION:-unknown}; CareLedger needs Fabric 2.5 LTS or 3.x"
        return 1
    fi
    if ! version_at_least "$CA_VERSION" 1.5; then
        FABRIC_MISSING="fabric-ca at $home is version ${CA_VERSION:-unknown}; CareLedger needs fabric-ca 1.5"
        return 1
    fi
    if [[ "$ORDERER_TYPE" == bft ]] && ! version_at_least "$FABRIC_VERSION" 3.0; then
        FABRIC_MISSING="CARELEDGER_ORDERER_TYPE=bft needs Fabric 3.x; found $FABRIC_VERSION"
        return 1
    fi
    FABRIC_SOURCE="$source"
    return 0
}

# version_at_least VERSION MIN: true when major.minor of VERSION >= MIN. A leading "v" is
# allowed (fabric-ca prints v1.5.21). No regex match: BASH_REMATCH is global, and a caller's
# own match (network.sh start orderer<N>) must survive a call that checks a version.
version_at_least() {
    local have="${1#v}" want="${2#v}" hmaj hmin wmaj wmin rest
    IFS=. read -r hmaj hmin rest <<<"$have"
    IFS=. read -r wmaj wmin rest <<<"$want"
    local part
    for part in "$hmaj" "$hmin" "$wmaj" "$wmin"; do
        [[ -n "$part" && "$part" != *[!0-9]* ]] || return 1
    done
    ((10#$hmaj > 10#$wmaj || (10#$hmaj == 10#$wmaj && 10#$hmin >= 10#$wmin)))
}

require_fabric() {
    find_fabric || die "$FABRIC_MISSING"
    export FABRIC_CFG_PATH="$FABRIC_CONFIG"
}

# ---------------------------------------------------------------------------- layout

peer_org_dir() { echo "$ORGS_DIR/peerOrganizations/$1"; }            # by domain
orderer_org_dir() { echo "$ORGS_DIR/ordererOrganizations/$ORDERER_DOMAIN"; }
orderer_name() { echo "orderer$1.$ORDERER_DOMAIN"; }
orderer_dir() { echo "$(orderer_org_dir)/orderers/$(orderer_name "$1")"; }
orderer_admin_dir() { echo "$(orderer_org_dir)/users/admin@$ORDERER_DOMAIN"; }

# consortium.json, read once into arrays (one node start, not one per lookup).
declare -A ORG_MSP ORG_DOMAIN ORG_PEER_COUNT ORG_INDEX ORG_KIND PEER_INDEX PEER_ORG
ALL_ORGS=()
ALL_PEERS=()
while IFS=$'\t' read -r _org _msp _domain _peers _index _kind; do
    ALL_ORGS+=("$_org")
    ORG_MSP[$_org]="$_msp" ORG_DOMAIN[$_org]="$_domain" ORG_PEER_COUNT[$_org]="$_peers"
    ORG_INDEX[$_org]="$_index" ORG_KIND[$_org]="$_kind"
done < <(CONSORTIUM orgs)
while IFS=$'\t' read -r _org _peer _index; do
    ALL_PEERS+=("$_peer")
    PEER_INDEX[$_peer]="$_index" PEER_ORG[$_peer]="$_org"
done < <(CONSORTIUM peers)
unset _org _msp _domain _peers _index _kind _peer

known_org() { [[ -n "${ORG_MSP[$1]:-}" ]]; }
org_msp() { echo "${ORG_MSP[$1]}"; }
org_domain() { echo "${ORG_DOMAIN[$1]}"; }
org_index() { echo "${ORG_INDEX[$1]}"; }
peer_index() { echo "${PEER_INDEX[$1]}"; }
peer_org() { echo "${PEER_ORG[$1]}"; }
# org_peers ORG: the org's peer names, one per line.
org_peers() {
    local peer
    for peer in "${ALL_PEERS[@]}"; do
        [[ "${PEER_ORG[$peer]}" == "$1" ]] && echo "$peer"
    done
    return 0
}
# first_peer ORG: the org's first peer. No `org_peers | head -n1`: under pipefail, head closing
# the pipe early can kill the writer with SIGPIPE (exit 141) and fail the whole script.
first_peer() {
    local peer
    for peer in "${ALL_PEERS[@]}"; do
        [[ "${PEER_ORG[$peer]}" == "$1" ]] && echo "$peer" && return 0
    done
    return 0
}
# first_org: the first founding org (the first org on the channel).
first_org() {
    local org
    for org in "${ALL_ORGS[@]}"; do
        [[ "${ORG_KIND[$org]}" == founding ]] && echo "$org" && return 0
    done
    return 0
}
founding_orgs() {
    local org
    for org in "${ALL_ORGS[@]}"; do
        [[ "${ORG_KIND[$org]}" == founding ]] && echo "$org"
    done
    return 0
}

# The orgs on the channel: the founding orgs plus any added with addOrg (recorded in run/).
channel_orgs() {
    founding_orgs
    [[ -f "$RUN_DIR/added-orgs" ]] && cat "$RUN_DIR/added-orgs"
    return 0
}

# ---------------------------------------------------------------------------- peer CLI

# as_admin ORG PEERNAME: environment for the peer CLI acting as ORG's admin against PEERNAME.
as_admin() {
    local org="$1" peer="$2" domain index
    domain="$(org_domain "$org")"
    index="$(peer_index "$peer")"
    export CORE_PEER_LOCALMSPID
    CORE_PEER_LOCALMSPID="$(org_msp "$org")"
    export CORE_PEER_MSPCONFIGPATH="$(peer_org_dir "$domain")/users/admin@$domain/msp"
    export CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$index")"
    export CORE_PEER_TLS_ENABLED=true
    export CORE_PEER_TLS_ROOTCERT_FILE="$(peer_org_dir "$domain")/peers/$peer/tls/ca.crt"
    export FABRIC_LOGGING_SPEC=WARNING
}

orderer_tls_ca() { echo "$(orderer_dir 0)/tls/ca.crt"; }

# orderer_args: peer CLI flags to reach the first orderer over TLS.
orderer_args() {
    echo "-o 127.0.0.1:$(orderer_port 0) --ordererTLSHostnameOverride $(orderer_name 0) --tls --cafile $(orderer_tls_ca)"
}
