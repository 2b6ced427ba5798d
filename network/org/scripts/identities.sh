# shellcheck shell=bash
# The org's own Fabric CA and every identity it issues, and the org's PUBLIC bundle.
# Reuses network/scripts/ca.sh (register, enroll, enroll_tls, NodeOUs) with the CA's address and
# folders redefined for this host. Sourced by org.sh after host.sh and ca.sh.

# publish FILE: a file meant for other orgs (bundle, update, signature, definition) is
# world-readable; everything else an org writes stays private (org.sh's umask 077).
publish() { chmod 644 "$1"; }

ca_home() { echo "$ORG_HOME/ca"; }
ca_cert() { echo "$ORG_HOME/ca/ca-cert.pem"; }
ca_url() { echo "https://127.0.0.1:$(ca_api_port)"; }
ca_org_dir() { echo "$ORG_DIR"; }
ca_name() { echo "ca.$1"; }

start_org_ca() {
    local home
    home="$(ca_home)"
    mkdir -p "$home"
    chmod 700 "$home"
    # The bootstrap registrar's secret lives only in the CA's home.
    [[ -f "$home/registrar.secret" ]] || (umask 077 && random_secret >"$home/registrar.secret")
    process_alive "$(ca_name "$ORG")" && return 0
    require_ports_free "$(ca_api_port)" "$(ca_ops_port_here)"
    start_process "$(ca_name "$ORG")" env \
        FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ca_ops_port_here)" \
        FABRIC_CA_SERVER_LOGLEVEL=warning \
        "$FABRIC_BIN/fabric-ca-server" start \
        -b "registrar:$(cat "$home/registrar.secret")" -H "$home" \
        --address 0.0.0.0 --port "$(ca_api_port)" \
        --ca.name "ca-$ORG" --csr.cn "ca.$DOMAIN" --csr.hosts "127.0.0.1,localhost,ca.$DOMAIN,$HOST" \
        --tls.enabled
    wait_healthy "$(ca_name "$ORG")" "$(ca_ops_port_here)"
    wait_for "$(ca_name "$ORG")" "the CA certificate of $ORG" test -s "$(ca_cert)"
}

# A node: registered once, enrolled for its MSP and its TLS certificate, whose names include
# this host's address (other orgs dial it there) and the node's name (what they verify).
enroll_org_node() {
    local node="$1" type="$2" dir="$3" secret hosts
    hosts="$node,$HOST,localhost,127.0.0.1"
    secret="$(random_secret)"
    register "$ORG" "$node" "$secret" "$type"
    enroll "$ORG" "$node" "$secret" "$dir/msp" "$node"
    enroll_tls "$ORG" "$node" "$secret" "$dir/tls" "$hosts" server
    if [[ "$type" == peer ]]; then
        enroll_tls "$ORG" "$node" "$secret" "$dir/chaincode-tls" "$node,localhost,127.0.0.1" server
    fi
}

init_identities() {
    step "$ORG: enrolling the CA's registrar, writing the org's MSP (CA certificate, NodeOUs)"
    mkdir -p "$DATA_DIR"
    enroll_registrar "$ORG"
    write_org_msp "$ORG"
    local peer i name role id secret
    if [[ "$IS_ORDERER" == true ]]; then
        step "$ORG: $ORDERER_COUNT orderers and the admin (enrolment and TLS client certificates for osnadmin)"
        for ((i = 0; i < ORDERER_COUNT; i++)); do
            [[ -f "$(orderer_dir "$i")/tls/server.crt" ]] || enroll_org_node "$(orderer_name "$i")" orderer "$(orderer_dir "$i")"
        done
        if [[ ! -f "$(orderer_admin_dir)/tls/client.crt" ]]; then
            secret="$(random_secret)"
            register "$ORG" admin "$secret" admin
            enroll "$ORG" admin "$secret" "$(orderer_admin_dir)/msp"
            enroll_tls "$ORG" admin "$secret" "$(orderer_admin_dir)/tls" "localhost,127.0.0.1" client
        fi
        return 0
    fi
    step "$ORG: peers $(my_peers | tr '\n' ' ')(enrolment, TLS, chaincode-server TLS certificates)"
    while read -r peer; do
        [[ -f "$(peer_dir "$peer")/tls/server.crt" ]] || enroll_org_node "$peer" peer "$(peer_dir "$peer")"
    done < <(my_peers)
    step "$ORG: users with careledger.role / careledger.id written into their certificates by the CA"
    while IFS=$'\t' read -r name role id; do
        if [[ -f "$ORG_DIR/users/$name@$DOMAIN/msp/signcerts/cert.pem" ]]; then continue; fi
        enroll_user "$ORG" "$name" "$role" "$id" "$DOMAIN"
        info "$name@$DOMAIN  careledger.role=$role careledger.id=$id"
    done < <(CONSORTIUM users "$ORG")
    write_org_profile
}

# The connection profile the CareLedger gateway of this org reads (gateway/src/ledger/fabric):
# its own peers only (its Fabric Gateway peer finds the other orgs' peers through discovery).
write_org_profile() {
    local peer specs=()
    while read -r peer; do
        specs+=("$peer=127.0.0.1:$(peer_port "$(peer_index "$peer")")=$(peer_dir "$peer")/tls/ca.crt")
    done < <(my_peers)
    node "$ORG_SCRIPTS/../bundle.js" profile "$ORG_DIR/connection.json" "$ORG" "$MSP_ID" "$CHANNEL" "$CHAINCODE_NAME" \
        "https://127.0.0.1:$(ca_api_port)" "$DATA_DIR/registrar.$ORG/msp" "${specs[@]}"
}

# write_bundle OUT: the org's public bundle, the one file it sends to the consortium: its MSP
# (root CA and TLS root CA certificates, NodeOUs), its anchor peers or orderer endpoints and
# consenters (public TLS certificates), as a tar.gz. Refused when anything in it holds a key.
write_bundle() {
    local out="$1" work
    work="$(mktemp -d "$RUN_DIR/bundle.XXXXXX")"
    # The MSP folder as it is (several CA certificates during a CA rotation), checked below.
    cp -R "$ORG_DIR/msp" "$work/msp"
    local args=() peer i
    if [[ "$IS_ORDERER" == true ]]; then
        mkdir -p "$work/orderers"
        for ((i = 0; i < ORDERER_COUNT; i++)); do
            cp "$(orderer_dir "$i")/tls/server.crt" "$work/orderers/$(orderer_name "$i").tls.crt"
            cp "$(orderer_dir "$i")/msp/signcerts/cert.pem" "$work/orderers/$(orderer_name "$i").cert.pem"
            args+=("$(orderer_name "$i")=$HOST:$(orderer_port "$i")")
        done
    else
        while read -r peer; do args+=("$peer=$HOST:$(peer_port "$(peer_index "$peer")")"); done < <(my_peers)
    fi
    node "$ORG_SCRIPTS/../bundle.js" describe "$work/org.json" "$ORG" "$MSP_ID" "$DOMAIN" "$IS_ORDERER" "${args[@]}"
    node "$ORG_SCRIPTS/../bundle.js" check-public "$work" || {
        rm -rf "$work"
        die "the bundle would contain private key material; nothing was written"
    }
    mkdir -p "$(dirname "$out")"
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$work" -czf "$out" . || die "writing $out failed"
    publish "$out"
    rm -rf "$work"
    info "public bundle $out: $(tar -tzf "$out" | grep -v '/$' | tr '\n' ' ')"
}

# unpack_bundle FILE DIR: a bundle another org sent, unpacked and checked (public only).
unpack_bundle() {
    local file="$1" dir="$2"
    [[ -f "$file" ]] || die "bundle $file not found"
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -xzf "$file" -C "$dir" --no-same-owner || die "$file is not a bundle (tar.gz)"
    [[ -f "$dir/org.json" && -f "$dir/msp/cacerts/ca.pem" ]] || die "$file is not an org bundle (no org.json or msp/cacerts/ca.pem)"
    node "$ORG_SCRIPTS/../bundle.js" check-public "$dir" || die "$file contains private key material: refused"
}

# rotate-admin OUT_BUNDLE: a new key and certificate for the org's admin, the old certificate
# revoked by the org's CA, and the CA's revocation list (CRL) in the org's MSP, so that the new
# bundle, once a majority has put it into the channel (propose-update-msp), makes every node
# refuse the old admin certificate (a lost or compromised admin key). The old admin folder is
# kept in run/retired-admin/ only so its refusal can be shown; in production destroy it.
rotate_admin() {
    local out="$1" old serial aki secret work
    [[ "$IS_ORDERER" == false ]] || die "rotate-admin is a peer org's step"
    start_org_ca
    old="$ADMIN_MSP/signcerts/cert.pem"
    serial="$(openssl x509 -in "$old" -noout -serial | cut -d= -f2 | tr '[:upper:]' '[:lower:]')"
    aki="$(openssl x509 -in "$old" -noout -ext authorityKeyIdentifier | sed -n 's/^ *\(keyid:\)\{0,1\}\([0-9A-Fa-f:]\{20,\}\).*/\2/p' | tr -d ':' | tr '[:upper:]' '[:lower:]')"
    [[ -n "$serial" && -n "$aki" ]] || die "could not read the serial and authority key id of $old"
    step "$ORG: rotating the admin certificate (serial $serial)"
    rm -rf "$RUN_DIR/retired-admin"
    cp -R "$ADMIN_MSP" "$RUN_DIR/retired-admin"
    secret="$(random_secret)"
    ca_client "$ORG" identity modify admin --secret "$secret" -u "$(ca_url)" -M "$DATA_DIR/registrar.$ORG/msp"
    work="$(mktemp -d "$RUN_DIR/admin.XXXXXX")"
    enroll "$ORG" admin "$secret" "$work/msp"
    cp "$work/msp/signcerts/cert.pem" "$ADMIN_MSP/signcerts/cert.pem"
    cp "$work/msp/keystore/key.pem" "$ADMIN_MSP/keystore/key.pem"
    rm -rf "$work"
    info "new admin certificate: serial $(openssl x509 -in "$ADMIN_MSP/signcerts/cert.pem" -noout -serial | cut -d= -f2)"
    ca_client "$ORG" revoke -u "$(ca_url)" -M "$DATA_DIR/registrar.$ORG/msp" -s "$serial" -a "$aki" -r superseded --gencrl
    [[ -s "$DATA_DIR/registrar.$ORG/msp/crls/crl.pem" ]] || die "the CA wrote no revocation list"
    local dir peer
    for dir in "$ORG_DIR/msp" $(my_peers | while read -r peer; do echo "$(peer_dir "$peer")/msp"; done); do
        mkdir -p "$dir/crls"
        cp "$DATA_DIR/registrar.$ORG/msp/crls/crl.pem" "$dir/crls/crl.pem"
    done
    info "old certificate revoked; the CA's revocation list is in the org's MSP (peers apply it at their next start)"
    write_bundle "$out"
    info "send $out to a member: org.sh propose-update-msp $(basename "$out") UPDATE.pb, signed by a majority"
}
