# Helpers the benchmark scripts share for running a Kronika server on loopback.
# Source it after setting `bench_name` (the script's name, for messages).

fail() {
    echo "$bench_name: $*" >&2
    exit 1
}

# A loopback port nobody listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_until_healthy PID HEALTH_URL LOG_FILE: returns once the server answers
# its health check; fails, showing the log, if it exits first or is not healthy
# after 60 s (an empty data directory means migrations and demo content first,
# hence the generous limit).
wait_until_healthy() {
    local pid=$1 health_url=$2 log=$3
    local deadline=$((SECONDS + 60))
    until curl -fs "$health_url" >/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$log" >&2
            fail "kronika exited before it became healthy"
        fi
        if ((SECONDS >= deadline)); then
            cat "$log" >&2
            fail "kronika was not healthy after 60 s"
        fi
        sleep 0.25
    done
}
