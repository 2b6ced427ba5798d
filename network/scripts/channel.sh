# shellcheck shell=bash
# The channel: a genesis block from network/configtx/configtx.yaml (anchor peers included, so
# no anchor-peer updates follow), joined by every orderer through the channel participation
# API (osnadmin) and by every peer. Sourced after env.sh, process.sh and nodes.sh.

genesis_block() { echo "$ARTIFACTS_DIR/$CHANNEL.block"; }

# render_configtx: configtx.yaml with this network's paths and ports, in $RUN_DIR/configtx/.
render_configtx() {
    local i endpoints=() raft=() bft=() peer org dir
    for ((i = 0; i < ORDERER_COUNT; i++)); do
        dir="$(orderer_dir "$i")"
        endpoints+=("\"127.0.0.1:$(orderer_port "$i")\"")
        raft+=("{Host: 127.0.0.1, Port: $(orderer_port "$i"), ClientTLSCert: $dir/tls/server.crt, ServerTLSCert: $dir/tls/server.crt}")
        bft+=("{ID: $((i + 1)), Host: 127.0.0.1, Port: $(orderer_port "$i"), MSPID: $ORDERER_MSP, ClientTLSCert: $dir/tls/server.crt, ServerTLSCert: $dir/tls/server.crt, Identity: $dir/msp/signcerts/cert.pem}")
    done
    local capability=V3_0
    version_at_least "$FABRIC_VERSION" 3.0 || capability=V2_0
    local port_vars=()
    for peer in "${ALL_PEERS[@]}"; do
        org="$(peer_org "$peer")"
        port_vars+=("PORT_${peer%%.*}_$org=$(peer_port "$(peer_index "$peer")")")
    done
    (
        IFS=,
        env "${port_vars[@]}" \
            ORGANIZATIONS_DIR="$ORGS_DIR" ORDERER_DOMAIN="$ORDERER_DOMAIN" \
            ORDERER_ENDPOINTS="[${endpoints[*]}]" RAFT_CONSENTERS="[${raft[*]}]" BFT_CONSENTERS="[${bft[*]}]" \
            CHANNEL_CAPABILITY="$capability" BATCH_TIMEOUT="$BATCH_TIMEOUT" BATCH_MAX_MESSAGES="$BATCH_MAX_MESSAGES" \
            RAFT_TICK_INTERVAL="$RAFT_TICK_INTERVAL" RAFT_ELECTION_TICK="$RAFT_ELECTION_TICK" \
            node "$SCRIPTS_DIR/render.js" "$NETWORK_DIR/configtx/configtx.yaml" "$RUN_DIR/configtx/configtx.yaml"
    ) || die "rendering configtx.yaml failed"
}

configtx_profile() { if [[ "$ORDERER_TYPE" == bft ]]; then echo CareLedgerBFT; else echo CareLedgerRaft; fi; }

osnadmin() {
    local i="$1"
    shift
    "$FABRIC_BIN/osnadmin" "$@" -o "127.0.0.1:$(orderer_admin_port "$i")" --ca-file "$(orderer_tls_ca)" \
        --client-cert "$(orderer_admin_dir)/tls/client.crt" --client-key "$(orderer_admin_dir)/tls/client.key"
}

join_orderer() {
    local i="$1" out
    out="$(osnadmin "$i" channel join --channelID "$CHANNEL" --config-block "$(genesis_block)" 2>&1)" ||
        die "orderer $(orderer_name "$i") could not join $CHANNEL: $out" "$LOG_DIR/$(orderer_name "$i").log"
    # osnadmin exits 0 whatever the orderer answered: 201 Created is the only success.
    grep -q '^Status: 201' <<<"$out" ||
        die "orderer $(orderer_name "$i") refused to join $CHANNEL: $out" "$LOG_DIR/$(orderer_name "$i").log"
}

# A leader exists when one orderer's metrics say so (etcdraft or BFT).
orderer_leader_elected() {
    local i metrics
    for ((i = 0; i < ORDERER_COUNT; i++)); do
        # All of it first (no `curl | grep -q` under pipefail: grep quitting early fails curl).
        metrics="$(curl -fsS --max-time 2 "http://127.0.0.1:$(orderer_ops_port "$i")/metrics" 2>/dev/null)" || continue
        grep -Eq "^consensus_(etcdraft|BFT)_is_leader\{channel=\"$CHANNEL\"\} 1$" <<<"$metrics" && return 0
    done
    return 1
}

join_peer() {
    local peer="$1" org out
    org="$(peer_org "$peer")"
    out="$(as_admin "$org" "$peer" && "$FABRIC_BIN/peer" channel join -b "$(genesis_block)" 2>&1)" ||
        die "$peer could not join $CHANNEL: $out" "$LOG_DIR/$peer.log"
    wait_for "$peer" "$peer to serve channel $CHANNEL" peer_has_channel "$peer"
}

peer_has_channel() {
    local peer="$1"
    (as_admin "$(peer_org "$peer")" "$peer" && "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL")
}

# peer_knows_peers PEER COUNT: gossip on PEER knows COUNT other peers of the channel (the
# Fabric Gateway on PEER can only plan endorsements over peers it knows).
peer_knows_peers() {
    local peer="$1" count="$2" known
    known="$(curl -fsS --max-time 2 "http://127.0.0.1:$(peer_ops_port "$(peer_index "$peer")")/metrics" |
        sed -nE "s/^gossip_membership_total_peers_known\{channel=\"$CHANNEL\"\} ([0-9]+).*/\1/p")"
    [[ -n "$known" ]] && ((known >= count))
}

create_channel() {
    step "channel $CHANNEL: genesis block (profile $(configtx_profile), anchor peers included)"
    mkdir -p "$ARTIFACTS_DIR"
    render_configtx
    local out
    out="$("$FABRIC_BIN/configtxgen" -configPath "$RUN_DIR/configtx" -profile "$(configtx_profile)" \
        -channelID "$CHANNEL" -outputBlock "$(genesis_block)" 2>&1)" || die "configtxgen failed: $out"

    step "channel $CHANNEL: joining $ORDERER_COUNT orderers (osnadmin), waiting for a consensus leader"
    local i orderers=()
    for ((i = 0; i < ORDERER_COUNT; i++)); do orderers+=("$i"); done
    run_parallel join_orderer "${orderers[@]}" || die "joining the orderers failed (see above)"
    wait_for "" "a consensus leader on channel $CHANNEL" orderer_leader_elected

    local peers=()
    mapfile -t peers < <(for org in $(channel_orgs); do org_peers "$org"; done)
    step "channel $CHANNEL: joining ${#peers[@]} peers"
    run_parallel join_peer "${peers[@]}" || die "joining the peers failed (see above)"
    info "channel $CHANNEL is up"
}
