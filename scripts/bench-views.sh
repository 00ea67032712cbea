#!/usr/bin/env bash
# View-counting benchmark of the Kronika server.
#
# It seeds a fresh SQLite data directory with BENCH_ARTICLES published
# articles, then fires view beacons (POST /api/views/{id}) at 64 connections
# in three scenarios:
#
#   new-readers   every request another (reader, article) pair, so every
#                 request is a counted view: this is the counting rate;
#   one-reader    one User-Agent reloading every article: after the first
#                 round every request is a repeat that dedupe turns away;
#   bots          a crawler's User-Agent, turned away by the bot filter.
#
# All beacons come from 127.0.0.1, so the generator makes readers differ by
# User-Agent ("... reader/N"), which is what the server's dedupe keys on
# together with the address.
#
# After a graceful stop (SIGTERM) the script checks that the database holds
# exactly the views the server acknowledged, and reads the server's per-flush
# log lines for the number of statements per flush. Then it measures a crash:
# it starts the server again, loads it, kills it with SIGKILL between two
# flushes, and counts what the database lost against what was acknowledged.
#
# The load generator shares the two cores with the server (and, on a shared
# machine, with whatever else runs), so every figure is conservative.
#
# Environment: BENCH_SECONDS (default 10) measured seconds per scenario, after
# a 2-second warm-up; BENCH_ARTICLES (default 1000); BENCH_FLUSH_SECONDS
# (default 5, the server's default). The report goes to stdout and to
# target/bench-views.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
bench_seconds=${BENCH_SECONDS:-10}
article_count=${BENCH_ARTICLES:-1000}
flush_seconds=${BENCH_FLUSH_SECONDS:-5}
warmup_seconds=2
connections=64
browser='Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
crawler='Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

bench_name=bench-views
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
# The server and a background load must go away however the script ends.
server_pid=
load_pid=
bench_pids=(load_pid server_pid)
bench_prepare
database=$work/data/kronika.sqlite3

port=$(free_port)
beacon_url="http://127.0.0.1:$port/api/views/{article}"

# The flush log lines are at debug level under kronika_api::views; NO_COLOR
# keeps escape codes out of them so they can be parsed. The load generator is
# one address, so the per-address beacon limit is switched off.
start_server() {
    KRONIKA_RATE_LIMIT_VIEWS=0 NO_COLOR=1 RUST_LOG=warn,kronika_api::views=debug "$kronika" serve \
        --listen "127.0.0.1:$port" --data-dir "$work/data" \
        --view-flush-seconds "$flush_seconds" >"$work/$1.log" 2>&1 &
    server_pid=$!
    wait_until_healthy "$server_pid" "http://127.0.0.1:$port/health" "$work/$1.log"
}

# SIGTERM, as a service manager stops it: the server writes every counted
# view before it exits, and must exit cleanly.
total_views() {
    python3 - "$database" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT COALESCE(SUM(view_count), 0) FROM articles").fetchone()[0])
EOF
}

# First start: migrations and demo content. Then the bench articles are
# copies of a published demo article, written while the server is down.
start_server setup
stop_server
python3 - "$database" "$article_count" "$work/article-ids.txt" <<'EOF'
import sqlite3, sys
path, count, ids_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = sqlite3.connect(path)
cursor = db.execute("SELECT * FROM articles WHERE status = 'PUBLISHED' ORDER BY id LIMIT 1")
columns = [column[0] for column in cursor.description]
template = dict(zip(columns, cursor.fetchone()))
del template["id"]
for number in range(count):
    row = dict(template, slug=f"bench-{number}", title=f"Bench {number}", view_count=0)
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", list(row.values()))
db.commit()
ids = [str(row[0]) for row in db.execute(
    "SELECT id FROM articles WHERE status = 'PUBLISHED' AND slug LIKE 'bench-%' ORDER BY id")]
open(ids_path, "w").write("\n".join(ids) + "\n")
EOF
echo "seeded $(wc -l <"$work/article-ids.txt") published articles"

# Runs one load and keeps its JSON line, tagged with the scenario.
bench() {
    local scenario=$1 output
    shift
    output=$("$loadbench" run --url "$beacon_url" --article-ids-file "$work/article-ids.txt" \
        --connections "$connections" --duration "$bench_seconds" --warmup "$warmup_seconds" \
        --label "beacons/$scenario" "$@")
    head -n 1 <<<"$output"
    printf '%s\t%s\n' "$scenario" "$(tail -n 1 <<<"$output")" >>"$work/results.tsv"
}

start_server bench
views_before=$(total_views)
bench new-readers --user-agent "$browser" --unique-readers
bench one-reader --user-agent "$browser"
bench bots --user-agent "$crawler"
rss_peak=$(awk '/^VmHWM:/ {print $2, $3}' "/proc/$server_pid/status")
stop_server
views_after=$(total_views)

# The crash: views are acknowledged from the start, flushes happen every
# flush interval from the server's start, and the SIGKILL comes 60% of an
# interval after the last flush that the log shows.
start_server crash
crash_views_before=$(total_views)
crash_seconds=$((flush_seconds * 3))
load_start=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
"$loadbench" run --url "$beacon_url" --article-ids-file "$work/article-ids.txt" \
    --connections "$connections" --duration "$crash_seconds" --warmup 0 \
    --label beacons/crash --user-agent "$browser crash" --unique-readers \
    >"$work/crash-load.txt" 2>&1 &
load_pid=$!
sleep "$((flush_seconds * 2))"
python3 - "$work/crash.log" "$flush_seconds" <<'EOF'
import re, sys, time, datetime
path, interval = sys.argv[1], float(sys.argv[2])
last = None
for line in open(path, encoding="utf-8", errors="replace"):
    if "views flushed" in line:
        last = datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00"))
if last is None:
    sys.exit(0)
wake = last.timestamp() + 0.6 * interval
while wake < time.time():
    wake += interval
time.sleep(wake - time.time())
EOF
kill_time=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
wait "$load_pid" || true
load_pid=
crash_views_after=$(total_views)

report=$target_dir/bench-views.md
python3 - "$work" "$bench_seconds" "$views_before" "$views_after" "$crash_views_before" \
    "$crash_views_after" "$load_start" "$kill_time" "$flush_seconds" "$rss_peak" "$article_count" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" <<'EOF' | tee "$report"
import datetime, json, re, statistics, sys

(work, seconds, views_before, views_after, crash_before, crash_after, load_start, kill_time,
 interval, rss_peak, articles, commit, cores) = sys.argv[1:]
views_before, views_after = int(views_before), int(views_after)
crash_before, crash_after = int(crash_before), int(crash_after)
interval = float(interval)

rows = {}
for line in open(f"{work}/results.tsv"):
    scenario, payload = line.rstrip("\n").split("\t", 1)
    rows[scenario] = json.loads(payload)

def flushes(log):
    found = []
    for line in open(f"{work}/{log}", encoding="utf-8", errors="replace"):
        if "views flushed" not in line:
            continue
        fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
        found.append((datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00")),
                      {key: float(value) for key, value in fields.items()}))
    return found

print(f"# View-counting benchmark ({datetime.date.today()}, commit {commit}, {cores} cores, "
      f"{seconds} s per run, {articles} articles, SQLite, flush every {interval:g} s)")
print()
print("| scenario | connections | req/s | counted views/s | p50 ms | p99 ms | errors |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
counted_rate = {"new-readers": lambda r: r["rps"], "one-reader": lambda r: 0.0,
                "bots": lambda r: 0.0}
for scenario, r in rows.items():
    print(f"| {scenario} | {r['connections']} | {r['rps']:.0f} | "
          f"{counted_rate[scenario](r):.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
          f"{r['errors']} |")
print()
print("new-readers: every request is a new (reader, article) pair, so each one is a counted")
print("view; one-reader: only the first round of articles counts, the rest are repeats;")
print("bots: nothing counts. Counted views/s of one-reader is 0 after its first round.")
print()

expected = rows["new-readers"]["all_successes"] + min(int(articles), rows["one-reader"]["all_successes"])
counted = views_after - views_before
# A beacon still in flight when a run ends is counted by the server but its response is
# never read, so the database may hold up to one beacon per connection more.
surplus = counted - expected
verdict = "as expected" if 0 <= surplus <= int(rows["new-readers"]["connections"]) else "MISMATCH"
print(f"after SIGTERM the database holds {counted} new views; the generator saw {expected} "
      f"countable beacons acknowledged (every new-reader response, warm-up included, plus one "
      f"round of the one reader); {surplus} more were in flight when the run ended: {verdict}")

bench_flushes = [fields for _, fields in flushes("bench.log")]
if bench_flushes:
    busy = [f for f in bench_flushes if f.get("views", 0) > 0]
    print(f"{len(busy)} flushes: views per flush max {max(f['views'] for f in busy):.0f}, "
          f"articles per flush max {max(f['articles'] for f in busy):.0f}, "
          f"statements per flush {sorted({int(f['statements']) for f in busy})} "
          f"(plus BEGIN and COMMIT), flush time median "
          f"{statistics.median(f['elapsed_ms'] for f in busy):.1f} ms, "
          f"max {max(f['elapsed_ms'] for f in busy):.1f} ms")
print(f"kronika RSS peak (VmHWM) during the runs: {rss_peak}")
print()

crash_load = open(f"{work}/crash-load.txt").read().strip().splitlines()
crash = json.loads(crash_load[-1]) if crash_load and crash_load[-1].startswith("{") else None
crash_flushes = flushes("crash.log")
def instant(text):
    return datetime.datetime.fromisoformat(text[:26] + "+00:00")

killed_at, load_started = instant(kill_time), instant(load_start)
if crash and crash_flushes:
    acknowledged = crash["all_successes"]
    written = crash_after - crash_before
    lost = acknowledged - written
    last_flush = crash_flushes[-1][0]
    since_flush = (killed_at - last_flush).total_seconds()
    rate = acknowledged / max((killed_at - load_started).total_seconds(), 1e-9)
    print(f"SIGKILL {since_flush:.2f} s after the last flush (flush interval {interval:g} s): "
          f"{acknowledged} beacons acknowledged, {written} views in the database, "
          f"{lost} lost = {lost / max(rate, 1e-9):.2f} s of counting at "
          f"{rate:.0f} views/s (bound: one flush interval)")
else:
    print("SIGKILL measurement: no flush or no load report was seen; see the logs")
EOF
echo "report written to $report"
