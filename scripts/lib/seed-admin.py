#!/usr/bin/env python3
"""Fills a migrated, empty Kronika SQLite database with a large newsroom for
`scripts/bench-admin.sh`: ARTICLES articles over twenty sections, forty tags and
the given accounts (a third drafts, a tenth scheduled, the rest published, spread
over ten years), the words of their titles for the editors' finder, PHOTOS photos
with captions, and a year of daily views for a thousand articles.

Rows go in by SQL because a hundred thousand articles through GraphQL would take
the benchmark longer than the measurement; the server then reads them like any
other. Only the columns the editors' screens read are filled meaningfully.

usage: seed-admin.py DATABASE ARTICLES PHOTOS ACCOUNT_ID [ACCOUNT_ID...]
"""

import datetime
import random
import sqlite3
import sys
import unicodedata

WORDS = (
    "partnerstwo lokalne spotkanie rada gminy konkurs nabór wniosków program "
    "rozwoju obszarów wiejskich warsztaty szkolenie dotacja projekt inwestycja "
    "droga szkoła biblioteka festiwal dożynki zebranie mieszkańców sołectwo "
    "strategia ogłoszenie wyniki umowa przetarg budowa remont świetlica "
    "stowarzyszenie fundacja kultura sport turystyka przyroda rzeka jezioro "
    "ochotnicza straż pożarna koło gospodyń wiejskich seniorzy młodzież"
).split()


def fold(word):
    """A title word as the finder stores it: lower case, Polish letters folded."""
    word = word.lower().replace("ł", "l")
    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    )


def main():
    path, articles, photos = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    accounts = [int(account) for account in sys.argv[4:]]
    rng = random.Random(20261202)
    db = sqlite3.connect(path)
    now = datetime.datetime.now(datetime.timezone.utc)

    def stamp(moment):
        # As sqlx writes a UTC timestamp into SQLite, so that text order is time order.
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f000+00:00")

    db.executemany(
        "INSERT INTO sections (id, slug, name, description, position, created_at)"
        " VALUES (?, ?, ?, '', ?, ?)",
        [(n, f"dzial-{n}", f"Dział {n}", n, stamp(now)) for n in range(1, 21)],
    )
    db.executemany(
        "INSERT INTO tags (id, slug, name) VALUES (?, ?, ?)",
        [(n, f"tag-{n}", f"Tag {n}") for n in range(1, 41)],
    )

    article_rows, term_rows, tag_rows = [], [], []
    for n in range(1, articles + 1):
        words = rng.sample(WORDS, 6)
        title = " ".join(words).capitalize() + f" {n}"
        created = now - datetime.timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
        updated = created + datetime.timedelta(minutes=rng.randrange(600))
        draw = rng.random()
        if draw < 0.3:
            status, published = "DRAFT", None
        elif draw < 0.4:
            status = "SCHEDULED"
            published = now + datetime.timedelta(days=rng.randrange(1, 60))
        else:
            status, published = "PUBLISHED", created
        author = rng.choice(accounts)
        article_rows.append(
            (
                n,
                f"artykul-{n}",
                rng.randrange(1, 21),
                title,
                "Wstęp: " + " ".join(rng.sample(WORDS, 12)) + ".",
                "<p>" + " ".join(rng.choices(WORDS, k=300)) + "</p>",
                " ".join(rng.choices(WORDS, k=300)),
                "[]",
                "oprac. redakcja",
                author,
                author,
                status,
                stamp(published) if published else None,
                stamp(created),
                stamp(updated),
                rng.randrange(5000),
            )
        )
        for term in {fold(word) for word in title.split()}:
            term_rows.append((n, term))
        for tag in rng.sample(range(1, 41), 2):
            tag_rows.append((n, tag))
    db.executemany(
        "INSERT INTO articles (id, slug, section_id, title, lead, body_html, body_text,"
        " headings_json, byline, created_by, updated_by, status, published_at, created_at,"
        " updated_at, view_count, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
        article_rows,
    )
    db.executemany(
        "INSERT INTO article_slugs (slug, article_id) VALUES (?, ?)",
        [(row[1], row[0]) for row in article_rows],
    )
    db.executemany(
        "INSERT INTO article_title_terms (article_id, term) VALUES (?, ?)", term_rows
    )
    db.executemany("INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)", tag_rows)

    photo_rows = []
    for n in range(1, photos + 1):
        caption = " ".join(rng.sample(WORDS, 5)).capitalize()
        created = now - datetime.timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
        photo_rows.append(
            (
                n,
                caption,
                "fot. Jan Kowalski",
                "Uczestnicy spotkania",
                1600,
                1067,
                stamp(created),
                f"{n:064x}",
                fold(caption + " jan kowalski"),
            )
        )
    db.executemany(
        "INSERT INTO photos (id, caption, credit, alt, width, height, created_at,"
        " content_hash, search_text) VALUES (?,?,?,?,?,?,?,?,?)",
        photo_rows,
    )

    today = now.date()
    views = []
    for article in rng.sample(range(1, articles + 1), min(1000, articles)):
        for day in range(365):
            views.append(
                (article, (today - datetime.timedelta(days=day)).isoformat(), rng.randrange(50))
            )
    db.executemany(
        "INSERT INTO article_views_daily (article_id, day, views) VALUES (?, ?, ?)", views
    )
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
