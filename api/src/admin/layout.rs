//! The frame of every page: the document head, the skip link, the main navigation and the
//! account menu.

use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::forms::csrf_field;
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::domain::{ArticleStatus, Role};

/// The places of the main navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Dashboard,
    Articles,
    Photos,
    Galleries,
    Statistics,
    Administration,
    Account,
}

impl Place {
    fn href(self) -> &'static str {
        match self {
            Self::Dashboard => "/admin/",
            Self::Articles => "/admin/articles",
            Self::Photos => "/admin/photos",
            Self::Galleries => "/admin/galleries",
            Self::Statistics => "/admin/stats",
            Self::Administration => "/admin/administration",
            Self::Account => "/admin/account",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Dashboard => "Pulpit",
            Self::Articles => "Artykuły",
            Self::Photos => "Zdjęcia",
            Self::Galleries => "Galerie",
            Self::Statistics => "Statystyki",
            Self::Administration => "Administracja",
            Self::Account => "Moje konto",
        }
    }
}

/// The navigation an account sees: `Administracja` only for administrators, because
/// they alone may do anything there.
fn places_for(role: Role) -> Vec<Place> {
    let mut places = vec![
        Place::Dashboard,
        Place::Articles,
        Place::Photos,
        Place::Galleries,
        Place::Statistics,
    ];
    if role.is_admin() {
        places.push(Place::Administration);
    }
    places
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="robots" content="noindex, nofollow";
            title { (title) " – Kronika" }
            link rel="stylesheet" href=(assets::url("admin.css"));
            script type="module" src=(assets::url("app.js")) {}
        }
    }
}

/// A page of a logged-in editor, with the navigation. `scripts` are the extra modules
/// the page's forms use (`"editor.js"`).
pub fn page(
    title: &str,
    session: &BrowserSession,
    place: Place,
    scripts: &[&str],
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="pl" {
            (head(title))
            @for script in scripts {
                script type="module" src=(assets::url(script)) {}
            }
            body {
                a class="skip-link" href="#tresc-strony" { "Przejdź do treści" }
                div class="shell" {
                    header class="sidebar" {
                        div class="sidebar-top" {
                            a class="brand" href="/admin/" { "Kronika" span class="brand-sub" { "Redakcja" } }
                            button type="button" class="menu-toggle" aria-expanded="false" aria-controls="nawigacja" hidden {
                                "Menu"
                            }
                        }
                        nav id="nawigacja" class="nav" aria-label="Główna" {
                            ul {
                                @for item in places_for(session.actor.role) {
                                    li {
                                        a href=(item.href()) aria-current=[(item == place).then_some("page")] { (item.label()) }
                                    }
                                }
                            }
                            div class="account-menu" {
                                p class="account-name" {
                                    (session.account_name)
                                    span class="account-role" { (role_label(session.actor.role)) }
                                }
                                a href=(Place::Account.href()) aria-current=[(place == Place::Account).then_some("page")] { (Place::Account.label()) }
                                form method="post" action="/admin/logout" {
                                    (csrf_field(session.csrf_token()))
                                    button type="submit" class="button-link" { "Wyloguj" }
                                }
                            }
                        }
                    }
                    main id="tresc-strony" class="main" tabindex="-1" {
                        (content)
                    }
                }
            }
        }
    }
}

/// A page without navigation: login, first-run setup, a password reset, a refusal.
pub fn bare_page(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="pl" {
            (head(title))
            body class="bare" {
                main id="tresc-strony" class="bare-main" tabindex="-1" {
                    p class="brand brand-bare" { "Kronika" span class="brand-sub" { "Redakcja" } }
                    div class="card" { (content) }
                }
            }
        }
    }
}

/// A role as the interface names it.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "Administrator",
        Role::Editor => "Redaktor",
        Role::Author => "Autor",
    }
}

/// A status as a word with a shape beside it (never colour alone).
pub fn status_badge(status: ArticleStatus) -> Markup {
    let (class, label) = match status {
        ArticleStatus::Draft => ("status status-draft", "Szkic"),
        ArticleStatus::Scheduled => ("status status-scheduled", "Zaplanowany"),
        ArticleStatus::Published => ("status status-published", "Opublikowany"),
        ArticleStatus::Archived => ("status status-archived", "Zarchiwizowany"),
    };
    html! { span class=(class) { (label) } }
}

/// A success message where the eye is, announced by screen readers.
pub fn notice(message: Option<&str>) -> Markup {
    html! {
        div class="notice-area" role="status" {
            @if let Some(message) = message { p class="notice" { (message) } }
        }
    }
}

/// A page that only says something (a refusal, a missing item) with a way back.
pub fn message_page(
    session: &BrowserSession,
    place: Place,
    title: &str,
    message: &str,
    back: &str,
) -> Markup {
    page(
        title,
        session,
        place,
        &[],
        html! {
            h1 { (title) }
            p { (message) }
            p { a href=(back) { "Wróć" } }
        },
    )
}
