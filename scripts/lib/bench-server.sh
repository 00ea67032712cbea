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

# Stops the server whose pid is in `server_pid` as an orchestrator does, with SIGTERM,
# and fails unless it exits cleanly (a graceful stop writes everything it holds).
stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || fail "kronika did not exit cleanly after SIGTERM"
    server_pid=
}

# Builds the release binaries (sets `kronika` and `loadbench`, under
# `target_dir`) and makes a fresh work directory `work` with an empty `data/`.
# However the script ends, the processes whose ids are in the variables named
# by `bench_pids` are stopped and the work directory is removed: a failed run
# must not leave a server holding its port.
bench_prepare() {
    cargo build --release -p kronika-api -p kronika-loadbench
    kronika=$target_dir/release/kronika
    loadbench=$target_dir/release/loadbench
    work=$(mktemp -d)
    mkdir "$work/data"
    trap bench_cleanup EXIT
}

bench_cleanup() {
    local name pid
    for name in "${bench_pids[@]}"; do
        pid=${!name}
        if [[ -n $pid ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}

# copy_seed_article DATABASE WANTED: copies the demo content's seed article (with its
# gallery) in one SQL statement until the SQLite DATABASE holds WANTED published
# articles, each copy with a slug of its own. The server must be stopped.
copy_seed_article() {
    local database=$1 wanted=$2 copies
    copies=$((wanted - $(sqlite3 "$database" "SELECT COUNT(*) FROM articles WHERE status = 'PUBLISHED'")))
    sqlite3 "$database" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)
INSERT INTO articles (slug, section_id, title, lead, body_html, body_text, headings_json,
    byline, created_by, status, published_at, created_at, updated_at, gallery_id,
    view_count, version)
SELECT slug || '-' || n.i, section_id, title, lead, body_html, body_text, headings_json,
    byline, created_by, status, published_at, created_at, updated_at, gallery_id,
    view_count, version
FROM articles, n WHERE articles.slug = 'razem-dla-wspolnej-sprawy';
SQL
}
