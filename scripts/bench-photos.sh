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

kronika_once=$("$bench" "$photo" "$runs")
kronika_four=$("$bench" "$photo" --concurrent 4)

# vipsthumbnail: one invocation per rendition, as a shell script would; each decodes
# with shrink-on-load, which is libvips' big advantage for small sizes.
vips_all() {
    for width in "${widths[@]}"; do
        vipsthumbnail "$photo" --size "${width}x" -o "$out/v${width}.webp[Q=80,strip]"
        vipsthumbnail "$photo" --size "${width}x" -o "$out/v${width}.jpg[Q=82,strip]"
    done
}
vips_times=()
for _ in $(seq 1 "$runs"); do
    started=$(date +%s%N)
    vips_all
    vips_times+=($(( ($(date +%s%N) - started) / 1000000 )))
done
vips_median=$(printf '%s\n' "${vips_times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
vips_min=$(printf '%s\n' "${vips_times[@]}" | sort -n | head -1)
vips_peak=0
for width in "${widths[@]}"; do
    for format in webp jpg; do
        kb=$(/usr/bin/time -f %M vipsthumbnail "$photo" --size "${width}x" -o "$out/p.${format}" 2>&1 >/dev/null | tail -1)
        (( kb > vips_peak )) && vips_peak=$kb
    done
done
vips_bytes=$(cat "$out"/v*.webp "$out"/v*.jpg | wc -c)

{
    echo "## Photo pipeline vs vipsthumbnail ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "Photo: \`$photo\` ($(stat -c %s "$photo") bytes). vips: $(vipsthumbnail --version 2>/dev/null | head -1)"
    echo
    echo "| what | result |"
    echo "| --- | --- |"
    echo "| Kronika, one photo, $runs runs | $kronika_once |"
    echo "| Kronika, four photos at once | $kronika_four |"
    echo "| vipsthumbnail, 10 invocations, $runs runs | min_ms=$vips_min median_ms=$vips_median peak_rss_mb=$(( vips_peak / 1024 )) (largest single invocation) rendition_bytes=$vips_bytes |"
} | tee "$report"
