#!/usr/bin/env bash
# Search benchmark of the Kronika server: questions as people type them, through GraphQL.
#
# It starts the release server in a fresh data directory (SQLite) with BENCH_ARTICLES
# (default 10,000) published articles made from the Polish LibreOffice help of the
# relevance data set (search-index/relevance, MPL-2.0): article n is help page n mod 2,551
# with its title, and from the second round on a passage of another page appended, so no
# two articles are the same text. The questions are those of
# search-index/relevance/questions-pl.json that have 6 to 12 words (hand-written
# questions over the same help).
#
# For each engine in BENCH_ENGINES (default "embedded", or "embedded,meilisearch"; the
# Meilisearch leg needs MEILISEARCH_URL and MEILISEARCH_API_KEY of a running server and
# uses an index of its own), it indexes the articles with `kronika reindex`, starts the
# server with the response cache off (every request runs the search) and rate limits off
# (the load comes from one address), and runs `loadbench mixed` with one kind, `search`,
# at 1 and at 16 connections for BENCH_SECONDS (default 20) after BENCH_WARMUP_SECONDS
# (default 3). Each request asks for 10 hits with their titles, highlighted titles and
# snippets, the total and the facets, as a results page does.
#
# Besides requests/s and latency it reports the server's own CPU time per search (user +
# system of the kronika process, from /proc, over the whole run including warm-up): with
# Meilisearch that is Kronika's side of a search, what it costs on top of the engine.
# The load generator and Meilisearch share the same two cores, so every figure is
# conservative. The report goes to stdout and to target/bench-search.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
bench_seconds=${BENCH_SECONDS:-20}
warmup_seconds=${BENCH_WARMUP_SECONDS:-3}
article_count=${BENCH_ARTICLES:-10000}
engines=${BENCH_ENGINES:-embedded}

bench_name=bench-search
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
server_pid=
bench_pids=(server_pid)
bench_prepare
database=$work/data/kronika.sqlite3
port=$(free_port)
base_url=http://127.0.0.1:$port
meili_index=bench_search_$$_$(date +%s)

# Every kronika run: the engine, its own Meilisearch index, the response cache and the rate
# limits off. `env` execs kronika, so a backgrounded run's $! is the server itself.
kronika_env=(env MEILISEARCH_INDEX="$meili_index" KRONIKA_RESPONSE_CACHE_SECONDS=0
    KRONIKA_RATE_LIMIT_GRAPHQL=0 KRONIKA_RATE_LIMIT_VIEWS=0 KRONIKA_RATE_LIMIT_LOGINS=0
    RUST_LOG=warn)

start_server() {
    "${kronika_env[@]}" KRONIKA_SEARCH="$1" "$kronika" serve --listen "127.0.0.1:$port" \
        --data-dir "$work/data" >"$work/$2.log" 2>&1 &
    server_pid=$!
    wait_until_healthy "$server_pid" "$base_url/health" "$work/$2.log"
}

# user + system CPU seconds of a process so far.
cpu_seconds() {
    python3 -c 'import os, sys
fields = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))' "$1"
}

# First start: migrations and demo content; then the articles, written while it is down.
start_server embedded setup
stop_server
python3 - "$database" "$article_count" <<'EOF'
import gzip, html, json, sqlite3, sys
path, count = sys.argv[1], int(sys.argv[2])
pages = json.load(gzip.open("search-index/relevance/libreoffice-help-pl.json.gz"))["pages"]
db = sqlite3.connect(path)
cursor = db.execute(
    "SELECT * FROM articles WHERE status = 'PUBLISHED' ORDER BY length(body_text) DESC LIMIT 1")
columns = [column[0] for column in cursor.description]
template = dict(zip(columns, cursor.fetchone()))
del template["id"]
for number in range(count):
    page = pages[number % len(pages)]
    title, text = page["title"], page["text"]
    if number >= len(pages):
        other = pages[(number * 7919) % len(pages)]
        title = f"{title} ({number // len(pages) + 1})"
        text = f"{text} {other['text'][:1000]}"
    lead = text[:200].rsplit(" ", 1)[0]
    row = dict(template, slug=f"pomoc-{number}", title=title, lead=lead,
               body_html=f"<p>{html.escape(text)}</p>", body_text=text, headings_json="[]",
               gallery_id=None, view_count=0)
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", list(row.values()))
db.commit()
EOF
echo "seeded $article_count articles"

# One request body per question of 6 to 12 words.
questions=$(python3 - "$work" <<'EOF'
import json, os, sys
work = sys.argv[1]
query = ("query Search($q: String!) { search(query: $q, first: 10) { totalHits hasNextPage "
         "hits { article { slug title } titleHighlighted snippet } "
         "facets { sections { slug count } tags { slug count } } } }")
questions = [q["text"] for q in json.load(open("search-index/relevance/questions-pl.json"))["questions"]
             if 6 <= len(q["text"].split()) <= 12]
names = []
for number, text in enumerate(questions):
    name = f"question-{number}.json"
    with open(os.path.join(work, name), "w") as out:
        json.dump({"query": query, "variables": {"q": text}}, out, ensure_ascii=False)
    names.append(name)
with open(os.path.join(work, "questions.txt"), "w") as out:
    out.write("\n".join(names) + "\n")
words = sum(len(t.split()) for t in questions) / len(questions)
print(f"{len(questions)} questions, {words:.1f} words on average")
EOF
)
echo "$questions"

rows=$work/rows.txt
: >"$rows"
for engine in ${engines//,/ }; do
    if [[ $engine == meilisearch && -z ${MEILISEARCH_URL:-} ]]; then
        fail "BENCH_ENGINES names meilisearch but MEILISEARCH_URL is not set"
    fi
    started=$SECONDS
    "${kronika_env[@]}" KRONIKA_SEARCH="$engine" "$kronika" reindex --data-dir "$work/data" \
        >"$work/reindex-$engine.log" 2>&1 ||
        { cat "$work/reindex-$engine.log" >&2; fail "kronika reindex failed on $engine"; }
    echo "$engine: indexed in $((SECONDS - started)) s"
    start_server "$engine" "bench-$engine"
    for connections in 1 16; do
        python3 - "$work" "$base_url" "$connections" <<'EOF'
import json, os, sys, urllib.request
work, base_url, connections = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = open(os.path.join(work, "questions.txt")).read().split()
# Each body is sent once first: a question that fails on its own would only measure errors.
for name in names:
    body = open(os.path.join(work, name), "rb").read()
    request = urllib.request.Request(base_url + "/graphql", body, {"content-type": "application/json"})
    reply = json.load(urllib.request.urlopen(request))
    if "errors" in reply or not isinstance(reply.get("data"), dict):
        sys.exit(f"{name}: {json.dumps(reply)[:2000]}")
plan = {"kinds": [dict(name="search", connections=connections, url=base_url + "/graphql",
                       body_files=names, expect_substring='"data"',
                       reject_substring='"errors":')]}
json.dump(plan, open(os.path.join(work, "plan.json"), "w"))
EOF
        cpu_before=$(cpu_seconds "$server_pid")
        output=$("$loadbench" mixed --plan "$work/plan.json" --duration "$bench_seconds" \
            --warmup "$warmup_seconds" --server-pid "$server_pid")
        cpu_after=$(cpu_seconds "$server_pid")
        tail -n 1 <<<"$output" >"$work/report.json"
        python3 - "$work/report.json" "$engine" "$connections" "$cpu_before" "$cpu_after" \
            >>"$rows" <<'EOF'
import json, sys
path, engine, connections, before, after = sys.argv[1:]
report = json.load(open(path))
search = report["kinds"][0]
cpu_ms = (float(after) - float(before)) * 1000 / max(search["all_successes"], 1)
peak = report["rss"]["peak_kib"] / 1024
print(f"| {engine} | {connections} | {search['requests']} | {search['rps']:.1f} | "
      f"{search['p50_ms']:.2f} | {search['p99_ms']:.2f} | {search['max_ms']:.2f} | "
      f"{cpu_ms:.2f} | {peak:.0f} | {search['errors']} |")
EOF
        tail -n 1 "$rows"
    done
    stop_server
done

report=$target_dir/bench-search.md
{
    echo "# Search, questions of 6 to 12 words ($(date +%F), commit" \
        "$(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores," \
        "$article_count articles, $bench_seconds s after a $warmup_seconds s warm-up," \
        "response cache off)"
    echo
    echo "$questions"
    echo
    echo "| engine | connections | requests | req/s | p50 ms | p99 ms | max ms | kronika CPU ms per search | peak RSS MiB | errors |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    cat "$rows"
} | tee "$report"
echo "report written to $report"
if grep -qv '| 0 |$' "$rows"; then
    fail "some requests failed"
fi
