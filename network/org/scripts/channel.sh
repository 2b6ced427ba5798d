# shellcheck shell=bash
# Channel operations of one org: the ordering service's genesis block and channel creation
# (orderer org), joining from block 0 fetched from an orderer, and configuration updates
# proposed, signed and submitted by different orgs, each on its own host, exchanging files.
# Sourced by org.sh after host.sh, identities.sh and network/scripts/channel.sh (join_orderer,
# orderer_leader_elected, peer_has_channel, peer_knows_peers are reused from there).

genesis_block() { echo "$ARTIFACTS_DIR/$CHANNEL.block"; }
bundles_dir() { echo "$RUN_DIR/bundles"; }

# trust-orderer BUNDLE: record the ordering service's first endpoint and TLS root from its bundle.
trust_orderer() {
    local bundle="$1" dir
    dir="$(bundles_dir)/$ORDERER_ORG"
    unpack_bundle "$bundle" "$dir"
    local first
    first="$(node -e 'const o=require(process.argv[1]);if(o.kind!=="orderer"){process.exit(1)};const n=o.nodes[0];console.log(`${n.host}:${n.port} ${n.name}`)' "$dir/org.json")" ||
        die "$bundle is not the ordering service's bundle (kind is not orderer)"
    mkdir -p "$RUN_DIR"
    cat >"$ORDERER_FILE" <<EOF
ORDERER_ADDRESS='${first% *}'
ORDERER_HOSTNAME='${first#* }'
ORDERER_CA='$dir/msp/tlscacerts/ca.pem'
EOF
    info "ordering service: ${first% *} (${first#* }), TLS root from $bundle"
}

# genesis OUT MEMBER_BUNDLE...: the channel's genesis block from the founding members' public bundles.
make_genesis() {
    local out="$1"
    shift
    (($# >= 1)) || die "usage: org.sh genesis OUT.block MEMBER_BUNDLE..."
    [[ "$IS_ORDERER" == true ]] || die "genesis is the ordering service's step (CARELEDGER_ORG=$ORDERER_ORG)"
    local dirs=() bundle own
    own="$(bundles_dir)/$ORDERER_ORG"
    write_bundle "$RUN_DIR/$ORDERER_ORG.bundle.tgz" >/dev/null
    unpack_bundle "$RUN_DIR/$ORDERER_ORG.bundle.tgz" "$own"
    for bundle in "$@"; do
        local name
        name="$(basename "$bundle" .bundle.tgz)"
        unpack_bundle "$bundle" "$(bundles_dir)/$name"
        dirs+=("$(bundles_dir)/$name")
        info "member $(node -p "require('$(bundles_dir)/$name/org.json').mspId") from $bundle"
    done
    local capability=V3_0
    version_at_least "$FABRIC_VERSION" 3.0 || capability=V2_0
    mkdir -p "$RUN_DIR/configtx" "$ARTIFACTS_DIR"
    RAFT_TICK_INTERVAL="$RAFT_TICK_INTERVAL" RAFT_ELECTION_TICK="$RAFT_ELECTION_TICK" \
        node "$NETWORK_DIR/org/bundle.js" configtx "$RUN_DIR/configtx/configtx.yaml" "$BATCH_TIMEOUT" \
        "$BATCH_MAX_MESSAGES" "$capability" "$own" "${dirs[@]}"
    local log
    log="$("$FABRIC_BIN/configtxgen" -configPath "$RUN_DIR/configtx" -profile CareLedgerChannel -channelID "$CHANNEL" \
        -outputBlock "$(genesis_block)" 2>&1)" || die "configtxgen failed: $log"
    cp "$(genesis_block)" "$out"
    publish "$out"
    info "genesis block of $CHANNEL: $out ($(wc -c <"$out") bytes, $# members, $ORDERER_COUNT Raft consenters)"
}

create_org_channel() {
    [[ "$IS_ORDERER" == true ]] || die "create-channel is the ordering service's step"
    [[ -f "$(genesis_block)" ]] || die "no genesis block: run 'org.sh genesis OUT.block MEMBER_BUNDLE...' first"
    local i orderers=()
    for ((i = 0; i < ORDERER_COUNT; i++)); do orderers+=("$i"); done
    run_parallel join_orderer "${orderers[@]}" || die "joining the orderers failed (see above)"
    wait_for "" "a consensus leader on channel $CHANNEL" orderer_leader_elected
    info "channel $CHANNEL created on $ORDERER_COUNT orderers"
}

# join: block 0 fetched from an orderer (this org must be a member by now), every peer joined.
join_channel() {
    [[ "$IS_ORDERER" == false ]] || die "join is a peer org's step"
    local out peer
    mkdir -p "$ARTIFACTS_DIR"
    # shellcheck disable=SC2046
    out="$(peer_cli channel fetch 0 "$(genesis_block)" -c "$CHANNEL" $(orderer_args) 2>&1)" ||
        die "fetching block 0 of $CHANNEL from the ordering service failed (is $MSP_ID a member yet?): $out"
    info "block 0 of $CHANNEL fetched from $ORDERER_ADDRESS"
    while read -r peer; do
        if peer_has_channel "$peer" >/dev/null 2>&1; then
            info "$peer already serves $CHANNEL"
            continue
        fi
        out="$( (as_admin "$ORG" "$peer" && "$FABRIC_BIN/peer" channel join -b "$(genesis_block)") 2>&1)" ||
            die "$peer could not join $CHANNEL: $out" "$LOG_DIR/$peer.log"
        wait_for "$peer" "$peer to serve channel $CHANNEL" peer_has_channel "$peer"
        info "$peer joined $CHANNEL"
    done < <(my_peers)
}

# fetch_config DIR: the channel's current config block (DIR/config_block.pb) and config (DIR/config.json).
fetch_config() {
    local work="$1" out
    mkdir -p "$work"
    # shellcheck disable=SC2046
    out="$(peer_cli channel fetch config "$work/config_block.pb" -c "$CHANNEL" $(orderer_args) 2>&1)" ||
        die "fetching the config block of $CHANNEL failed: $out"
    "$FABRIC_BIN/configtxlator" proto_decode --type common.Block --input "$work/config_block.pb" --output "$work/config_block.json" ||
        die "configtxlator could not decode the config block"
    node "$SCRIPTS_DIR/config-update.js" extract "$work/config_block.json" "$work/config.json"
}

channel_members() { node "$NETWORK_DIR/org/configsig.js" members "$1"; }

# config_update WORK OUT: the update from WORK/config.json to WORK/modified.json, as the
# unsigned envelope every admin signs.
config_update() {
    local work="$1" out="$2" tx="$FABRIC_BIN/configtxlator"
    "$tx" proto_encode --type common.Config --input "$work/config.json" --output "$work/config.pb" &&
        "$tx" proto_encode --type common.Config --input "$work/modified.json" --output "$work/modified.pb" &&
        "$tx" compute_update --channel_id "$CHANNEL" --original "$work/config.pb" --updated "$work/modified.pb" \
            --output "$work/update.pb" &&
        "$tx" proto_decode --type common.ConfigUpdate --input "$work/update.pb" --output "$work/update.json" ||
        die "configtxlator could not compute the update (does it change anything?)"
    node "$SCRIPTS_DIR/config-update.js" envelope "$work/update.json" "$CHANNEL" "$work/envelope.json"
    "$tx" proto_encode --type common.Envelope --input "$work/envelope.json" --output "$out" ||
        die "configtxlator could not encode the update envelope"
    publish "$out"
    node "$NETWORK_DIR/org/configsig.js" summary "$out" | sed 's/^/    /'
}

# org_definition BUNDLE_DIR OUT: the org's channel definition (configtxgen -printOrg) from its bundle.
org_definition() {
    local dir="$1" out="$2" msp work log
    msp="$(node -p "require('$dir/org.json').mspId")"
    work="$(mktemp -d "$RUN_DIR/printorg.XXXXXX")"
    node "$NETWORK_DIR/org/bundle.js" org-configtx "$work/configtx.yaml" "$dir"
    log="$("$FABRIC_BIN/configtxgen" -configPath "$work" -printOrg "$msp" 2>&1 >"$out")" ||
        die "configtxgen -printOrg $msp failed: $log"
    rm -rf "$work"
}

# propose-add BUNDLE OUT: an update adding the org of BUNDLE (its MSP, anchor peers, policies).
propose_add() {
    local bundle="$1" out="$2" work dir msp
    work="$(mktemp -d "$RUN_DIR/update.XXXXXX")"
    dir="$work/bundle"
    unpack_bundle "$bundle" "$dir"
    msp="$(node -p "require('$dir/org.json').mspId")"
    step "$ORG: proposing to add $msp to $CHANNEL (from its public bundle $bundle)"
    fetch_config "$work"
    org_definition "$dir" "$work/org.json"
    node "$SCRIPTS_DIR/config-update.js" add-org "$work/config.json" "$work/org.json" "$msp" "$work/modified.json" ||
        die "$msp is already a member of $CHANNEL"
    config_update "$work" "$out"
    info "update written to $out; send it to the members' admins to sign (org.sh sign)"
}

# propose-remove MSPID OUT: an update removing an org from the channel's application group.
propose_remove() {
    local msp="$1" out="$2" work
    work="$(mktemp -d "$RUN_DIR/update.XXXXXX")"
    step "$ORG: proposing to remove $msp from $CHANNEL"
    fetch_config "$work"
    node "$NETWORK_DIR/org/bundle.js" remove-org "$work/config.json" "$msp" "$work/modified.json" ||
        die "$msp is not a member of $CHANNEL"
    config_update "$work" "$out"
    info "update written to $out; send it to the members' admins to sign (org.sh sign)"
}

# propose-update-msp BUNDLE OUT: an update replacing an org's MSP (CA or admin rotation) with
# the one in its new bundle.
propose_update_msp() {
    local bundle="$1" out="$2" work dir msp
    work="$(mktemp -d "$RUN_DIR/update.XXXXXX")"
    dir="$work/bundle"
    unpack_bundle "$bundle" "$dir"
    msp="$(node -p "require('$dir/org.json').mspId")"
    step "$ORG: proposing $msp's new MSP (CA certificates) from $bundle"
    fetch_config "$work"
    org_definition "$dir" "$work/org.json"
    node "$NETWORK_DIR/org/bundle.js" replace-msp "$work/config.json" "$work/org.json" "$msp" "$work/modified.json" ||
        die "$msp is not a member of $CHANNEL"
    config_update "$work" "$out"
}

# sign UPDATE OUT.sig: this org's admin signs the update; only the signature leaves the host.
sign_update() {
    local update="$1" out="$2" work log
    [[ -f "$update" ]] || die "update $update not found"
    step "$ORG: the update to be signed"
    node "$NETWORK_DIR/org/configsig.js" summary "$update" | sed 's/^/    /' || die "$update is not a config update"
    work="$(mktemp -d "$RUN_DIR/sign.XXXXXX")"
    cp "$update" "$work/signed.pb"
    log="$(env CORE_PEER_LOCALMSPID="$MSP_ID" CORE_PEER_MSPCONFIGPATH="$ADMIN_MSP" FABRIC_LOGGING_SPEC=WARNING \
        "$FABRIC_BIN/peer" channel signconfigtx -f "$work/signed.pb" 2>&1)" || die "signing failed: $log"
    node "$NETWORK_DIR/org/configsig.js" extract "$work/signed.pb" "$update" "$out" || die "extracting the signature failed"
    publish "$out"
    rm -rf "$work"
    info "signature written to $out"
}

# submit UPDATE SIG... [--force]: checks the signatures (each over this update; enough orgs for
# the channel's MAJORITY Admins policy, counting this org, which signs on submitting), then
# submits. Too few: says which orgs' signatures are missing and stops, unless --force (to show
# the orderer refusing it).
submit_update() {
    local force=false args=() a
    for a in "$@"; do if [[ "$a" == --force ]]; then force=true; else args+=("$a"); fi; done
    set -- "${args[@]}"
    local update="$1"
    shift
    [[ -f "$update" ]] || die "update $update not found"
    local work
    work="$(mktemp -d "$RUN_DIR/submit.XXXXXX")"
    fetch_config "$work"
    local members=() signers=() line
    read -r -a members <<<"$(channel_members "$work/config_block.pb")"
    line="$(node "$NETWORK_DIR/org/configsig.js" merge "$update" "$work/signed.pb" "$@")" || die "the signatures were refused (above); nothing was submitted"
    read -r -a signers <<<"${line#signers: }"
    local all=" ${signers[*]} $MSP_ID " m missing=() have=0
    for m in "${members[@]}"; do
        if [[ "$all" == *" $m "* ]]; then have=$((have + 1)); else missing+=("$m"); fi
    done
    local needed=$((${#members[@]} / 2 + 1))
    step "$ORG: update signed by ${signers[*]:-nobody} and $MSP_ID (submitting): $have of the ${#members[@]} members' admins; the channel's Admins policy (MAJORITY) needs $needed"
    if ((have < needed)); then
        local message="too few signatures: $have of $needed needed; missing $((needed - have)) more from: ${missing[*]}"
        [[ "$force" == true ]] || die "$message (nothing was submitted)"
        info "$message; submitting anyway (--force)"
    fi
    local out
    # shellcheck disable=SC2046
    out="$(peer_cli channel update -f "$work/signed.pb" -c "$CHANNEL" $(orderer_args) 2>&1)" ||
        die "the ordering service refused the update: $(grep -Eo 'status: [A-Z_]+.*' <<<"$out" | head -n1)${out:+
$out}"
    info "update submitted and accepted by the ordering service"
}
