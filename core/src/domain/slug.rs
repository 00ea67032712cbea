//! URL slugs: lowercase ASCII words joined by hyphens, made from Polish titles.

use std::fmt;

/// The longest slug we accept; long enough for any sensible title, short enough for a URL.
const MAX_SLUG_LENGTH: usize = 200;

/// A well-formed slug: `[a-z0-9]+(-[a-z0-9]+)*`, at most 200 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug may have at most {MAX_SLUG_LENGTH} characters")]
    TooLong,
    #[error("a slug may contain only a-z, 0-9 and single hyphens between words")]
    Malformed,
}

impl Slug {
    /// Accepts a slug typed by hand, exactly as given.
    pub fn parse(value: &str) -> Result<Self, SlugError> {
        if value.is_empty() {
            return Err(SlugError::Empty);
        }
        if value.len() > MAX_SLUG_LENGTH {
            return Err(SlugError::TooLong);
        }
        let well_formed = value.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
        });
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(SlugError::Malformed)
        }
    }

    /// Makes a slug from a title, transliterating Polish (and other) letters to ASCII:
    /// "Razem dla wspólnej sprawy" becomes `razem-dla-wspolnej-sprawy`, "Łódź" `lodz`.
    pub fn from_title(title: &str) -> Result<Self, SlugError> {
        let mut slug = slug::slugify(title);
        if slug.len() > MAX_SLUG_LENGTH {
            slug.truncate(MAX_SLUG_LENGTH);
            // Cutting may leave a trailing hyphen, which `parse` rightly refuses.
            while slug.ends_with('-') {
                slug.pop();
            }
        }
        Self::parse(&slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_polish_title_becomes_an_ascii_slug() {
        let slug = Slug::from_title("Razem dla wspólnej sprawy").map(|slug| slug.0);
        assert_eq!(slug.as_deref(), Ok("razem-dla-wspolnej-sprawy"));
    }

    #[test]
    fn every_polish_letter_is_transliterated() {
        let slug = Slug::from_title("Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ").map(|slug| slug.0);
        assert_eq!(slug.as_deref(), Ok("zazolc-gesla-jazn-acelnoszz"));
    }

    #[test]
    fn a_title_without_letters_or_digits_has_no_slug() {
        assert_eq!(Slug::from_title(" – ! "), Err(SlugError::Empty));
    }

    #[test]
    fn hand_written_slugs_must_be_well_formed() {
        assert!(Slug::parse("partnerstwo-lokalne-2018").is_ok());
        for bad in ["Duże", "two--hyphens", "-leading", "trailing-", "spa ce"] {
            assert_eq!(Slug::parse(bad), Err(SlugError::Malformed), "{bad}");
        }
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse(&"a".repeat(201)), Err(SlugError::TooLong));
    }

    #[test]
    fn a_very_long_title_is_cut_at_a_word_boundary_hyphen() {
        let title = "słowo ".repeat(60);
        let slug = Slug::from_title(&title)
            .map(|slug| slug.0)
            .unwrap_or_default();
        assert!(slug.len() <= MAX_SLUG_LENGTH);
        assert!(!slug.ends_with('-'));
    }
}
