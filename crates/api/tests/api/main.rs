//! The command surface, exercised exactly as the UI calls it, against a real SQLite database.
//!
//! - `auth`: signing in and out, sessions, idle timeout.
//! - `account`: the lockout ladder, CAPTCHA, Forgot Password, password rules, inactivity, end
//!   dates, the organization portal, own account.
//! - `clients`: basic search and the client record, with permissions and audit.
//! - `codes`: Admin Support tables.
//! - `demographics`: consent enforcement, the demographics tabs, adding a client with the
//!   duplicate warning, the duplicates queue.
//! - `immunizations`: dose entry, edit and void, vial scans, vaccine lot inventory.
//! - `search`: Smart and Quick search.
//! - `records`: printing, saving and verifying the Official Immunization Record.
//! - `access_requests`: the access-request workflow, User Agreement, review and approval.
//! - `organization_users`: supervisors' user management and scope.
//! - `authorization`: the matrix of every command × role × in/out-of-scope organization.
//! - `faults`: what breaks underneath (the audit write, the mail relay) never lets data out
//!   unaudited or holds the database.

mod access_requests;
mod account;
mod auth;
mod authorization;
mod clients;
mod codes;
mod demographics;
mod faults;
mod forecast;
mod immunizations;
mod organization_users;
mod recall;
mod records;
mod reports;
mod school;
mod search;
mod support;
