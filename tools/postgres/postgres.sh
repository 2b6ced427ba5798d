#!/usr/bin/env bash
# A PostgreSQL server of the project's own, for the history index's tests and benchmarks:
# installed from Debian when absent, initialised (initdb) in a data folder of its own, run as a
# non-root user on a port of its own, bound to 127.0.0.1 with trust authentication (a test
# server: never expose it). Idempotent and fast when already installed and running.
#
#   bash tools/postgres/postgres.sh start    # install if absent, initdb if new, start; prints the URL
#   bash tools/postgres/postgres.sh url      # the URL of the maintenance database
#   bash tools/postgres/postgres.sh stop     # fast shutdown (immediate with --kill)
#   bash tools/postgres/postgres.sh status
#
# Environment: CARELEDGER_PG_PORT (default 45054), CARELEDGER_PG_DIR (default /tmp/careledger-postgres-<port>).
set -euo pipefail

port="${CARELEDGER_PG_PORT:-45054}"
dir="${CARELEDGER_PG_DIR:-/tmp/careledger-postgres-${port}}"
data="${dir}/data"
log="${dir}/server.log"
superuser=careledger

say() { printf 'postgres: %s\n' "$*" >&2; }

bindir() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "${found}" && -x "${found}/initdb" ]]; then
        printf '%s\n' "${found}"
    fi
}

install() {
    if [[ -n "$(bindir)" ]]; then
        return 0
    fi
    if [[ "$(id -u)" != 0 ]]; then
        say "PostgreSQL is not installed and installing needs root: sudo apt-get install -y postgresql"
        exit 1
    fi
    say "installing PostgreSQL from Debian (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
}

# Runs a command as the non-root user that owns the data folder (PostgreSQL refuses root).
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() { printf 'postgres://%s@127.0.0.1:%s/postgres\n' "${superuser}" "${port}"; }

running() { [[ -f "${data}/postmaster.pid" ]] && as_owner "$(bindir)/pg_ctl" -D "${data}" status >/dev/null 2>&1; }

start() {
    install
    local bin
    bin="$(bindir)"
    mkdir -p "${dir}"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        chown postgres "${dir}"
        chmod 700 "${dir}"
    fi
    if [[ ! -f "${data}/PG_VERSION" ]]; then
        say "initdb ${data}"
        as_owner "${bin}/initdb" -D "${data}" -U "${superuser}" --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    if running; then
        url
        return 0
    fi
    # Durability settings stay at PostgreSQL's defaults, so benchmark figures mean what production's do.
    as_owner "${bin}/pg_ctl" -D "${data}" -l "${log}" -w -t 60 \
        -o "-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=60" start >/dev/null
    say "running on 127.0.0.1:${port} (data ${data}, log ${log})"
    url
}

stop() {
    local bin mode=fast
    bin="$(bindir)"
    [[ "${1:-}" == "--kill" ]] && mode=immediate
    if [[ -n "${bin}" && -f "${data}/postmaster.pid" ]]; then
        as_owner "${bin}/pg_ctl" -D "${data}" -m "${mode}" -w stop >/dev/null 2>&1 || true
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    url) url ;;
    status) if running; then say "running: $(url)"; else say "not running"; exit 1; fi ;;
    *) say "usage: postgres.sh start|stop [--kill]|url|status"; exit 2 ;;
esac
