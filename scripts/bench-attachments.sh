#!/usr/bin/env bash
# Attachments: how fast documents are read (type, structure, metadata, text), and what
# four uploads of a 49 MiB scanned PDF at once cost the server.
#
#   - the reader alone (`core/examples/bench_attachments.rs`) on the corpus' benchmark PDFs
#     of 10 and 200 pages and on one document of every Office and OpenDocument type:
#     ms per file, MB/s and files/s, RUNS times each (default 20);
#   - a release server on SQLite: four `uploadAttachment` requests sent at once, each a
#     49 MiB PDF (three text pages and a scanned page, different bytes each, so nothing
#     deduplicates), through the GraphQL multipart request as a client sends it; the wall
#     time of the four and the server's resident memory before and at its peak (VmHWM).
#
# Needs curl and python3. The report goes to stdout and to target/bench-attachments.md.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
runs=${RUNS:-20}
scan_mib=49
password='haslo-do-benchmarku-zalacznikow'

bench_name=bench-attachments
# shellcheck source=scripts/lib/bench-server.sh
source scripts/lib/bench-server.sh
server_pid=
bench_pids=(server_pid)
bench_prepare
cargo build --release --quiet -p kronika-core --example bench_attachments
bench=$target_dir/release/examples/bench_attachments
report=target/bench-attachments.md

fixtures=tests/fixtures/attachments
extraction=$("$bench" read "$runs" "$fixtures"/bench/strony-10.pdf "$fixtures"/bench/strony-200.pdf \
    "$fixtures"/real/{formularz-zgloszeniowy.docx,wyniki-konkursu.xlsx,prezentacja-projektu.pptx,uchwala-rady.odt,budzet-gminy.ods,harmonogram.odp,notatka-sluzbowa.rtf})
for seed in 1 2 3 4; do
    "$bench" scan "$scan_mib" "$seed" "$work/skan-$seed.pdf"
done
scan_read=$("$bench" read 3 "$work/skan-1.pdf" | tail -1)

export KRONIKA_DATA_DIR=$work/data KRONIKA_DEMO_CONTENT=false
"$kronika" migrate >/dev/null
KRONIKA_PASSWORD=$password "$kronika" user add --email editor@example.org \
    --name "Ewa Redaktor" --role editor >/dev/null
port=$(free_port)
base=http://127.0.0.1:$port
RUST_LOG=warn "$kronika" serve --listen "127.0.0.1:$port" >"$work/kronika.log" 2>&1 &
server_pid=$!
wait_until_healthy "$server_pid" "$base/health" "$work/kronika.log"

login=$(printf '{"query":"mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }","variables":{"e":"editor@example.org","p":"%s"}}' "$password")
token=$(curl -fsS -H 'content-type: application/json' --data "$login" "$base/graphql" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["login"]["token"])')
kib() { awk -v field="$1:" '$1 == field {print $2}' "/proc/$server_pid/status"; }
rss_before=$(kib VmRSS)

upload() {
    curl -fsS -H "authorization: Bearer $token" \
        -F 'operations={"query":"mutation($f: Upload!) { uploadAttachment(file: $f, title: \"Skan protokołu\") { attachment { id sizeBytes pages textStatus } } }","variables":{"f":null}}' \
        -F 'map={"0":["variables.f"]}' -F "0=@$1;type=application/pdf" "$base/graphql" >"$1.answer"
}
started=$(date +%s.%N)
uploads=()
for seed in 1 2 3 4; do
    upload "$work/skan-$seed.pdf" &
    uploads+=($!)
done
for pid in "${uploads[@]}"; do
    wait "$pid" || true
done
wait_failed=0
for seed in 1 2 3 4; do
    grep -q '"textStatus":"EXTRACTED"' "$work/skan-$seed.pdf.answer" || {
        cat "$work/skan-$seed.pdf.answer" >&2
        wait_failed=1
    }
done
((wait_failed == 0)) || fail "an upload was not accepted"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
rss_peak=$(kib VmHWM)
scan_bytes=$(stat -c %s "$work/skan-1.pdf")

{
    echo "## Attachments ($(date -u +%Y-%m-%d), $(nproc) cores, RUNS=$runs)"
    echo
    echo "### The reader: type, structure, metadata and text of one file"
    echo
    echo "$extraction"
    echo "$scan_read"
    echo
    echo "### Four uploads of a $scan_mib MiB scanned PDF at once, through GraphQL"
    echo
    echo "| file bytes | wall s for all four | server RSS before, MB | server peak RSS, MB |"
    echo "| ---: | ---: | ---: | ---: |"
    printf '| %s | %.2f | %d | %d |\n' "$scan_bytes" "$elapsed" $((rss_before / 1024)) $((rss_peak / 1024))
} | tee "$report"
