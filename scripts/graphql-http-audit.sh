#!/usr/bin/env bash
# Runs the GraphQL-over-HTTP audit suite of the npm package `graphql-http`
# (its `auditServer` function, which runs every entry of `serverAudits`)
# against a real `kronika` on an ephemeral port, and prints each audit with its
# verdict: ok, warn (a SHOULD not met) or error (a MUST not met).
#
# The packages are installed with npm into target/graphql-http-audit (kept
# between runs); node 18 or newer is needed for its built-in fetch.
#
# Environment: KRONIKA_BIN runs that binary instead of building one.
# Exit status: 0 when no audit reports an error, 1 otherwise.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
audit_dir=$target_dir/graphql-http-audit
graphql_http_version=1.23.1
graphql_version=16.11.0

if [[ -z ${KRONIKA_BIN:-} ]]; then
    cargo build -p kronika-api
    KRONIKA_BIN=$target_dir/debug/kronika
fi

mkdir -p "$audit_dir"
if [[ ! -d $audit_dir/node_modules/graphql-http ]]; then
    (cd "$audit_dir" && npm init -y >/dev/null &&
        npm install --no-audit --no-fund "graphql-http@$graphql_http_version" "graphql@$graphql_version" >/dev/null)
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The audit sends dozens of requests at once from one address: no rate limit.
KRONIKA_RATE_LIMIT_GRAPHQL=0 RUST_LOG=warn "$KRONIKA_BIN" serve \
    --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/kronika.log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + 60))
until curl -fs "http://127.0.0.1:$port/health" >/dev/null; do
    if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS >= deadline)); then
        cat "$work/kronika.log" >&2
        echo "graphql-http-audit: kronika did not start" >&2
        exit 1
    fi
    sleep 0.25
done

cat >"$audit_dir/audit.mjs" <<'JS'
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const reason = result.status === 'ok' ? '' : ` — ${result.reason}`;
  console.log(`${result.status.toUpperCase().padEnd(5)} ${result.id} ${result.name}${reason}`);
}
console.log(`\n${results.length} audits: ${counts.ok} ok, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.error === 0 ? 0 : 1);
JS

(cd "$audit_dir" && node audit.mjs "http://127.0.0.1:$port/graphql")
