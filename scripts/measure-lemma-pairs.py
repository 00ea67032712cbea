#!/usr/bin/env python3
"""Lemma pair recall and precision of the Polish analyser against Morfeusz 2.

For every distinct word of the Polish prose in search-index/fixtures/polish-text (as written,
case kept) the analyser's lemmas (examples/fixture_word_lemmas.rs) are compared with the
lemmas Morfeusz 2 (SGJP dictionary, PyPI package `morfeusz2`) gives the same word:

  recall    = gold (word, lemma) pairs the analyser also gives / gold pairs
  precision = the analyser's (word, lemma) pairs that are gold / the analyser's pairs

Lemmas are compared lowercase, Morfeusz's homonym marks ("zamek:s1") dropped. Only the
readings of the word's first segment count (Morfeusz splits "zrobiłem" into "zrobił" + "em";
the analyser, like Morfologik, has one lemma for the whole word). Left out: stop words (the
analyser drops them on purpose) and words Morfeusz does not know (tag `ign`: no gold).

Usage (from anywhere; needs `pip install morfeusz2`, runs the example with cargo unless a
file it wrote is given):
  scripts/measure-lemma-pairs.py [--words WORDS.tsv] [--misses N] [--extras N]
"""

import argparse
import collections
import os
import subprocess
import sys

import morfeusz2

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def analyser_words(path):
    """word -> (source, set of lemmas) from the example's output."""
    if path:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    else:
        text = subprocess.run(
            ["cargo", "run", "--quiet", "--release", "-p", "search-index",
             "--example", "fixture_word_lemmas"],
            cwd=REPO, check=True, capture_output=True, text=True,
        ).stdout
    words = {}
    for line in text.splitlines():
        word, source, *lemmas = line.split("\t")
        words[word] = (source, {lemma.lower() for lemma in lemmas})
    return words


def gold_lemmas(morfeusz, word):
    """Morfeusz's lemmas of the word's first segment, or None when it does not know it."""
    lemmas = set()
    known = False
    for start, _end, (_orth, lemma, tag, _names, _qualifiers) in morfeusz.analyse(word):
        if start != 0:
            continue
        if tag != "ign":
            known = True
            lemmas.add(lemma.split(":")[0].lower())
    return lemmas if known else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", help="the example's output, instead of running it")
    parser.add_argument("--misses", type=int, default=0, help="print N missed gold pairs")
    parser.add_argument("--extras", type=int, default=0, help="print N pairs not in gold")
    options = parser.parse_args()

    morfeusz = morfeusz2.Morfeusz(expand_tags=False)
    words = analyser_words(options.words)
    counts = collections.Counter()
    misses, extras = [], []
    for word, (source, ours) in sorted(words.items()):
        if source == "stop":
            counts["stop words"] += 1
            continue
        gold = gold_lemmas(morfeusz, word)
        if gold is None:
            counts["unknown to Morfeusz"] += 1
            continue
        counts["words"] += 1
        counts["gold pairs"] += len(gold)
        counts["our pairs"] += len(ours)
        counts["common pairs"] += len(gold & ours)
        misses.extend((word, lemma, source) for lemma in sorted(gold - ours))
        extras.extend((word, lemma, source) for lemma in sorted(ours - gold))

    for name in ["words", "stop words", "unknown to Morfeusz", "gold pairs", "our pairs",
                 "common pairs"]:
        print(f"{name}: {counts[name]}")
    print(f"recall: {counts['common pairs'] / counts['gold pairs']:.4f}")
    print(f"precision: {counts['common pairs'] / counts['our pairs']:.4f}")
    for title, pairs, limit in [("missed", misses, options.misses),
                                ("not in gold", extras, options.extras)]:
        if limit:
            print(f"\n{title} ({len(pairs)}):")
            for word, lemma, source in pairs[:limit]:
                print(f"  {word} -> {lemma} ({source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
