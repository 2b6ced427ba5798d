# shellcheck shell=bash
# addOrg NAME: a new peer org joins the running network, as fabric-samples' addOrg3 does:
#   1. its Fabric CA and every identity of consortium.json's addableOrgs entry;
#   2. a channel config update adding its MSP (with its anchor peer) to the application group,
#      signed by a majority of the member orgs' admins, as the channel's
#      /Channel/Application/Admins policy (MAJORITY Admins) requires;
#   3. its peer(s) started and joined from the genesis block (they replay the chain);
#   4. the deployed chaincode package installed, the org's own chaincode server started, and
#      the committed definition approved by the new org (same package, same sequence), which
#      is what lets its peers run the chaincode.
# The endorsement policy of the committed definition does not change here; the next
# deployCC includes the new org in it. Sourced after the other scripts.

channel_height() {
    local org="$1" peer="$2"
    (as_admin "$org" "$peer" && "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL" 2>/dev/null) |
        sed -nE 's/.*"height":([0-9]+).*/\1/p'
}

peer_at_height() {
    local height
    height="$(channel_height "$(peer_org "$1")" "$1")"
    [[ -n "$height" ]] && ((height >= $2))
}

# approved_by_org ORG: ORG has approved the deployed definition (sequence and package).
approved_by_org() {
    local org="$1" peer out
    peer="$(first_peer "$org")"
    # The whole answer first, then grep (no `| grep -q` under pipefail: SIGPIPE).
    out="$(as_admin "$org" "$peer" && "$FABRIC_BIN/peer" lifecycle chaincode queryapproved -C "$CHANNEL" \
        -n "$CHAINCODE_NAME" --sequence "$SEQUENCE" -O json 2>/dev/null)" || return 1
    grep -qF "$PACKAGE_ID" <<<"$out"
}

# Every step checks whether it is already done, so an addOrg that failed half-way (or one
# repeated) completes what is missing instead of failing on what exists.
add_org() {
    local org="$1"
    known_org "$org" || die "unknown org $org; addable orgs are listed in network/consortium.json (addableOrgs)"
    [[ "${ORG_KIND[$org]}" == addable ]] || die "$org is a founding org, already on the channel"
    [[ -n "$(running_processes)" ]] || die "the network is not running; run '$0 restart' first"
    load_deployed

    local msp domain peers=() members=() peer
    msp="$(org_msp "$org")"
    domain="$(org_domain "$org")"
    mapfile -t peers < <(org_peers "$org")
    mapfile -t members < <(channel_orgs | grep -vx "$org")
    local ports=()
    process_alive "$(ca_name "$org")" || ports+=("$(ca_port "$(org_index "$org")")" "$(ca_ops_port "$(org_index "$org")")")
    for peer in "${peers[@]}"; do
        # shellcheck disable=SC2207
        process_alive "$peer" || ports+=($(peer_ports "$peer"))
    done
    ((${#ports[@]} == 0)) || require_ports_free "${ports[@]}"

    step "addOrg $org ($msp): CA and identities"
    process_alive "$(ca_name "$org")" || start_ca "$org"
    wait_ca "$org"
    if [[ -f "$(peer_org_dir "$domain")/connection.json" ]]; then
        info "$org's identities exist"
    else
        enroll_peer_org "$org"
    fi

    step "addOrg $org: channel config update, signed by a majority of ${#members[@]} member orgs' admins"
    local work="$RUN_DIR/addorg-$org"
    mkdir -p "$work"
    local admin_org="${members[0]}" admin_peer
    admin_peer="$(first_peer "$admin_org")"
    local out
    # shellcheck disable=SC2046
    out="$(as_admin "$admin_org" "$admin_peer" &&
        "$FABRIC_BIN/peer" channel fetch config "$work/config_block.pb" -c "$CHANNEL" $(orderer_args) 2>&1)" ||
        die "fetching the config block of $CHANNEL failed: $out"
    "$FABRIC_BIN/configtxlator" proto_decode --type common.Block --input "$work/config_block.pb" --output "$work/config_block.json"
    node "$SCRIPTS_DIR/config-update.js" extract "$work/config_block.json" "$work/config.json"
    if node "$SCRIPTS_DIR/config-update.js" has-org "$work/config.json" "$msp"; then
        info "$msp is already in the channel configuration"
    else
        update_channel_config "$org" "$work" "${members[@]}"
    fi
    grep -qsx "$org" "$RUN_DIR/added-orgs" || echo "$org" >>"$RUN_DIR/added-orgs"

    step "addOrg $org: starting ${#peers[@]} peer(s), joining $CHANNEL"
    for peer in "${peers[@]}"; do
        process_alive "$peer" || start_peer "$peer"
    done
    run_parallel wait_peer "${peers[@]}" || die "a peer of $org is not healthy (see above)"
    for peer in "${peers[@]}"; do
        peer_has_channel "$peer" >/dev/null 2>&1 || join_peer "$peer"
    done
    local height
    height="$(channel_height "$admin_org" "$admin_peer")"
    for peer in "${peers[@]}"; do
        wait_for "$peer" "$peer to catch up to block height $height" peer_at_height "$peer" "$height"
    done

    step "addOrg $org: chaincode $VERSION installed, its server started, definition (sequence $SEQUENCE) approved"
    run_parallel install_on_peer "${peers[@]}" || die "installing the chaincode on $org failed (see above)"
    for peer in "${peers[@]}"; do
        process_alive "$(chaincode_process "$peer")" || start_chaincode_server "$peer"
    done
    run_parallel wait_chaincode_server "${peers[@]}" || die "a chaincode server of $org did not start (see above)"
    approved_by_org "$org" || approve_for_org "$org"
    run_parallel wait_chaincode_ready "${peers[@]}" || die "the chaincode is not ready on $org's peers (see above)"

    local others=0 member
    for member in "${members[@]}"; do others=$((others + $(org_peers "$member" | wc -l))); done
    for peer in "${peers[@]}"; do
        wait_for "$peer" "$peer to know the channel's $others other peers (gossip)" peer_knows_peers "$peer" "$others"
    done
    info "$org ($msp) is a member of $CHANNEL; its users are in $(peer_org_dir "$domain")/users"
}

# update_channel_config ORG WORKDIR MEMBER...: adds ORG's MSP to the application group of the
# config in WORKDIR/config.json, signed by a majority of MEMBERs' admins.
update_channel_config() {
    local org="$1" work="$2"
    shift 2
    local members=("$@") msp out
    msp="$(org_msp "$org")"
    out="$("$FABRIC_BIN/configtxgen" -configPath "$RUN_DIR/configtx" -printOrg "$msp" 2>&1 >"$work/org.json")" ||
        die "configtxgen -printOrg $msp failed (is $msp in network/configtx/configtx.yaml?): $out"
    node "$SCRIPTS_DIR/config-update.js" add-org "$work/config.json" "$work/org.json" "$msp" "$work/modified.json"
    "$FABRIC_BIN/configtxlator" proto_encode --type common.Config --input "$work/config.json" --output "$work/config.pb"
    "$FABRIC_BIN/configtxlator" proto_encode --type common.Config --input "$work/modified.json" --output "$work/modified.pb"
    "$FABRIC_BIN/configtxlator" compute_update --channel_id "$CHANNEL" --original "$work/config.pb" \
        --updated "$work/modified.pb" --output "$work/update.pb"
    "$FABRIC_BIN/configtxlator" proto_decode --type common.ConfigUpdate --input "$work/update.pb" --output "$work/update.json"
    node "$SCRIPTS_DIR/config-update.js" envelope "$work/update.json" "$CHANNEL" "$work/envelope.json"
    "$FABRIC_BIN/configtxlator" proto_encode --type common.Envelope --input "$work/envelope.json" --output "$work/envelope.pb"

    # MAJORITY of n orgs: the first (majority - 1) sign, the last one signs by submitting.
    local majority=$((${#members[@]} / 2 + 1)) i signer signer_peer
    for ((i = 0; i < majority - 1; i++)); do
        signer="${members[$i]}"
        signer_peer="$(first_peer "$signer")"
        out="$(as_admin "$signer" "$signer_peer" && "$FABRIC_BIN/peer" channel signconfigtx -f "$work/envelope.pb" 2>&1)" ||
            die "$signer's admin could not sign the update: $out"
        info "signed by $signer's admin"
    done
    signer="${members[$((majority - 1))]}"
    signer_peer="$(first_peer "$signer")"
    # shellcheck disable=SC2046
    out="$(as_admin "$signer" "$signer_peer" &&
        "$FABRIC_BIN/peer" channel update -f "$work/envelope.pb" -c "$CHANNEL" $(orderer_args) 2>&1)" ||
        die "submitting the channel update failed: $out"
    info "signed and submitted by $signer's admin ($majority of ${#members[@]})"
}
