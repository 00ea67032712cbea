#!/usr/bin/env bash
# Benchmark of the editors' application (Redakcja) on a large newsroom.
#
# A fresh SQLite data directory is migrated and filled by scripts/lib/seed-admin.py
# (100,000 articles, 10,000 photos, a year of views for a thousand articles, three
# accounts), the release server starts on it, an administrator signs in through the
# login form, and each screen is loaded as that editor with `loadbench run`: first one
# connection (what one editor waits for), then four (a newsroom working at once). The
# editors' target is p95 under 50 ms per screen.
#
# Environment: BENCH_SECONDS (default 10) per run, BENCH_ARTICLES (default 100000),
# BENCH_PHOTOS (default 10000). The report goes to stdout and target/bench-admin.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
bench_seconds=${BENCH_SECONDS:-10}
articles=${BENCH_ARTICLES:-100000}
photos=${BENCH_PHOTOS:-10000}
warmup_seconds=2
password='haslo-do-benchmarku-redakcji'

bench_name=bench-admin
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
server_pid=
bench_pids=(server_pid)
bench_prepare

export KRONIKA_DATA_DIR=$work/data KRONIKA_DEMO_CONTENT=false
"$kronika" migrate >/dev/null
for account in 'admin:Anna Administratorka:admin' 'editor:Ewa Redaktor:editor' \
    'author:Jan Autor:author'; do
    IFS=: read -r login name role <<<"$account"
    KRONIKA_PASSWORD=$password "$kronika" user add --email "$login@example.org" \
        --name "$name" --role "$role" >/dev/null
done
echo "seeding $articles articles and $photos photos"
seed_started=$SECONDS
python3 scripts/lib/seed-admin.py "$work/data/kronika.sqlite3" "$articles" "$photos" 1 2 3
echo "seeded in $((SECONDS - seed_started)) s"

port=$(free_port)
base=http://127.0.0.1:$port
RUST_LOG=warn "$kronika" serve --listen "127.0.0.1:$port" >"$work/kronika.log" 2>&1 &
server_pid=$!
wait_until_healthy "$server_pid" "$base/health" "$work/kronika.log"

# The first start queues every published article for the search index. A newsroom at
# work has its index caught up, so the screens are measured once the queue is empty,
# not while the indexer competes with them for the two cores.
echo "waiting for the search index to catch up"
index_started=$SECONDS
until [[ $(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM search_outbox").fetchone()[0])' "$work/data/kronika.sqlite3") == 0 ]]; do
    ((SECONDS - index_started < 1800)) || fail "the search index did not catch up in 30 minutes"
    sleep 2
done
echo "indexed in $((SECONDS - index_started)) s"

# Sign in as a browser does; the session cookie is what every request then carries.
curl -fsS -o /dev/null -c "$work/cookies" -H "Origin: $base" \
    --data-urlencode "email=admin@example.org" --data-urlencode "password=$password" \
    "$base/admin/login"
session=$(awk '$6 == "kronika_session" {print $7}' "$work/cookies")
[[ -n $session ]] || fail "the login gave no session cookie"

# A published article in the middle of the table, for the editor and its history.
article=$((articles / 2))
screens=(
    "pulpit|/admin/"
    "artykuly|/admin/articles"
    "artykuly-szkice|/admin/articles?status=DRAFT"
    "artykuly-dzial|/admin/articles?dzial=7"
    "artykuly-tytul|/admin/articles?q=partnerstwa+lokalnego"
    "edytor|/admin/articles/$article"
    "historia|/admin/articles/$article/history"
    "zdjecia|/admin/photos"
    "zdjecia-szukaj|/admin/photos?q=dozynki"
    "galerie|/admin/galleries"
    "statystyki|/admin/stats"
)

: >"$work/results.tsv"
for entry in "${screens[@]}"; do
    IFS='|' read -r name path <<<"$entry"
    status=$(curl -s -o "$work/$name.html" -w '%{http_code}' -b "kronika_session=$session" \
        "$base$path")
    [[ $status == 200 ]] || fail "$name ($path) answered $status"
    for connections in 1 4; do
        output=$("$loadbench" run --method get --url "$base$path" \
            --header "Cookie: kronika_session=$session" --connections "$connections" \
            --duration "$bench_seconds" --warmup "$warmup_seconds" --label "$name" \
            --expect-substring '</main>')
        head -n 1 <<<"$output"
        printf '%s\t%s\t%s\n' "$name" "$path" "$(tail -n 1 <<<"$output")" >>"$work/results.tsv"
    done
done

rss_peak=$(awk '/^VmHWM:/ {print $2, $3}' "/proc/$server_pid/status")
report=$target_dir/bench-admin.md
python3 - "$work/results.tsv" "$bench_seconds" "$rss_peak" "$articles" "$photos" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" <<'EOF' | tee "$report"
import datetime, json, sys

path, seconds, rss_peak, articles, photos, commit, cores = sys.argv[1:]
print(f"# Editors' application benchmark ({datetime.date.today()}, commit {commit}, "
      f"{cores} cores, {seconds} s per run)")
print()
print(f"SQLite, {int(articles):,} articles, {int(photos):,} photos; "
      "one signed-in administrator; target p95 < 50 ms.")
print()
print("| screen | path | connections | req/s | p50 ms | p95 ms | p99 ms | errors |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
with open(path) as results:
    for line in results:
        name, url, payload = line.rstrip("\n").split("\t", 2)
        run = json.loads(payload)
        print(f"| {name} | `{url}` | {run['connections']} | {run['rps']:.0f} | "
              f"{run['p50_ms']:.1f} | {run['p95_ms']:.1f} | {run['p99_ms']:.1f} | "
              f"{run['errors']} |")
print()
print(f"Server peak RSS: {rss_peak}.")
EOF
