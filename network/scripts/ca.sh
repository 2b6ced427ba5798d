# shellcheck shell=bash
# One Fabric CA per org, and every identity the network needs, issued by it:
#   - nodes (orderers, peers): an enrolment certificate (msp/) and a TLS certificate (tls/);
#     each peer also gets a TLS certificate for its chaincode server (chaincode-tls/);
#   - users from consortium.json: an enrolment certificate with the attributes careledger.role
#     and careledger.id written in by the CA (`:ecert`), so chaincode reads them from
#     ctx.clientIdentity and nobody can choose them per request;
#   - the org's MSP folder (msp/) that goes into the channel configuration.
# Each CA serves both enrolment and TLS certificates (the `tls` signing profile). Its own TLS
# certificate is generated at first start and signed by the CA, so the CA certificate is
# the only root a client needs. Sourced after env.sh and process.sh.

ca_name() { echo "ca.$1"; }                  # process name, by org
ca_home() { echo "$DATA_DIR/ca.$1"; }
ca_cert() { echo "$(ca_home "$1")/ca-cert.pem"; }
ca_url() { echo "https://127.0.0.1:$(ca_port "$(ca_org_index "$1")")"; }
ca_org_index() { if [[ "$1" == "$ORDERER_ORG" ]]; then echo 0; else org_index "$1"; fi; }
ca_org_domain() { if [[ "$1" == "$ORDERER_ORG" ]]; then echo "$ORDERER_DOMAIN"; else org_domain "$1"; fi; }
ca_org_dir() { if [[ "$1" == "$ORDERER_ORG" ]]; then orderer_org_dir; else peer_org_dir "$(org_domain "$1")"; fi; }

random_secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

start_ca() {
    local org="$1" index domain home
    index="$(ca_org_index "$org")"
    domain="$(ca_org_domain "$org")"
    home="$(ca_home "$org")"
    mkdir -p "$home"
    # The bootstrap registrar's secret lives only in the CA's home (ignored by git, removed by down).
    [[ -f "$home/registrar.secret" ]] || random_secret >"$home/registrar.secret"
    start_process "$(ca_name "$org")" env \
        FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ca_ops_port "$index")" \
        FABRIC_CA_SERVER_LOGLEVEL="$(tr '[:upper:]' '[:lower:]' <<<"$LOG_LEVEL")" \
        "$FABRIC_BIN/fabric-ca-server" start \
        -b "registrar:$(cat "$home/registrar.secret")" -H "$home" \
        --address 127.0.0.1 --port "$(ca_port "$index")" \
        --ca.name "ca-$org" --csr.cn "ca.$domain" --csr.hosts "127.0.0.1,localhost,ca.$domain" \
        --tls.enabled
}

wait_ca() {
    local org="$1"
    wait_healthy "$(ca_name "$org")" "$(ca_ops_port "$(ca_org_index "$org")")"
    wait_for "$(ca_name "$org")" "the CA certificate of $org" test -s "$(ca_cert "$org")"
}

# ca_client ORG ARGS...: fabric-ca-client against ORG's CA, with a private client home per call
# (calls run in parallel and fabric-ca-client writes its config file into its home).
ca_client() {
    local org="$1"
    shift
    local home
    home="$(mktemp -d "$DATA_DIR/ca-client.XXXXXX")"
    local out status=0
    out="$("$FABRIC_BIN/fabric-ca-client" "$@" -H "$home" --caname "ca-$org" \
        --tls.certfiles "$(ca_cert "$org")" 2>&1)" || status=$?
    rm -rf "$home"
    if ((status)); then
        echo "$out" >&2
        die "fabric-ca-client ${1} for $org failed" "$LOG_DIR/$(ca_name "$org").log"
    fi
}

# register ORG NAME SECRET TYPE [ATTRS]
register() {
    local org="$1" name="$2" secret="$3" type="$4" attrs="${5:-}"
    local registrar="$DATA_DIR/registrar.$org"
    ca_client "$org" register -u "$(ca_url "$org")" -M "$registrar/msp" \
        --id.name "$name" --id.secret "$secret" --id.type "$type" ${attrs:+--id.attrs "$attrs"}
}

# enroll ORG NAME SECRET MSPDIR [CSR_HOSTS]: an enrolment certificate, as a NodeOU-aware MSP folder.
enroll() {
    local org="$1" name="$2" secret="$3" msp="$4" hosts="${5:-}"
    local url
    url="$(ca_url "$org")"
    ca_client "$org" enroll -u "${url/https:\/\//https://$name:$secret@}" -M "$msp" ${hosts:+--csr.hosts "$hosts"}
    # Fixed names, so configs and the gateway need not guess fabric-ca-client's generated ones.
    mv "$msp"/cacerts/*.pem "$msp/cacerts/ca.pem"
    mv "$msp"/keystore/*_sk "$msp/keystore/key.pem"
    write_node_ous "$msp"
}

# enroll_tls ORG NAME SECRET DIR HOSTS PREFIX: a TLS certificate as DIR/{PREFIX.crt,PREFIX.key,ca.crt}.
enroll_tls() {
    local org="$1" name="$2" secret="$3" dir="$4" hosts="$5" prefix="${6:-server}"
    local url tmp
    url="$(ca_url "$org")"
    tmp="$(mktemp -d "$DATA_DIR/tls.XXXXXX")"
    ca_client "$org" enroll -u "${url/https:\/\//https://$name:$secret@}" -M "$tmp" \
        --enrollment.profile tls --csr.hosts "$hosts"
    mkdir -p "$dir"
    cp "$tmp/signcerts/cert.pem" "$dir/$prefix.crt"
    cp "$tmp"/keystore/*_sk "$dir/$prefix.key"
    cp "$(ca_cert "$org")" "$dir/ca.crt"
    rm -rf "$tmp"
}

# NodeOUs: the OU fabric-ca writes from the identity's type (client, peer, admin, orderer) is
# what makes a certificate a member, a peer or an admin of its org in channel policies.
write_node_ous() {
    cat >"$1/config.yaml" <<'EOF'
NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
EOF
}

# org_msp ORG: the org's MSP folder for the channel configuration (CA and TLS CA certificates).
write_org_msp() {
    local org="$1" dir
    dir="$(ca_org_dir "$org")/msp"
    mkdir -p "$dir/cacerts" "$dir/tlscacerts"
    cp "$(ca_cert "$org")" "$dir/cacerts/ca.pem"
    cp "$(ca_cert "$org")" "$dir/tlscacerts/ca.pem"
    write_node_ous "$dir"
}

enroll_registrar() {
    local org="$1" url
    url="$(ca_url "$org")"
    ca_client "$org" enroll -u "${url/https:\/\//https://registrar:$(cat "$(ca_home "$org")/registrar.secret")@}" \
        -M "$DATA_DIR/registrar.$org/msp"
}

# A node (peer or orderer): registered once, enrolled for its MSP and its TLS certificate(s).
enroll_node() {
    local org="$1" node="$2" type="$3" dir="$4"
    local secret
    secret="$(random_secret)"
    register "$org" "$node" "$secret" "$type"
    enroll "$org" "$node" "$secret" "$dir/msp" "$node" &
    local msp_pid=$!
    enroll_tls "$org" "$node" "$secret" "$dir/tls" "$node,localhost,127.0.0.1" server &
    local tls_pid=$!
    if [[ "$type" == peer && "$CHAINCODE_TLS" == true ]]; then
        enroll_tls "$org" "$node" "$secret" "$dir/chaincode-tls" "$node,localhost,127.0.0.1" server
    fi
    wait "$msp_pid" && wait "$tls_pid"
}

# A user from consortium.json: `admin` becomes the org's admin (OU admin), the others clients.
enroll_user() {
    local org="$1" name="$2" role="$3" id="$4" domain="$5"
    local secret type=client
    secret="$(random_secret)"
    [[ "$role" == admin ]] && type="admin"
    register "$org" "$name" "$secret" "$type" "careledger.role=$role:ecert,careledger.id=$id:ecert"
    enroll "$org" "$name" "$secret" "$(ca_org_dir "$org")/users/$name@$domain/msp"
}

# enroll_peer_org ORG: every identity of a peer org, then its connection profile.
enroll_peer_org() {
    local org="$1" domain dir peer name role id
    domain="$(org_domain "$org")"
    dir="$(peer_org_dir "$domain")"
    enroll_registrar "$org"
    write_org_msp "$org"
    local pids=()
    while read -r peer; do
        enroll_node "$org" "$peer" peer "$dir/peers/$peer" &
        pids+=($!)
    done < <(org_peers "$org")
    while IFS=$'\t' read -r name role id; do
        enroll_user "$org" "$name" "$role" "$id" "$domain" &
        pids+=($!)
    done < <(CONSORTIUM users "$org")
    local pid failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    ((failed == 0)) || die "enrolling the identities of $org failed (see above)"
    write_connection_profile "$org"
    info "$org: $(org_peers "$org" | wc -l) peer(s), $(CONSORTIUM users "$org" | wc -l) users enrolled"
}

enroll_orderer_org() {
    local org="$ORDERER_ORG" dir i secret
    dir="$(orderer_org_dir)"
    enroll_registrar "$org"
    write_org_msp "$org"
    local pids=()
    for ((i = 0; i < ORDERER_COUNT; i++)); do
        enroll_node "$org" "$(orderer_name "$i")" orderer "$(orderer_dir "$i")" &
        pids+=($!)
    done
    # The orderer admin signs with its enrolment certificate and authenticates to the
    # orderers' admin endpoint (osnadmin, mutual TLS) with a TLS client certificate.
    secret="$(random_secret)"
    register "$org" admin "$secret" admin
    enroll "$org" admin "$secret" "$(orderer_admin_dir)/msp" &
    pids+=($!)
    enroll_tls "$org" admin "$secret" "$(orderer_admin_dir)/tls" "localhost,127.0.0.1" client &
    pids+=($!)
    local pid failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    ((failed == 0)) || die "enrolling the identities of $org failed (see above)"
    info "$org: $ORDERER_COUNT orderer(s) and admin enrolled"
}

write_connection_profile() {
    local org="$1" domain peer specs=()
    domain="$(org_domain "$org")"
    while read -r peer; do
        specs+=("$peer=127.0.0.1:$(peer_port "$(peer_index "$peer")")=$(peer_org_dir "$domain")/peers/$peer/tls/ca.crt")
    done < <(org_peers "$org")
    node "$SCRIPTS_DIR/profile.js" "$(peer_org_dir "$domain")/connection.json" \
        "$org" "$(org_msp "$org")" "$CHANNEL" "$CHAINCODE_NAME" "${specs[@]}"
}
