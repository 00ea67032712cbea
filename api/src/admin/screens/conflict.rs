//! When someone else saved the article first: nothing is overwritten. The editor sees,
//! field by field, their own version beside the saved one, chooses, and saves the result
//! against the saved version.

use maud::{Markup, PreEscaped, html};
use poem::Response;
use poem::http::StatusCode;

use super::editor_form::{ArticleForm, Panels};
use crate::admin::forms::{FormData, csrf_field};
use crate::admin::layout::{self, Place};
use crate::admin::{AdminState, format, page as respond};
use entities::article;
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::domain::{ArticleBody, BodyFormat};

/// One field of the form, as the conflict screen compares it.
struct Compared {
    /// The form field's name (`title`), also used for `mine_…`, `theirs_…`, `wybor_…`.
    name: &'static str,
    label: &'static str,
    mine: Vec<String>,
    theirs: Vec<String>,
    /// How to show a value to a person (a section's name instead of its id).
    shown_mine: Markup,
    shown_theirs: Markup,
}

fn plain(values: &[String]) -> Markup {
    let text = values.join(", ");
    html! {
        @if text.trim().is_empty() { span class="muted" { "(puste)" } } @else { (text) }
    }
}

/// An article body shown as readers would see it: sanitised like every saved body.
fn body_shown(html_text: &str) -> Markup {
    let sanitised = ArticleBody::from_untrusted(html_text, BodyFormat::Html)
        .map(|body| body.html)
        .unwrap_or_default();
    html! { div class="prose conflict-body" { (PreEscaped(sanitised)) } }
}

fn name_in<'a>(pairs: impl Iterator<Item = (String, &'a str)>, ids: &[String]) -> Vec<String> {
    let pairs: Vec<(String, &str)> = pairs.collect();
    ids.iter()
        .map(|id| {
            pairs
                .iter()
                .find(|(candidate, _)| candidate == id)
                .map_or_else(|| id.clone(), |(_, name)| (*name).to_owned())
        })
        .collect()
}

fn compared_fields(mine: &ArticleForm, theirs: &ArticleForm, panels: &Panels) -> Vec<Compared> {
    let single = |value: &str| vec![value.to_owned()];
    let sections = || {
        panels
            .sections
            .iter()
            .map(|section| (section.id.to_string(), section.name.as_str()))
    };
    let tags = || {
        panels
            .tags
            .iter()
            .map(|tag| (tag.id.to_string(), tag.name.as_str()))
    };
    let galleries = || {
        panels
            .galleries
            .iter()
            .map(|gallery| (gallery.id.to_string(), gallery.title.as_str()))
    };
    // An empty address means "keep it" (or "make it from the title"), not a change.
    let mine_slug = if mine.slug.trim().is_empty() {
        theirs.slug.clone()
    } else {
        mine.slug.clone()
    };
    let mut mine_tags = mine.tag_ids.clone();
    let mut theirs_tags = theirs.tag_ids.clone();
    mine_tags.sort();
    theirs_tags.sort();
    vec![
        Compared {
            name: "title",
            label: "Tytuł",
            mine: single(&mine.title),
            theirs: single(&theirs.title),
            shown_mine: plain(&single(&mine.title)),
            shown_theirs: plain(&single(&theirs.title)),
        },
        Compared {
            name: "lead",
            label: "Wstęp",
            mine: single(&mine.lead),
            theirs: single(&theirs.lead),
            shown_mine: plain(&single(&mine.lead)),
            shown_theirs: plain(&single(&theirs.lead)),
        },
        Compared {
            name: "body",
            label: "Treść",
            mine: single(&mine.body),
            theirs: single(&theirs.body),
            shown_mine: body_shown(&mine.body),
            shown_theirs: body_shown(&theirs.body),
        },
        Compared {
            name: "byline",
            label: "Autor",
            mine: single(&mine.byline),
            theirs: single(&theirs.byline),
            shown_mine: plain(&single(&mine.byline)),
            shown_theirs: plain(&single(&theirs.byline)),
        },
        Compared {
            name: "slug",
            label: "Adres",
            mine: single(&mine_slug),
            theirs: single(&theirs.slug),
            shown_mine: plain(&single(&mine_slug)),
            shown_theirs: plain(&single(&theirs.slug)),
        },
        Compared {
            name: "section",
            label: "Dział",
            mine: single(&mine.section_id),
            theirs: single(&theirs.section_id),
            shown_mine: plain(&name_in(sections(), &single(&mine.section_id))),
            shown_theirs: plain(&name_in(sections(), &single(&theirs.section_id))),
        },
        Compared {
            name: "tag",
            label: "Tagi",
            shown_mine: plain(&name_in(tags(), &mine_tags)),
            shown_theirs: plain(&name_in(tags(), &theirs_tags)),
            mine: mine_tags,
            theirs: theirs_tags,
        },
        Compared {
            name: "gallery",
            label: "Galeria",
            mine: single(&mine.gallery_id),
            theirs: single(&theirs.gallery_id),
            shown_mine: plain(&name_in(galleries(), &single(&mine.gallery_id))),
            shown_theirs: plain(&name_in(galleries(), &single(&theirs.gallery_id))),
        },
    ]
}

/// The conflict screen for `theirs` (the saved article) and `mine` (what was sent).
pub async fn page(
    state: &AdminState,
    session: &BrowserSession,
    theirs: &article::Model,
    mine: &ArticleForm,
) -> Response {
    let panels = match Panels::load(state, session, Some(theirs)).await {
        Ok(panels) => panels,
        Err(error) => {
            tracing::error!(%error, "cannot show an editing conflict");
            return StatusCode::SERVICE_UNAVAILABLE.into();
        }
    };
    let saved = ArticleForm::of_article(theirs, &panels.tag_ids);
    let fields = compared_fields(mine, &saved, &panels);
    let who = theirs
        .updated_by
        .and_then(|id| panels.people.get(&id))
        .map_or("Ktoś inny", |account| account.display_name.as_str());
    let content = html! {
        div class="page-header" { h1 { "Ktoś zapisał ten artykuł przed Tobą" } }
        div class="warning" role="alert" {
            strong { (who) " zapisał(a) zmiany o " (format::date_time(theirs.updated_at, state.time_zone)) "." }
            "Niczego nie nadpisano. Przy każdym polu, które się różni, wybierz wersję do zachowania i zapisz."
        }
        form method="post" action={ "/admin/articles/" (theirs.id) } {
            (csrf_field(session.csrf_token()))
            input type="hidden" name="version" value=(theirs.version);
            input type="hidden" name="action" value="resolve";
            @for field in &fields {
                @for value in &field.mine { input type="hidden" name={ "mine_" (field.name) } value=(value); }
                @for value in &field.theirs { input type="hidden" name={ "theirs_" (field.name) } value=(value); }
                @if field.mine != field.theirs {
                    fieldset class="panel conflict-field" {
                        legend class="label" { (field.label) }
                        div class="checkbox" {
                            input type="radio" id={ "wybor-" (field.name) "-moja" } name={ "wybor_" (field.name) } value="moja" checked;
                            label for={ "wybor-" (field.name) "-moja" } { "Moja wersja" }
                        }
                        div class="conflict-value" { (field.shown_mine) }
                        div class="checkbox" {
                            input type="radio" id={ "wybor-" (field.name) "-zapisana" } name={ "wybor_" (field.name) } value="zapisana";
                            label for={ "wybor-" (field.name) "-zapisana" } { "Wersja zapisana przez: " (who) }
                        }
                        div class="conflict-value" { (field.shown_theirs) }
                    }
                }
            }
            div class="button-row" {
                button type="submit" class="button button-primary" { "Zapisz wybrane wersje" }
                a href={ "/admin/articles/" (theirs.id) } { "Porzuć moje zmiany" }
            }
        }
    };
    respond::html(
        StatusCode::CONFLICT,
        layout::page("Konflikt zmian", session, Place::Articles, &[], content),
    )
}

/// The form as the conflict screen's choices make it.
pub fn resolved_form(form: &FormData) -> ArticleForm {
    let chosen = |name: &str| -> Vec<String> {
        let side = match form.get(&format!("wybor_{name}")) {
            Some("zapisana") => "theirs",
            _ => "mine",
        };
        form.all(&format!("{side}_{name}"))
            .into_iter()
            .map(ToOwned::to_owned)
            .collect()
    };
    let one = |name: &str| chosen(name).into_iter().next().unwrap_or_default();
    ArticleForm {
        title: one("title"),
        section_id: one("section"),
        lead: one("lead"),
        body: one("body"),
        tag_ids: chosen("tag"),
        byline: one("byline"),
        slug: one("slug"),
        gallery_id: one("gallery"),
        publish_at: String::new(),
    }
}
