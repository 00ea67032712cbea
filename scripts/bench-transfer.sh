#!/usr/bin/env bash
# How long a large site's sitemaps, feeds, export and import take.
#
# It serves the demo content from a fresh SQLite data directory, copies its seed
# article (with its gallery of three photos) into BENCH_ARTICLES published articles
# (default 100,000) in one SQL statement, and then measures, with the response cache
# off so every request is built anew:
#   - GET /sitemap.xml (the index), /sitemap.xml?page=1 (50,000 addresses and their
#     images), /sitemap-news.xml, /feeds/rss and /feeds/atom: the median of 5 requests;
#   - `kronika export` while the server runs, and `kronika import kronika` of that
#     export into an empty data directory: wall time and peak memory (GNU time);
#   - the server's peak resident memory (VmHWM);
#   - `kronika import wordpress` of the test fixture's 47 posts repeated to
#     BENCH_WORDPRESS_POSTS (default 10,000) posts, each with an id, address and slug of
#     its own, into an empty data directory: posts per second, sanitising, revisions and
#     search outbox rows included (no photos: the fixture's images are on the web);
#   - the export/import round trip of BENCH_PHOTO_ARTICLES (default 10,000) published
#     articles that each show a gallery with a photo of their own: the seed gallery's
#     JPEG with a distinct trailer after its end marker, so that every original has bytes
#     and a SHA-256 of its own (the import checks them), with its renditions copied.
# The report goes to stdout and to target/bench-transfer.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
articles=${BENCH_ARTICLES:-100000}
wordpress_posts=${BENCH_WORDPRESS_POSTS:-10000}
photo_articles=${BENCH_PHOTO_ARTICLES:-10000}

bench_name=bench-transfer
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
server_pid=
bench_pids=(server_pid)
command -v sqlite3 >/dev/null || fail "needs the sqlite3 command (Debian: sqlite3)"
bench_prepare

port=$(free_port)
base=http://127.0.0.1:$port
start_server() {
    KRONIKA_SITE_URL='https://urzad.example.gov.pl/aktualnosci/{slug}' \
        KRONIKA_RESPONSE_CACHE_SECONDS=0 \
        "$kronika" --data-dir "$work/data" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
    server_pid=$!
    wait_until_healthy "$server_pid" "$base/health" "$work/server.log"
}

start_server
stop_server
copy_seed_article "$work/data/kronika.sqlite3" "$articles"
start_server

median_ms() {
    local url=$1 times=()
    for _ in 1 2 3 4 5; do
        times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$url")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1 * 1000}'
}
size_kb() {
    curl -fsS "$1" | wc -c | awk '{printf "%.0f", $1 / 1024}'
}

report=$target_dir/bench-transfer.md
# timed COMMAND...: runs it, failing the script if it fails; prints its wall time and
# peak memory (GNU time).
timed() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/command.log" 2>&1 ||
        { cat "$work/command.log" >&2; fail "$* failed"; }
    read -r seconds kib <"$work/time"
    echo "$seconds s, peak $((kib / 1024)) MiB"
}
{
    echo "# bench-transfer: $articles published articles (SQLite), response cache off"
    echo
    echo "| request | median of 5 | size |"
    echo "| --- | --- | --- |"
    for path in /sitemap.xml '/sitemap.xml?page=1' /sitemap-news.xml /feeds/rss /feeds/atom; do
        echo "| GET $path | $(median_ms "$base$path") ms | $(size_kb "$base$path") KiB |"
    done
    echo
    echo "| command | wall time, peak memory |"
    echo "| --- | --- |"
    echo "| kronika export (server running) | $(timed "$kronika" --data-dir "$work/data" export "$work/export") |"
    mkdir "$work/fresh"
    echo "| kronika import kronika (into an empty SQLite) | $(timed "$kronika" --data-dir "$work/fresh" import kronika "$work/export") |"
    python3 - tests/fixtures/wordpress/a11y-theme-unit-test-data.xml "$wordpress_posts" \
        >"$work/wordpress.xml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
wanted = int(sys.argv[2])
head, rest = text.split("<item>", 1)
items = ["<item>" + part for part in rest.split("<item>")]
tail = items[-1][items[-1].index("</item>") + len("</item>"):]
items[-1] = items[-1][: items[-1].index("</item>") + len("</item>")]
posts = [item for item in items if re.search(r"<wp:post_type>(<!\[CDATA\[)?post", item)]
others = [item for item in items if item not in posts]
out = [head] + others
for number in range(wanted):
    post = posts[number % len(posts)]
    copy = number // len(posts)
    post = re.sub(r"<wp:post_id>(\d+)", lambda m: f"<wp:post_id>{int(m.group(1)) * 1000 + copy}", post)
    post = re.sub(r"(<link>[^<]*?)/?</link>", lambda m: f"{m.group(1)}-{copy}/</link>", post)
    post = re.sub(r"<wp:post_name>(<!\[CDATA\[)?([^<\]]*)", lambda m: f"<wp:post_name>{m.group(1) or ''}{m.group(2)}-{copy}", post)
    out.append(post)
sys.stdout.write("".join(out) + tail)
PY
    mkdir "$work/wordpress-data"
    started=$(date +%s.%N)
    wordpress_run=$(timed "$kronika" --data-dir "$work/wordpress-data" import wordpress "$work/wordpress.xml")
    finished=$(date +%s.%N)
    imported=$(sqlite3 "$work/wordpress-data/kronika.sqlite3" "SELECT COUNT(*) FROM articles")
    echo "| kronika import wordpress, $wordpress_posts posts (into an empty SQLite) | $wordpress_run: $(awk -v n="$imported" -v a="$started" -v b="$finished" 'BEGIN {printf "%.0f posts/s", n / (b - a)}') |"
    echo
    echo "Export: $(du -sh "$work/export" | cut -f1) on disk; server peak RSS $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server_pid/status")."
} | tee "$report"
stop_server

# Articles with photos of their own: a fresh data directory with the demo content,
# stopped while its database and media are copied into place.
mkdir "$work/photo-data"
KRONIKA_RESPONSE_CACHE_SECONDS=0 "$kronika" --data-dir "$work/photo-data" \
    --listen "127.0.0.1:$port" >"$work/photo-server.log" 2>&1 &
server_pid=$!
wait_until_healthy "$server_pid" "$base/health" "$work/photo-server.log"
stop_server
python3 - "$work/photo-data" "$photo_articles" <<'PY'
import hashlib, os, shutil, sqlite3, sys

data_dir, wanted = sys.argv[1], int(sys.argv[2])
media = os.path.join(data_dir, "media")
db = sqlite3.connect(os.path.join(data_dir, "kronika.sqlite3"))

def columns(table):
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})") if row[1] != "id"]

def copy_row(table, row_id, **changed):
    names = columns(table)
    values = dict(zip(names, db.execute(
        f"SELECT {', '.join(names)} FROM {table} WHERE id = ?", (row_id,)).fetchone()))
    values.update(changed)
    cursor = db.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        list(values.values()))
    return cursor.lastrowid

article, gallery = db.execute(
    "SELECT id, gallery_id FROM articles WHERE slug = 'razem-dla-wspolnej-sprawy'").fetchone()
photo, seed_hash = db.execute(
    "SELECT photos.id, content_hash FROM photos JOIN gallery_photos ON photo_id = photos.id "
    "WHERE gallery_id = ? AND original_format = 'jpeg' ORDER BY position LIMIT 1",
    (gallery,)).fetchone()
original = open(os.path.join(media, "originals", seed_hash), "rb").read()
renditions = os.path.join(media, "renditions", seed_hash)
for number in range(wanted):
    # Bytes after a JPEG's end marker are ignored by decoders: a distinct file per photo.
    data = original + f"kronika-bench-{number}".encode()
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(media, "originals", digest), "wb") as file:
        file.write(data)
    shutil.copytree(renditions, os.path.join(media, "renditions", digest))
    new_photo = copy_row("photos", photo, content_hash=digest, original_bytes=len(data))
    new_gallery = copy_row("galleries", gallery, slug=f"galeria-{number}",
                           title=f"Galeria {number}", cover_photo_id=new_photo)
    db.execute("INSERT INTO gallery_photos (gallery_id, photo_id, position) VALUES (?, ?, 0)",
               (new_gallery, new_photo))
    slug = db.execute("SELECT slug FROM articles WHERE id = ?", (article,)).fetchone()[0]
    copy_row("articles", article, slug=f"{slug}-{number}", gallery_id=new_gallery)
db.commit()
PY
photo_export_size() { du -sh "$work/photo-export" | cut -f1; }
{
    echo
    echo "| $photo_articles articles, each with a photo of its own | wall time, peak memory |"
    echo "| --- | --- |"
    echo "| kronika export | $(timed "$kronika" --data-dir "$work/photo-data" export "$work/photo-export") ($(photo_export_size) on disk, $(find "$work/photo-export/media" -type f | wc -l) media files) |"
    mkdir "$work/photo-fresh"
    echo "| kronika import kronika (into an empty SQLite) | $(timed "$kronika" --data-dir "$work/photo-fresh" import kronika "$work/photo-export") |"
} | tee -a "$report"
