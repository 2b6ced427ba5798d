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
#   network.sh snapshot         a ledger snapshot on every running peer at one height: PEER HEIGHT DIGEST lines
#   network.sh stop NODE        stop one node (SIGTERM; e.g. peer0.hospital.careledger.local, orderer1.<domain>,
#                               ca.<org>, chaincode.<peer>), keeping its state; `stop all`: the whole network
#   network.sh kill NODE        the same with SIGKILL (a crash); `kill all`: every process at once (a power cut)
#   network.sh start NODE       start it again from its state and wait until it serves; `start all`: the whole
#                               network (CAs, orderers, peers, chaincode servers) after `stop all` / `kill all`
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
    sed -n '5,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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

# cmd_start NODE: starts one node from its state and waits until it serves:
#   a peer (healthy, listening, and in gossip with the channel's other *running* peers),
#   an orderer (orderer<N>.<domain>), a CA (ca.<org>), a chaincode server (chaincode.<peer>
#   or chaincode-NAME.<peer>), or `all`: every node of the network (see cmd_start_all).
cmd_start() {
    local node="${1:?usage: network.sh start NODE}"
    require_fabric
    # Copy every regex capture at once: BASH_REMATCH is global and any later [[ =~ ]] (in
    # any function called meanwhile) overwrites it.
    local index="" target=""
    if [[ "$node" == all ]]; then
        cmd_start_all
        return
    elif [[ -n "${PEER_INDEX[$node]:-}" ]]; then
        require_ports_free "$(peer_port "$(peer_index "$node")")"
        start_peer "$node"
        wait_peer "$node"
        wait_peer_gossip "$node"
    elif [[ "$node" =~ ^orderer([0-9]+)\. ]] && index="${BASH_REMATCH[1]}" && [[ "$node" == "$(orderer_name "$index")" ]]; then
        ((index < ORDERER_COUNT)) || die "$node: the $ORDERER_TYPE network has $ORDERER_COUNT orderers (orderer0-$((ORDERER_COUNT - 1)))"
        start_orderer "$index"
        wait_orderer "$index"
    elif [[ "$node" =~ ^ca\.(.+)$ ]] && target="${BASH_REMATCH[1]}" && { [[ "$target" == "$ORDERER_ORG" ]] || known_org "$target"; }; then
        [[ -d "$(ca_home "$target")" ]] || die "$node has no state in $(ca_home "$target"); it was never started ('up' or 'addOrg')"
        start_ca "$target"
        wait_ca "$target"
    elif [[ "$node" =~ ^(chaincode(-[a-z0-9][a-z0-9_-]*)?)\.(.+)$ && -n "${PEER_INDEX[${BASH_REMATCH[3]}]:-}" ]]; then
        target="${BASH_REMATCH[3]}"
        select_deployed_chaincode "${BASH_REMATCH[1]}"
        start_chaincode_server "$target"
        wait_chaincode_server "$target"
        select_chaincode
    else
        die "unknown node $node (a peer such as peer0.hospital.careledger.local, orderer<N>.$ORDERER_DOMAIN, ca.<org>, chaincode.<peer>, or all)"
    fi
    info "$node is running"
}

# select_deployed_chaincode PREFIX: selects the chaincode whose servers are named PREFIX.<peer>
# (chaincode: the consortium's; chaincode-NAME: the one deployed with --name NAME) and loads its definition.
select_deployed_chaincode() {
    if [[ "$1" == chaincode ]]; then
        select_chaincode
    else
        local name="${1#chaincode-}"
        [[ -f "$RUN_DIR/chaincode-$name.env" ]] || die "no chaincode $name deployed (no $RUN_DIR/chaincode-$name.env)"
        # Its servers run the snapshot deployCC made; that folder holds its package.json.
        select_chaincode "$name" "$(SNAPSHOT_DIR='' && source "$RUN_DIR/chaincode-$name.env" && echo "$SNAPSHOT_DIR")"
    fi
    load_deployed
}

# wait_peer_gossip PEER: a peer that is on the channel knows the channel's other peers that run
# now (its gateway plans endorsements only over peers it knows). Peers that are down are not
# waited for, so peers can be started one at a time while others are still down.
wait_peer_gossip() {
    local peer="$1" org other others=0
    peer_has_channel "$peer" >/dev/null 2>&1 || return 0
    for org in $(channel_orgs); do
        for other in $(org_peers "$org"); do
            [[ "$other" != "$peer" ]] && process_alive "$other" && others=$((others + 1))
        done
    done
    wait_for "$peer" "$peer to know the channel's $others other running peers (gossip)" peer_knows_peers "$peer" "$others"
}

# The network's nodes, by kind, from its state: CAs, orderers, peers of the channel's orgs, and the
# chaincode servers of every deployed chaincode (`chaincode.<peer>`, `chaincode-NAME.<peer>`).
network_cas() { echo "$(ca_name "$ORDERER_ORG")"; for org in $(channel_orgs); do ca_name "$org"; done; }
network_peers() { for org in $(channel_orgs); do org_peers "$org"; done; }
deployed_chaincode_prefixes() {
    [[ -f "$RUN_DIR/chaincode.env" ]] && echo chaincode
    local file name
    for file in "$RUN_DIR"/chaincode-*.env; do
        [[ -f "$file" ]] || continue
        name="${file##*/chaincode-}"
        echo "chaincode-${name%.env}"
    done
    return 0
}

# cmd_start_all: every node of a stopped (or killed) network again from its state on disk: CAs,
# orderers, peers and chaincode servers, each waited for; then a consensus leader, every peer
# on the channel and in gossip with all others, and every chaincode answering on every peer.
cmd_start_all() {
    [[ -d "$DATA_DIR" && -f "$RUN_DIR/orderer-type" ]] || die "no network state to start from; run '$0 restart'"
    local running
    running="$(running_processes)"
    [[ -z "$running" ]] || die "the network is partly running ($(wc -l <<<"$running") processes); stop it first ('$0 stop all')"
    local cas=() peers=() orderers=() i org peer prefix
    mapfile -t cas < <(network_cas)
    mapfile -t peers < <(network_peers)
    for ((i = 0; i < ORDERER_COUNT; i++)); do orderers+=("$i"); done
    local ports=()
    for org in "$ORDERER_ORG" $(channel_orgs); do ports+=("$(ca_port "$(ca_org_index "$org")")"); done
    # shellcheck disable=SC2207
    ports+=($(orderer_ports))
    # shellcheck disable=SC2207
    for peer in "${peers[@]}"; do ports+=($(peer_ports "$peer")); done
    require_ports_free "${ports[@]}"

    step "starting ${#cas[@]} CAs, $ORDERER_COUNT orderers, ${#peers[@]} peers and their chaincode servers from their state"
    for org in "$ORDERER_ORG" $(channel_orgs); do start_ca "$org"; done
    for i in "${orderers[@]}"; do start_orderer "$i"; done
    for peer in "${peers[@]}"; do start_peer "$peer"; done
    for prefix in $(deployed_chaincode_prefixes); do
        select_deployed_chaincode "$prefix"
        for peer in "${peers[@]}"; do start_chaincode_server "$peer"; done
    done
    select_chaincode
    run_parallel wait_ca "$ORDERER_ORG" $(channel_orgs) || die "a CA did not start (see above)"
    run_parallel wait_orderer "${orderers[@]}" || die "an orderer is not healthy (see above)"
    wait_for "" "a consensus leader on channel $CHANNEL" orderer_leader_elected
    run_parallel wait_peer "${peers[@]}" || die "a peer is not healthy (see above)"
    for prefix in $(deployed_chaincode_prefixes); do
        select_deployed_chaincode "$prefix"
        run_parallel wait_chaincode_server "${peers[@]}" || die "a chaincode server did not start (see above)"
        run_parallel wait_chaincode_ready "${peers[@]}" || die "$CHAINCODE_NAME is not ready on every peer (see above)"
    done
    select_chaincode
    for peer in "${peers[@]}"; do
        wait_for "$peer" "$peer to know the channel's $((${#peers[@]} - 1)) other peers (gossip)" \
            peer_knows_peers "$peer" $((${#peers[@]} - 1))
    done
    info "network is running again: $(running_processes | wc -l) processes"
}

# cmd_stop NODE: SIGTERM (then SIGKILL after CARELEDGER_STOP_TIMEOUT), state kept; `all`: every
# process of the network at once. cmd_kill NODE: SIGKILL at once, as a crash or power cut would.
cmd_stop() {
    local node="${1:?usage: network.sh stop NODE}"
    if [[ "$node" == all ]]; then
        local running
        running="$(running_processes)"
        [[ -n "$running" ]] || die "the network is not running"
        step "stopping $(wc -l <<<"$running") processes (SIGTERM), keeping their state"
        stop_processes '*'
        info "network stopped; '$0 start all' starts it again"
        return
    fi
    process_alive "$node" || die "$node is not running"
    stop_process "$node"
    info "$node stopped"
}

cmd_kill() {
    local node="${1:?usage: network.sh kill NODE}" names=() name
    if [[ "$node" == all ]]; then
        mapfile -t names < <(running_processes | cut -d' ' -f1)
        ((${#names[@]})) || die "the network is not running"
        step "killing ${#names[@]} processes (SIGKILL), keeping their state"
    else
        process_alive "$node" || die "$node is not running"
        names=("$node")
    fi
    # Every SIGKILL first, then the waits: all at once, as a power cut would.
    for name in "${names[@]}"; do kill -KILL "$(process_pid "$name")" 2>/dev/null || true; done
    for name in "${names[@]}"; do
        while process_alive "$name"; do sleep 0.05; done
        rm -f "$PID_DIR/$name.pid"
    done
    info "$node killed (SIGKILL)"
}

# cmd_snapshot: once every running peer of the channel has the same block height, a ledger
# snapshot on each (Fabric's `peer snapshot submitrequest`), and per peer one line
# `PEER HEIGHT DIGEST`, DIGEST being the SHA-256 of the snapshot's signable metadata, which holds
# the hashes of the world state, the private data hashes and every transaction id, and the last
# block's hash. Equal digests: identical ledgers and world states.
cmd_snapshot() {
    require_fabric
    local peers=() peer
    for peer in $(network_peers); do process_alive "$peer" && peers+=("$peer"); done
    ((${#peers[@]})) || die "no peer is running"
    wait_for "" "every running peer at the same block height" peers_at_same_height "${peers[@]}"
    local height
    height="$(channel_height "$(peer_org "${peers[0]}")" "${peers[0]}")"
    local last=$((height - 1)) out
    for peer in "${peers[@]}"; do
        if [[ ! -f "$(snapshot_dir "$peer" "$last")/_snapshot_signable_metadata.json" ]]; then
            out="$(as_admin "$(peer_org "$peer")" "$peer" && "$FABRIC_BIN/peer" snapshot submitrequest -c "$CHANNEL" \
                -b 0 --peerAddress "$CORE_PEER_ADDRESS" --tlsRootCertFile "$CORE_PEER_TLS_ROOTCERT_FILE" 2>&1)" ||
                die "snapshot request on $peer failed: $out" "$LOG_DIR/$peer.log"
        fi
    done
    for peer in "${peers[@]}"; do
        wait_for "$peer" "$peer's snapshot at block $last" test -f "$(snapshot_dir "$peer" "$last")/_snapshot_signable_metadata.json"
        echo "$peer $height $(sha256sum <"$(snapshot_dir "$peer" "$last")/_snapshot_signable_metadata.json" | cut -d' ' -f1)"
    done
}

snapshot_dir() { echo "$DATA_DIR/$1/snapshots/completed/$CHANNEL/$2"; }

peers_at_same_height() {
    local peer height first=""
    for peer in "$@"; do
        height="$(channel_height "$(peer_org "$peer")" "$peer")"
        [[ -n "$height" ]] || return 1
        [[ -z "$first" ]] && first="$height"
        [[ "$height" == "$first" ]] || return 1
    done
}

main() {
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
        snapshot) cmd_snapshot ;;
        addOrg)
            (($#)) || die "usage: network.sh addOrg NAME (one of consortium.json's addableOrgs)"
            require_fabric
            add_org "$1"
            shift
            ;;
        start | stop | kill)
            (($#)) || die "usage: network.sh $verb NODE (or all)"
            "cmd_$verb" "$1"
            shift
            ;;
        -h | --help | help) usage ;;
        *) die "unknown verb '$verb'; verbs: check up createChannel deployCC restart addOrg down status snapshot start stop kill" ;;
        esac
    done
}

# Sourced (by the scripts' unit tests), it only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
