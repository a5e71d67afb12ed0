//! The electronic access request, as imMTrax runs it (and ImmTrac2's supervisors need it):
//!
//! 1. a supervisor — the authorizing official — fills in the request (a half-filled one can be
//!    kept as a draft) and submits it; it gets a number like `REQ0100387`;
//! 2. for New Access and Change Employer, the prospective user receives an emailed code and
//!    signs the User Agreement themselves, statement by statement, with a typed-name
//!    electronic signature (supervisors never sign for them);
//! 3. registry staff review the request beside the signed agreement and approve it, or return
//!    it (the supervisor fixes and resubmits) or reject it, always with a reason.
//!
//! This module is pure: the form parser ([`AccessRequestForm::parse`]), the agreement parser
//! ([`SignedAgreement::parse`]), the state machine ([`RequestStatus::after`]) and the queue's
//! business-day age ([`business_days_between`]).

mod agreement;
mod form;
mod record;

pub use agreement::*;
pub use form::*;

pub use record::{
    agreement_code, agreement_code_hash, free_username, normalize_agreement_code, AgreementRecord,
    RequestForm, AGREEMENT_CODE_ALPHABET, AGREEMENT_CODE_ATTEMPTS, AGREEMENT_CODE_VALIDITY,
};

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};

use crate::contact::{EmailAddress, UsPhone};
use crate::date::{DateOfBirth, UsDate};
use crate::error::{Issue, IssueCollector, ValidationError};
use crate::jurisdiction::Jurisdiction;
use crate::normalize::fold_name;
use crate::organization::{County, OrganizationKind, UsState, VfcPin, ZipCode};
use crate::permission::Role;
use crate::person::PersonName;

/// What the supervisor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    /// A new user gets an account at the organization.
    NewAccess,
    /// A user who had access with another employer moves to this organization (old access ends).
    ChangeEmployer,
    /// A user of this organization gets another role.
    PermissionsChange,
    /// A user's access at this organization ends (the account's history is kept).
    AccessDeletion,
}

impl RequestType {
    /// Every type, in the order the form offers them.
    pub const ALL: [RequestType; 4] = [
        RequestType::NewAccess,
        RequestType::ChangeEmployer,
        RequestType::PermissionsChange,
        RequestType::AccessDeletion,
    ];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RequestType::NewAccess => "new_access",
            RequestType::ChangeEmployer => "change_employer",
            RequestType::PermissionsChange => "permissions_change",
            RequestType::AccessDeletion => "access_deletion",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }

    /// The name on imMTrax's form.
    pub fn title(&self) -> &'static str {
        match self {
            RequestType::NewAccess => "New Access",
            RequestType::ChangeEmployer => "Change Employer",
            RequestType::PermissionsChange => "User Permissions Change",
            RequestType::AccessDeletion => "Access Deletion",
        }
    }

    /// Does the prospective user sign the User Agreement before review? Yes when they start
    /// working with registry data for an employer: New Access and Change Employer.
    pub fn needs_agreement(&self) -> bool {
        matches!(self, RequestType::NewAccess | RequestType::ChangeEmployer)
    }

    /// Is the request about an existing account (named by its username)?
    pub fn names_existing_user(&self) -> bool {
        !matches!(self, RequestType::NewAccess)
    }

    /// Does the request ask for a role?
    pub fn asks_for_role(&self) -> bool {
        !matches!(self, RequestType::AccessDeletion)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Saved by the supervisor, not submitted; may be half-filled.
    Draft,
    /// Submitted; waiting for the prospective user to sign the User Agreement.
    AwaitingAgreement,
    /// Complete; in the registry staff's queue.
    AwaitingReview,
    /// Approved; the account was created or changed.
    Approved,
    /// Sent back to the supervisor with a reason; may be corrected and resubmitted.
    Returned,
    /// Refused with a reason; final.
    Rejected,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Draft,
        RequestStatus::AwaitingAgreement,
        RequestStatus::AwaitingReview,
        RequestStatus::Approved,
        RequestStatus::Returned,
        RequestStatus::Rejected,
    ];

    /// Stable code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            RequestStatus::Draft => "draft",
            RequestStatus::AwaitingAgreement => "awaiting_agreement",
            RequestStatus::AwaitingReview => "awaiting_review",
            RequestStatus::Approved => "approved",
            RequestStatus::Returned => "returned",
            RequestStatus::Rejected => "rejected",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Can the supervisor still change the form?
    pub fn editable(&self) -> bool {
        matches!(self, RequestStatus::Draft | RequestStatus::Returned)
    }

    /// Is the request in the registry's queue?
    pub fn pending(&self) -> bool {
        matches!(
            self,
            RequestStatus::AwaitingAgreement | RequestStatus::AwaitingReview
        )
    }

    /// The status after `step`, or why the step does not apply now. `agreement_signed` says
    /// whether the user already signed (a returned request keeps its signature when resubmitted).
    pub fn after(
        self,
        step: RequestStep,
        request_type: RequestType,
        agreement_signed: bool,
    ) -> Result<RequestStatus, TransitionError> {
        use RequestStatus as S;
        use RequestStep as E;
        let next = match (self, step) {
            (S::Draft | S::Returned, E::Submit) => {
                if request_type.needs_agreement() && !agreement_signed {
                    S::AwaitingAgreement
                } else {
                    S::AwaitingReview
                }
            }
            (S::AwaitingAgreement, E::SignAgreement) => S::AwaitingReview,
            (S::AwaitingReview, E::Approve) => S::Approved,
            (S::AwaitingAgreement | S::AwaitingReview, E::Return) => S::Returned,
            (S::AwaitingAgreement | S::AwaitingReview, E::Reject) => S::Rejected,
            (from, step) => return Err(TransitionError { from, step }),
        };
        Ok(next)
    }
}

/// Something done to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStep {
    /// The supervisor submits (or resubmits after a return).
    Submit,
    /// The prospective user signs the User Agreement.
    SignAgreement,
    /// Registry staff approve.
    Approve,
    /// Registry staff send it back for correction.
    Return,
    /// Registry staff refuse it.
    Reject,
}

/// A step that does not apply to a request in its current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TransitionError {
    /// Where the request stands.
    pub from: RequestStatus,
    /// What was attempted.
    pub step: RequestStep,
}

impl TransitionError {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        let now = match self.from {
            RequestStatus::Draft => "is a draft that has not been submitted",
            RequestStatus::AwaitingAgreement => {
                "is waiting for the user to sign the User Agreement"
            }
            RequestStatus::AwaitingReview => "is waiting for registry review",
            RequestStatus::Approved => "was already approved",
            RequestStatus::Returned => "was returned to the supervisor",
            RequestStatus::Rejected => "was rejected",
        };
        let what = match self.step {
            RequestStep::Submit => "submitted",
            RequestStep::SignAgreement => "signed",
            RequestStep::Approve => "approved",
            RequestStep::Return => "returned",
            RequestStep::Reject => "rejected",
        };
        format!("This request {now}, so it cannot be {what} now.")
    }
}

/// The request number shown to everyone: `REQ` and seven digits (`REQ0100387`).
pub fn request_number(sequence: i64) -> String {
    format!("REQ{:07}", 100_000 + sequence)
}

/// Weekdays (Monday–Friday) after `from` up to and including `to`: how many business days a
/// request submitted on `from` has waited on `to`. Federal holidays are not subtracted.
pub fn business_days_between(from: Date, to: Date) -> i64 {
    if to <= from {
        return 0;
    }
    let whole_weeks = (to - from).whole_days() / 7;
    let mut days = whole_weeks * 5;
    let mut day = from + Duration::days(whole_weeks * 7);
    while day < to {
        day = day.next_day().unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            days += 1;
        }
    }
    days
}

/// imMTrax asks supervisors to call when credentials have not arrived within three business
/// days; the queue flags requests older than that.
pub const REVIEW_TARGET_BUSINESS_DAYS: i64 = 3;

#[cfg(test)]
mod tests;
