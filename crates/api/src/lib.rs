//! # shotbook-api
//!
//! The command surface of Shotbook as plain async Rust: every screen action is one function
//! here taking an [`AppContext`] and a request DTO, returning a response DTO or an [`AppError`].
//! The Tauri shell wraps each in a one-line `#[tauri::command]`; the CLI and the tests call the
//! very same functions, so what is tested is what the UI runs.
//!
//! Rules:
//! - Every function that touches client data first asks the context for a permission grant
//!   (`ctx.require(Permission::…)`), and records an audit event for every read, print or change.
//! - Request/response types live in [`dto`], derive `specta::Type`, use camelCase, carry ids as
//!   UUID strings and dates as `MM/DD/YYYY` strings. Core types never cross this boundary.
//! - [`AppError`] is the only error a command returns (opening the database at start-up fails
//!   with [`database_key::OpenError`], said to whoever started Shotbook).
//!
//! ## Adding a command
//! 1. Write `pub async fn verb_noun(ctx: &AppContext, request: VerbNounRequest) -> AppResult<…>`
//!    in the module of its feature, with the DTOs in [`dto`].
//! 2. Test it in `tests/api/` against a real database.
//! 3. List it in [`with_commands!`] (`commands.rs`), add the one-line adapter in
//!    `src-tauri/src/commands.rs` and a row in the authorization matrix
//!    (`tests/api/authorization.rs`); the TypeScript bindings regenerate on the next build
//!    (`scripts/bindings.sh`).
#![deny(missing_docs)]

pub mod access_requests;
pub mod account;
pub mod auth;
pub mod captcha;
pub mod clients;
pub mod codes;
pub mod commands;
pub mod consent;
mod context;
mod convert;
mod credentials;
pub mod database_key;
pub mod demographics;
pub mod dto;
pub mod duplicates;
mod error;
pub mod files;
pub mod forecast;
mod guards;
pub mod immunizations;
pub mod mail;
pub mod organization_users;
pub mod recall;
pub mod records;
pub mod remember;
pub mod reports;
pub mod school;
pub mod scope;
pub mod search;
pub mod sync;
pub mod vaccine_lots;

pub use context::{AppConfig, AppContext};
pub use error::{AppError, AppResult, FieldIssue};
pub use shotbook_core::jurisdiction::Jurisdiction;

/// Information about the running application, shown on the sign-in screen. Needs no session.
pub async fn app_info(ctx: &AppContext) -> AppResult<dto::AppInfo> {
    Ok(ctx.app_info())
}
