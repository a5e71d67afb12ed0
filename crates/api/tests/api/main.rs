//! The command surface, exercised exactly as the UI calls it, against a real SQLite database.
//!
//! - `auth`: signing in and out, sessions, idle timeout.
//! - `account`: the lockout ladder, CAPTCHA, Forgot Password, password rules, inactivity, end
//!   dates, the organization portal, own account.
//! - `clients`: basic search and the client record, with permissions and audit.
//! - `codes`: Admin Support tables.

mod account;
mod auth;
mod clients;
mod codes;
mod forecast;
mod support;
