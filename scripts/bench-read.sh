#!/usr/bin/env bash
# Read benchmark of the Kronika GraphQL server.
#
# It serves the demo content from a fresh data directory, loads two typical
# read queries at 16 and 64 connections, and runs the same load against
# `loadbench ceiling`, a bare poem server that replays the real response
# bytes. The ceiling shows what the HTTP stack alone reaches on this machine,
# so the real figures can be read as a share of what is possible here rather
# than as absolute numbers that depend on the machine.
#
# The load generator shares the cores with the server it measures, so every
# figure is conservative; comparing against the ceiling under the same
# handicap is what makes them meaningful.
#
# Then it copies the seed article into BENCH_MANY_ARTICLES published articles
# (default 100,000; 0 skips this part) and asks for the article query with a
# different slug per request, drawn from a Zipf distribution (s = 1: a few
# articles read very often, a long tail now and then) and from a uniform one,
# at 64 connections, with both caches (response and entity), with the entity
# cache alone, and with neither. Each of those runs starts a fresh server, so
# its caches are cold; uniform runs have no warm-up, Zipf runs have
# BENCH_ZIPF_WARMUP_SECONDS (default 10). Peak RSS is reported. The copies'
# answers have the seed article's size, so the article query's ceiling is their
# ceiling too.
#
# Environment: BENCH_SECONDS (default 10) is the measured time of each run,
# after a 2-second warm-up. The report goes to stdout and to
# target/bench-read.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
bench_seconds=${BENCH_SECONDS:-10}
warmup_seconds=2
connection_counts=(16 64)
many_articles=${BENCH_MANY_ARTICLES:-100000}
zipf_warmup_seconds=${BENCH_ZIPF_WARMUP_SECONDS:-10}

bench_name=bench-read
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
# Both servers must go away however the script ends, or a failed run would
# leave them holding their ports.
server_pid=
ceiling_pid=
bench_pids=(ceiling_pid server_pid)
bench_prepare

port=$(free_port)
# Two probes can hand back the same port once the first socket is closed.
ceiling_port=$(free_port)
while [[ $ceiling_port == "$port" ]]; do
    ceiling_port=$(free_port)
done
url=http://127.0.0.1:$port/graphql
ceiling_url=http://127.0.0.1:$ceiling_port/graphql

# One load generator is one address: per-address rate limits would measure the limiter.
KRONIKA_RATE_LIMIT_GRAPHQL=0 RUST_LOG=warn "$kronika" serve --listen "127.0.0.1:$port" --data-dir "$work/data" \
    >"$work/kronika.log" 2>&1 &
server_pid=$!
wait_until_healthy "$server_pid" "http://127.0.0.1:$port/health" "$work/kronika.log"
echo "kronika is healthy on port $port (pid $server_pid)"

write_body() {
    python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1]}))' "$2" >"$1"
}

write_body "$work/article.json" \
    'query Article { article(slug: "razem-dla-wspolnej-sprawy") { id title slug lead body publishedAt updatedAt byline viewCount section { slug name } tags { slug name } createdBy { name } gallery { title photos { id caption credit alt width height } } } }'
write_body "$work/newest20.json" \
    'query Newest { articles(first: 20, orderBy: {field: PUBLISHED_AT, direction: DESC}) { totalCount edges { cursor node { id slug title lead publishedAt byline section { slug name } } } pageInfo { hasNextPage endCursor } } }'

# start_stand_in SUBCOMMAND BODY_FILE: `loadbench ceiling` (a bare poem app replaying
# the response bytes) or `loadbench graphql-floor` (async-graphql answering the article
# query from memory) on the ceiling port.
start_stand_in() {
    "$loadbench" "$1" --listen "127.0.0.1:$ceiling_port" --body-file "$2" \
        >"$work/ceiling.log" 2>&1 &
    ceiling_pid=$!
    local deadline=$((SECONDS + 10))
    until grep -q '^listening on ' "$work/ceiling.log"; do
        if ! kill -0 "$ceiling_pid" 2>/dev/null || ((SECONDS >= deadline)); then
            cat "$work/ceiling.log" >&2
            fail "the $1 server did not start"
        fi
        sleep 0.1
    done
}

stop_stand_in() {
    kill "$ceiling_pid"
    wait "$ceiling_pid" 2>/dev/null || true
    ceiling_pid=
}

# Runs one load and keeps its JSON line, tagged with scenario and target.
# Both targets get the same body checks so that the generator does the same
# work per request on each side of the comparison; the checks mirror the
# validation of the saved response: "data" present, no "errors" key.
bench() {
    local scenario=$1 target=$2 target_url=$3 connections=$4 output
    output=$("$loadbench" run --url "$target_url" --body-file "$work/$scenario.json" \
        --connections "$connections" --duration "$bench_seconds" --warmup "$warmup_seconds" \
        --label "$scenario/$target" --expect-substring '"data"' --reject-substring '"errors":')
    head -n 1 <<<"$output"
    printf '%s\t%s\t%s\n' "$scenario" "$target" "$(tail -n 1 <<<"$output")" >>"$work/results.tsv"
}

for scenario in article newest20; do
    response=$work/$scenario.response.json
    curl -fsS -X POST -H 'content-type: application/json' \
        --data-binary "@$work/$scenario.json" "$url" -o "$response" \
        || fail "$scenario: the query request failed"
    # The ceiling replays these bytes, so they must be a real success: a
    # GraphQL error would make both sides of the comparison meaningless.
    python3 - "$response" <<'EOF' || fail "$scenario: the response is not a clean GraphQL success"
import json, sys
raw = open(sys.argv[1], "rb").read()
reply = json.loads(raw)
if not isinstance(reply.get("data"), dict) or "errors" in reply:
    print(raw[:2000].decode("utf-8", "replace"), file=sys.stderr)
    sys.exit(1)
EOF
    echo "$scenario: response of $(wc -c <"$response") bytes"

    start_stand_in ceiling "$response"
    for connections in "${connection_counts[@]}"; do
        bench "$scenario" kronika "$url" "$connections"
        bench "$scenario" ceiling "$ceiling_url" "$connections"
    done
    stop_stand_in
    # What the GraphQL stack alone costs, with no work of Kronika's: the part of the gap
    # to the ceiling that no cache of Kronika's can close.
    if [[ $scenario == article ]]; then
        start_stand_in graphql-floor "$response"
        for connections in "${connection_counts[@]}"; do
            bench "$scenario" graphql-floor "$ceiling_url" "$connections"
        done
        stop_stand_in
    fi
done

# VmHWM is the peak resident set since start, VmRSS the current one; both
# are read after every run so the peak includes the load.
rss_peak=$(awk '/^VmHWM:/ {print $2, $3}' "/proc/$server_pid/status")
rss_now=$(awk '/^VmRSS:/ {print $2, $3}' "/proc/$server_pid/status")

# Many articles, one slug per request: what a large site's spread-out traffic costs.
if ((many_articles > 0)); then
    command -v sqlite3 >/dev/null || fail "needs the sqlite3 command (Debian: sqlite3)"
    stop_server
    database=$work/data/kronika.sqlite3
    copy_seed_article "$database" "$many_articles"
    # The article query of the first scenario, once per published slug, in an order
    # shuffled once (so the most requested articles under Zipf are not the oldest).
    python3 - "$database" "$work/article.json" >"$work/many.jsonl" <<'EOF'
import json, random, sqlite3, sys
slugs = [row[0] for row in sqlite3.connect(sys.argv[1]).execute(
    "SELECT slug FROM articles WHERE status = 'PUBLISHED' ORDER BY id")]
random.Random(2026).shuffle(slugs)
query = json.load(open(sys.argv[2]))["query"].replace(
    'article(slug: "razem-dla-wspolnej-sprawy")', "article(slug: $slug)").replace(
    "query Article {", "query Article($slug: String!) {")
for slug in slugs:
    print(json.dumps({"query": query, "variables": {"slug": slug}}))
EOF
    echo "$(wc -l <"$work/many.jsonl") article slugs for the many-articles runs"
    # Which caches run: the response cache and the entity cache both (the default),
    # the entity cache alone, and neither (every read goes to the database).
    for caches in both entity none; do
        for pick in zipf uniform; do
            case $caches in
                both) cache_settings=() ;;
                entity) cache_settings=(KRONIKA_RESPONSE_CACHE_SECONDS=0) ;;
                none) cache_settings=(KRONIKA_RESPONSE_CACHE_SECONDS=0 KRONIKA_ENTITY_CACHE_MIB=0) ;;
            esac
            env "${cache_settings[@]}" KRONIKA_RATE_LIMIT_GRAPHQL=0 RUST_LOG=warn "$kronika" serve \
                --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/kronika.log" 2>&1 &
            server_pid=$!
            wait_until_healthy "$server_pid" "http://127.0.0.1:$port/health" "$work/kronika.log"
            scenario=article-$pick-of-$many_articles-caches-$caches
            # Zipf runs measure a site that has been serving a while (its caches hold the
            # most read articles); uniform runs start cold, as issue 18 asks.
            warmup=0
            if [[ $pick == zipf ]]; then
                warmup=$zipf_warmup_seconds
            fi
            output=$("$loadbench" run --url "$url" --bodies-file "$work/many.jsonl" --pick "$pick" \
                --connections 64 --duration "$bench_seconds" --warmup "$warmup" --label "$scenario" \
                --expect-substring '"data":{"article":{"id"' --reject-substring '"errors":')
            head -n 1 <<<"$output"
            printf '%s\t%s\t%s\n' "$scenario" kronika "$(tail -n 1 <<<"$output")" >>"$work/results.tsv"
            echo "$scenario: peak RSS $(awk '/^VmHWM:/ {print $2, $3}' "/proc/$server_pid/status")" \
                >>"$work/rss.txt"
            stop_server
        done
    done
    # The same requests against async-graphql alone, which answers every slug from
    # memory: the most any cache behind this GraphQL stack could reach.
    start_stand_in graphql-floor "$work/article.response.json"
    scenario=article-zipf-of-$many_articles-graphql-floor
    output=$("$loadbench" run --url "$ceiling_url" --bodies-file "$work/many.jsonl" --pick zipf \
        --connections 64 --duration "$bench_seconds" --warmup "$warmup_seconds" --label "$scenario" \
        --expect-substring '"data":{"article":{"id"' --reject-substring '"errors":')
    head -n 1 <<<"$output"
    printf '%s\t%s\t%s\n' "$scenario" graphql-floor "$(tail -n 1 <<<"$output")" >>"$work/results.tsv"
    stop_stand_in
fi

report=$target_dir/bench-read.md
python3 - "$work/results.tsv" "$bench_seconds" "$rss_peak" "$rss_now" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" <<'EOF' | tee "$report"
import datetime, json, sys

path, seconds, rss_peak, rss_now, commit, cores = sys.argv[1:]
rows = []
with open(path) as results:
    for line in results:
        scenario, target, payload = line.rstrip("\n").split("\t", 2)
        rows.append((scenario, target, json.loads(payload)))

print(f"# Read benchmark ({datetime.date.today()}, commit {commit}, {cores} cores, "
      f"{seconds} s per run)")
print()
print("| scenario | connections | target | req/s | p50 ms | p99 ms | errors |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
for scenario, target, r in rows:
    print(f"| {scenario} | {r['connections']} | {target} | {r['rps']:.0f} | "
          f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |")
print()

def rps(scenario, target, connections):
    for s, t, r in rows:
        if (s, t, r["connections"]) == (scenario, target, connections):
            return r["rps"]
    return None

real, ceiling = rps("article", "kronika", 64), rps("article", "ceiling", 64)
if real is not None and ceiling:
    print(f"article query reaches {100 * real / ceiling:.1f}% of ceiling req/s at 64 connections")
floor = rps("article", "graphql-floor", 64)
if floor is not None and ceiling:
    print(f"async-graphql alone (graphql-floor) reaches {100 * floor / ceiling:.1f}% of ceiling "
          "req/s at 64 connections")
print(f"kronika RSS after the runs: peak (VmHWM) {rss_peak}, current (VmRSS) {rss_now}")
for s, t, r in rows:
    if s.startswith("article-") and ceiling:
        print(f"{s}: {100 * r['rps'] / ceiling:.1f}% of the article ceiling at 64 connections")
EOF
if [[ -f $work/rss.txt ]]; then
    tee -a "$report" <"$work/rss.txt"
fi
echo "report written to $report"
