#!/usr/bin/env bash
# The photo pipeline on a 12-megapixel JPEG, next to libvips' vipsthumbnail making the
# same renditions (widths 320, 640, 1024, 1600, 2400, in WebP q80 and JPEG q82, metadata
# stripped) in the same run. Prints a Markdown report (also in target/bench-photos.md).
#
#   scripts/bench-photos.sh [PHOTO]    (default: the 13 MP Xiaomi MI3 photo of the shared test data)
#
# Needs vipsthumbnail (Debian: apt-get install libvips-tools) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

photo=${1:-../shared/testdata/images/node-exif--xiaomi-mi3-13mp.jpg}
runs=${RUNS:-5}
widths=(320 640 1024 1600 2400)
report=target/bench-photos.md
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cargo build --release --quiet -p kronika-api --example bench_photos
bench=target/release/examples/bench_photos

# GNU time's elapsed, user and system seconds and peak RSS (KiB) of one command.
timed() { /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" >/dev/null; cat "$out/time"; }

# Kronika: RUNS photos one after another in one process; then four at once.
read -r k_wall k_user k_sys k_rss < <(timed "$bench" "$photo" "$runs")
kronika_once=$("$bench" "$photo" "$runs")
read -r k4_wall k4_user k4_sys k4_rss < <(timed "$bench" "$photo" --concurrent 4)

# vipsthumbnail: one invocation per rendition, as a shell script would; each decodes
# with shrink-on-load, which is libvips' big advantage for the small sizes.
v_wall=0; v_cpu=0; v_rss=0
for _ in $(seq 1 "$runs"); do
    for width in "${widths[@]}"; do
        for target in "v${width}.webp[Q=80,strip]" "v${width}.jpg[Q=82,strip]"; do
            read -r wall user sys rss < <(timed vipsthumbnail "$photo" --size "${width}x" -o "$out/$target")
            v_wall=$(echo "$v_wall + $wall" | bc)
            v_cpu=$(echo "$v_cpu + $user + $sys" | bc)
            (( rss > v_rss )) && v_rss=$rss
        done
    done
done
vips_bytes=$(cat "$out"/v*.webp "$out"/v*.jpg | wc -c)
per_run() { echo "scale=0; ($1) * 1000 / $runs" | bc; }

{
    echo "## Photo pipeline vs vipsthumbnail ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "Photo: \`$photo\` ($(stat -c %s "$photo") bytes). vips: $(vipsthumbnail --version 2>/dev/null | head -1)"
    echo
    echo "Kronika: $kronika_once"
    echo
    echo "| all 10 renditions of one photo | wall ms per photo | CPU ms per photo | peak RSS MB |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| Kronika (one process, $runs photos in a row) | $(per_run "$k_wall") | $(per_run "$k_user + $k_sys") | $(( k_rss / 1024 )) |"
    echo "| vipsthumbnail (10 invocations per photo, $runs photos) | $(per_run "$v_wall") | $(per_run "$v_cpu") | $(( v_rss / 1024 )) (largest invocation) |"
    echo "| Kronika, four photos at once | $(echo "scale=0; $k4_wall * 1000 / 1" | bc) for all four | $(echo "scale=0; ($k4_user + $k4_sys) * 1000 / 4" | bc) | $(( k4_rss / 1024 )) |"
    echo
    echo "Bytes of the 10 renditions: vipsthumbnail $vips_bytes."
} | tee "$report"
