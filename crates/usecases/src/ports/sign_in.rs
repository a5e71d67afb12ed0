//! Ports of the sign-in ladder: the account as the ladder sees it, the counters it moves, and
//! [`SignInHost`], what the host lends it (password checks off the async threads, and the
//! failure count of names that match no account, which has no row to live in).

use std::future::Future;

use shotbook_core::ids::{OrganizationId, UserId};
use time::{Date, OffsetDateTime};

use crate::PortResult;

/// An account as a member of the organization it is signing in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAccount {
    /// The user.
    pub user_id: UserId,
    /// The organization of the org code typed.
    pub organization_id: OrganizationId,
    /// Username as stored.
    pub username: String,
    /// First and last name.
    pub display_name: String,
    /// The Argon2id hash of the password.
    pub password_hash: String,
    /// Not inactivated.
    pub active: bool,
    /// Consecutive failed sign-ins.
    pub failed_attempts: u32,
    /// Locked by the ladder (until a password reset).
    pub locked: bool,
    /// The password is temporary and must be changed now.
    pub must_change_password: bool,
    /// When the temporary password was issued.
    pub temporary_password_issued_at: Option<OffsetDateTime>,
    /// The last successful sign-in, or the account's creation.
    pub last_used_at: OffsetDateTime,
    /// The day access to this organization stops, if set.
    pub access_ends: Option<Date>,
}

/// Reads of the ladder.
pub trait SignInReads {
    /// The account `username` as a member of the organization with org code
    /// `organization_code` (both case-insensitive, trimmed), if both exist and are linked.
    fn sign_in_account(
        &self,
        organization_code: &str,
        username: &str,
    ) -> impl Future<Output = PortResult<Option<SignInAccount>>> + Send;
    /// The current password hash and the `keep - 1` before it, newest first (the reuse rule).
    fn recent_password_hashes(
        &self,
        user: UserId,
        keep: usize,
    ) -> impl Future<Output = PortResult<Vec<String>>> + Send;
}

/// Writes of the ladder. Each logs its change to the account.
pub trait SignInWrites {
    /// Counts a failed sign-in and returns the new count of consecutive failures; locks the
    /// account when the count reaches `lock_at` (one statement: parallel failures each count).
    fn record_failed_sign_in(
        &mut self,
        user: UserId,
        lock_at: u32,
    ) -> impl Future<Output = PortResult<u32>> + Send;
    /// Clears the failure count and stamps the sign-in, unless the account was locked
    /// meanwhile (by a parallel attempt, in this process or another); returns whether it did.
    fn record_sign_in_unless_locked(
        &mut self,
        user: UserId,
    ) -> impl Future<Output = PortResult<bool>> + Send;
    /// Replaces the password with one the user chose (hash): the old hash joins the history,
    /// the temporary flag, failure count and lock are cleared, and the user's sessions on this
    /// registry end except `keep_session` (the hash of the host's own session token, if any).
    fn set_chosen_password(
        &mut self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Inactivates the account with `reason` (an inactive one is left as it is).
    fn inactivate_account(
        &mut self,
        user: UserId,
        reason: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
}

/// What the host lends the ladder.
pub trait SignInHost: Send + Sync {
    /// Held while one attempt on an account key runs; dropping it lets the next one in.
    type Turn: Send;
    /// Waits for the attempts on `key` before this one (in this process, and in others where
    /// the host is one of several servers).
    fn one_at_a_time(&self, key: &str) -> impl Future<Output = PortResult<Self::Turn>> + Send;
    /// Does `password` match `hash`? Slow by design: run it off the async threads.
    fn verify_password(
        &self,
        password: String,
        hash: String,
    ) -> impl Future<Output = PortResult<bool>> + Send;
    /// The hash kept of a new password (slow by design: off the async threads).
    fn hash_password(&self, password: String) -> impl Future<Output = PortResult<String>> + Send;
    /// Failed sign-ins counted so far for `key` ([`crate::sign_in::account_key`]), a name
    /// that matches no account.
    fn unknown_failures(&self, key: &str) -> impl Future<Output = PortResult<u32>> + Send;
    /// Counts one more failure for `key` and returns the new count.
    fn count_unknown_failure(&self, key: &str) -> impl Future<Output = PortResult<u32>> + Send;
}
