//! One module per screen of the application.

pub mod articles;
mod conflict;
pub mod dashboard;
pub mod editor;
mod editor_form;
pub mod galleries;
pub mod history;
pub mod login;
pub mod photos;
pub mod preview;
pub mod setup;
// Administracja, Statystyki, Moje konto.
pub mod account;
pub mod administration;
pub mod stats;
