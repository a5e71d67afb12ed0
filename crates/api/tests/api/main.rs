//! The command surface, exercised exactly as the UI calls it, against a real SQLite database.
//!
//! - `auth`: signing in and out, sessions, idle timeout.
//! - `clients`: basic search and the client record, with permissions and audit.
//! - `codes`: Admin Support tables.

mod auth;
mod clients;
mod codes;
mod forecast;
mod support;
