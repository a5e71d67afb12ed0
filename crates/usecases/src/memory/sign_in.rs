//! The sign-in ports in memory, and [`MemoryHost`] as a sign-in host: passwords "hashed" as
//! `hash:<password>` (as [`crate::ports::AccessHost::hash_password`] makes them there) and the
//! failures of unknown names counted in a map.

use shotbook_core::ids::UserId;
use shotbook_protocol::{ChangeOp, Entity};

use super::{MemoryHost, MemoryRegistry, MemoryWork};
use crate::ports::{SignInAccount, SignInHost, SignInReads, SignInWrites};
use crate::{PortError, PortResult};

impl SignInReads for MemoryRegistry {
    async fn sign_in_account(
        &self,
        organization_code: &str,
        username: &str,
    ) -> PortResult<Option<SignInAccount>> {
        let (code, name) = (organization_code.trim(), username.trim());
        self.read(|s| {
            let organization = s
                .organizations
                .values()
                .find(|o| o.code.eq_ignore_ascii_case(code))?;
            let (user_id, account) = s
                .accounts
                .iter()
                .find(|(_, a)| a.facts.username.eq_ignore_ascii_case(name))?;
            let membership = s.memberships.get(&(*user_id, organization.id))?;
            Some(SignInAccount {
                user_id: *user_id,
                organization_id: organization.id,
                username: account.facts.username.clone(),
                display_name: format!("{} {}", account.facts.first_name, account.facts.last_name),
                password_hash: account.password_hash.clone(),
                active: account.facts.active,
                failed_attempts: account.sign_ins.failed_attempts,
                locked: account.facts.locked,
                must_change_password: account.must_change_password,
                temporary_password_issued_at: account.sign_ins.temporary_password_issued_at,
                last_used_at: account.sign_ins.last_used_at,
                access_ends: membership.access_ends,
            })
        })
    }

    async fn recent_password_hashes(&self, user: UserId, keep: usize) -> PortResult<Vec<String>> {
        self.read(|s| {
            s.accounts.get(&user).map(|a| {
                std::iter::once(a.password_hash.clone())
                    .chain(a.sign_ins.previous_hashes.iter().rev().cloned())
                    .take(keep)
                    .collect()
            })
        })?
        .ok_or(PortError::NotFound("user"))
    }
}

impl MemoryWork {
    fn account_mut(&mut self, user: UserId) -> PortResult<&mut super::MemoryAccount> {
        self.state
            .accounts
            .get_mut(&user)
            .ok_or(PortError::NotFound("user"))
    }
}

impl SignInWrites for MemoryWork {
    async fn record_failed_sign_in(&mut self, user: UserId, lock_at: u32) -> PortResult<u32> {
        let account = self.account_mut(user)?;
        account.sign_ins.failed_attempts += 1;
        let failures = account.sign_ins.failed_attempts;
        if failures >= lock_at {
            account.facts.locked = true;
        }
        self.log(Entity::User, user.to_string(), ChangeOp::Update);
        Ok(failures)
    }

    async fn record_sign_in_unless_locked(&mut self, user: UserId) -> PortResult<bool> {
        let at = self.at;
        let account = self.account_mut(user)?;
        if account.facts.locked {
            return Ok(false);
        }
        account.sign_ins.failed_attempts = 0;
        account.sign_ins.last_used_at = at;
        self.log(Entity::User, user.to_string(), ChangeOp::Update);
        Ok(true)
    }

    async fn set_chosen_password(
        &mut self,
        user: UserId,
        password_hash: &str,
        _keep_session: Option<&str>,
    ) -> PortResult<()> {
        let account = self.account_mut(user)?;
        let old = std::mem::replace(&mut account.password_hash, password_hash.to_string());
        account.sign_ins.previous_hashes.push(old);
        account.must_change_password = false;
        account.sign_ins.temporary_password_issued_at = None;
        account.sign_ins.failed_attempts = 0;
        account.facts.locked = false;
        self.log(Entity::User, user.to_string(), ChangeOp::Update);
        Ok(())
    }

    async fn inactivate_account(&mut self, user: UserId, _reason: &str) -> PortResult<()> {
        let account = self.account_mut(user)?;
        if account.facts.active {
            account.facts.active = false;
            self.log(Entity::User, user.to_string(), ChangeOp::Update);
        }
        Ok(())
    }
}

impl SignInHost for MemoryHost {
    type Turn = ();

    async fn one_at_a_time(&self, _key: &str) -> PortResult<()> {
        // Tests drive the memory registry one call at a time.
        Ok(())
    }

    async fn verify_password(&self, password: String, hash: String) -> PortResult<bool> {
        Ok(hash == format!("hash:{password}"))
    }

    async fn hash_password(&self, password: String) -> PortResult<String> {
        Ok(format!("hash:{password}"))
    }

    async fn unknown_failures(&self, key: &str) -> PortResult<u32> {
        Ok(self.unknown_failures_of(key))
    }

    async fn count_unknown_failure(&self, key: &str) -> PortResult<u32> {
        Ok(self.count_unknown_failure_of(key))
    }
}
