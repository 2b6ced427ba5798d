#!/usr/bin/env bash
# Separate hosts on one machine, for the multi-host test: each org gets its own Linux network
# namespace with its own address from 192.0.2.0/24 (TEST-NET-1, documentation only: nothing
# outside this machine is ever addressed), its own Unix user and its own home folder (mode
# 0700), connected by a bridge made here. A mail folder (sticky, world-writable) stands for
# email: orgs exchange files only through it. Needs root, `ip` and `setpriv`.
#
#   hosts.sh check                      exit 0 when this machine can make the hosts (else one line why)
#   hosts.sh up ROOT ORG=ADDRESS...     bridge, namespaces, users, ROOT/hosts/ORG, ROOT/mail
#   hosts.sh as ORG COMMAND...          COMMAND in ORG's namespace, as ORG's user, in ORG's home
#   hosts.sh cut ORG | restore ORG      take ORG's link down / up (its host unreachable / back)
#   hosts.sh pids ORG                   the pids running in ORG's namespace
#   hosts.sh down ROOT ORG...           stop every process in the namespaces, remove them all
set -euo pipefail

PREFIX=clmh
BRIDGE="${PREFIX}-br0"
ns() { echo "$PREFIX-$1"; }
user() { echo "$PREFIX-$1"; }
# The host end of ORG's link: a short stable name from the org's name (IFNAMSIZ is 15).
link() { echo "$PREFIX-$(printf '%s' "$1" | cksum | cut -c1-6)"; }
state() { echo "/run/$PREFIX"; }

die() {
    echo "ERROR: $*" >&2
    exit 1
}

cmd_check() {
    [[ "$(id -u)" == 0 ]] || die "multi-host test needs root (network namespaces, users)"
    command -v ip >/dev/null || die "multi-host test needs iproute2 (ip)"
    command -v setpriv >/dev/null || die "multi-host test needs setpriv (util-linux)"
    ip netns add "$PREFIX-probe" 2>/dev/null || die "cannot create network namespaces here"
    ip netns del "$PREFIX-probe"
    echo "network namespaces, users and bridges available"
}

cmd_up() {
    local root="$1"
    shift
    mkdir -p "$root/hosts" "$root/mail" "$(state)"
    chmod 755 "$root" "$root/hosts"
    chmod 1777 "$root/mail"
    ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
    ip link set "$BRIDGE" up
    local spec org address
    for spec in "$@"; do
        org="${spec%%=*}" address="${spec#*=}"
        id "$(user "$org")" >/dev/null 2>&1 ||
            useradd --system --no-create-home --home-dir "$root/hosts/$org" --shell /usr/sbin/nologin "$(user "$org")"
        mkdir -p "$root/hosts/$org"
        chown "$(user "$org"):$(user "$org")" "$root/hosts/$org"
        chmod 700 "$root/hosts/$org"
        ip netns add "$(ns "$org")" 2>/dev/null || true
        if ! ip link show "$(link "$org")" >/dev/null 2>&1; then
            ip link add "$(link "$org")" type veth peer name eth0 netns "$(ns "$org")"
        fi
        ip link set "$(link "$org")" master "$BRIDGE" up
        ip -n "$(ns "$org")" link set lo up
        ip -n "$(ns "$org")" addr replace "$address/24" dev eth0
        ip -n "$(ns "$org")" link set eth0 up
        echo "$address" >"$(state)/$org.address"
        echo "$root/hosts/$org" >"$(state)/$org.home"
    done
}

cmd_as() {
    local org="$1"
    shift
    local home address uid gid
    home="$(cat "$(state)/$org.home")"
    address="$(cat "$(state)/$org.address")"
    uid="$(id -u "$(user "$org")")"
    gid="$(id -g "$(user "$org")")"
    cd "$home"
    exec ip netns exec "$(ns "$org")" setpriv --reuid "$uid" --regid "$gid" --clear-groups --inh-caps=-all \
        env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        CARELEDGER_ORG="$org" CARELEDGER_ORG_HOME="$home/careledger" CARELEDGER_ORG_HOST="$address" \
        ${FABRIC_HOME:+FABRIC_HOME="$FABRIC_HOME"} ${CARELEDGER_TIMEOUT:+CARELEDGER_TIMEOUT="$CARELEDGER_TIMEOUT"} \
        ${CARELEDGER_MULTIHOST_ENV:-} "$@"
}

cmd_pids() { ip netns pids "$(ns "$1")" 2>/dev/null || true; }

cmd_down() {
    local root="$1"
    shift
    local org pid
    for org in "$@"; do
        # Only processes inside this test's own namespaces: everything the org's user started there.
        for pid in $(cmd_pids "$org"); do kill -TERM "$pid" 2>/dev/null || true; done
    done
    sleep 1
    for org in "$@"; do
        for pid in $(cmd_pids "$org"); do kill -KILL "$pid" 2>/dev/null || true; done
        ip link del "$(link "$org")" 2>/dev/null || true
        ip netns del "$(ns "$org")" 2>/dev/null || true
        userdel "$(user "$org")" 2>/dev/null || true
        rm -f "$(state)/$org.address" "$(state)/$org.home"
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    [[ -n "$root" && -d "$root/hosts" ]] && rm -rf "$root"
    return 0
}

verb="${1:-}"
shift || true
case "$verb" in
check) cmd_check ;;
up) cmd_up "$@" ;;
as) cmd_as "$@" ;;
cut) ip link set "$(link "$1")" down ;;
restore) ip link set "$(link "$1")" up ;;
pids) cmd_pids "$1" ;;
down) cmd_down "$@" ;;
*) die "usage: hosts.sh check | up ROOT ORG=ADDRESS... | as ORG CMD... | cut ORG | restore ORG | pids ORG | down ROOT ORG..." ;;
esac
