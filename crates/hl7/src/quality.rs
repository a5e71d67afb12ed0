//! Data-quality checks across fields, modelled on AIRA's MQE validator (interop note §A2):
//! its default-ERROR detections reject (the message when they concern the patient or the
//! header, the vaccination when they concern a dose); the others warn or inform.
//!
//! The readers in [`crate::vxu`] already report a field that cannot be read; these checks
//! report what is missing, illogical or not usable once the fields are read.

use time::Date;

use shotbook_core::person::PersonName;

use crate::codes::CodeSets;
use crate::issue::{Hl7Issue, Location, Problem, Scope};
use crate::vxu::{Action, Completion, InformationSource, Patient, Vaccination, Vxu};

/// The oldest a patient can be: the registry's own limit for a date of birth.
const MAX_AGE_YEARS: i32 = 130;

/// Adds an issue for every MQE-style detection in `vxu`.
pub fn check_vxu(vxu: &Vxu, today: Date, codes: &CodeSets, issues: &mut Vec<Hl7Issue>) {
    let already = |issues: &[Hl7Issue], p: Problem| issues.iter().any(|i| i.problem == p);
    match &vxu.patient {
        None => issues.push(Hl7Issue::new(
            Problem::PatientMissing,
            Some(Location::segment("PID", 1)),
            "The message has no PID segment; message rejected.",
        )),
        Some(patient) => {
            let birth_invalid = already(issues, Problem::BirthDateInvalid);
            check_patient(patient, today, birth_invalid, issues);
        }
    }
    let birth = vxu.patient.as_ref().and_then(|p| p.birth_date);
    let death = vxu.patient.as_ref().and_then(|p| p.death_date);
    for v in &vxu.vaccinations {
        check_vaccination(v, birth, death, vxu.header.sent_on, today, codes, issues);
    }
}

fn pid(field: u32, component: u32) -> Option<Location> {
    Some(Location::at("PID", 1, field, component))
}

fn check_patient(patient: &Patient, today: Date, birth_invalid: bool, issues: &mut Vec<Hl7Issue>) {
    if patient.identifiers.is_empty() {
        issues.push(Hl7Issue::new(
            Problem::PatientIdentifierMissing,
            pid(3, 0),
            "Patient identifier (PID-3) is missing; message rejected.",
        ));
    } else {
        for (i, id) in patient.identifiers.iter().enumerate() {
            if id.type_code.is_empty() {
                let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
                issues.push(Hl7Issue::new(
                    Problem::PatientIdentifierTypeMissing,
                    pid(3, 5).map(|l| l.in_repetition(n)),
                    "Patient identifier type (PID-3.5) is missing; message rejected.",
                ));
            }
        }
        if !patient.identifiers.iter().any(|id| id.type_code == "MR") {
            issues.push(Hl7Issue::new(
                Problem::PatientRecordNumberMissing,
                pid(3, 0),
                "No medical record number (PID-3 of type MR): later updates cannot find this patient by the sender's ID.",
            ));
        }
    }
    let name = &patient.name;
    for (text, component, missing, invalid, what) in [
        (
            &name.family,
            1,
            Problem::LastNameMissing,
            Problem::LastNameInvalid,
            "Last name (PID-5.1)",
        ),
        (
            &name.given,
            2,
            Problem::FirstNameMissing,
            Problem::FirstNameInvalid,
            "First name (PID-5.2)",
        ),
    ] {
        if text.is_empty() {
            issues.push(Hl7Issue::new(
                missing,
                pid(5, component),
                format!("{what} is missing; message rejected."),
            ));
        } else if let Err(e) = PersonName::parse_field("", text) {
            issues.push(Hl7Issue::new(
                invalid,
                pid(5, component),
                format!("{what} is not a name: {} Message rejected.", e.message),
            ));
        }
    }
    if !name.middle.is_empty() && PersonName::parse_field("", &name.middle).is_err() {
        issues.push(Hl7Issue::new(
            Problem::MiddleNameInvalid,
            pid(5, 3),
            "Middle name (PID-5.3) is not a name; ignored.",
        ));
    }
    if let Some(m) = &patient.mother_maiden_name {
        if PersonName::parse_field("", m).is_err() {
            issues.push(Hl7Issue::new(
                Problem::MotherMaidenNameInvalid,
                pid(6, 1),
                "Mother's maiden name (PID-6) is not a name; ignored.",
            ));
        }
    }
    match patient.birth_date {
        None if !birth_invalid => issues.push(Hl7Issue::new(
            Problem::BirthDateMissing,
            pid(7, 0),
            "Birth date (PID-7) is missing; message rejected.",
        )),
        None => {}
        Some(dob) if dob > today => issues.push(Hl7Issue::new(
            Problem::BirthDateInFuture,
            pid(7, 0),
            "Birth date (PID-7) is in the future; message rejected.",
        )),
        Some(dob) if years_between(dob, today) > MAX_AGE_YEARS => issues.push(Hl7Issue::new(
            Problem::BirthDateTooLongAgo,
            pid(7, 0),
            format!("Birth date (PID-7) is more than {MAX_AGE_YEARS} years ago; message rejected."),
        )),
        Some(_) => {}
    }
    if patient.sex.is_none() && !has(issues, Problem::SexInvalid) {
        issues.push(Hl7Issue::new(
            Problem::SexMissing,
            pid(8, 0),
            "Sex (PID-8) is missing.",
        ));
    }
    if let (Some(death), Some(birth)) = (patient.death_date, patient.birth_date) {
        if death < birth || death > today {
            issues.push(Hl7Issue::new(
                Problem::DeathDateInvalid,
                pid(29, 0),
                "Death date (PID-29) is before birth or in the future; ignored.",
            ));
        }
    }
}

fn has(issues: &[Hl7Issue], problem: Problem) -> bool {
    issues.iter().any(|i| i.problem == problem)
}

fn years_between(from: Date, to: Date) -> i32 {
    let mut years = to.year() - from.year();
    if (u8::from(to.month()), to.day()) < (u8::from(from.month()), from.day()) {
        years -= 1;
    }
    years
}

fn check_vaccination(
    v: &Vaccination,
    birth: Option<Date>,
    death: Option<Date>,
    sent_on: Option<Date>,
    today: Date,
    codes: &CodeSets,
    issues: &mut Vec<Hl7Issue>,
) {
    let rxa =
        |field: u32, component: u32| Some(Location::at("RXA", v.rxa_sequence, field, component));
    // The reader already said an MVX was sent but unknown: "missing" would repeat it.
    let mvx_reported = issues.iter().any(|i| {
        i.problem == Problem::ManufacturerUnrecognized && i.scope == Scope::Vaccination(v.index)
    });
    let mut push = |problem: Problem, location: Option<Location>, message: String| {
        issues.push(Hl7Issue::new(problem, location, message).for_vaccination(v.index));
    };
    if let Some(on) = v.administered_on {
        if on > today {
            push(
                Problem::AdministeredDateInFuture,
                rxa(3, 0),
                "Date administered (RXA-3) is in the future; vaccination rejected.".into(),
            );
        } else if sent_on.is_some_and(|sent| on > sent) {
            push(
                Problem::AdministeredAfterMessage,
                rxa(3, 0),
                "Date administered (RXA-3) is after the message date (MSH-7).".into(),
            );
        }
        if birth.is_some_and(|b| on < b) {
            push(
                Problem::AdministeredBeforeBirth,
                rxa(3, 0),
                "Date administered (RXA-3) is before the birth date; vaccination rejected.".into(),
            );
        }
        if death.is_some_and(|d| on > d) {
            push(
                Problem::AdministeredAfterDeath,
                rxa(3, 0),
                "Date administered (RXA-3) is after the death date; vaccination rejected.".into(),
            );
        }
        if let Some(expiry) = v.lot_expires_on {
            if expiry < on && v.completion == Completion::Complete {
                push(
                    Problem::LotExpiredWhenGiven,
                    rxa(16, 0),
                    "The lot (RXA-16) had expired when the dose was given.".into(),
                );
            }
        }
    }
    // What a dose given by the sender must carry; a historical, refused or deleted one need not.
    let given_here = v.source == InformationSource::Administered
        && v.completion == Completion::Complete
        && v.action != Some(Action::Delete);
    if !given_here {
        return;
    }
    if let Some(cvx) = &v.cvx {
        if cvx.is_placeholder() {
            push(Problem::VaccineNotUsable, rxa(5, 1), format!("CVX {cvx} is not a vaccine; a dose given here needs the vaccine given. Vaccination rejected."));
        } else if let Some(entry) = codes.cvx.get(cvx.as_str()) {
            if entry.is_unspecified_formulation() {
                push(Problem::VaccineUnspecifiedFormulation, rxa(5, 1), format!("CVX {cvx} is an unspecified formulation; a dose given here should name the product."));
            } else if entry.is_never_given_here() {
                push(
                    Problem::VaccineInactive,
                    rxa(5, 1),
                    format!("CVX {cvx} is listed by CDC as {}.", entry.status),
                );
            }
        }
    }
    if v.lot_number.is_none() {
        push(
            Problem::LotMissing,
            rxa(15, 0),
            "Lot number (RXA-15) is missing for a dose given here.".into(),
        );
    }
    if v.mvx.is_none() && !mvx_reported {
        push(
            Problem::ManufacturerMissing,
            rxa(17, 0),
            "Manufacturer (RXA-17) is missing for a dose given here.".into(),
        );
    }
    if !v.has_rxr {
        push(
            Problem::RouteMissing,
            Some(Location::segment("RXA", v.rxa_sequence)),
            "No RXR (route and site) for a dose given here.".into(),
        );
    }
    if v.vfc_eligibility.is_none() {
        push(
            Problem::EligibilityMissing,
            Some(Location::segment("RXA", v.rxa_sequence)),
            "No VFC eligibility observation (OBX 64994-7) for a dose given here.".into(),
        );
    }
}
