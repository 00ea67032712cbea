#!/usr/bin/env bash
# Rebuilds search-index/relevance/libreoffice-help-pl.json.gz, the relevance benchmark's data
# set, from Debian's libreoffice-help-pl (MPL-2.0): the help pages become the collection, the
# help's alphabetical index (bookmarks.js) the queries, each with the pages it links to as
# the relevant ones. See search-index/relevance/README.md.
#
# Needs: apt-get (Debian packages reachable), cargo. Run from anywhere:
#   scripts/build-relevance-dataset.sh
# Then: cargo run --release -p search-index --example relevance
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
apt-get download libreoffice-help-pl
deb="$(ls ./libreoffice-help-pl_*.deb)"
dpkg -x "$deb" root
version="$(dpkg-deb -f "$deb" Version)"

cd "$repo"
cargo run --release -p search-index --example build_relevance_dataset -- \
    "$work/root/usr/share/libreoffice/help/pl" "libreoffice-help-pl $version (Debian)"
