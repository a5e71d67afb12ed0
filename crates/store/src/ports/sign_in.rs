//! The sign-in ports on SQLite, over `users`, `user_roles` and `organizations`.

use shotbook_usecases::ports::{SignInAccount, SignInReads, SignInWrites};
use shotbook_usecases::PortResult;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{damaged, date, uuid};
use crate::{users, Store, Work};

fn instant(text: &str) -> PortResult<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| damaged("timestamp"))
}

impl SignInReads for Store {
    async fn sign_in_account(
        &self,
        organization_code: &str,
        username: &str,
    ) -> PortResult<Option<SignInAccount>> {
        let Some(row) = users::find_for_sign_in(self, organization_code, username).await? else {
            return Ok(None);
        };
        Ok(Some(SignInAccount {
            user_id: uuid(&row.user_id, "user id")?,
            organization_id: uuid(&row.organization_id, "organization id")?,
            display_name: format!("{} {}", row.first_name, row.last_name),
            active: row.active,
            failed_attempts: u32::try_from(row.failed_attempts).unwrap_or(u32::MAX),
            locked: row.locked_at.is_some(),
            must_change_password: row.must_change_password,
            temporary_password_issued_at: row
                .temporary_password_issued_at
                .as_deref()
                .map(instant)
                .transpose()?,
            last_used_at: instant(row.last_sign_in_at.as_deref().unwrap_or(&row.created_at))?,
            access_ends: row.access_end_date.as_deref().map(date).transpose()?,
            username: row.username,
            password_hash: row.password_hash,
        }))
    }

    async fn recent_password_hashes(
        &self,
        user: shotbook_core::ids::UserId,
        keep: usize,
    ) -> PortResult<Vec<String>> {
        Ok(users::recent_password_hashes(self, user, keep).await?)
    }
}

impl SignInWrites for Work {
    async fn record_failed_sign_in(
        &mut self,
        user: shotbook_core::ids::UserId,
        lock_at: u32,
    ) -> PortResult<u32> {
        let now = self.now();
        Ok(users::record_failed_sign_in_in_tx(self, user, lock_at, now).await?)
    }

    async fn record_sign_in_unless_locked(
        &mut self,
        user: shotbook_core::ids::UserId,
    ) -> PortResult<bool> {
        let now = self.now();
        Ok(users::record_sign_in_unless_locked_in_tx(self, user, now).await?)
    }

    async fn set_chosen_password(
        &mut self,
        user: shotbook_core::ids::UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(users::set_password_in_tx(self, user, password_hash, false, keep_session, now).await?)
    }

    async fn inactivate_account(
        &mut self,
        user: shotbook_core::ids::UserId,
        reason: &str,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(users::inactivate_in_tx(self, user, reason, now).await?)
    }
}
