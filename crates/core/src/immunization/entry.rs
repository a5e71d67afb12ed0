//! The rules a dose must pass before it is recorded.
//!
//! Some facts make a record wrong and are refused ([`Issue`]s naming the field): a date before
//! birth or in the future; an administered dose recorded with a code that is not a vaccine
//! (998 "no vaccine administered", 999 "unknown") or with an "unspecified formulation" code;
//! an administered dose from a lot that has expired, belongs to another organization, is of
//! another vaccine or has no doses left.
//!
//! Others are unusual but may be exactly what happened, so they are [`Warning`]s the user
//! confirms: another dose of the same vaccine group within [`DUPLICATE_WINDOW_DAYS`] days (a
//! possible duplicate), a product given outside its licensed ages, a CVX that CDC lists as
//! inactive for a dose in the last year.

use time::{Date, Duration};

use crate::codes::Cvx;
use crate::date::UsDate;
use crate::error::Issue;
use crate::ids::OrganizationId;

use super::licensed_age::licensed_ages;

/// Doses of one vaccine group closer than this many days are flagged as possible duplicates.
pub const DUPLICATE_WINDOW_DAYS: i64 = 7;

/// A dose of a CVX that CDC marks inactive is flagged when it is more recent than this.
pub const INACTIVE_RECENT_DAYS: i64 = 365;

/// Routes of administration (HL7 table 0162) a form offers.
pub const ROUTES: [&str; 5] = ["IM", "SC", "ID", "IN", "PO"];

/// Administration sites (HL7 table 0163) a form offers.
pub const SITES: [&str; 12] = [
    "LT", "RT", "LVL", "RVL", "LD", "RD", "LA", "RA", "LG", "RG", "LLFA", "RLFA",
];

/// VFC eligibility at the dose (HL7 table 0064): not eligible, Medicaid, uninsured, American
/// Indian / Alaska Native, underinsured at an FQHC/RHC, state- and local-specific.
pub const VFC_ELIGIBILITY: [&str; 7] = ["V01", "V02", "V03", "V04", "V05", "V06", "V07"];

/// Parses an optional coded field: empty is `None`; anything else must be one of `codes`.
pub fn optional_code(field: &str, input: &str, codes: &[&str]) -> Result<Option<String>, Issue> {
    let value = input.trim().to_ascii_uppercase();
    if value.is_empty() {
        return Ok(None);
    }
    if codes.contains(&value.as_str()) {
        Ok(Some(value))
    } else {
        Err(Issue::new(
            field,
            format!("'{value}' is not one of the codes {}.", codes.join(", ")),
        ))
    }
}

/// Parses an optional dose volume in mL (0 < v ≤ 5; RXA-6).
pub fn optional_volume(field: &str, volume: Option<f64>) -> Result<Option<f64>, Issue> {
    match volume {
        None => Ok(None),
        Some(v) if v > 0.0 && v <= 5.0 => Ok(Some(v)),
        Some(_) => Err(Issue::new(field, "Enter the dose volume in mL, e.g. 0.5.")),
    }
}

/// Parses an optional free-text name (clinician, provider) of at most 100 characters.
pub fn optional_text(field: &str, input: &str) -> Result<Option<String>, Issue> {
    let value = input.trim();
    if value.chars().count() > 100 {
        return Err(Issue::new(field, "Use at most 100 characters."));
    }
    Ok((!value.is_empty()).then(|| value.to_string()))
}

/// Parses the reason for an edit or a void: required, at most 200 characters.
pub fn change_reason(field: &str, input: &str) -> Result<String, Issue> {
    let value = input.trim();
    if value.is_empty() {
        return Err(Issue::new(
            field,
            "Say why (for example: entered on the wrong client).",
        ));
    }
    if value.chars().count() > 200 {
        return Err(Issue::new(field, "Use at most 200 characters."));
    }
    Ok(value.to_string())
}

/// Who gave the dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseSource {
    /// Given here, by the recording organization (HL7 RXA-9 `00`, new record).
    Administered,
    /// Given elsewhere, copied from a shot card or another record (RXA-9 `01`).
    Historical,
}

impl DoseSource {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            DoseSource::Administered => "administered",
            DoseSource::Historical => "historical",
        }
    }
}

/// What the registry's CDC tables say about a CVX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaccineFacts {
    /// The code.
    pub cvx: Cvx,
    /// CDC short description.
    pub short_description: String,
    /// CDC status: Active, Inactive, Non-US, Never Active.
    pub status: String,
    /// Vaccine groups the CVX counts for.
    pub groups: Vec<String>,
}

impl VaccineFacts {
    fn is_unspecified_formulation(&self) -> bool {
        self.short_description
            .to_ascii_lowercase()
            .contains("unspecified")
    }
}

/// The inventory lot an administered dose is drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotFacts {
    /// Lot number, for messages.
    pub lot_number: String,
    /// Organization that holds the lot.
    pub organization_id: OrganizationId,
    /// The lot's vaccine.
    pub cvx: Cvx,
    /// Last day the lot may be used.
    pub expires_on: Date,
    /// Doses on hand.
    pub on_hand: i64,
}

/// Another dose of the client (recorded, or entered in the same batch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherDose {
    /// Date given.
    pub administered_on: Date,
    /// Its vaccine groups.
    pub groups: Vec<String>,
}

/// Everything the rules look at for one dose.
#[derive(Debug, Clone)]
pub struct DoseFacts<'a> {
    /// Prefix of the request's field paths (`""`, or `"doses[2]."` in a batch).
    pub field_prefix: &'a str,
    /// The client's date of birth.
    pub date_of_birth: Date,
    /// Today.
    pub today: Date,
    /// Date given.
    pub administered_on: Date,
    /// Administered here or historical.
    pub source: DoseSource,
    /// The vaccine.
    pub vaccine: &'a VaccineFacts,
    /// The lot, for an administered dose drawn from inventory.
    pub lot: Option<&'a LotFacts>,
    /// The organization recording the dose.
    pub organization_id: OrganizationId,
    /// The client's other doses (not voided), including the rest of the batch.
    pub other_doses: &'a [OtherDose],
}

/// Why a warning was raised; the UI may style them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// Another dose of the same vaccine group a few days apart.
    PossibleDuplicate,
    /// The product's licensed ages do not include the client's age that day.
    OutsideLicensedAge,
    /// CDC lists the CVX as inactive, yet the dose is recent.
    InactiveVaccine,
}

impl WarningKind {
    /// Stable code for the UI.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::PossibleDuplicate => "possible_duplicate",
            WarningKind::OutsideLicensedAge => "outside_licensed_age",
            WarningKind::InactiveVaccine => "inactive_vaccine",
        }
    }
}

/// Something unusual that the user must confirm before the dose is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Field path, like an [`Issue`]'s.
    pub field: String,
    /// Which rule.
    pub kind: WarningKind,
    /// A sentence for the user.
    pub message: String,
}

/// Checks one dose: `Err` lists what makes it unrecordable, `Ok` lists what needs confirming.
pub fn check_dose(facts: &DoseFacts<'_>) -> Result<Vec<Warning>, Vec<Issue>> {
    let field = |name: &str| format!("{}{name}", facts.field_prefix);
    let on = facts.administered_on;
    let shown = UsDate::from_date(on);
    let mut issues = Vec::new();

    if on > facts.today {
        issues.push(Issue::new(
            field("administeredOn"),
            format!("The date given, {shown}, is in the future."),
        ));
    }
    // The birth date itself is never quoted: messages can end up in logs.
    if on < facts.date_of_birth {
        issues.push(Issue::new(
            field("administeredOn"),
            format!("The date given, {shown}, is before the client was born."),
        ));
    }
    let vaccine = facts.vaccine;
    if facts.source == DoseSource::Administered {
        if vaccine.cvx.is_placeholder() {
            issues.push(Issue::new(
                field("cvx"),
                format!(
                    "CVX {} ({}) is not a vaccine; an administered dose needs the vaccine that was given.",
                    vaccine.cvx, vaccine.short_description
                ),
            ));
        } else if vaccine.is_unspecified_formulation() {
            issues.push(Issue::new(
                field("cvx"),
                format!(
                    "CVX {} ({}) is for historical records only; choose the product that was given.",
                    vaccine.cvx, vaccine.short_description
                ),
            ));
        }
    }
    if let Some(lot) = facts.lot {
        let lot_field = field("lotId");
        if lot.organization_id != facts.organization_id {
            issues.push(Issue::new(
                &lot_field,
                format!(
                    "Lot {} belongs to another organization's inventory; choose one of yours.",
                    lot.lot_number
                ),
            ));
        }
        if lot.expires_on < on {
            issues.push(Issue::new(
                &lot_field,
                format!(
                    "Lot {} expired on {}; it cannot be given on {shown}.",
                    lot.lot_number,
                    UsDate::from_date(lot.expires_on)
                ),
            ));
        }
        if lot.cvx != vaccine.cvx {
            issues.push(Issue::new(
                &lot_field,
                format!(
                    "Lot {} is CVX {}, not the CVX {} chosen.",
                    lot.lot_number, lot.cvx, vaccine.cvx
                ),
            ));
        }
        if lot.on_hand <= 0 {
            issues.push(Issue::new(
                &lot_field,
                format!(
                    "Lot {} has no doses left on hand; receive stock or choose another lot.",
                    lot.lot_number
                ),
            ));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }

    let mut warnings = Vec::new();
    let duplicate = facts.other_doses.iter().find(|other| {
        (other.administered_on - on).abs() < Duration::days(DUPLICATE_WINDOW_DAYS)
            && other.groups.iter().any(|g| vaccine.groups.contains(g))
    });
    if let Some(other) = duplicate {
        let group = other
            .groups
            .iter()
            .find(|g| vaccine.groups.contains(g))
            .cloned()
            .unwrap_or_default();
        warnings.push(Warning {
            field: field("administeredOn"),
            kind: WarningKind::PossibleDuplicate,
            message: format!(
                "The client already has a {group} dose on {}; is this a duplicate?",
                UsDate::from_date(other.administered_on)
            ),
        });
    }
    if let Some(range) = licensed_ages(vaccine.cvx.as_str()) {
        let too_young = on < range.min.after(facts.date_of_birth);
        let too_old = range
            .before
            .is_some_and(|max| on >= max.after(facts.date_of_birth));
        if too_young || too_old {
            warnings.push(Warning {
                field: field("cvx"),
                kind: WarningKind::OutsideLicensedAge,
                message: format!(
                    "{} (CVX {}) is licensed for ages {}; the client was {} on {shown}.",
                    vaccine.short_description,
                    vaccine.cvx,
                    range.describe(),
                    if too_young { "younger" } else { "older" },
                ),
            });
        }
    }
    if vaccine.status.eq_ignore_ascii_case("Inactive")
        && !vaccine.cvx.is_placeholder()
        && facts.today - on <= Duration::days(INACTIVE_RECENT_DAYS)
    {
        warnings.push(Warning {
            field: field("cvx"),
            kind: WarningKind::InactiveVaccine,
            message: format!(
                "CDC lists CVX {} ({}) as inactive, but the dose is recent; check the vaccine.",
                vaccine.cvx, vaccine.short_description
            ),
        });
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);
    const BORN: Date = date!(2025 - 05 - 10);

    fn vaccine(cvx: &str, description: &str, status: &str, groups: &[&str]) -> VaccineFacts {
        VaccineFacts {
            cvx: Cvx::parse(cvx).unwrap(),
            short_description: description.into(),
            status: status.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    fn mmr() -> VaccineFacts {
        vaccine("03", "MMR", "Active", &["MMR"])
    }

    struct Case {
        org: OrganizationId,
        vaccine: VaccineFacts,
        lot: Option<LotFacts>,
        on: Date,
        source: DoseSource,
        others: Vec<OtherDose>,
    }

    impl Case {
        fn new(vaccine: VaccineFacts, on: Date) -> Self {
            Self {
                org: OrganizationId::new(),
                vaccine,
                lot: None,
                on,
                source: DoseSource::Administered,
                others: Vec::new(),
            }
        }

        fn with_lot(mut self, expires_on: Date, on_hand: i64) -> Self {
            self.lot = Some(LotFacts {
                lot_number: "R024551".into(),
                organization_id: self.org,
                cvx: self.vaccine.cvx.clone(),
                expires_on,
                on_hand,
            });
            self
        }

        fn check(&self) -> Result<Vec<Warning>, Vec<Issue>> {
            check_dose(&DoseFacts {
                field_prefix: "",
                date_of_birth: BORN,
                today: TODAY,
                administered_on: self.on,
                source: self.source,
                vaccine: &self.vaccine,
                lot: self.lot.as_ref(),
                organization_id: self.org,
                other_doses: &self.others,
            })
        }

        fn refused_on(&self, field: &str) -> String {
            let issues = self.check().expect_err("the dose should be refused");
            let issue = issues
                .iter()
                .find(|i| i.field == field)
                .unwrap_or_else(|| panic!("no issue on {field}: {issues:?}"));
            issue.message.clone()
        }

        fn warnings(&self) -> Vec<Warning> {
            self.check().expect("the dose should be accepted")
        }
    }

    #[test]
    fn an_ordinary_dose_passes_without_warnings() {
        let case = Case::new(mmr(), date!(2026 - 05 - 12)).with_lot(date!(2027 - 01 - 31), 9);
        assert_eq!(case.warnings(), vec![]);
    }

    #[test]
    fn a_date_in_the_future_is_refused_on_the_date_field() {
        let message = Case::new(mmr(), date!(2026 - 11 - 23)).refused_on("administeredOn");
        assert!(
            message.contains("11/23/2026") && message.contains("future"),
            "{message}"
        );
    }

    #[test]
    fn a_date_before_birth_is_refused_without_quoting_the_birth_date() {
        let mut case = Case::new(mmr(), date!(2025 - 05 - 09));
        case.source = DoseSource::Historical;
        let message = case.refused_on("administeredOn");
        assert!(message.contains("before the client was born"), "{message}");
        assert!(!message.contains("05/10/2025"), "{message}");
    }

    #[test]
    fn code_998_is_refused_for_an_administered_dose_but_kept_for_history() {
        let none = vaccine("998", "no vaccine administered", "Inactive", &[]);
        let message = Case::new(none.clone(), date!(2026 - 06 - 01)).refused_on("cvx");
        assert!(message.contains("not a vaccine"), "{message}");
        let mut historical = Case::new(none, date!(2026 - 06 - 01));
        historical.source = DoseSource::Historical;
        assert!(historical.check().is_ok());
    }

    #[test]
    fn an_unspecified_formulation_is_refused_for_an_administered_dose() {
        let flu = vaccine(
            "88",
            "influenza, unspecified formulation",
            "Inactive",
            &["FLU"],
        );
        let message = Case::new(flu, date!(2026 - 10 - 01)).refused_on("cvx");
        assert!(message.contains("historical records only"), "{message}");
    }

    #[test]
    fn an_expired_lot_is_refused_on_the_lot_field() {
        let case = Case::new(mmr(), date!(2026 - 06 - 01)).with_lot(date!(2026 - 05 - 31), 9);
        let message = case.refused_on("lotId");
        assert!(message.contains("expired on 05/31/2026"), "{message}");
    }

    #[test]
    fn a_lot_may_be_used_on_its_expiry_day() {
        let case = Case::new(mmr(), date!(2026 - 06 - 01)).with_lot(date!(2026 - 06 - 01), 9);
        assert!(case.check().is_ok());
    }

    #[test]
    fn another_organizations_lot_is_refused() {
        let mut case = Case::new(mmr(), date!(2026 - 06 - 01)).with_lot(date!(2027 - 01 - 01), 9);
        case.org = OrganizationId::new();
        assert!(case.refused_on("lotId").contains("another organization"));
    }

    #[test]
    fn a_lot_of_another_vaccine_or_without_stock_is_refused() {
        let mut case = Case::new(mmr(), date!(2026 - 06 - 01)).with_lot(date!(2027 - 01 - 01), 0);
        assert!(case.refused_on("lotId").contains("no doses left"));
        case = case.with_lot(date!(2027 - 01 - 01), 5);
        case.vaccine = vaccine("21", "varicella", "Active", &["VARICELLA"]);
        assert!(case.refused_on("lotId").contains("CVX 03"));
    }

    #[test]
    fn every_refusal_is_reported_at_once() {
        let none = vaccine("998", "no vaccine administered", "Inactive", &[]);
        let issues = Case::new(none, date!(2027 - 01 - 01)).check().unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, vec!["administeredOn", "cvx"]);
    }

    #[test]
    fn a_dose_of_the_same_group_within_days_is_a_possible_duplicate() {
        let mut case = Case::new(mmr(), date!(2026 - 06 - 01));
        case.others.push(OtherDose {
            administered_on: date!(2026 - 05 - 28),
            groups: vec!["MMR".into()],
        });
        let warnings = case.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].kind, WarningKind::PossibleDuplicate);
        assert_eq!(warnings[0].field, "administeredOn");
        assert!(warnings[0].message.contains("05/28/2026"));
    }

    #[test]
    fn doses_of_other_groups_or_weeks_apart_are_not_duplicates() {
        let mut case = Case::new(mmr(), date!(2026 - 06 - 01));
        case.others.push(OtherDose {
            administered_on: date!(2026 - 06 - 01),
            groups: vec!["VARICELLA".into()],
        });
        case.others.push(OtherDose {
            administered_on: date!(2026 - 05 - 25),
            groups: vec!["MMR".into()],
        });
        assert_eq!(case.warnings(), vec![]);
    }

    #[test]
    fn a_product_outside_its_licensed_ages_is_a_warning_on_the_vaccine() {
        // MMR is licensed from 12 months; the client is 6 months old.
        let warnings = Case::new(mmr(), date!(2025 - 11 - 10)).warnings();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].kind, WarningKind::OutsideLicensedAge);
        assert_eq!(warnings[0].field, "cvx");
        assert!(
            warnings[0].message.contains("younger"),
            "{}",
            warnings[0].message
        );
        // RotaTeq's last dose is by 32 weeks.
        let rota = vaccine("116", "rotavirus, pentavalent", "Active", &["ROTAVIRUS"]);
        let late = Case::new(rota, BORN + Duration::weeks(40)).warnings();
        assert!(late[0].message.contains("older"), "{}", late[0].message);
    }

    #[test]
    fn an_inactive_cvx_is_a_warning_only_for_recent_doses() {
        let dtp = vaccine("01", "DTP", "Inactive", &["DTAP"]);
        let mut recent = Case::new(dtp.clone(), date!(2026 - 07 - 01));
        recent.source = DoseSource::Historical;
        let warnings = recent.warnings();
        assert_eq!(warnings[0].kind, WarningKind::InactiveVaccine);
        let mut old = Case::new(dtp, date!(2025 - 07 - 01));
        old.source = DoseSource::Historical;
        assert!(old
            .warnings()
            .iter()
            .all(|w| w.kind != WarningKind::InactiveVaccine));
    }

    #[test]
    fn batch_fields_carry_the_row_prefix() {
        let v = mmr();
        let issues = check_dose(&DoseFacts {
            field_prefix: "doses[2].",
            date_of_birth: BORN,
            today: TODAY,
            administered_on: date!(2030 - 01 - 01),
            source: DoseSource::Historical,
            vaccine: &v,
            lot: None,
            organization_id: OrganizationId::new(),
            other_doses: &[],
        })
        .unwrap_err();
        assert_eq!(issues[0].field, "doses[2].administeredOn");
    }

    #[test]
    fn coded_fields_accept_their_table_and_name_the_field_otherwise() {
        assert_eq!(
            optional_code("route", " im ", &ROUTES),
            Ok(Some("IM".into()))
        );
        assert_eq!(optional_code("route", "", &ROUTES), Ok(None));
        assert_eq!(
            optional_code("site", "XX", &SITES).unwrap_err().field,
            "site"
        );
        assert!(optional_volume("doseVolumeMl", Some(0.0)).is_err());
        assert_eq!(optional_volume("doseVolumeMl", Some(0.5)), Ok(Some(0.5)));
        assert!(change_reason("reason", "  ").is_err());
        assert_eq!(change_reason("reason", " duplicate ").unwrap(), "duplicate");
    }
}
