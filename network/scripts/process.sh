# shellcheck shell=bash
# Processes the network starts: each has a name, a log ($LOG_DIR/NAME.log) and a pid file
# ($PID_DIR/NAME.pid holding the pid and the process's start time, so a recycled pid is never
# mistaken for ours). `down` stops exactly these. Sourced after env.sh.

# start_process NAME COMMAND [ARGS...]: starts COMMAND in the background, detached from this
# shell's session, logging to $LOG_DIR/NAME.log. Use `env VAR=value ... cmd` to pass settings.
start_process() {
    local name="$1"
    shift
    if process_alive "$name"; then
        die "$name is already running (pid $(process_pid "$name")); run '$0 down' first"
    fi
    mkdir -p "$PID_DIR" "$LOG_DIR"
    local log="$LOG_DIR/$name.log"
    # setsid: a Ctrl-C in the terminal that ran network.sh must not take the network down with it.
    setsid "$@" >>"$log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid $(process_start_time "$pid")" >"$PID_DIR/$name.pid"
}

process_start_time() { ps -o lstart= -p "$1" 2>/dev/null | tr -s ' ' '_'; }

process_pid() { [[ -f "$PID_DIR/$1.pid" ]] && cut -d' ' -f1 "$PID_DIR/$1.pid"; }

# process_alive NAME: true when the process recorded for NAME still runs (same pid, same start time).
process_alive() {
    local file="$PID_DIR/$1.pid" pid started
    [[ -f "$file" ]] || return 1
    read -r pid started <"$file"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(process_start_time "$pid")" == "$started" ]]
}

# stop_process NAME: SIGTERM, then SIGKILL after $STOP_TIMEOUT seconds; removes the pid file.
stop_process() {
    local name="$1" pid
    if process_alive "$name"; then
        pid="$(process_pid "$name")"
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + STOP_TIMEOUT))
        while process_alive "$name" && ((SECONDS < deadline)); do
            sleep 0.1
        done
        if process_alive "$name"; then
            info "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            while process_alive "$name"; do sleep 0.1; done
        fi
    fi
    rm -f "$PID_DIR/$name.pid"
}

# stop_processes PATTERN: stops every recorded process whose name matches the glob PATTERN, in parallel.
stop_processes() {
    local pattern="$1" file name pids=()
    [[ -d "$PID_DIR" ]] || return 0
    for file in "$PID_DIR"/$pattern.pid; do
        [[ -e "$file" ]] || continue
        name="$(basename "$file" .pid)"
        stop_process "$name" &
        pids+=($!)
    done
    # Only these: a bare `wait` would also wait for the nodes this shell started.
    local pid
    for pid in "${pids[@]}"; do wait "$pid" || true; done
}

running_processes() {
    local file name
    [[ -d "$PID_DIR" ]] || return 0
    for file in "$PID_DIR"/*.pid; do
        [[ -e "$file" ]] || continue
        name="$(basename "$file" .pid)"
        process_alive "$name" && echo "$name $(process_pid "$name")"
    done
    return 0
}

# ---------------------------------------------------------------------------- ports

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# require_ports_free PORT...: fails naming the first port something already listens on.
require_ports_free() {
    local port
    for port in "$@"; do
        if port_in_use "$port"; then
            die "port $port on 127.0.0.1 is in use; stop what uses it or move the network with CARELEDGER_PORT_BASE (now $PORT_BASE)"
        fi
    done
}

# ---------------------------------------------------------------------------- waiting

# wait_for NAME WHAT CHECK [ARGS...]: polls CHECK until it succeeds, for at most $TIMEOUT
# seconds. Fails with NAME's log if NAME's process dies meanwhile or the time runs out.
# NAME may be empty when no single process is responsible.
wait_for() {
    local name="$1" what="$2"
    shift 2
    local deadline=$((SECONDS + TIMEOUT))
    local delay=0.05
    until "$@" >/dev/null 2>&1; do
        if [[ -n "$name" ]] && ! process_alive "$name"; then
            die "$name exited while waiting for $what" "$LOG_DIR/$name.log"
        fi
        if ((SECONDS >= deadline)); then
            die "timed out after ${TIMEOUT}s waiting for $what (raise CARELEDGER_TIMEOUT if the machine is slow)" \
                "${name:+$LOG_DIR/$name.log}"
        fi
        sleep "$delay"
        # Back off to 0.5 s: fast when things are quick, quiet when they are not.
        delay=$(awk -v d="$delay" 'BEGIN { d = d * 2; if (d > 0.5) d = 0.5; print d }')
    done
}

http_ok() { curl -fsS --max-time 2 "$1" >/dev/null; }

# wait_healthy NAME OPS_PORT: the node's operations endpoint answers /healthz with 200.
wait_healthy() {
    wait_for "$1" "$1 to report healthy on 127.0.0.1:$2/healthz" http_ok "http://127.0.0.1:$2/healthz"
}

# run_parallel FUNCTION ARG...: runs FUNCTION once per ARG in the background; fails if any failed.
run_parallel() {
    local fn="$1" arg
    shift
    local pids=()
    for arg in "$@"; do
        "$fn" "$arg" &
        pids+=($!)
    done
    local failed=0 pid
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    return "$failed"
}
