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

use bytes::Bytes;

use crate::content::write::{self, NewArticle, NewPhoto};
use crate::domain::{ArticleBody, ArticleStatus, Role, Slug};
use crate::editing::photos::{PhotoServices, store_original};

const SEED_BODY_HTML: &str = include_str!("razem-dla-wspolnej-sprawy.html");

/// Loads the demo content in one transaction if the database has no sections yet, so a
/// restart never duplicates it and a failure leaves nothing half-loaded. The gallery's
/// photos go through the same pipeline as uploads, and are stored first.
pub async fn load_if_empty(db: &DatabaseConnection, photos: &PhotoServices) -> Result<(), DbErr> {
    if section::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let mut stored = Vec::new();
    for demo in DEMO_PHOTOS {
        match store_original(db, photos, Bytes::from_static(demo.file)).await {
            Ok(original) => stored.push(original),
            Err(error) => {
                for original in stored {
                    original.discard(&photos.media).await;
                }
                return Err(demo_error(error));
            }
        }
    }
    let gallery_photos: Vec<NewPhoto> = DEMO_PHOTOS
        .iter()
        .zip(&stored)
        .map(|(demo, original)| NewPhoto {
            caption: demo.caption.to_owned(),
            credit: demo.credit.to_owned(),
            alt: demo.alt.to_owned(),
            width: original.width,
            height: original.height,
            files: Some(original.files.clone()),
        })
        .collect();
    let loaded = async {
        let transaction = crate::db::begin_write(db).await?;
        load(&transaction, &gallery_photos).await?;
        transaction.commit().await
    }
    .await;
    if let Err(error) = loaded {
        for original in stored {
            original.discard(&photos.media).await;
        }
        return Err(error);
    }
    tracing::info!("loaded demo content into the empty database");
    Ok(())
}

/// A photo of the demo gallery: a licensed stand-in (see `photos/README.md`) with the
/// caption the seed page shows.
struct DemoPhoto {
    file: &'static [u8],
    caption: &'static str,
    /// Describes what the stand-in really shows.
    alt: &'static str,
    /// Printed after "fot.", as on the seed page.
    credit: &'static str,
}

/// The photo strip of the seed page, in its order, with its captions.
const DEMO_PHOTOS: &[DemoPhoto] = &[
    DemoPhoto {
        file: include_bytes!("photos/coffee.png"),
        caption: "Wśród gości marszałek Adam Struzik",
        alt: "Filiżanka espresso na spodeczku, widziana z góry",
        credit: "Rachel Michetti",
    },
    DemoPhoto {
        file: include_bytes!("photos/chelsea.png"),
        caption: "Goście konferencji",
        alt: "Pręgowany kot patrzący w obiektyw",
        credit: "Stefan van der Walt",
    },
    DemoPhoto {
        file: include_bytes!("photos/rocket.jpg"),
        caption: "Na scenie podczas Konferencji Inaugurującej Warsztaty Ożywienia Gospodarczego w powiecie mińskim w ramach Partnerstwa Lokalnego marszałek Adam Struzik",
        alt: "Start rakiety Falcon 9 nad wybrzeżem",
        credit: "SpaceX",
    },
];

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

async fn load(
    db: &impl sea_orm::ConnectionTrait,
    gallery_photos: &[NewPhoto],
) -> Result<(), DbErr> {
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
        gallery_photos,
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
