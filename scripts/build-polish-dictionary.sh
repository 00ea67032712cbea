#!/usr/bin/env bash
# Rebuilds search-index/dict/polish-forms.fst and polish-lemmas.bin (the analyser's embedded
# form → lemmas dictionary) from Debian's libmorfologik-stemming2-java: PoliMorf 2.1 in
# Morfologik's polish.dict, BSD-2 (search-index/dict/LICENSE-morfologik-polish.txt).
#
# The dump carries Morfologik's tags, so the compiler can add what PoliMorf lacks: the plural
# of every gerund, and names' lemmas beside a lowercase form's own (search-index/dict/README.md).
#
# Needs: apt-get (Debian packages reachable), a JDK (javac, java), cargo. Run from anywhere:
#   scripts/build-polish-dictionary.sh [--without gerund-plurals|names]...
# (--without only to measure one addition's effect; the committed files are built with both.)
# Deterministic: the same package version gives byte-identical files.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
apt-get download libmorfologik-stemming2-java libcarrotsearch-hppc-java
for deb in ./*.deb; do dpkg -x "$deb" root; done
jars="$work/root/usr/share/java"
classpath="$jars/morfologik-stemming.jar:$jars/morfologik-fsa.jar:$jars/morfologik-polish.jar:$jars/hppc.jar"

javac -cp "$classpath" -d classes "$repo/search-index/tools/DumpMorfologik.java"
java -cp "classes:$classpath" DumpMorfologik > polish-dict.tsv

# The licence travels with the compiled data.
unzip -p "$jars/morfologik-polish.jar" morfologik/stemming/polish/polish.LICENSE.txt \
    > "$repo/search-index/dict/LICENSE-morfologik-polish.txt"

cd "$repo"
cargo run --release -p search-index --example build_polish_dictionary -- \
    "$work/polish-dict.tsv" search-index/dict "$@"
