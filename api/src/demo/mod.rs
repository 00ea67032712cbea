//! Demo content for a first run: an empty database gets sections, tags, a gallery and
//! articles, among them the seed article exactly as the site published it
//! ("Razem dla wspólnej sprawy", Aktualności, 2018-02-20 14:50 Europe/Warsaw).
//!
//! The seed article's text is kept verbatim, typos included ("realiować dzialania"): it is
//! a record of what was published, and search tests rely on real text.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use entities::section;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};

use crate::content::write::{self, NewArticle, NewPhoto};
use crate::domain::{ArticleBody, ArticleStatus, Role, Slug};

const SEED_BODY_HTML: &str = include_str!("razem-dla-wspolnej-sprawy.html");

/// Loads the demo content in one transaction if the database has no sections yet, so a
/// restart never duplicates it and a failure leaves nothing half-loaded.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<(), DbErr> {
    if section::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let transaction = crate::db::begin_write(db).await?;
    load(&transaction).await?;
    transaction.commit().await?;
    tracing::info!("loaded demo content into the empty database");
    Ok(())
}

/// A demo article other than the seed, shorter and written for the demo.
struct DemoArticle {
    title: &'static str,
    section: usize,
    lead: &'static str,
    body: &'static str,
    published: Option<(i32, u32, u32, u32, u32)>,
    tags: &'static [usize],
    views: i64,
}

const SECTIONS: &[(&str, &str)] = &[
    ("aktualnosci", "Aktualności"),
    ("komunikaty", "Komunikaty"),
    ("wydarzenia", "Wydarzenia"),
];

const TAGS: &[(&str, &str)] = &[
    ("partnerstwo-lokalne", "partnerstwo lokalne"),
    ("powiat-minski", "powiat miński"),
    ("rynek-pracy", "rynek pracy"),
    ("fundusze-europejskie", "fundusze europejskie"),
];

const OTHER_ARTICLES: &[DemoArticle] = &[
    DemoArticle {
        title: "Warsztaty ożywienia gospodarczego w Mińsku Mazowieckim",
        section: 2,
        lead: "Drugie spotkanie z cyklu warsztatów poświęcone było diagnozie lokalnego rynku pracy.",
        body: "<h2>Diagnoza</h2><p>Uczestnicy warsztatów omówili wyniki ankiet przeprowadzonych wśród przedsiębiorców powiatu mińskiego.</p><h2>Kolejne kroki</h2><p>Na następnym spotkaniu powstaną pierwsze propozycje projektów gospodarczych.</p>",
        published: Some((2018, 3, 6, 10, 15)),
        tags: &[0, 1],
        views: 204,
    },
    DemoArticle {
        title: "Łódź i Warszawa wymieniają doświadczenia urzędów pracy",
        section: 0,
        lead: "Pracownicy urzędów pracy z Łodzi i Warszawy spotkali się, by porównać metody aktywizacji bezrobotnych.",
        body: "<p>Spotkanie odbyło się w siedzibie Wojewódzkiego Urzędu Pracy w Warszawie.</p><ul><li>staże zawodowe</li><li>bony szkoleniowe</li><li>dotacje na założenie działalności</li></ul>",
        published: Some((2018, 3, 12, 9, 0)),
        tags: &[2],
        views: 97,
    },
    DemoArticle {
        title: "Komunikat w sprawie naboru wniosków",
        section: 1,
        lead: "Nabór wniosków o dofinansowanie projektów partnerskich potrwa do końca kwietnia.",
        body: "<p>Wnioski można składać w kancelarii urzędu lub elektronicznie.</p><h3>Wymagane dokumenty</h3><ol><li>wniosek</li><li>opis partnerstwa</li></ol>",
        published: Some((2018, 3, 20, 12, 30)),
        tags: &[0, 3],
        views: 311,
    },
    DemoArticle {
        title: "Podsumowanie cyklu warsztatów w powiecie mińskim",
        section: 0,
        lead: "Cztery warsztaty, kilkanaście pomysłów i trzy projekty gotowe do wdrożenia.",
        body: "<p>Cykl warsztatów ożywienia gospodarczego zakończył się prezentacją projektów przygotowanych przez partnerstwo lokalne.</p><blockquote><p>To dopiero początek współpracy.</p></blockquote>",
        published: Some((2018, 5, 8, 15, 45)),
        tags: &[0, 1],
        views: 158,
    },
    DemoArticle {
        title: "Dzień otwarty Wojewódzkiego Urzędu Pracy",
        section: 2,
        lead: "Zapraszamy mieszkańców Mazowsza na dzień otwarty z doradcami zawodowymi.",
        body: "<p>Doradcy zawodowi będą dyżurować od godziny 9 do 15.</p>",
        published: Some((2018, 6, 1, 8, 0)),
        tags: &[2],
        views: 45,
    },
    DemoArticle {
        title: "Szkic: plan warsztatów na jesień",
        section: 0,
        lead: "Wersja robocza, niewidoczna dla czytelników.",
        body: "<p>Do uzupełnienia.</p>",
        published: None,
        tags: &[],
        views: 0,
    },
];

async fn load(db: &impl sea_orm::ConnectionTrait) -> Result<(), DbErr> {
    let editor = write::insert_account(
        db,
        "dorota.cichocka@example.org",
        "Dorota Łucja Cichocka",
        Role::Editor,
        None,
    )
    .await?;
    let mut section_ids = Vec::new();
    for (position, (slug, name)) in (0..).zip(SECTIONS) {
        let section = write::insert_section(db, &demo_slug(slug)?, name, position).await?;
        section_ids.push(section.id);
    }
    let mut tag_ids = Vec::new();
    for (slug, name) in TAGS {
        tag_ids.push(write::insert_tag(db, &demo_slug(slug)?, name).await?.id);
    }
    let gallery = write::insert_gallery(
        db,
        &demo_slug("razem-dla-wspolnej-sprawy")?,
        "Razem dla wspólnej sprawy",
        &seed_gallery_photos(),
    )
    .await?;

    write::insert_article(
        db,
        NewArticle {
            slug: demo_slug("razem-dla-wspolnej-sprawy")?,
            section_id: section_ids[0],
            title: "Razem dla wspólnej sprawy".to_owned(),
            lead: "Konferencja zainaugurowała cykl czterech warsztatów ożywienia gospodarczego. Uczestniczył w niej m.in. marszałek Adam Struzik.".to_owned(),
            body: demo_body(SEED_BODY_HTML)?,
            byline: "oprac. WKZ".to_owned(),
            created_by: editor.id,
            status: ArticleStatus::Published,
            published_at: Some(warsaw_time(2018, 2, 20, 14, 50)?),
            created_at: warsaw_time(2018, 2, 20, 14, 50)?,
            updated_at: warsaw_time(2018, 2, 22, 11, 7)?,
            gallery_id: Some(gallery.id),
            tag_ids: vec![tag_ids[0], tag_ids[1]],
            // The count the old site showed; its daily history was not published.
            view_count: 518,
        },
    )
    .await?;

    for demo in OTHER_ARTICLES {
        let published_at = demo
            .published
            .map(|(year, month, day, hour, minute)| warsaw_time(year, month, day, hour, minute))
            .transpose()?;
        let written_at = published_at.unwrap_or_else(Utc::now);
        write::insert_article(
            db,
            NewArticle {
                slug: Slug::from_title(demo.title).map_err(demo_error)?,
                section_id: section_ids[demo.section],
                title: demo.title.to_owned(),
                lead: demo.lead.to_owned(),
                body: demo_body(demo.body)?,
                byline: "oprac. WKZ".to_owned(),
                created_by: editor.id,
                status: if published_at.is_some() {
                    ArticleStatus::Published
                } else {
                    ArticleStatus::Draft
                },
                published_at,
                created_at: written_at,
                updated_at: written_at,
                gallery_id: None,
                tag_ids: demo.tags.iter().map(|index| tag_ids[*index]).collect(),
                view_count: demo.views,
            },
        )
        .await?;
    }
    Ok(())
}

/// The photo strip of the seed page. The page shows captions cut short and no full
/// credits ("fot. …"), so the demo leaves credits empty rather than invent them; the
/// photos arrive as files with the photos feature.
fn seed_gallery_photos() -> Vec<NewPhoto> {
    [
        ("Wśród gości marszałek Adam Struzik", "Marszałek Adam Struzik wśród gości konferencji"),
        ("Goście konferencji", "Goście konferencji na sali"),
        (
            "Na scenie podczas Konferencji Inaugurującej Warsztaty Ożywienia Gospodarczego w powiecie mińskim w ramach Partnerstwa Lokalnego marszałek Adam Struzik",
            "Marszałek Adam Struzik przemawia ze sceny",
        ),
    ]
    .into_iter()
    .map(|(caption, alt)| NewPhoto {
        caption: caption.to_owned(),
        credit: String::new(),
        alt: alt.to_owned(),
        width: 1200,
        height: 800,
    })
    .collect()
}

/// A wall-clock time in Warsaw, as the site printed it, converted to UTC for storage.
pub fn warsaw_time(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
) -> Result<DateTime<Utc>, DbErr> {
    let naive = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|date| date.and_hms_opt(hour, minute, 0))
        .ok_or_else(|| DbErr::Custom(format!("bad demo date {year}-{month}-{day}")))?;
    Warsaw
        .from_local_datetime(&naive)
        .single()
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| DbErr::Custom(format!("ambiguous demo time {naive}")))
}

fn demo_slug(slug: &str) -> Result<Slug, DbErr> {
    Slug::parse(slug).map_err(demo_error)
}

fn demo_body(html: &str) -> Result<ArticleBody, DbErr> {
    ArticleBody::from_untrusted_html(html).map_err(demo_error)
}

/// The demo content is fixed at compile time, so these errors are bugs in this file.
fn demo_error(error: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("invalid demo content: {error}"))
}
