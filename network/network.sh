#!/usr/bin/env bash
# CareLedger's Fabric network from the installed Fabric binaries: one process per CA, orderer,
# peer and chaincode server, all on 127.0.0.1. See network/README.md.
#
#   network.sh check            what Fabric was found (exit 0), or the one thing missing (exit 1)
#   network.sh up               CAs, every identity, orderers and peers, each waited for until healthy
#   network.sh createChannel    channel careledger: orderers join (osnadmin), peers join
#   network.sh deployCC         compile, package, install, approve (every org), commit, start servers;
#                               on a running network: the next version and sequence
#       [--name NAME --path DIR [--ready ARGS]]  another chaincode beside CareLedger's, ARGS its
#                               readiness query (the benchmark's floor: --name careledger-bench
#                               --path bench/chaincode --ready '{"Args":["floor:Get","ready"]}')
#   network.sh restart          down, then up createChannel deployCC: the one command for a ready network
#   network.sh addOrg NAME      add an org from consortium.json's addableOrgs to the running network
#   network.sh down             stop exactly what up started (by pid) and remove all generated state
#   network.sh status           processes, memory, ports, channel height, chaincode definition
#   network.sh stop NODE        stop one node (e.g. peer0.hospital.careledger.local), for failover tests
#   network.sh start NODE       start it again and wait until it is healthy
#
# Verbs chain: `network.sh up createChannel deployCC`.
set -Eeuo pipefail
# Anything that fails without a message of its own still says where.
trap 'echo "ERROR: unexpected failure (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/env.sh"
# shellcheck source=scripts/process.sh
source "$SCRIPTS_DIR/process.sh"
# shellcheck source=scripts/ca.sh
source "$SCRIPTS_DIR/ca.sh"
# shellcheck source=scripts/nodes.sh
source "$SCRIPTS_DIR/nodes.sh"
# shellcheck source=scripts/channel.sh
source "$SCRIPTS_DIR/channel.sh"
# shellcheck source=scripts/chaincode.sh
source "$SCRIPTS_DIR/chaincode.sh"
# shellcheck source=scripts/addorg.sh
source "$SCRIPTS_DIR/addorg.sh"

usage() {
    sed -n '5,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

cmd_check() {
    if ! find_fabric; then
        echo "$FABRIC_MISSING"
        return 1
    fi
    echo "Fabric found at $FABRIC_HOME_FOUND (from $FABRIC_SOURCE)"
    echo "  peer             $FABRIC_VERSION"
    echo "  orderer          $("$FABRIC_BIN/orderer" version 2>/dev/null | awk '/^ Version:/ {print $2; exit}')"
    echo "  configtxgen      $("$FABRIC_BIN/configtxgen" -version 2>/dev/null | awk '/^ Version:/ {print $2; exit}')"
    echo "  osnadmin         present (no version flag; ships with the orderer)"
    echo "  fabric-ca-server $CA_VERSION"
    echo "  fabric-ca-client $("$FABRIC_BIN/fabric-ca-client" version 2>/dev/null | awk '/^ Version:/ {print $2; exit}')"
    echo "  config           $FABRIC_CONFIG (core.yaml, orderer.yaml)"
}

require_down() {
    local running
    running="$(running_processes)"
    [[ -z "$running" ]] || die "the network is already running ($(wc -l <<<"$running") processes); run '$0 down' first"
    if [[ -d "$ORGS_DIR" || -d "$DATA_DIR" ]]; then
        die "state of an earlier network is left in $ORGS_DIR or $DATA_DIR; run '$0 down' first"
    fi
}

cmd_up() {
    # A new network: the type asked for now (or Raft), not the one of an earlier network.
    set_orderer_type "${CARELEDGER_ORDERER_TYPE:-raft}"
    require_fabric
    require_down
    step "Fabric $FABRIC_VERSION, fabric-ca $CA_VERSION from $FABRIC_HOME_FOUND; ports from $PORT_BASE; orderer type $ORDERER_TYPE"

    local orgs=() peers=() org peer i ports=()
    mapfile -t orgs < <(founding_orgs)
    mapfile -t peers < <(for org in "${orgs[@]}"; do org_peers "$org"; done)
    ports+=("$(ca_port 0)" "$(ca_ops_port 0)")
    for org in "${orgs[@]}"; do ports+=("$(ca_port "$(org_index "$org")")" "$(ca_ops_port "$(org_index "$org")")"); done
    # shellcheck disable=SC2207
    ports+=($(orderer_ports))
    # shellcheck disable=SC2207
    for peer in "${peers[@]}"; do ports+=($(peer_ports "$peer")); done
    require_ports_free "${ports[@]}"
    mkdir -p "$ORGS_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$PID_DIR"
    echo "$ORDERER_TYPE" >"$RUN_DIR/orderer-type"

    step "starting ${#orgs[@]} + 1 Fabric CAs"
    run_parallel start_ca "$ORDERER_ORG" "${orgs[@]}"
    run_parallel wait_ca "$ORDERER_ORG" "${orgs[@]}" || die "a CA did not start (see above)"

    step "registering and enrolling every identity (nodes, TLS, users with careledger.role/careledger.id)"
    run_parallel enroll_any_org "$ORDERER_ORG" "${orgs[@]}" || die "enrolment failed (see above)"

    step "starting $ORDERER_COUNT orderers and ${#peers[@]} peers"
    for ((i = 0; i < ORDERER_COUNT; i++)); do start_orderer "$i"; done
    for peer in "${peers[@]}"; do start_peer "$peer"; done
    local orderers=()
    for ((i = 0; i < ORDERER_COUNT; i++)); do orderers+=("$i"); done
    run_parallel wait_orderer "${orderers[@]}" || die "an orderer is not healthy (see above)"
    run_parallel wait_peer "${peers[@]}" || die "a peer is not healthy (see above)"
    info "network is up: $(running_processes | wc -l) processes"
}

enroll_any_org() {
    if [[ "$1" == "$ORDERER_ORG" ]]; then enroll_orderer_org; else enroll_peer_org "$1"; fi
}

cmd_createChannel() {
    require_fabric
    [[ -n "$(running_processes)" ]] || die "the network is not running; run '$0 up' first"
    create_channel
}

cmd_deployCC() {
    require_fabric
    [[ -n "$(running_processes)" ]] || die "the network is not running; run '$0 up' first"
    deploy_chaincode
}

cmd_down() {
    local running
    running="$(running_processes)"
    if [[ -n "$running" ]]; then
        step "stopping $(wc -l <<<"$running") processes"
        stop_processes '*'
    fi
    step "removing generated state"
    rm -rf "$ORGS_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$ARTIFACTS_DIR" "$PACKAGES_DIR" "$PID_DIR"
    info "network is down"
}

cmd_restart() {
    cmd_down
    cmd_up
    cmd_createChannel
    cmd_deployCC
    step "ready: channel $CHANNEL with chaincode $CHAINCODE_NAME"
}

cmd_status() {
    local running
    running="$(running_processes)"
    if [[ -z "$running" ]]; then
        echo "the network is not running"
        return 0
    fi
    local name pid rss total=0
    printf '%-48s %8s %10s\n' PROCESS PID RSS_MB
    while read -r name pid; do
        rss="$(ps -o rss= -p "$pid" | tr -d ' ')"
        total=$((total + ${rss:-0}))
        printf '%-48s %8s %10s\n' "$name" "$pid" "$((${rss:-0} / 1024))"
    done <<<"$running"
    printf '%-48s %8s %10s\n' "total resident memory" "" "$((total / 1024))"
    if find_fabric; then
        export FABRIC_CFG_PATH="$FABRIC_CONFIG"
        local org peer
        for org in $(channel_orgs); do
            for peer in $(org_peers "$org"); do
                process_alive "$peer" || continue
                echo "$peer: $( (as_admin "$org" "$peer" && "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL") 2>&1 | tail -n1)"
            done
        done
        [[ -f "$DEPLOYED_FILE" ]] && echo "chaincode: $(tr '\n' ' ' <"$DEPLOYED_FILE")"
        local other
        for other in "$RUN_DIR"/chaincode-*.env; do
            [[ -f "$other" ]] && echo "chaincode ${other##*/chaincode-}: $(tr '\n' ' ' <"$other")"
        done
    fi
    return 0
}

# node_kind NODE: how to start and wait for a node by its name.
cmd_start() {
    local node="${1:?usage: network.sh start NODE}"
    require_fabric
    if [[ -n "${PEER_INDEX[$node]:-}" ]]; then
        require_ports_free "$(peer_port "$(peer_index "$node")")"
        start_peer "$node"
        wait_peer "$node"
        if peer_has_channel "$node" >/dev/null 2>&1; then
            # Its gateway can plan endorsements once gossip has found the other peers again.
            local others
            others=$(($(for org in $(channel_orgs); do org_peers "$org"; done | wc -l) - 1))
            wait_for "$node" "$node to know the channel's $others other peers (gossip)" peer_knows_peers "$node" "$others"
        fi
    elif [[ "$node" =~ ^orderer([0-9]+)\. ]]; then
        start_orderer "${BASH_REMATCH[1]}"
        wait_orderer "${BASH_REMATCH[1]}"
    elif [[ "$node" =~ ^chaincode\.(.+)$ && -n "${PEER_INDEX[${BASH_REMATCH[1]}]:-}" ]]; then
        load_deployed
        start_chaincode_server "${BASH_REMATCH[1]}"
        wait_chaincode_server "${BASH_REMATCH[1]}"
    else
        die "unknown node $node (a peer such as peer0.hospital.careledger.local, an orderer, or chaincode.<peer>)"
    fi
    info "$node is running"
}

cmd_stop() {
    local node="${1:?usage: network.sh stop NODE}"
    process_alive "$node" || die "$node is not running"
    stop_process "$node"
    info "$node stopped"
}

(($#)) || usage
while (($#)); do
    verb="$1"
    shift
    case "$verb" in
    check) cmd_check ;;
    up) cmd_up ;;
    createChannel) cmd_createChannel ;;
    deployCC)
        if [[ "${1:-}" == --name ]]; then
            [[ $# -ge 4 && "$3" == --path ]] || die "usage: network.sh deployCC --name NAME --path DIR [--ready ARGS]"
            if [[ "${5:-}" == --ready ]]; then
                [[ $# -ge 6 ]] || die "usage: network.sh deployCC --name NAME --path DIR [--ready ARGS]"
                select_chaincode "$2" "$4" "$6"
                shift 6
            else
                select_chaincode "$2" "$4"
                shift 4
            fi
        fi
        cmd_deployCC
        select_chaincode
        ;;
    restart) cmd_restart ;;
    down) cmd_down ;;
    status) cmd_status ;;
    addOrg)
        (($#)) || die "usage: network.sh addOrg NAME (one of consortium.json's addableOrgs)"
        require_fabric
        add_org "$1"
        shift
        ;;
    start | stop)
        (($#)) || die "usage: network.sh $verb NODE"
        "cmd_$verb" "$1"
        shift
        ;;
    -h | --help | help) usage ;;
    *) die "unknown verb '$verb'; verbs: check up createChannel deployCC restart addOrg down status start stop" ;;
    esac
done
