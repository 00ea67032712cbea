//! The first run: while no account exists, the server logs a link with a random token
//! that opens the page to create the first administrator. The token lives only in this
//! process, so it is valid until used or until the server restarts (which logs a new one).

use std::sync::{Arc, Mutex};

use kronika_core::domain::secrets::{new_token, same_secret};

#[derive(Clone, Debug, Default)]
pub struct SetupLink(Arc<Mutex<Option<String>>>);

impl SetupLink {
    /// A link with a fresh token; its path is `/admin/setup/{token}`.
    pub fn issue() -> Self {
        Self(Arc::new(Mutex::new(Some(new_token()))))
    }

    /// No link: accounts exist already.
    pub fn none() -> Self {
        Self::default()
    }

    /// The path to open, while the link is unused.
    pub fn path(&self) -> Option<String> {
        self.token().map(|token| format!("/admin/setup/{token}"))
    }

    fn token(&self) -> Option<String> {
        self.0.lock().ok().and_then(|token| token.clone())
    }

    /// Whether `offered` is the unused token (compared in constant time).
    pub fn accepts(&self, offered: &str) -> bool {
        self.token()
            .is_some_and(|token| same_secret(&token, offered))
    }

    /// Uses the link up: it opens nothing any more.
    pub fn spend(&self) {
        if let Ok(mut token) = self.0.lock() {
            *token = None;
        }
    }
}
