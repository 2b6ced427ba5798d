# shellcheck shell=bash
# The chaincode lifecycle of one org. One org proposes the definition (`define`: name, version =
# package version + digest of the compiled code, sequence, label, endorsement policy over the
# channel's current members) and sends the file to the others; each org checks that the code it
# runs is the code the version names, builds the same byte-identical ccaas package (so the same
# package id), installs it, starts its own chaincode servers and approves (`approve`); once a
# majority approved, any org commits (`commit`). Reuses package_chaincode, chaincode_digest,
# install_on_peer and peer_answers_chaincode of network/scripts/chaincode.sh.

CHAINCODE_ENV() { echo "$RUN_DIR/chaincode.env"; }

require_chaincode_built() {
    [[ -d "$CHAINCODE_DIR/dist" ]] || die "the chaincode is not built ($CHAINCODE_DIR/dist is missing): run 'npm run build' in $ROOT_DIR"
}

# define OUT [SEQUENCE]: the definition this org proposes, policy over the channel's members.
define_chaincode() {
    local out="$1" sequence="${2:-}" digest version label work members=()
    require_chaincode_built
    digest="$(chaincode_digest)"
    label="${CHAINCODE_NAME}_$digest"
    version="$(node -p "require('$CHAINCODE_DIR/package.json').version")-$digest"
    work="$(mktemp -d "$RUN_DIR/define.XXXXXX")"
    fetch_config "$work"
    read -r -a members <<<"$(channel_members "$work/config_block.pb")"
    if [[ -z "$sequence" ]]; then
        sequence=$(($(committed_sequence_here) + 1))
    fi
    node "$NETWORK_DIR/org/bundle.js" definition "$out" "$CHAINCODE_NAME" "$version" "$sequence" "$label" "${members[@]}"
    publish "$out"
    info "definition $CHAINCODE_NAME $version sequence $sequence for ${members[*]}: $out"
}

committed_sequence_here() {
    (peer_cli lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE_NAME" -O json 2>/dev/null) |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).sequence||0)}catch{console.log(0)}})' ||
        true
}

load_definition() {
    local file="$1"
    [[ -f "$file" ]] || die "definition $file not found"
    local key value fields
    fields="$(node -e '
        const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        for (const k of ["name", "version", "sequence", "label", "policy"]) {
            if (d[k] === undefined || /[\t\n]/.test(String(d[k]))) { console.error(`definition: bad or missing ${k}`); process.exit(1); }
            console.log(`${k}\t${d[k]}`);
        }' "$file")" || die "$file is not a chaincode definition"
    while IFS=$'\t' read -r key value; do
        case "$key" in
        name) DEF_NAME="$value" ;;
        version) VERSION="$value" ;;
        sequence) SEQUENCE="$value" ;;
        label) LABEL="$value" ;;
        policy) POLICY="$value" ;;
        esac
    done <<<"$fields"
    [[ "$DEF_NAME" == "$CHAINCODE_NAME" ]] || die "the definition is of chaincode $DEF_NAME, not $CHAINCODE_NAME"
}

# approve DEFINITION: this org runs the code the definition names, and approves it.
approve_definition() {
    local file="$1" digest
    load_definition "$file"
    require_chaincode_built
    digest="$(chaincode_digest)"
    [[ "$VERSION" == *"-$digest" ]] ||
        die "the definition's version $VERSION does not name the code this host runs (digest $digest): refusing to approve"
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
    step "$ORG: installing $PACKAGE_ID on $(my_peers | wc -l) peer(s), starting their chaincode servers"
    local peer
    while read -r peer; do install_on_peer "$peer"; done < <(my_peers)
    cat >"$(CHAINCODE_ENV)" <<EOF
LABEL='$LABEL'
VERSION='$VERSION'
SEQUENCE='$SEQUENCE'
POLICY="$POLICY"
PACKAGE_ID='$PACKAGE_ID'
PACKAGE_FILE='$PACKAGE_FILE'
SNAPSHOT_DIR='$SNAPSHOT_DIR'
EOF
    while read -r peer; do start_org_chaincode_server "$peer"; done < <(my_peers)
    if (peer_cli lifecycle chaincode queryapproved -C "$CHANNEL" -n "$CHAINCODE_NAME" --sequence "$SEQUENCE" -O json 2>/dev/null) |
        grep -q "$PACKAGE_ID"; then
        info "$MSP_ID has already approved sequence $SEQUENCE"
        return 0
    fi
    step "$ORG: approving $CHAINCODE_NAME $VERSION sequence $SEQUENCE, policy $POLICY"
    local out
    # shellcheck disable=SC2046
    out="$(peer_cli lifecycle chaincode approveformyorg $(orderer_args) -C "$CHANNEL" -n "$CHAINCODE_NAME" \
        -v "$VERSION" --package-id "$PACKAGE_ID" --sequence "$SEQUENCE" --signature-policy "$POLICY" 2>&1)" ||
        die "$MSP_ID could not approve: $out" "$LOG_DIR/$(first_peer).log"
    info "approved by $MSP_ID"
}

# commit DEFINITION MEMBER_BUNDLE...: commits once the lifecycle's MAJORITY approved; the
# endorsements come from this org's peer and one peer of each bundle's org.
commit_definition() {
    local file="$1"
    shift
    load_definition "$file"
    local targets=() bundle dir peer readiness out
    peer="$(first_peer)"
    targets+=(--peerAddresses "127.0.0.1:$(peer_port "$(peer_index "$peer")")" --tlsRootCertFiles "$(peer_dir "$peer")/tls/ca.crt")
    for bundle in "$@"; do
        dir="$(bundles_dir)/$(basename "$bundle" .bundle.tgz)"
        unpack_bundle "$bundle" "$dir"
        targets+=(--peerAddresses "$(node -p "const o=require('$dir/org.json');o.nodes[0].host+':'+o.nodes[0].port")"
            --tlsRootCertFiles "$dir/msp/tlscacerts/ca.pem")
    done
    readiness="$(peer_cli lifecycle chaincode checkcommitreadiness -C "$CHANNEL" -n "$CHAINCODE_NAME" -v "$VERSION" \
        --sequence "$SEQUENCE" --signature-policy "$POLICY" 2>&1)" || die "checkcommitreadiness failed: $readiness"
    info "approvals: $(grep -E ': (true|false)' <<<"$readiness" | tr -s ' \n' ' ')"
    # shellcheck disable=SC2046
    out="$(peer_cli lifecycle chaincode commit $(orderer_args) -C "$CHANNEL" -n "$CHAINCODE_NAME" -v "$VERSION" \
        --sequence "$SEQUENCE" --signature-policy "$POLICY" "${targets[@]}" 2>&1)" ||
        die "committing $CHAINCODE_NAME sequence $SEQUENCE failed: $out"
    info "committed $CHAINCODE_NAME $VERSION sequence $SEQUENCE"
}

# wait_chaincode: every peer of this org runs the committed chaincode through its own server.
wait_chaincode_here() {
    local peer
    while read -r peer; do
        wait_for "chaincode.$peer" "$peer to run $CHAINCODE_NAME (system:WhoAmI)" peer_answers_chaincode "$peer"
    done < <(my_peers)
    info "$CHAINCODE_NAME answers on $(my_peers | tr '\n' ' ')"
}
