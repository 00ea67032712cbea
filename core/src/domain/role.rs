//! Roles and what each may do. Every permission check in Kronika asks this module.

use std::fmt;
use std::str::FromStr;

/// What an account (or an API token) is allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including accounts, API tokens and sections.
    Admin,
    /// All content, and publishing.
    Editor,
    /// Own drafts only: cannot publish, and cannot touch others' work.
    Author,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Editor => "EDITOR",
            Self::Author => "AUTHOR",
        }
    }

    /// Sees every article, whatever its status and author.
    pub const fn sees_all_articles(self) -> bool {
        matches!(self, Self::Admin | Self::Editor)
    }

    /// Publishes, schedules and unpublishes articles.
    pub const fn can_publish(self) -> bool {
        matches!(self, Self::Admin | Self::Editor)
    }

    /// Edits an article written by `author_id` when acting as `account_id`. Authors edit
    /// only their own drafts; once an article is out, an editor takes over.
    pub fn can_edit(self, account_id: i64, author_id: i64, is_draft: bool) -> bool {
        match self {
            Self::Admin | Self::Editor => true,
            Self::Author => account_id == author_id && is_draft,
        }
    }

    /// Archives ("deletes") articles; authors may only delete their own drafts.
    pub fn can_delete(self, account_id: i64, author_id: i64, is_draft: bool) -> bool {
        self.can_edit(account_id, author_id, is_draft)
    }

    /// Brings archived articles back, creates and deletes sections, manages accounts
    /// and API tokens.
    pub const fn is_admin(self) -> bool {
        matches!(self, Self::Admin)
    }

    /// Changes or deletes a photo or gallery first made by `owner_id` (`None`: made by
    /// no account, such as demo content). Everyone may upload photos and make galleries;
    /// authors change only their own, editors and admins everything.
    pub fn can_edit_media(self, account_id: i64, owner_id: Option<i64>) -> bool {
        match self {
            Self::Admin | Self::Editor => true,
            Self::Author => owner_id == Some(account_id),
        }
    }

    /// Deletes a photo that published articles still show.
    pub const fn can_force_delete_media(self) -> bool {
        matches!(self, Self::Admin | Self::Editor)
    }

    /// Creates and renames tags (sections are the site's structure: admins only).
    pub const fn can_manage_tags(self) -> bool {
        matches!(self, Self::Admin | Self::Editor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role {0:?}; use admin, editor or author")]
pub struct UnknownRole(String);

impl FromStr for Role {
    type Err = UnknownRole;

    /// Accepts the stored form (`EDITOR`) and the command-line form (`editor`).
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_uppercase().as_str() {
            "ADMIN" => Ok(Self::Admin),
            "EDITOR" => Ok(Self::Editor),
            "AUTHOR" => Ok(Self::Author),
            _ => Err(UnknownRole(value.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_edit_only_their_own_drafts() {
        assert!(Role::Author.can_edit(1, 1, true));
        assert!(!Role::Author.can_edit(1, 2, true));
        assert!(!Role::Author.can_edit(1, 1, false));
        assert!(Role::Editor.can_edit(1, 2, false));
        assert!(!Role::Author.can_publish());
    }

    #[test]
    fn roles_parse_in_both_spellings() {
        assert_eq!("editor".parse::<Role>().ok(), Some(Role::Editor));
        assert_eq!("ADMIN".parse::<Role>().ok(), Some(Role::Admin));
        assert!("root".parse::<Role>().is_err());
    }
}
