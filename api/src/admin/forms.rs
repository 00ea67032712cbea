//! Forms the GOV.UK way: a label above every field, a hint under it, the error between
//! hint and field, and on a failed submit a summary at the top linking to each field.
//! Also the reading of submitted forms.

use maud::{Markup, html};

/// The largest form body read (an article's body is at most a few hundred kB).
const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

/// The fields of a submitted `application/x-www-form-urlencoded` form, in order, with
/// repeated names kept (a list of tags, the order of photos).
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Reads the request's form. A body too large or not a form reads as empty, which
    /// every handler then refuses for its missing CSRF token.
    pub async fn read(body: poem::Body) -> Self {
        match body.into_bytes_limit(MAX_FORM_BYTES).await {
            Ok(bytes) => Self(form_urlencoded::parse(&bytes).into_owned().collect()),
            Err(error) => {
                tracing::info!(%error, "unreadable form");
                Self::default()
            }
        }
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of a field, or "" when it is missing.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// Every value of a field, in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    pub fn csrf(&self) -> Option<&str> {
        self.get(CSRF_FIELD)
    }
}

/// The name of the hidden field that carries the session's CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The hidden CSRF field every form that changes something carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

/// A message about one field, shown next to it and in the summary.
#[derive(Clone, Debug)]
pub struct FieldError {
    /// The `id` of the field, which the summary links to.
    pub field_id: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field_id: &'static str, message: impl Into<String>) -> Self {
        Self {
            field_id,
            message: message.into(),
        }
    }
}

/// The message for `field_id` among `errors`.
pub fn error_for<'a>(errors: &'a [FieldError], field_id: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|error| error.field_id == field_id)
        .map(|error| error.message.as_str())
}

/// "Popraw błędy w formularzu" with a link to each field; the page's script moves the
/// focus here, and a screen reader announces it.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" data-focus-on-load {
            h2 id="error-summary-title" { "Popraw błędy w formularzu" }
            ul {
                @for error in errors {
                    li { a href={ "#" (error.field_id) } { (error.message) } }
                }
            }
        }
    }
}

/// What a field looks like besides its value.
#[derive(Clone, Copy, Debug, Default)]
pub struct FieldOptions<'a> {
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
    /// `type` of an input: "text" by default.
    pub input_type: Option<&'a str>,
    pub autocomplete: Option<&'a str>,
    /// Extra class of the field's wrapper (e.g. a width).
    pub class: Option<&'a str>,
}

fn described_by(id: &str, options: &FieldOptions<'_>) -> Option<String> {
    let mut ids = Vec::new();
    if options.hint.is_some() {
        ids.push(format!("{id}-podpowiedz"));
    }
    if options.error.is_some() {
        ids.push(format!("{id}-blad"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn label_hint_error(id: &str, label: &str, options: &FieldOptions<'_>) -> Markup {
    html! {
        // The label is exactly the field's name, as the interface documents it; required
        // fields say so with `required`, which screen readers announce.
        label class="label" for=(id) { (label) }
        @if let Some(hint) = options.hint {
            p class="hint" id={ (id) "-podpowiedz" } { (hint) }
        }
        @if let Some(error) = options.error {
            p class="field-error" id={ (id) "-blad" } {
                span class="visually-hidden" { "Błąd: " } (error)
            }
        }
    }
}

fn group_class(options: &FieldOptions<'_>) -> String {
    let mut class = String::from("field");
    if options.error.is_some() {
        class.push_str(" field-invalid");
    }
    if let Some(extra) = options.class {
        class.push(' ');
        class.push_str(extra);
    }
    class
}

/// A one-line text field.
pub fn text_field(
    id: &str,
    name: &str,
    label: &str,
    value: &str,
    options: FieldOptions<'_>,
) -> Markup {
    html! {
        div class=(group_class(&options)) {
            (label_hint_error(id, label, &options))
            input class="input" type=(options.input_type.unwrap_or("text")) id=(id) name=(name) value=(value)
                required[options.required]
                autocomplete=[options.autocomplete]
                aria-describedby=[described_by(id, &options)]
                aria-invalid=[options.error.map(|_| "true")];
        }
    }
}

/// A text area of `rows` lines.
pub fn text_area(
    id: &str,
    name: &str,
    label: &str,
    value: &str,
    rows: u32,
    options: FieldOptions<'_>,
) -> Markup {
    html! {
        div class=(group_class(&options)) {
            (label_hint_error(id, label, &options))
            textarea class="input" id=(id) name=(name) rows=(rows)
                required[options.required]
                aria-describedby=[described_by(id, &options)]
                aria-invalid=[options.error.map(|_| "true")] { (value) }
        }
    }
}

/// A choice of one among `choices` (value, label).
pub fn select_field(
    id: &str,
    name: &str,
    label: &str,
    choices: &[(String, String)],
    selected: &str,
    options: FieldOptions<'_>,
) -> Markup {
    html! {
        div class=(group_class(&options)) {
            (label_hint_error(id, label, &options))
            select class="input" id=(id) name=(name)
                required[options.required]
                aria-describedby=[described_by(id, &options)]
                aria-invalid=[options.error.map(|_| "true")] {
                @for (value, text) in choices {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_field_points_its_description_at_the_hint_and_the_error() {
        let markup = text_field(
            "tytul",
            "title",
            "Tytuł",
            "<b>",
            FieldOptions {
                hint: Some("Krótko"),
                error: Some("Wpisz tytuł"),
                required: true,
                ..Default::default()
            },
        )
        .into_string();
        assert!(markup.contains(r#"aria-describedby="tytul-podpowiedz tytul-blad""#));
        assert!(markup.contains(r#"aria-invalid="true""#));
        assert!(markup.contains("value=\"&lt;b&gt;\""), "{markup}");
    }

    #[test]
    fn the_summary_links_every_error_to_its_field() {
        let markup = error_summary(&[FieldError::new("tytul", "Wpisz tytuł")]).into_string();
        assert!(markup.contains(r##"href="#tytul""##));
        assert!(error_summary(&[]).into_string().is_empty());
    }
}
