//! Conversions between the UI's text and core types that every feature module shares: stored
//! ISO dates shown as MM/DD/YYYY, ids read from requests.

use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, ValidationError};
use shotbook_core::ids::ClientId;

use crate::error::AppResult;

/// A stored ISO date as the UI shows it (MM/DD/YYYY); an unreadable value is shown as stored.
pub(crate) fn us_date(iso: &str) -> String {
    UsDate::parse(iso).map_or_else(|_| iso.to_string(), |d| d.to_string())
}

/// [`us_date`] of an optional value.
pub(crate) fn us_date_opt(iso: Option<String>) -> Option<String> {
    iso.map(|d| us_date(&d))
}

/// An id typed in a request field, or an issue on that field ("Not a lot id.").
pub(crate) fn parse_id<T: std::str::FromStr>(
    field: &str,
    text: &str,
    what: &str,
) -> Result<T, Issue> {
    text.trim()
        .parse()
        .map_err(|_| Issue::new(field, format!("Not a {what} id.")))
}

/// The request's `clientId`.
pub(crate) fn client_id(text: &str) -> AppResult<ClientId> {
    parse_id("clientId", text, "client").map_err(|i| ValidationError { issues: vec![i] }.into())
}
