use chrono::{DateTime, Utc};

/// What a reader asks. `text` may be blank: then the newest articles matching the filters
/// are listed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchQuery {
    pub text: String,
    /// Section slug to filter on.
    pub section: Option<String>,
    /// Tag slugs; a document must carry all of them.
    pub tags: Vec<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SearchSort {
    /// Best match first; a blank query falls back to newest.
    #[default]
    Relevance,
    /// Newest publication first.
    Newest,
}

/// One page of hits plus the facet counts over all matches (not only this page).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total_hits: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

/// A matching article. Highlighted texts are HTML: the text is escaped and every matched
/// word is wrapped in `<mark>…</mark>`, so a frontend can insert them as they are.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub title_highlighted: String,
    /// A passage of the lead or body around the matches (the lead's start when nothing in
    /// them matched), highlighted like the title; when the query matched only in an
    /// attachment, a passage of that attachment.
    pub snippet: String,
    pub matched_in: MatchedIn,
}

/// Where a hit's query words were found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchedIn {
    /// The article's own texts: title, lead, body, photo captions.
    Article,
    /// Only in one of its attachments (this one, by title): the snippet is from it.
    Attachment { title: String },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facets {
    pub sections: Vec<FacetCount>,
    pub tags: Vec<FacetCount>,
}

/// How many matches carry this section or tag slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    pub slug: String,
    pub count: usize,
}

/// Facet counts from a slug → count map: most frequent first, equal counts by slug so the
/// order is stable.
pub(crate) fn facet_counts<N: TryInto<usize>>(
    counts: impl IntoIterator<Item = (String, N)>,
) -> Vec<FacetCount> {
    let mut facets: Vec<FacetCount> = counts
        .into_iter()
        .filter_map(|(slug, count)| {
            Some(FacetCount {
                slug,
                count: count.try_into().ok()?,
            })
        })
        .collect();
    facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
    facets
}
