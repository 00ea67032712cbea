//! The life cycle of an article.

use std::fmt;
use std::str::FromStr;

/// Where an article is in its life cycle. Only `Published` articles are visible to readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArticleStatus {
    /// Being written; visible to editors only.
    Draft,
    /// Will be published automatically at its `published_at`.
    Scheduled,
    /// Visible to everyone.
    Published,
    /// Withdrawn ("deleted"), kept so it can be restored.
    Archived,
}

impl ArticleStatus {
    /// The value stored in the `articles.status` column.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Scheduled => "SCHEDULED",
            Self::Published => "PUBLISHED",
            Self::Archived => "ARCHIVED",
        }
    }
}

impl fmt::Display for ArticleStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A status column held a value that is not one of the four known ones.
#[derive(Debug, thiserror::Error)]
#[error("unknown article status {0:?}")]
pub struct UnknownArticleStatus(String);

impl FromStr for ArticleStatus {
    type Err = UnknownArticleStatus;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "DRAFT" => Ok(Self::Draft),
            "SCHEDULED" => Ok(Self::Scheduled),
            "PUBLISHED" => Ok(Self::Published),
            "ARCHIVED" => Ok(Self::Archived),
            other => Err(UnknownArticleStatus(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_column_value() {
        for status in [
            ArticleStatus::Draft,
            ArticleStatus::Scheduled,
            ArticleStatus::Published,
            ArticleStatus::Archived,
        ] {
            assert_eq!(status.as_str().parse::<ArticleStatus>().ok(), Some(status));
        }
        assert!("published".parse::<ArticleStatus>().is_err());
    }
}
