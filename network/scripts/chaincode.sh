# shellcheck shell=bash
# Chaincode as a service. The TypeScript chaincode (chaincode/dist, from `npm run build`) runs
# as one `fabric-chaincode-node server` process per peer, so each org's endorsements come from
# its own process. The package every org installs and approves holds no code, only a
# connection.json whose address each peer's builder (network/builders/ccaas) fills in.
#
# The definition's version is a digest of the compiled chaincode, so the definition on the
# channel names the code that runs; deployCC on a running network deploys the code in
# chaincode/dist as the next sequence. Sourced after env.sh, process.sh and nodes.sh.
#
# Besides the consortium's chaincode, one other chaincode may run on the same peers (the
# benchmark's floor, bench/chaincode): `deployCC --name NAME --path DIR`. It has its own servers
# (NAME.<peer>-named processes on peer port +6, see env.sh) and its own run/chaincode-NAME.env.

CONSORTIUM_CHAINCODE="$CHAINCODE_NAME"
CONSORTIUM_CHAINCODE_DIR="$CHAINCODE_DIR"

# select_chaincode [NAME DIR [READY]]: the chaincode the chaincode functions act on; no
# arguments: the consortium's. READY is the query (peer CLI JSON, e.g. '{"Args":["floor:Get","x"]}')
# that shows a peer runs it; without one, a peer is taken to run it once its server listens.
# Sets CHAINCODE_NAME, CHAINCODE_DIR, DEPLOYED_FILE and the server slot.
select_chaincode() {
    local name="${1:-$CONSORTIUM_CHAINCODE}"
    CHAINCODE_NAME="$name"
    if [[ "$name" == "$CONSORTIUM_CHAINCODE" ]]; then
        CHAINCODE_DIR="${2:-$CONSORTIUM_CHAINCODE_DIR}"
        DEPLOYED_FILE="$RUN_DIR/chaincode.env"
        CC_PROCESS_PREFIX=chaincode
        # The builder fills the package's address from this variable the peer passes it.
        CC_ADDRESS_VAR=CARELEDGER_CHAINCODE_ADDRESS
        CC_READY_ARGS='{"Args":["system:WhoAmI"]}'
    else
        [[ "$name" =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "chaincode name '$name' must be lowercase letters, digits, '-' or '_'"
        [[ -n "${2:-}" && -f "$2/package.json" ]] || die "deployCC --name $name needs --path DIR, a chaincode package folder (with package.json)"
        CHAINCODE_DIR="$(cd "$2" && pwd)"
        DEPLOYED_FILE="$RUN_DIR/chaincode-$name.env"
        CC_PROCESS_PREFIX="chaincode-$name"
        CC_ADDRESS_VAR=CARELEDGER_EXTRA_CHAINCODE_ADDRESS
        # No general query fits: fabric-contract-api 2.5.8's GetMetadata fails (classToPlain).
        CC_READY_ARGS="${3:-}"
    fi
}
select_chaincode

chaincode_process() { echo "$CC_PROCESS_PREFIX.$1"; }   # by peer

# The port of the selected chaincode's server next to the peer with index $1.
selected_chaincode_server_port() {
    if [[ "$CC_ADDRESS_VAR" == CARELEDGER_CHAINCODE_ADDRESS ]]; then
        chaincode_server_port "$1"
    else
        extra_chaincode_server_port "$1"
    fi
}

# The endorsement policy: two different orgs must endorse every write, so no single org (or a
# compromised one) can change the ledger alone, and any one org may be down. Built from the
# orgs on the channel, so an org added with addOrg joins it at the next deployCC.
endorsement_policy() {
    local org members=()
    for org in $(channel_orgs); do members+=("'$(org_msp "$org").peer'"); done
    local IFS=,
    echo "OutOf(2,${members[*]})"
}

collections_args() {
    if [[ -f "$CHAINCODE_DIR/collections.json" ]]; then
        echo "--collections-config $CHAINCODE_DIR/collections.json"
    fi
}

build_chaincode() {
    local tsc="$ROOT_DIR/node_modules/.bin/tsc"
    [[ -x "$tsc" ]] || die "node_modules is missing: run 'npm ci' in $ROOT_DIR first"
    [[ -x "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" ]] || die "fabric-chaincode-node is missing: run 'npm ci' in $ROOT_DIR"
    local out
    out="$("$tsc" -b "$CHAINCODE_DIR" 2>&1)" || die "the chaincode does not compile: $out"
}

# chaincode_digest: 12 hex digits over the compiled chaincode and its package.json.
chaincode_digest() {
    (
        cd "$CHAINCODE_DIR" &&
            find dist -type f -name '*.js' | LC_ALL=C sort | xargs cat package.json | sha256sum | cut -c1-12
    )
}

# package_chaincode LABEL: a ccaas package, byte-identical for the same label (fixed mtimes,
# owners and gzip header), so redeploying unchanged code keeps the package id.
package_chaincode() {
    local label="$1" work
    work="$(mktemp -d "$RUN_DIR/package.XXXXXX")"
    mkdir -p "$work/src" "$PACKAGES_DIR"
    # shellcheck disable=SC2016 # a literal placeholder: each peer's builder fills in its own address
    printf '{"address":"${%s}","dial_timeout":"10s"}\n' "$CC_ADDRESS_VAR" >"$work/src/connection.json"
    printf '{"type":"ccaas","label":"%s"}\n' "$label" >"$work/metadata.json"
    local tar_flags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
    tar "${tar_flags[@]}" -C "$work/src" -cf - connection.json | gzip -n >"$work/code.tar.gz"
    tar "${tar_flags[@]}" -C "$work" -cf - metadata.json code.tar.gz | gzip -n >"$PACKAGES_DIR/$label.tar.gz"
    rm -rf "$work"
}

install_on_peer() {
    local peer="$1" org out
    org="$(peer_org "$peer")"
    # The whole answer first, then grep: `| grep -q` under pipefail may SIGPIPE the peer CLI and read as "not installed".
    out="$(as_admin "$org" "$peer" && "$FABRIC_BIN/peer" lifecycle chaincode queryinstalled 2>/dev/null)" || out=""
    if grep -qF "$PACKAGE_ID" <<<"$out"; then
        return 0
    fi
    out="$(as_admin "$org" "$peer" && "$FABRIC_BIN/peer" lifecycle chaincode install "$PACKAGE_FILE" 2>&1)" ||
        die "installing $PACKAGE_ID on $peer failed: $out" "$LOG_DIR/$peer.log"
}

start_chaincode_server() {
    local peer="$1" org domain dir index name
    org="$(peer_org "$peer")"
    domain="$(org_domain "$org")"
    dir="$(peer_org_dir "$domain")/peers/$peer"
    index="$(peer_index "$peer")"
    name="$(chaincode_process "$peer")"
    local tls=()
    if [[ "$CHAINCODE_TLS" == true ]]; then
        tls=(--chaincode-tls-cert-file "$dir/chaincode-tls/server.crt"
            --chaincode-tls-key-file "$dir/chaincode-tls/server.key"
            --chaincode-tls-client-cacert-file "$dir/tls/ca.crt")
    fi
    require_ports_free "$(selected_chaincode_server_port "$index")"
    start_process "$name" env \
        CORE_CHAINCODE_LOGGING_LEVEL="$CHAINCODE_LOG_LEVEL" \
        NODE_OPTIONS="$CHAINCODE_NODE_OPTIONS" \
        node "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" server \
        --chaincode-address "127.0.0.1:$(selected_chaincode_server_port "$index")" \
        --chaincode-id "$PACKAGE_ID" --module-path "$SNAPSHOT_DIR" "${tls[@]}"
}

wait_chaincode_server() {
    local peer="$1"
    wait_for "$(chaincode_process "$peer")" "the chaincode server of $peer" \
        port_in_use "$(selected_chaincode_server_port "$(peer_index "$peer")")"
}

committed_sequence() {
    local org peer
    org="$(first_org)"
    peer="$(first_peer "$org")"
    (as_admin "$org" "$peer" && "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE_NAME" -O json 2>/dev/null) |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).sequence||0)}catch{console.log(0)}})' ||
        true # not committed yet: querycommitted fails and the sequence is 0
}

# approve_for_org ORG: ORG's admin approves the definition in $SEQUENCE (waits for the commit).
approve_for_org() {
    local org="$1" peer out
    peer="$(first_peer "$org")"
    # shellcheck disable=SC2046
    out="$(as_admin "$org" "$peer" && "$FABRIC_BIN/peer" lifecycle chaincode approveformyorg $(orderer_args) \
        -C "$CHANNEL" -n "$CHAINCODE_NAME" -v "$VERSION" --package-id "$PACKAGE_ID" --sequence "$SEQUENCE" \
        --signature-policy "$POLICY" $(collections_args) 2>&1)" ||
        die "$org could not approve $CHAINCODE_NAME sequence $SEQUENCE: $out" "$LOG_DIR/$peer.log"
}

peer_answers_chaincode() {
    local peer="$1"
    [[ -n "$CC_READY_ARGS" ]] || return 0
    (as_admin "$(peer_org "$peer")" "$peer" &&
        "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CHAINCODE_NAME" -c "$CC_READY_ARGS")
}

wait_chaincode_ready() {
    local peer="$1"
    wait_for "$(chaincode_process "$peer")" "$peer to run $CHAINCODE_NAME ($CC_READY_ARGS through its chaincode server)" \
        peer_answers_chaincode "$peer"
}

# load_deployed: the definition deployCC committed last ($RUN_DIR/chaincode.env).
load_deployed() {
    [[ -f "$DEPLOYED_FILE" ]] || die "no chaincode deployed yet: run '$0 deployCC' first"
    # shellcheck disable=SC1090
    source "$DEPLOYED_FILE"
}

deploy_chaincode() {
    step "chaincode $CHAINCODE_NAME: compiling ${CHAINCODE_DIR#"$ROOT_DIR"/} and packaging it (ccaas)"
    build_chaincode
    local digest
    digest="$(chaincode_digest)"
    LABEL="${CHAINCODE_NAME}_$digest"
    VERSION="$(node -p "require('$CHAINCODE_DIR/package.json').version")-$digest"
    # The servers run a snapshot of dist/: rebuilding the work tree does not change running code.
    SNAPSHOT_DIR="$RUN_DIR/chaincode/$LABEL"
    if [[ ! -d "$SNAPSHOT_DIR" ]]; then
        mkdir -p "$SNAPSHOT_DIR"
        cp "$CHAINCODE_DIR/package.json" "$SNAPSHOT_DIR/"
        cp -R "$CHAINCODE_DIR/dist" "$SNAPSHOT_DIR/dist"
    fi
    package_chaincode "$LABEL"
    PACKAGE_FILE="$PACKAGES_DIR/$LABEL.tar.gz"
    PACKAGE_ID="$("$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "$PACKAGE_FILE")" ||
        die "peer lifecycle chaincode calculatepackageid failed"
    info "package $PACKAGE_ID"

    local peers=() orgs=()
    mapfile -t orgs < <(channel_orgs)
    mapfile -t peers < <(for org in "${orgs[@]}"; do org_peers "$org"; done)
    step "chaincode $CHAINCODE_NAME: installing on ${#peers[@]} peers, starting one chaincode server per peer"
    # Servers of the previous version stop here; peers reconnect to the new ones on the next call.
    stop_processes "$CC_PROCESS_PREFIX.*"
    local peer
    for peer in "${peers[@]}"; do start_chaincode_server "$peer"; done
    run_parallel install_on_peer "${peers[@]}" || die "installing the chaincode failed (see above)"
    run_parallel wait_chaincode_server "${peers[@]}" || die "a chaincode server did not start (see above)"

    SEQUENCE=$(($(committed_sequence) + 1))
    POLICY="$(endorsement_policy)"
    step "chaincode $CHAINCODE_NAME: version $VERSION, sequence $SEQUENCE, approved by ${orgs[*]}"
    info "endorsement policy $POLICY"
    run_parallel approve_for_org "${orgs[@]}" || die "approving the chaincode failed (see above)"

    step "chaincode $CHAINCODE_NAME: committing the definition"
    local targets=() org first
    for org in "${orgs[@]}"; do
        first="$(first_peer "$org")"
        targets+=(--peerAddresses "127.0.0.1:$(peer_port "$(peer_index "$first")")"
            --tlsRootCertFiles "$(peer_org_dir "$(org_domain "$org")")/peers/$first/tls/ca.crt")
    done
    local out
    # shellcheck disable=SC2046
    out="$(as_admin "${orgs[0]}" "$(first_peer "${orgs[0]}")" &&
        "$FABRIC_BIN/peer" lifecycle chaincode commit $(orderer_args) -C "$CHANNEL" -n "$CHAINCODE_NAME" \
            -v "$VERSION" --sequence "$SEQUENCE" --signature-policy "$POLICY" $(collections_args) "${targets[@]}" 2>&1)" ||
        die "committing $CHAINCODE_NAME sequence $SEQUENCE failed: $out"

    cat >"$DEPLOYED_FILE" <<EOF
LABEL='$LABEL'
VERSION='$VERSION'
SEQUENCE='$SEQUENCE'
POLICY="$POLICY"
PACKAGE_ID='$PACKAGE_ID'
PACKAGE_FILE='$PACKAGE_FILE'
SNAPSHOT_DIR='$SNAPSHOT_DIR'
EOF

    step "chaincode $CHAINCODE_NAME: waiting until every peer runs it and knows the other peers"
    run_parallel wait_chaincode_ready "${peers[@]}" || die "the chaincode is not ready on every peer (see above)"
    for peer in "${peers[@]}"; do
        wait_for "$peer" "$peer to know the channel's $((${#peers[@]} - 1)) other peers (gossip)" \
            peer_knows_peers "$peer" $((${#peers[@]} - 1))
    done
    info "chaincode $CHAINCODE_NAME $VERSION (sequence $SEQUENCE) is ready on ${#peers[@]} peers"
}
