#!/usr/bin/env bash
# Mixed-load benchmark of the Kronika server: everything a site gets, at once.
#
# It starts the release server on the embedded defaults (SQLite, tantivy, local
# media) in a fresh data directory with the demo content plus BENCH_ARTICLES
# published articles, and runs `loadbench mixed` at 64 connections split among
#
#   article   one article by slug with its section, tags, author and gallery
#             (the slugs of 50 articles in turn), 16 connections;
#   list      the newest and the most read 20 articles, 8 connections;
#   search    GraphQL search with Polish words, inflected and without Polish
#             letters, with highlights and facets, 16 connections;
#   views     view beacons (POST /api/views/{id}), a new reader each round of
#             articles, 23 connections;
#   upload    uploadPhoto (multipart) of a real 900x562 camera JPEG by an editor,
#             back to back on 1 connection: a steady trickle of uploads. Each
#             upload's bytes differ (a number after the JPEG's end marker), so
#             none is deduplicated and each goes through the whole pipeline.
#
# for BENCH_SECONDS (default 60) after a BENCH_WARMUP_SECONDS (default 5)
# warm-up. Any failed request (transport error, status outside 2xx, a GraphQL
# error, a body without its data) is an error, and the script exits non-zero
# when there was one. Rate limits are switched off: the load comes from one
# address. The response cache keeps its default (5 s), as in production: most
# reads and searches are answered from memory, and each distinct request runs
# its resolvers (and the search engine) again when its entry expires. A new
# photo is in no gallery yet, so uploads drop no cached response.
#
# BENCH_KINDS (comma-separated names, default all) runs only some kinds, on the
# same connections each, to see which one a figure comes from.
#
# The server's resident set is sampled every second (start, after warm-up,
# peak, end, and the slope after warm-up); the load average is taken halfway
# through the run. The load generator shares the cores with the server, so
# every figure is conservative. The report goes to stdout and to
# target/bench-mixed.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
bench_seconds=${BENCH_SECONDS:-60}
warmup_seconds=${BENCH_WARMUP_SECONDS:-5}
article_count=${BENCH_ARTICLES:-1000}
photo=tests/fixtures/images/real/gowebp--pentax-k3ii-artist-email.jpg
browser='Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
editor_email=bench-editor@example.org
editor_password='bench password, long enough'

bench_name=bench-mixed
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
# The server and the load-average probe must go away however the script ends.
server_pid=
uptime_pid=
bench_pids=(uptime_pid server_pid)
bench_prepare
database=$work/data/kronika.sqlite3

port=$(free_port)
base_url=http://127.0.0.1:$port

# One load generator is one address, so no per-address limit may apply.
start_server() {
    KRONIKA_RATE_LIMIT_GRAPHQL=0 KRONIKA_RATE_LIMIT_VIEWS=0 KRONIKA_RATE_LIMIT_LOGINS=0 \
        RUST_LOG=warn "$kronika" serve --listen "127.0.0.1:$port" --data-dir "$work/data" \
        >"$work/$1.log" 2>&1 &
    server_pid=$!
    wait_until_healthy "$server_pid" "$base_url/health" "$work/$1.log"
}

# First start: migrations, demo content (its photos through the upload
# pipeline) and the index of the demo articles.
start_server setup
stop_server

# The bench articles are copies of the longest published demo article under
# Polish titles, written while the server is down.
python3 - "$database" "$article_count" <<'EOF'
import sqlite3, sys
path, count = sys.argv[1], int(sys.argv[2])
subjects = ["Remont drogi powiatowej", "Sesja rady gminy", "Festyn rodzinny",
            "Konkurs grantowy", "Budżet obywatelski", "Warsztaty ożywienia gospodarczego",
            "Nowa biblioteka", "Zebranie sołeckie", "Dożynki gminne", "Bieg niepodległości"]
places = ["w Mińsku Mazowieckim", "w powiecie mińskim", "w gminie Dębe Wielkie",
          "w Kałuszynie", "w Siennicy", "w Stanisławowie", "w Latowiczu", "w Cegłowie"]
db = sqlite3.connect(path)
cursor = db.execute(
    "SELECT * FROM articles WHERE status = 'PUBLISHED' ORDER BY length(body_text) DESC LIMIT 1")
columns = [column[0] for column in cursor.description]
template = dict(zip(columns, cursor.fetchone()))
del template["id"]
for number in range(count):
    title = f"{subjects[number % len(subjects)]} {places[number // len(subjects) % len(places)]} ({number})"
    row = dict(template, slug=f"bench-{number}", title=title, view_count=0)
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", list(row.values()))
db.commit()
EOF
# An editor for the uploads, and the index rebuilt with the bench articles: the
# embedded index belongs to its server, so both happen while it is down.
KRONIKA_PASSWORD=$editor_password "$kronika" user add --email "$editor_email" \
    --name "Bench Editor" --role editor --data-dir "$work/data" >/dev/null
RUST_LOG=warn "$kronika" reindex --data-dir "$work/data" >"$work/reindex.log" 2>&1 \
    || { cat "$work/reindex.log" >&2; fail "kronika reindex failed"; }
echo "seeded $article_count articles and indexed them"

start_server bench
echo "kronika is healthy on port $port (pid $server_pid)"
token=$(python3 - "$base_url" "$editor_email" "$editor_password" <<'EOF'
import json, sys, urllib.request
url, email, password = sys.argv[1:]
query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
body = json.dumps({"query": query, "variables": {"e": email, "p": password}}).encode()
request = urllib.request.Request(url + "/graphql", body, {"content-type": "application/json"})
print(json.load(urllib.request.urlopen(request))["data"]["login"]["token"])
EOF
) || fail "the editor could not log in"

# The request bodies and the plan. Each body is sent once first: a body that
# fails on its own would only measure errors.
python3 - "$work" "$database" "$base_url" "$photo" "$token" "$browser" "${BENCH_KINDS:-}" <<'EOF'
import json, os, sqlite3, sys, urllib.request
work, database, base_url, photo, token, browser, only = sys.argv[1:]
db = sqlite3.connect(database)

def write(name, query, variables=None):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    with open(os.path.join(work, name), "w") as out:
        json.dump(body, out, ensure_ascii=False)
    return name

article_query = ("query Article($slug: String!) { article(slug: $slug) { id title slug lead body "
                 "publishedAt updatedAt byline viewCount section { slug name } tags { slug name } "
                 "createdBy { name } gallery { title photos { id caption credit alt width height "
                 "url srcset } } } }")
slugs = [row[0] for row in db.execute(
    "SELECT slug FROM articles WHERE status = 'PUBLISHED' ORDER BY id DESC LIMIT 50")]
articles = [write(f"article-{i}.json", article_query, {"slug": slug})
            for i, slug in enumerate(slugs)]
list_query = ("query List($order: ArticleOrderField!) { articles(first: 20, orderBy: {field: $order, "
              "direction: DESC}) { totalCount edges { cursor node { id slug title lead publishedAt "
              "viewCount section { slug name } } } pageInfo { hasNextPage endCursor } } }")
lists = [write(f"list-{order}.json", list_query, {"order": order})
         for order in ["PUBLISHED_AT", "VIEWS"]]
search_query = ("query Search($q: String!) { search(query: $q, first: 10) { totalHits hasNextPage "
                "hits { article { slug title } titleHighlighted snippet } "
                "facets { sections { slug count } tags { slug count } } } }")
words = ["remont drogi", "sesji rady gminy", "dożynkach", "budzet obywatelski",
         "warsztatów ożywienia", "biblioteka w Siennicy", "partnerstwem lokalnym",
         "marszałek Struzik", "festyn w Kałuszynie", "konkursy grantowe"]
searches = [write(f"search-{i}.json", search_query, {"q": q}) for i, q in enumerate(words)]
ids = [str(row[0]) for row in db.execute("SELECT id FROM articles WHERE status = 'PUBLISHED'")]
with open(os.path.join(work, "article-ids.txt"), "w") as out:
    out.write("\n".join(ids) + "\n")

# The GraphQL multipart request; the marker after the JPEG's end is replaced by
# each request's number, so every upload is new bytes (decoders ignore it).
marker = "@@@@@@@@@@@@@@@@"
boundary = "kronika-bench-boundary"
operations = json.dumps({
    "query": 'mutation($file: Upload!) { uploadPhoto(file: $file, caption: "Zachód słońca nad polami", '
             'alt: "Pomarańczowe niebo nad polem") { photo { id width height } } }',
    "variables": {"file": None}}, ensure_ascii=False)
parts = [
    f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'.encode(),
    f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{{"0": ["variables.file"]}}\r\n'.encode(),
    f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="zachod.jpg"\r\n'
    f'Content-Type: image/jpeg\r\n\r\n'.encode(),
    open(photo, "rb").read(), marker.encode(), f"\r\n--{boundary}--\r\n".encode(),
]
with open(os.path.join(work, "upload.multipart"), "wb") as out:
    out.write(b"".join(parts))

graphql = base_url + "/graphql"
checks = {"expect_substring": '"data"', "reject_substring": '"errors":'}
plan = {"kinds": [
    dict(name="article", connections=16, url=graphql, body_files=articles, **checks),
    dict(name="list", connections=8, url=graphql, body_files=lists, **checks),
    dict(name="search", connections=16, url=graphql, body_files=searches, **checks),
    dict(name="views", connections=23, url=base_url + "/api/views/{article}",
         article_ids_file="article-ids.txt", user_agent=browser, unique_readers=True),
    dict(name="upload", connections=1, url=graphql, body_files=["upload.multipart"],
         sequence_marker=marker,
         headers={"content-type": f"multipart/form-data; boundary={boundary}",
                  "authorization": f"Bearer {token}"},
         expect_substring='"uploadPhoto"', reject_substring='"errors":'),
]}
if only:
    plan["kinds"] = [kind for kind in plan["kinds"] if kind["name"] in only.split(",")]
    if not plan["kinds"]:
        sys.exit(f"BENCH_KINDS={only} names no kind")
with open(os.path.join(work, "plan.json"), "w") as out:
    json.dump(plan, out, indent=1, ensure_ascii=False)

def check(name, body, headers):
    request = urllib.request.Request(graphql, body, headers)
    reply = json.load(urllib.request.urlopen(request))
    if "errors" in reply or not isinstance(reply.get("data"), dict):
        sys.exit(f"{name}: {json.dumps(reply)[:2000]}")

for name in articles[:1] + lists + searches:
    check(name, open(os.path.join(work, name), "rb").read(), {"content-type": "application/json"})
print(f"{len(articles)} article bodies, {len(lists)} lists, {len(searches)} searches, "
      f"{len(ids)} published articles for beacons")
EOF

photos_before=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM photos").fetchone()[0])' "$database")
# The load average halfway through the run, when every kind is in full swing.
(sleep "$((warmup_seconds + bench_seconds / 2))" && uptime) >"$work/uptime.txt" &
uptime_pid=$!
output=$("$loadbench" mixed --plan "$work/plan.json" --duration "$bench_seconds" \
    --warmup "$warmup_seconds" --server-pid "$server_pid")
wait "$uptime_pid" || true
uptime_pid=
head -n -1 <<<"$output"
tail -n 1 <<<"$output" >"$work/report.json"
stop_server
photos_after=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM photos").fetchone()[0])' "$database")

report=$target_dir/bench-mixed.md
python3 - "$work/report.json" "$bench_seconds" "$warmup_seconds" "$(cat "$work/uptime.txt")" \
    "$photos_before" "$photos_after" "$article_count" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" <<'EOF' | tee "$report"
import datetime, json, sys

(path, seconds, warmup, uptime, photos_before, photos_after, articles, commit,
 cores) = sys.argv[1:]
report = json.load(open(path))
print(f"# Mixed load ({datetime.date.today()}, commit {commit}, {cores} cores, {seconds} s "
      f"after a {warmup} s warm-up, SQLite, {articles} extra articles)")
print()
print(f"Load average halfway through: {uptime.split('load average:')[-1].strip()}")
print()
print("| kind | connections | requests | req/s | p50 ms | p99 ms | max ms | errors |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in report["kinds"]:
    print(f"| {r['label']} | {r['connections']} | {r['requests']} | {r['rps']:.1f} | "
          f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} | {r['errors']} |")
t = report["total"]
print(f"| all | {t['connections']} | {t['requests']} | {t['rps']:.1f} | | | | {t['errors']} |")
print()
rss = report["rss"]
mib = lambda kib: kib / 1024
growth = rss["after_warmup_slope_kib_per_minute"] / 1024
print(f"Server RSS: start {mib(rss['start_kib']):.1f} MiB, after warm-up "
      f"{mib(rss['after_warmup_kib']):.1f} MiB, peak {mib(rss['peak_kib']):.1f} MiB, end "
      f"{mib(rss['end_kib']):.1f} MiB; trend after warm-up {growth:+.2f} MiB/min")
print("RSS each second (MiB): " + " ".join(f"{mib(k):.0f}" for k in rss["samples_kib"]))
uploads = next((r["all_successes"] for r in report["kinds"] if r["label"] == "upload"), 0)
stored = int(photos_after) - int(photos_before)
print(f"Uploads acknowledged (warm-up included): {uploads}; photos added to the database: "
      f"{stored}" + ("" if stored >= uploads else " (MISSING PHOTOS)"))
EOF
echo "report written to $report"
errors=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"]["errors"])' "$work/report.json")
if ((errors > 0)); then
    fail "$errors requests failed"
fi
stored=$((photos_after - photos_before))
uploads=$(python3 -c 'import json, sys; print(next((r["all_successes"] for r in json.load(open(sys.argv[1]))["kinds"] if r["label"] == "upload"), 0))' "$work/report.json")
if ((stored < uploads)); then
    fail "$uploads uploads were acknowledged but only $stored photos were stored"
fi
