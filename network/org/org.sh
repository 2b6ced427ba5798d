#!/usr/bin/env bash
# One organisation's operations, run by that org on its own host with only its own files
# (network/org/README.md). Nothing here reads or writes another org's folder: orgs exchange
# public bundles, config updates, signatures and chaincode definitions as files.
#
#   org.sh init                     start the org's Fabric CA; enrol its nodes, admin and users
#                                   (careledger.role / careledger.id); write its public bundle
#   org.sh bundle OUT.tgz           the org's PUBLIC bundle (CA + TLS CA certificates, NodeOUs,
#                                   anchor peers or orderer endpoints); refused if it holds a key
#   org.sh start | stop             its CA and peers (+ chaincode servers once approved) or its
#                                   orderers; `start --gateway` also its CareLedger gateway
#   org.sh status                   its processes and, on peers, the channel height
#   org.sh height                   the channel height on its first peer (a number)
#   orderer org only:
#   org.sh genesis OUT.block MEMBER_BUNDLE...   genesis block from the founding members' bundles
#   org.sh create-channel           every orderer joins the channel (osnadmin); waits for a leader
#   peer orgs:
#   org.sh trust-orderer ORDERER_BUNDLE         record the ordering service's endpoint and TLS root
#   org.sh join                     fetch block 0 from an orderer, join every peer
#   org.sh propose-add BUNDLE OUT.pb            config update adding the org of BUNDLE
#   org.sh propose-remove MSPID OUT.pb          config update removing an org
#   org.sh propose-update-msp BUNDLE OUT.pb     config update replacing an org's MSP (CA rotation)
#   org.sh sign UPDATE.pb OUT.sig   this org's admin signs; only the signature leaves the host
#   org.sh submit UPDATE.pb SIG... [--force]    submit once a MAJORITY of members' admins signed
#                                   (this org signs on submitting); says whose signatures are missing
#   org.sh rotate-admin OUT_BUNDLE   new admin key and certificate, the old one revoked; the
#                                   bundle with the CA's revocation list (then propose-update-msp)
#   org.sh fetch-config OUT.pb      the channel's config block, as this org's admin (who is a member)
#   org.sh define OUT.json [SEQ]    the chaincode definition this org proposes (policy over members)
#   org.sh approve DEF.json         install the package, start chaincode servers, approve
#   org.sh commit DEF.json MEMBER_BUNDLE...     commit (endorsed by this org and the bundles' orgs)
#   org.sh wait-chaincode           until every peer of this org runs the committed chaincode
#
# Settings: CARELEDGER_ORG, CARELEDGER_ORG_HOME, CARELEDGER_ORG_HOST, CARELEDGER_ORG_PORT_BASE
# (network/org/scripts/host.sh), and network.sh's FABRIC_HOME, CARELEDGER_TIMEOUT, ...
set -Eeuo pipefail
trap 'echo "ERROR: unexpected failure (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
umask 077

usage() {
    sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

[[ $# -gt 0 && "$1" != help && "$1" != -h && "$1" != --help ]] || usage

ORG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/env.sh
source "$ORG_ROOT/../scripts/env.sh"
# shellcheck source=../scripts/process.sh
source "$SCRIPTS_DIR/process.sh"
# shellcheck source=../scripts/ca.sh
source "$SCRIPTS_DIR/ca.sh"
# shellcheck source=../scripts/nodes.sh
source "$SCRIPTS_DIR/nodes.sh"
# shellcheck source=../scripts/channel.sh
source "$SCRIPTS_DIR/channel.sh"
# shellcheck source=../scripts/chaincode.sh
source "$SCRIPTS_DIR/chaincode.sh"
# The shared scripts above define the developer network's layout; this host's replaces it.
# shellcheck source=scripts/host.sh
source "$ORG_ROOT/scripts/host.sh"
# shellcheck source=scripts/identities.sh
source "$ORG_ROOT/scripts/identities.sh"
# shellcheck source=scripts/nodes.sh
source "$ORG_ROOT/scripts/nodes.sh"
# shellcheck source=scripts/channel.sh
source "$ORG_ROOT/scripts/channel.sh"
# shellcheck source=scripts/lifecycle.sh
source "$ORG_ROOT/scripts/lifecycle.sh"

cmd_init() {
    require_fabric
    mkdir -p "$ORG_HOME"
    chmod 700 "$ORG_HOME"
    if [[ ! -f "$ORG_HOME/org.env" ]]; then
        printf "ORG='%s'\nHOST_ADDRESS='%s'\nORG_PORT_BASE='%s'\n" "$ORG" "$HOST" "$ORG_PORT_BASE" >"$ORG_HOME/org.env"
    fi
    mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$PID_DIR"
    step "$ORG ($MSP_ID) on $HOST, home $ORG_HOME: Fabric $FABRIC_VERSION, fabric-ca $CA_VERSION"
    step "$ORG: starting its Fabric CA on port $(ca_api_port) (TLS)"
    start_org_ca
    init_identities
    write_bundle "$ORG_HOME/$ORG.bundle.tgz"
    info "$ORG is initialised; its private keys stay in $ORG_HOME"
}

cmd_start() {
    require_fabric
    require_initialised
    start_org_ca
    local i peer gateway=false
    [[ "${1:-}" == --gateway ]] && gateway=true
    if [[ "$IS_ORDERER" == true ]]; then
        step "$ORG: starting $ORDERER_COUNT orderers"
        for ((i = 0; i < ORDERER_COUNT; i++)); do start_org_orderer "$i"; done
        for ((i = 0; i < ORDERER_COUNT; i++)); do wait_orderer "$i"; done
        return 0
    fi
    step "$ORG: starting peers $(my_peers | tr '\n' ' ')"
    while read -r peer; do start_org_peer "$peer"; done < <(my_peers)
    while read -r peer; do wait_org_peer "$peer"; done < <(my_peers)
    if [[ -f "$(CHAINCODE_ENV)" ]]; then
        # shellcheck disable=SC1090
        source "$(CHAINCODE_ENV)"
        step "$ORG: starting the chaincode servers of $PACKAGE_ID"
        while read -r peer; do start_org_chaincode_server "$peer"; done < <(my_peers)
    fi
    if [[ "$gateway" == true ]]; then
        step "$ORG: starting the CareLedger gateway on 127.0.0.1:$(gateway_port)"
        start_org_gateway
    fi
}

cmd_stop() {
    local running
    running="$(running_processes)"
    [[ -n "$running" ]] || {
        info "$ORG: nothing is running"
        return 0
    }
    step "$ORG: stopping $(wc -l <<<"$running") processes"
    stop_processes '*'
}

cmd_status() {
    running_processes
    if [[ "$IS_ORDERER" == false ]] && find_fabric; then
        export FABRIC_CFG_PATH="$FABRIC_CONFIG"
        local peer
        while read -r peer; do
            process_alive "$peer" && echo "$peer: $( (as_admin "$ORG" "$peer" && "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL") 2>&1 | tail -n1)"
        done < <(my_peers)
    fi
    return 0
}

(($#)) || usage
verb="$1"
shift
case "$verb" in
init) cmd_init ;;
bundle)
    require_initialised
    write_bundle "${1:?usage: org.sh bundle OUT.tgz}"
    ;;
start) cmd_start "$@" ;;
stop) cmd_stop ;;
status) cmd_status ;;
height)
    require_fabric
    peer_cli channel getinfo -c "$CHANNEL" 2>/dev/null | sed -nE 's/.*"height":([0-9]+).*/\1/p'
    ;;
genesis)
    require_fabric
    make_genesis "$@"
    ;;
create-channel)
    require_fabric
    create_org_channel
    ;;
trust-orderer) trust_orderer "${1:?usage: org.sh trust-orderer ORDERER_BUNDLE}" ;;
join)
    require_fabric
    join_channel
    ;;
propose-add)
    require_fabric
    propose_add "${1:?usage: org.sh propose-add BUNDLE OUT.pb}" "${2:?usage: org.sh propose-add BUNDLE OUT.pb}"
    ;;
propose-remove)
    require_fabric
    propose_remove "${1:?usage: org.sh propose-remove MSPID OUT.pb}" "${2:?usage: org.sh propose-remove MSPID OUT.pb}"
    ;;
propose-update-msp)
    require_fabric
    propose_update_msp "${1:?usage: org.sh propose-update-msp BUNDLE OUT.pb}" "${2:?usage: org.sh propose-update-msp BUNDLE OUT.pb}"
    ;;
sign)
    require_fabric
    sign_update "${1:?usage: org.sh sign UPDATE.pb OUT.sig}" "${2:?usage: org.sh sign UPDATE.pb OUT.sig}"
    ;;
submit)
    require_fabric
    (($# >= 1)) || die "usage: org.sh submit UPDATE.pb SIG... [--force]"
    submit_update "$@"
    ;;
rotate-admin)
    require_fabric
    rotate_admin "${1:?usage: org.sh rotate-admin OUT_BUNDLE}"
    ;;
fetch-config)
    require_fabric
    work="$(mktemp -d "$RUN_DIR/fetch.XXXXXX")"
    fetch_config "$work"
    cp "$work/config_block.pb" "${1:?usage: org.sh fetch-config OUT.pb}"
    info "members: $(channel_members "$work/config_block.pb")"
    ;;
define)
    require_fabric
    define_chaincode "${1:?usage: org.sh define OUT.json [SEQUENCE]}" "${2:-}"
    ;;
approve)
    require_fabric
    approve_definition "${1:?usage: org.sh approve DEF.json}"
    ;;
commit)
    require_fabric
    commit_definition "$@"
    ;;
wait-chaincode)
    require_fabric
    wait_chaincode_here
    ;;
-h | --help | help) usage ;;
*) die "unknown verb '$verb' (org.sh help lists them)" ;;
esac
