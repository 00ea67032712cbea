//! The public site Kronika feeds: where its article pages live and what it is called.
//!
//! Kronika is not the site itself; a frontend renders the articles at addresses of its
//! own. Feeds and sitemaps must point readers and crawlers there, so the operator names the
//! pattern of those addresses (`KRONIKA_SITE_URL`), e.g.
//! `https://urzad.example.gov.pl/aktualnosci/{slug}`.

use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a slug keeps unescaped in a URL path: letters, digits and the unreserved marks.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The site's name and the address pattern of its article pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub article_url: ArticleUrlPattern,
    /// The feeds' title and the Google News publication name. Default: the site's host.
    pub name: String,
}

impl Site {
    /// The site named `name`, or after its host when no name is given.
    pub fn new(article_url: ArticleUrlPattern, name: Option<String>) -> Self {
        let name = name
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| article_url.host().to_owned());
        Self { article_url, name }
    }
}

/// An `http(s)://` address with `{slug}` where an article's slug goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleUrlPattern {
    pattern: String,
    /// `scheme://host[:port]`, without a trailing slash.
    origin_len: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "KRONIKA_SITE_URL must be an http:// or https:// address of the public site's article pages with {{slug}} in its path, such as https://urzad.example.gov.pl/aktualnosci/{{slug}}"
)]
pub struct InvalidArticleUrlPattern;

impl ArticleUrlPattern {
    /// The address of the article with `slug` on the public site.
    pub fn article_url(&self, slug: &str) -> String {
        let slug = utf8_percent_encode(slug, PATH_SEGMENT).to_string();
        self.pattern.replacen("{slug}", &slug, 1)
    }

    /// The site's home page: its origin and `/`.
    pub fn home(&self) -> String {
        format!("{}/", self.origin())
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.pattern[..self.origin_len]
    }

    /// The host (and port), as tag URIs and a default site name use it.
    pub fn host(&self) -> &str {
        self.origin()
            .split_once("://")
            .map_or(self.origin(), |(_, host)| host)
    }
}

impl FromStr for ArticleUrlPattern {
    type Err = InvalidArticleUrlPattern;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let value = value.trim();
        let scheme_len = if value.starts_with("https://") {
            "https://".len()
        } else if value.starts_with("http://") {
            "http://".len()
        } else {
            return Err(InvalidArticleUrlPattern);
        };
        let origin_len = value[scheme_len..]
            .find('/')
            .map_or(value.len(), |slash| scheme_len + slash);
        let host = &value[scheme_len..origin_len];
        let host_is_plain = !host.is_empty()
            && host
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte));
        // The slug goes into the path (or the query), once; markup characters and spaces
        // have no place in an address that ends up in XML attributes.
        let sound = host_is_plain
            && value[origin_len..].matches("{slug}").count() == 1
            && !value.contains(|c: char| c.is_whitespace() || "\"'<>\\`".contains(c));
        if !sound {
            return Err(InvalidArticleUrlPattern);
        }
        Ok(Self {
            pattern: value.to_owned(),
            origin_len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> ArticleUrlPattern {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn an_article_url_puts_the_slug_in_place_escaped() {
        let site = pattern("https://urzad.example.gov.pl/aktualnosci/{slug}");
        assert_eq!(
            site.article_url("razem-dla-wspolnej-sprawy"),
            "https://urzad.example.gov.pl/aktualnosci/razem-dla-wspolnej-sprawy"
        );
        assert_eq!(
            site.article_url("zażółć gęślą?"),
            "https://urzad.example.gov.pl/aktualnosci/za%C5%BC%C3%B3%C5%82%C4%87%20g%C4%99%C5%9Bl%C4%85%3F"
        );
        assert_eq!(site.home(), "https://urzad.example.gov.pl/");
        assert_eq!(site.host(), "urzad.example.gov.pl");
        let with_port = pattern("http://127.0.0.1:3000/a?id={slug}");
        assert_eq!(with_port.article_url("x"), "http://127.0.0.1:3000/a?id=x");
        assert_eq!(with_port.host(), "127.0.0.1:3000");
    }

    #[test]
    fn patterns_without_a_place_for_the_slug_or_with_markup_are_refused() {
        for bad in [
            "urzad.example.gov.pl/{slug}",
            "ftp://urzad.example.gov.pl/{slug}",
            "https://urzad.example.gov.pl/aktualnosci/",
            "https://{slug}.example.gov.pl/",
            "https://urzad.example.gov.pl/{slug}/{slug}",
            "https://urzad.example.gov.pl/\"><script>/{slug}",
            "https:///{slug}",
        ] {
            assert_eq!(
                bad.parse::<ArticleUrlPattern>(),
                Err(InvalidArticleUrlPattern),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_site_is_named_after_its_host_unless_named() {
        let article_url = pattern("https://urzad.example.gov.pl/aktualnosci/{slug}");
        assert_eq!(
            Site::new(article_url.clone(), None).name,
            "urzad.example.gov.pl"
        );
        assert_eq!(
            Site::new(article_url, Some(" Urząd Miasta ".to_owned())).name,
            "Urząd Miasta"
        );
    }
}
