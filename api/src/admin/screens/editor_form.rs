//! The article editor's form: what it holds, how it turns into the core's
//! `ArticleChanges`, and how it is drawn (a writing column and a side panel).

use std::collections::HashMap;

use maud::{Markup, html};

use crate::admin::AdminState;
use crate::admin::format;
use crate::admin::forms::{
    FieldError, FieldOptions, FormData, csrf_field, error_for, error_summary, select_field,
    text_area, text_field,
};
use crate::admin::layout::{notice, status_badge};
use entities::{account, article, gallery, section, tag};
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::content::{Audience, galleries, relations, taxonomy};
use kronika_core::domain::accessibility::{self, Finding, Target};
use kronika_core::domain::{ArticleStatus, BodyFormat};
use kronika_core::editing::articles::ArticleChanges;
use sea_orm::DbErr;

/// How many galleries the editor offers to choose from.
const GALLERY_CHOICES: u64 = 200;

/// The editor's fields as typed, kept as text so that nothing the editor typed is lost
/// when something is refused.
#[derive(Clone, Debug, Default)]
pub struct ArticleForm {
    pub title: String,
    pub section_id: String,
    pub lead: String,
    pub body: String,
    pub tag_ids: Vec<String>,
    pub byline: String,
    pub slug: String,
    pub gallery_id: String,
    /// `datetime-local` of a scheduled publication.
    pub publish_at: String,
}

impl ArticleForm {
    /// A new article: the byline defaults to the editor's name.
    pub fn new_for(session: &BrowserSession) -> Self {
        Self {
            byline: session.account_name.clone(),
            ..Self::default()
        }
    }

    pub fn of_article(article: &article::Model, tag_ids: &[i64]) -> Self {
        Self {
            title: article.title.clone(),
            section_id: article.section_id.to_string(),
            lead: article.lead.clone(),
            body: article.body_html.clone(),
            tag_ids: tag_ids.iter().map(ToString::to_string).collect(),
            byline: article.byline.clone(),
            slug: article.slug.clone(),
            gallery_id: article
                .gallery_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            publish_at: String::new(),
        }
    }

    pub fn from_form(form: &FormData) -> Self {
        Self {
            title: form.text("title").to_owned(),
            section_id: form.text("section").to_owned(),
            lead: form.text("lead").to_owned(),
            body: form.text("body").to_owned(),
            tag_ids: form.all("tag").into_iter().map(ToOwned::to_owned).collect(),
            byline: form.text("byline").to_owned(),
            slug: form.text("slug").to_owned(),
            gallery_id: form.text("gallery").to_owned(),
            publish_at: form.text("publish_at").to_owned(),
        }
    }

    /// The changes for the core, or the fields that cannot be read at all. The core
    /// judges the rest (required title, lengths, the body's sanitising, slugs).
    pub fn to_changes(&self) -> Result<ArticleChanges, Vec<FieldError>> {
        let mut errors = Vec::new();
        let section_id = match self.section_id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("dzial", "Wybierz dział"));
                None
            }
        };
        let tag_ids: Vec<i64> = self
            .tag_ids
            .iter()
            .filter_map(|id| id.parse().ok())
            .collect();
        let gallery_id = match self.gallery_id.trim() {
            "" => Some(None),
            id => match id.parse::<i64>() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    errors.push(FieldError::new("galeria", "Wybierz galerię z listy"));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let slug = self.slug.trim();
        Ok(ArticleChanges {
            section_id,
            title: Some(self.title.clone()),
            lead: Some(self.lead.clone()),
            body: Some(self.body.clone()),
            body_format: BodyFormat::Html,
            byline: Some(self.byline.clone()),
            tag_ids: Some(tag_ids),
            // An empty address is made from the title.
            slug: (!slug.is_empty()).then(|| slug.to_owned()),
            gallery_id,
            // The editor's form has no attachment panel yet: it keeps the list as it is.
            attachment_ids: None,
        })
    }
}

/// What the side panel shows beside the form, loaded once per page.
pub struct Panels {
    pub sections: Vec<section::Model>,
    pub tags: Vec<tag::Model>,
    pub galleries: Vec<gallery::Model>,
    /// The article's tags as saved.
    pub tag_ids: Vec<i64>,
    /// Who entered and who last changed the article.
    pub people: HashMap<i64, account::Model>,
    pub time_zone: chrono_tz::Tz,
    /// What a screen reader user would stumble on in the saved article.
    pub findings: Vec<Finding>,
}

impl Panels {
    pub async fn load(
        state: &AdminState,
        session: &BrowserSession,
        article: Option<&article::Model>,
    ) -> Result<Self, DbErr> {
        let db = state.store.db();
        let audience = Audience::of_actor(&session.actor);
        let article_ids: Vec<i64> = article.iter().map(|article| article.id).collect();
        let people_ids: Vec<i64> = article
            .iter()
            .flat_map(|article| [Some(article.created_by), article.updated_by])
            .flatten()
            .collect();
        let (sections, tags, galleries, article_tags, people) = tokio::try_join!(
            taxonomy::all_sections(db),
            taxonomy::all_tags(db),
            galleries::recent_galleries(db, audience, GALLERY_CHOICES),
            relations::tags_by_article(db, &article_ids),
            relations::accounts_by_id(db, &people_ids),
        )?;
        let findings = match article {
            Some(article) => accessibility::check(&accessibility::of_article(db, article).await?),
            None => Vec::new(),
        };
        let tag_ids = article
            .and_then(|article| article_tags.get(&article.id))
            .map(|tags| tags.iter().map(|tag| tag.id).collect())
            .unwrap_or_default();
        Ok(Self {
            sections,
            tags,
            galleries,
            tag_ids,
            people,
            time_zone: state.time_zone,
            findings,
        })
    }
}

/// Everything the editor page draws.
pub struct EditorView<'a> {
    pub article: Option<&'a article::Model>,
    pub form: &'a ArticleForm,
    pub errors: &'a [FieldError],
    pub notice: Option<&'a str>,
}

impl<'a> EditorView<'a> {
    pub fn new(
        article: Option<&'a article::Model>,
        form: &'a ArticleForm,
        errors: &'a [FieldError],
        notice: Option<&'a str>,
    ) -> Self {
        Self {
            article,
            form,
            errors,
            notice,
        }
    }
}

/// The core's refusal of a field, in Polish, at the field it concerns.
pub fn polish_error(field: &str, message: &str) -> FieldError {
    let too_long = message.starts_with("at most");
    match field {
        "title" if too_long => {
            FieldError::new("tytul", "Tytuł jest za długi: skróć go do 300 znaków")
        }
        "title" => FieldError::new("tytul", "Wpisz tytuł artykułu"),
        "lead" => FieldError::new("wstep", "Wstęp jest za długi: skróć go do 2000 znaków"),
        "body" => FieldError::new("tresc", format!("Treści nie da się zapisać: {message}")),
        "byline" => FieldError::new(
            "autor",
            "Podpis autora jest za długi: skróć go do 200 znaków",
        ),
        "slug" if message.contains("another article") => FieldError::new(
            "adres",
            "Inny artykuł ma już ten adres: zmień go albo wyczyść pole, a adres powstanie z tytułu",
        ),
        "slug" => FieldError::new(
            "adres",
            "Adres może zawierać tylko małe litery bez polskich znaków, cyfry i myślniki",
        ),
        "sectionId" => FieldError::new("dzial", "Wybierz dział z listy"),
        "tagIds" => FieldError::new("tagi", "Jednego z tagów już nie ma: odśwież stronę"),
        "galleryId" => FieldError::new("galeria", "Tej galerii już nie ma: wybierz inną"),
        "at" if message.contains("future") => FieldError::new(
            "termin",
            "Termin publikacji musi być w przyszłości; aby opublikować od razu, użyj „Opublikuj teraz”",
        ),
        // The form's own reading of the date and time, already in Polish.
        "at" => FieldError::new("termin", message.to_owned()),
        // The accessibility check's own words, already in Polish, saying why publishing
        // waits.
        "alt" => FieldError::new("dostepnosc", message.to_owned()),
        _ => FieldError::new("tytul", message.to_owned()),
    }
}

/// A lifecycle step refused because of the article's status, in Polish.
pub fn polish_conflict(message: &str) -> String {
    if message.contains("archived") {
        "Artykuł jest zarchiwizowany: administrator musi go najpierw przywrócić".to_owned()
    } else if message.contains("published already") {
        "Artykuł jest już opublikowany: aby zaplanować go na inny termin, najpierw cofnij publikację".to_owned()
    } else if message.contains("not published") {
        "Artykuł nie jest opublikowany, więc nie ma czego cofać".to_owned()
    } else if message.contains("already deleted") {
        "Artykuł jest już zarchiwizowany".to_owned()
    } else {
        "Ktoś właśnie zmienił ten artykuł: odśwież stronę".to_owned()
    }
}

fn choices_of_sections(sections: &[section::Model]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "— wybierz dział —".to_owned()))
        .chain(
            sections
                .iter()
                .map(|section| (section.id.to_string(), section.name.clone())),
        )
        .collect()
}

fn choices_of_galleries(galleries: &[gallery::Model]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "— bez galerii —".to_owned()))
        .chain(
            galleries
                .iter()
                .map(|gallery| (gallery.id.to_string(), gallery.title.clone())),
        )
        .collect()
}

/// The whole editor: header, messages, and the form in two columns.
pub fn render(session: &BrowserSession, view: &EditorView<'_>, panels: &Panels) -> Markup {
    let form = view.form;
    let errors = view.errors;
    let action = match view.article {
        Some(article) => format!("/admin/articles/{}", article.id),
        None => "/admin/articles/new".to_owned(),
    };
    html! {
        div class="page-header" {
            h1 {
                @match view.article {
                    Some(_) => "Edycja artykułu",
                    None => "Nowy artykuł",
                }
            }
            @if let Some(article) = view.article {
                div class="actions" {
                    a class="button" href={ "/admin/articles/" (article.id) "/preview" } { "Podgląd" }
                    a class="button" href={ "/admin/articles/" (article.id) "/history" } { "Historia zmian" }
                }
            }
        }
        (notice(view.notice))
        (error_summary(errors))
        form id="formularz-artykulu" class="editor" method="post" action=(action) novalidate
            data-autosave-key=(view.article.map_or_else(|| "nowy".to_owned(), |article| article.id.to_string()))
            data-saved-version=[view.article.map(|article| article.version)] {
            (csrf_field(session.csrf_token()))
            @if let Some(article) = view.article {
                input type="hidden" name="version" value=(article.version);
            }
            div class="editor-main" {
                (text_field("tytul", "title", "Tytuł", &form.title, FieldOptions {
                    required: true, error: error_for(errors, "tytul"), class: Some("field-title"), ..Default::default()
                }))
                (text_area("wstep", "lead", "Wstęp", &form.lead, 3, FieldOptions {
                    hint: Some("Jeden akapit pod tytułem, bez formatowania. Czytelnik widzi go na liście artykułów."),
                    error: error_for(errors, "wstep"), ..Default::default()
                }))
                (body_field(form, errors))
                p class="autosave-status" role="status" aria-live="polite" id="autozapis" {}
            }
            aside class="editor-side" aria-label="Ustawienia artykułu" {
                (publishing_panel(session, view))
                (metryczka_panel(view, panels))
                section class="panel" aria-labelledby="panel-dzial" {
                    h2 id="panel-dzial" { "Dział i tagi" }
                    (select_field("dzial", "section", "Dział", &choices_of_sections(&panels.sections), &form.section_id, FieldOptions {
                        required: true, error: error_for(errors, "dzial"), ..Default::default()
                    }))
                    (tags_field(form, errors, &panels.tags))
                }
                section class="panel" aria-labelledby="panel-adres" {
                    h2 id="panel-adres" { "Adres w serwisie" }
                    (text_field("adres", "slug", "Adres", &form.slug, FieldOptions {
                        hint: Some("Adres tworzy się z tytułu; zmień go tylko, gdy musisz."),
                        error: error_for(errors, "adres"), ..Default::default()
                    }))
                    p class="slug-preview" id="adres-podglad" aria-live="polite" {}
                    @if let Some(article) = view.article {
                        @if article.status == ArticleStatus::Published {
                            p class="hint" id="adres-przekierowanie" data-published-slug=(article.slug) {
                                "Artykuł jest opublikowany: po zmianie adresu stary adres będzie przekierowywał na nowy."
                            }
                        }
                    }
                }
                @if view.article.is_some() {
                    (accessibility_panel(view, panels))
                }
                section class="panel" aria-labelledby="panel-galeria" {
                    h2 id="panel-galeria" { "Zdjęcia" }
                    (select_field("galeria", "gallery", "Galeria", &choices_of_galleries(&panels.galleries), &form.gallery_id, FieldOptions {
                        hint: Some("Zdjęcia pokazywane pod artykułem."),
                        error: error_for(errors, "galeria"), ..Default::default()
                    }))
                    p { a href="/admin/galleries/new" { "Utwórz nową galerię" } }
                }
            }
        }
    }
}

fn body_field(form: &ArticleForm, errors: &[FieldError]) -> Markup {
    let error = error_for(errors, "tresc");
    html! {
        div class={ "field" @if error.is_some() { " field-invalid" } } {
            label class="label" for="tresc" { "Treść" }
            p class="hint" id="tresc-podpowiedz" {
                "Akapity, śródtytuły, wyróżnienia, listy, odnośniki, cytaty i tabele. Tekst wklejony z Worda lub strony zachowa tylko tę strukturę."
            }
            @if let Some(error) = error {
                p class="field-error" id="tresc-blad" { span class="visually-hidden" { "Błąd: " } (error) }
            }
            textarea class="input" id="tresc" name="body" rows="20" data-rich-text
                aria-describedby={ "tresc-podpowiedz" @if error.is_some() { " tresc-blad" } }
                aria-invalid=[error.map(|_| "true")] { (form.body) }
        }
    }
}

fn tags_field(form: &ArticleForm, errors: &[FieldError], tags: &[tag::Model]) -> Markup {
    let error = error_for(errors, "tagi");
    html! {
        fieldset class={ "field" @if error.is_some() { " field-invalid" } } id="tagi" {
            legend class="label" { "Tagi" }
            @if let Some(error) = error {
                p class="field-error" { span class="visually-hidden" { "Błąd: " } (error) }
            }
            @if tags.is_empty() {
                p class="hint" { "Nie ma jeszcze tagów." }
            }
            div class="tag-choices" {
                @for tag in tags {
                    @let id = format!("tag-{}", tag.id);
                    div class="checkbox" {
                        input type="checkbox" id=(id) name="tag" value=(tag.id)
                            checked[form.tag_ids.iter().any(|chosen| *chosen == tag.id.to_string())];
                        label for=(id) { (tag.name) }
                    }
                }
            }
        }
    }
}

fn publishing_panel(session: &BrowserSession, view: &EditorView<'_>) -> Markup {
    let role = session.actor.role;
    let status = view.article.map(|article| article.status);
    let can_publish = role.can_publish();
    let can_archive = view.article.is_some_and(|article| {
        article.status != ArticleStatus::Archived
            && role.can_delete(
                session.actor.account_id,
                article.created_by,
                article.status == ArticleStatus::Draft,
            )
    });
    let publish_error = error_for(view.errors, "publikacja");
    let schedule_error = error_for(view.errors, "termin");
    html! {
        section class="panel" aria-labelledby="panel-publikacja" id="publikacja" {
            h2 id="panel-publikacja" { "Publikacja" }
            @if let Some(status) = status {
                p { "Status: " (status_badge(status)) }
            } @else {
                p { "Status: " (status_badge(ArticleStatus::Draft)) " (jeszcze niezapisany)" }
            }
            @if let Some(error) = publish_error {
                p class="field-error" { span class="visually-hidden" { "Błąd: " } (error) }
            }
            div class="button-row" {
                button type="submit" class="button button-primary" name="action" value="save" { "Zapisz" }
                button type="submit" class="button" name="action" value="preview" { "Podgląd" }
            }
            @if can_publish && !matches!(status, Some(ArticleStatus::Published | ArticleStatus::Archived)) {
                div class="button-row" {
                    button type="submit" class="button" name="action" value="publish" { "Opublikuj teraz" }
                }
                div class={ "field schedule" @if schedule_error.is_some() { " field-invalid" } } {
                    label class="label" for="termin" { "Termin publikacji" }
                    p class="hint" id="termin-podpowiedz" { "Artykuł ukaże się sam o tej porze." }
                    @if let Some(error) = schedule_error {
                        p class="field-error" id="termin-blad" { span class="visually-hidden" { "Błąd: " } (error) }
                    }
                    input class="input" type="datetime-local" id="termin" name="publish_at" value=(view.form.publish_at)
                        aria-describedby={ "termin-podpowiedz" @if schedule_error.is_some() { " termin-blad" } };
                    div class="button-row" {
                        button type="submit" class="button" name="action" value="schedule" { "Zaplanuj publikację" }
                    }
                }
            }
            @if can_publish && matches!(status, Some(ArticleStatus::Published | ArticleStatus::Scheduled)) {
                div class="button-row" {
                    button type="submit" class="button button-danger" name="action" value="unpublish"
                        data-confirm="Cofnąć publikację? Czytelnicy przestaną widzieć ten artykuł, a on sam wróci do szkiców." {
                        "Cofnij publikację"
                    }
                }
            }
            @if can_archive {
                div class="button-row" {
                    button type="submit" class="button button-danger" name="action" value="archive"
                        data-confirm="Zarchiwizować artykuł? Zniknie z serwisu; przywrócić go może administrator." {
                        "Archiwizuj"
                    }
                }
            }
        }
    }
}

fn metryczka_panel(view: &EditorView<'_>, panels: &Panels) -> Markup {
    let form = view.form;
    let name_of = |id: i64| {
        panels
            .people
            .get(&id)
            .map_or("—", |account| account.display_name.as_str())
    };
    html! {
        section class="panel" aria-labelledby="panel-metryczka" {
            h2 id="panel-metryczka" { "Metryczka" }
            (text_field("autor", "byline", "Autor", &form.byline, FieldOptions {
                hint: Some("Podpis pod artykułem, np. „oprac. WKZ”."),
                error: error_for(view.errors, "autor"), ..Default::default()
            }))
            @if let Some(article) = view.article {
                dl class="meta-list" {
                    dt { "Wprowadził(a)" } dd { (name_of(article.created_by)) }
                    dt { "Utworzono" } dd { (format::date_time(article.created_at, panels.time_zone)) }
                    dt { "Zmieniono" } dd {
                        (format::date_time(article.updated_at, panels.time_zone))
                        @if let Some(by) = article.updated_by { ", " (name_of(by)) }
                    }
                    @if let Some(at) = article.published_at {
                        dt { @if article.status == ArticleStatus::Scheduled { "Zaplanowano na" } @else { "Opublikowano" } }
                        dd { (format::date_time(at, panels.time_zone)) }
                    }
                    dt { "Wyświetlenia" } dd { (format::number(u64::try_from(article.view_count).unwrap_or(0))) }
                }
            }
        }
    }
}

/// The accessibility check of the saved article: what blocks publishing, what to improve,
/// each with a link to the place.
fn accessibility_panel(view: &EditorView<'_>, panels: &Panels) -> Markup {
    let error = error_for(view.errors, "dostepnosc");
    html! {
        section class="panel" aria-labelledby="panel-dostepnosc" id="dostepnosc" tabindex="-1"
            data-place-selector=(accessibility::PLACE_SELECTOR) {
            h2 id="panel-dostepnosc" { "Dostępność" }
            @if let Some(error) = error {
                p class="field-error" { span class="visually-hidden" { "Błąd: " } (error) }
            }
            @if panels.findings.is_empty() {
                p { "Sprawdzono zapisaną wersję: nie widać przeszkód dla osób korzystających z czytników ekranu." }
            } @else {
                p class="hint" { "Sprawdzono zapisaną wersję. Czerwone uwagi blokują publikację, pozostałe warto poprawić." }
                ul class="findings" {
                    @for finding in &panels.findings {
                        li class=[finding.is_blocking().then_some("blocking")] {
                            strong { @if finding.is_blocking() { "Blokuje publikację: " } @else { "Uwaga: " } }
                            (finding.message) " "
                            a href=(finding_link(finding)) data-place=[finding_place(finding)] { "Przejdź do miejsca" }
                            @if !finding.excerpt.is_empty() {
                                span class="excerpt" { "„" (finding.excerpt) "”" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn finding_link(finding: &Finding) -> String {
    match finding.target {
        Target::Title => "#tytul".to_owned(),
        Target::Lead => "#wstep".to_owned(),
        Target::Body { .. } => "#tresc".to_owned(),
        Target::Photo(id) => format!("/admin/photos/{id}"),
    }
}

/// The body element a finding points at, which the editor's script selects.
fn finding_place(finding: &Finding) -> Option<usize> {
    match finding.target {
        Target::Body { element_index } => Some(element_index),
        _ => None,
    }
}
