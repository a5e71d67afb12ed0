//! Reminder/recall: which of an organization's clients get a notice, and why the others do not.
//!
//! A provider picks a cohort (born in a range, or aged between two ages; vaccines due or
//! overdue as of a day, for all vaccine groups or some; optionally one county, and clients not
//! notified since a day) and a way to reach them (mail or phone). The forecaster decides who is
//! due; this module decides who may be contacted, with the exclusions registries apply
//! (AIRA MIROW *Reminder/Recall in IIS*; ImmTrac2's "Allow Reminder Recall Contact", "No Viable
//! Address" and inactive statuses):
//!
//! 1. a status at the organization other than active (moved or gone elsewhere, lost to
//!    follow-up, inactive, permanently inactive, deceased, unknown);
//! 2. the family declined reminder/recall contact (a coded client comment in force);
//! 3. no consent to share the record with this organization (the use case decides it);
//! 4. by mail, no viable address (a street, city, state and ZIP, and no "mail returned"
//!    comment in force); by phone, no phone number;
//! 5. notified less than [`RERUN_DAYS`] days ago, unless the run is forced;
//! 6. notified on or after the cohort's "last notice before" day.
//!
//! Everything here is a code, a count or a date: the words are the UI's and the printer's.

use serde::Serialize;
use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector, ValidationError};
use shotbook_forecast::{GroupRow, RowStatus, SharedDecision};
use time::{Date, Duration, Month};

use crate::status::ProviderClientStatus;

/// A client notified less than this many days ago is not notified again unless the run is
/// forced (MIROW: one notice is as effective as three; repeated letters annoy families).
pub const RERUN_DAYS: i64 = 30;

/// Furthest the "as of" day may be from today, either way.
pub const AS_OF_REACH_DAYS: i64 = 366;

/// The CDSi vaccine groups a cohort may be limited to: the routine childhood, adolescent and
/// adult schedules. Travel vaccines (yellow fever, typhoid, rabies …) are given on request, not
/// recalled.
pub const ROUTINE_GROUPS: [&str; 16] = [
    "DTaP/Tdap/Td",
    "Polio",
    "MMR",
    "HepB",
    "HepA",
    "Hib",
    "Pneumococcal",
    "Rotavirus",
    "Varicella",
    "Influenza",
    "COVID-19",
    "HPV",
    "Meningococcal",
    "Meningococcal B",
    "Zoster",
    "RSV",
];

/// The comment code of a family that declined reminder/recall contact.
pub const DECLINED_COMMENT: &str = "reminder_recall_declined";

/// The comment code of an address mail came back from.
pub const MAIL_RETURNED_COMMENT: &str = "address_not_viable";

/// Which forecast rows make a client part of the cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// A dose is due (reminder).
    Due,
    /// A dose is past due (recall).
    Overdue,
    /// Either.
    DueOrOverdue,
}

impl Window {
    /// Every window.
    pub const ALL: [Window; 3] = [Window::Due, Window::Overdue, Window::DueOrOverdue];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Window::Due => "due",
            Window::Overdue => "overdue",
            Window::DueOrOverdue => "due_or_overdue",
        }
    }

    fn takes(self, status: RowStatus) -> bool {
        matches!(
            (self, status),
            (Window::Due | Window::DueOrOverdue, RowStatus::Due)
                | (Window::Overdue | Window::DueOrOverdue, RowStatus::Overdue)
        )
    }
}

/// How the clients are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Letters, postcards, mailing labels.
    Mail,
    /// A phone list.
    Phone,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 2] = [Method::Mail, Method::Phone];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Method::Mail => "mail",
            Method::Phone => "phone",
        }
    }
}

fn coded<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str, input: &str) -> Option<T> {
    all.iter().copied().find(|t| code(*t) == input.trim())
}

/// The cohort form, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CriteriaInput<'a> {
    /// First date of birth (with `born_to`), or blank for an age range.
    pub born_from: &'a str,
    /// Last date of birth.
    pub born_to: &'a str,
    /// Youngest age in whole months (with `age_to_months`), or blank for a birth range.
    pub age_from_months: &'a str,
    /// Oldest age in whole months.
    pub age_to_months: &'a str,
    /// The day the forecast is made for (blank: today).
    pub as_of: &'a str,
    /// `due`, `overdue` or `due_or_overdue`.
    pub window: &'a str,
    /// `mail` or `phone`.
    pub method: &'a str,
    /// CDSi vaccine groups to look at; none for all.
    pub vaccine_groups: &'a [String],
    /// A county of residence, or blank for all.
    pub county: &'a str,
    /// Only clients not notified on or after this day (blank: no such limit).
    pub last_notice_before: &'a str,
    /// Notify again clients notified less than [`RERUN_DAYS`] ago.
    pub force: bool,
}

/// A cohort, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecallCriteria {
    /// First date of birth.
    pub born_from: Date,
    /// Last date of birth.
    pub born_to: Date,
    /// The day the forecast is made for.
    pub as_of: Date,
    /// Due, overdue or both.
    pub window: Window,
    /// Mail or phone.
    pub method: Method,
    /// Vaccine groups looked at (empty: all).
    pub vaccine_groups: Vec<String>,
    /// County of residence (as typed, compared without case).
    pub county: Option<String>,
    /// Only clients not notified on or after this day.
    pub last_notice_before: Option<Date>,
    /// Notify again within [`RERUN_DAYS`].
    pub force: bool,
}

/// `date` minus `months` calendar months, the day kept or, past the month's end, its last day.
pub fn months_before(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 - months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).expect("0..12 + 1 is a month");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("the day fits the month")
}

fn months_field(field: &str, input: &str) -> Result<u32, Issue> {
    match input.trim().parse::<u32>() {
        Ok(n) if n <= 1_440 => Ok(n),
        _ => Err(Issue::new(
            field,
            "Enter an age in whole months (0 to 1440).",
        )),
    }
}

fn optional_date(field: &str, input: &str) -> Result<Option<Date>, Issue> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    UsDate::parse_field(field, input).map(|d| Some(d.date()))
}

impl RecallCriteria {
    /// Parses the cohort form: a birth range or an age range (in months, as of the "as of"
    /// day), a window, a method and vaccine groups among `known_groups`; `today` bounds the
    /// "as of" day. Every problem is reported on its field.
    pub fn parse(
        input: &CriteriaInput<'_>,
        known_groups: &[&str],
        today: Date,
    ) -> Result<RecallCriteria, ValidationError> {
        let mut issues = IssueCollector::new();
        let as_of = match issues.take(optional_date("asOf", input.as_of)) {
            Some(Some(d)) => {
                if (d - today).whole_days().abs() > AS_OF_REACH_DAYS {
                    issues.push(Issue::new("asOf", "Choose a day within a year of today."));
                }
                Some(d)
            }
            Some(None) => Some(today),
            None => None,
        };
        let window = coded(&Window::ALL, Window::code, input.window);
        if window.is_none() {
            issues.push(Issue::new("window", "Choose due, overdue, or both."));
        }
        let method = coded(&Method::ALL, Method::code, input.method);
        if method.is_none() {
            issues.push(Issue::new("method", "Choose mail or phone."));
        }
        let by_birth = !input.born_from.trim().is_empty() || !input.born_to.trim().is_empty();
        let by_age =
            !input.age_from_months.trim().is_empty() || !input.age_to_months.trim().is_empty();
        let mut range = None;
        if by_birth && by_age {
            issues.push(Issue::new(
                "ageFromMonths",
                "Give dates of birth or ages, not both.",
            ));
        } else if by_age {
            let from = issues.take(months_field("ageFromMonths", input.age_from_months));
            let to = issues.take(months_field("ageToMonths", input.age_to_months));
            if let (Some(from), Some(to), Some(as_of)) = (from, to, as_of) {
                if from > to {
                    issues.push(Issue::new(
                        "ageToMonths",
                        "The oldest age is younger than the youngest.",
                    ));
                } else {
                    // Aged `to` months means born after the day `to + 1` months before.
                    let born_from = months_before(as_of, to + 1) + Duration::days(1);
                    range = Some((born_from, months_before(as_of, from)));
                }
            }
        } else {
            let from = issues.take(UsDate::parse_field("bornFrom", input.born_from));
            let to = issues.take(UsDate::parse_field("bornTo", input.born_to));
            if let (Some(from), Some(to)) = (from, to) {
                if from > to {
                    issues.push(Issue::new(
                        "bornTo",
                        "The last date of birth comes before the first.",
                    ));
                } else {
                    range = Some((from.date(), to.date()));
                }
            }
        }
        if let (Some((from, _)), Some(as_of)) = (range, as_of) {
            if from > as_of {
                issues.push(Issue::new(
                    "bornFrom",
                    "Nobody in this range is born by the day of the forecast.",
                ));
            }
        }
        let mut vaccine_groups = Vec::new();
        for (i, group) in input.vaccine_groups.iter().enumerate() {
            match known_groups.iter().find(|k| **k == group.trim()) {
                Some(k) if !vaccine_groups.iter().any(|g: &String| g == k) => {
                    vaccine_groups.push((*k).to_string())
                }
                Some(_) => {}
                None => issues.push(Issue::new(
                    format!("vaccineGroups[{i}]"),
                    "Not a vaccine group of the forecaster.",
                )),
            }
        }
        let county = input.county.trim();
        if county.chars().count() > 60 {
            issues.push(Issue::new("county", "A county name is at most 60 letters."));
        }
        let last_notice_before = issues
            .take(optional_date("lastNoticeBefore", input.last_notice_before))
            .flatten();
        issues.finish()?;
        match (as_of, window, method, range) {
            (Some(as_of), Some(window), Some(method), Some((born_from, born_to))) => {
                Ok(RecallCriteria {
                    born_from,
                    born_to,
                    as_of,
                    window,
                    method,
                    vaccine_groups,
                    county: (!county.is_empty()).then(|| county.to_string()),
                    last_notice_before,
                    force: input.force,
                })
            }
            _ => Err(ValidationError::single("bornFrom", "Check the cohort.")),
        }
    }

    /// Whether a client living in `county` is in the cohort's area.
    pub fn covers_county(&self, county: Option<&str>) -> bool {
        match &self.county {
            None => true,
            Some(wanted) => county.is_some_and(|c| c.trim().eq_ignore_ascii_case(wanted)),
        }
    }
}

/// A vaccine group a client is due or overdue for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecallGroup {
    /// CDSi vaccine group (supporting-data name).
    pub vaccine_group: String,
    /// Past its past-due date.
    pub overdue: bool,
    /// The dose number due.
    pub dose_number: Option<u32>,
    /// Recommended date of that dose.
    pub recommended: Option<Date>,
    /// Its past-due date.
    pub past_due: Option<Date>,
    /// The CVX codes the forecaster recommends for it.
    pub recommended_cvx: Vec<u16>,
}

/// The groups of a forecast that put the client in the cohort: rows due or overdue as the
/// window asks, of the groups chosen, and not shared clinical decisions (COVID-19 or MenB in
/// some ages are decided with the clinician, not recalled).
pub fn due_groups(rows: &[GroupRow], criteria: &RecallCriteria) -> Vec<RecallGroup> {
    rows.iter()
        .filter(|r| criteria.window.takes(r.status))
        .filter(|r| r.shared_decision != SharedDecision::Series)
        .filter(|r| {
            criteria.vaccine_groups.is_empty() || criteria.vaccine_groups.contains(&r.vaccine_group)
        })
        .map(|r| RecallGroup {
            vaccine_group: r.vaccine_group.clone(),
            overdue: r.status == RowStatus::Overdue,
            dose_number: r.dose_number,
            recommended: r.recommended.map(crate::school::time_date),
            past_due: r.past_due.map(crate::school::time_date),
            recommended_cvx: r.recommended_vaccines.clone(),
        })
        .collect()
}

/// Why a due client is not notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// A status at the organization other than active.
    Inactive(ProviderClientStatus),
    /// The family declined reminder/recall contact.
    Declined,
    /// The record is not shared with the organization (no consent).
    NoConsent,
    /// By mail: no street, city, state or ZIP, or mail came back.
    NoViableAddress,
    /// By phone: no phone number.
    NoPhone,
    /// Notified less than [`RERUN_DAYS`] days ago.
    NotifiedRecently,
    /// Notified on or after the cohort's "last notice before" day.
    NotifiedSince,
}

impl Exclusion {
    /// Stable code: `inactive_<status>` for a status, else the reason.
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::Inactive(s) => match s {
                ProviderClientStatus::Active => "inactive_active",
                ProviderClientStatus::Inactive => "inactive_inactive",
                ProviderClientStatus::LostToFollowUp => "inactive_lost_to_follow_up",
                ProviderClientStatus::Moved => "inactive_moved",
                ProviderClientStatus::PermanentlyInactive => "inactive_permanently_inactive",
                ProviderClientStatus::Deceased => "inactive_deceased",
                ProviderClientStatus::Unknown => "inactive_unknown",
            },
            Exclusion::Declined => "declined",
            Exclusion::NoConsent => "no_consent",
            Exclusion::NoViableAddress => "no_viable_address",
            Exclusion::NoPhone => "no_phone",
            Exclusion::NotifiedRecently => "notified_recently",
            Exclusion::NotifiedSince => "notified_since",
        }
    }
}

/// A mailing address as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MailingAddress {
    /// Street.
    pub line1: Option<String>,
    /// Apartment, suite.
    pub line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State (two letters).
    pub state: Option<String>,
    /// County.
    pub county: Option<String>,
    /// ZIP (5 or 9 digits).
    pub zip: Option<String>,
}

impl MailingAddress {
    /// Whether a letter can be addressed: street, city, state and ZIP all there.
    pub fn is_complete(&self) -> bool {
        [&self.line1, &self.city, &self.state, &self.zip]
            .iter()
            .all(|p| p.as_deref().is_some_and(|s| !s.trim().is_empty()))
    }
}

/// What the exclusions read of a due client.
#[derive(Debug, Clone, Copy)]
pub struct ContactFacts<'a> {
    /// Status at the organization.
    pub status: ProviderClientStatus,
    /// Coded comments in force on the day of the run.
    pub comments_in_force: &'a [&'a str],
    /// Whether the organization may see the whole record (consent).
    pub shared: bool,
    /// The address.
    pub address: &'a MailingAddress,
    /// Whether a phone number is on record (the client's or the primary guardian's).
    pub has_phone: bool,
    /// The day of the last notice from this organization.
    pub last_notice: Option<Date>,
}

/// The first exclusion that applies to a due client on `today`, in the order of the module
/// docs, or `None` when they are notified.
pub fn exclusion(
    criteria: &RecallCriteria,
    facts: &ContactFacts<'_>,
    today: Date,
) -> Option<Exclusion> {
    if facts.status != ProviderClientStatus::Active {
        return Some(Exclusion::Inactive(facts.status));
    }
    if facts.comments_in_force.contains(&DECLINED_COMMENT) {
        return Some(Exclusion::Declined);
    }
    if !facts.shared {
        return Some(Exclusion::NoConsent);
    }
    match criteria.method {
        Method::Mail
            if !facts.address.is_complete()
                || facts.comments_in_force.contains(&MAIL_RETURNED_COMMENT) =>
        {
            return Some(Exclusion::NoViableAddress)
        }
        Method::Phone if !facts.has_phone => return Some(Exclusion::NoPhone),
        _ => {}
    }
    if let Some(last) = facts.last_notice {
        if !criteria.force && (today - last).whole_days() < RERUN_DAYS {
            return Some(Exclusion::NotifiedRecently);
        }
        if criteria
            .last_notice_before
            .is_some_and(|before| last >= before)
        {
            return Some(Exclusion::NotifiedSince);
        }
    }
    None
}

#[cfg(test)]
mod tests;
