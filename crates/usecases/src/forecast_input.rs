//! The forecaster's view of a stored client: what the CDC CDSi engine (`shotbook-forecast`)
//! reads of a record — date of birth, sex, every dose not voided, and the coded comments in force
//! on the assessment date as CDSi observations.
//!
//! One builder for every host: the app's "Vaccines recommended", the printed record, `shotbook
//! forecast --client` and the whole-registry forecast job all call [`patient_of`], so the
//! one-client forecast and the stored registry forecast cannot drift apart. Each store hands
//! its own rows in as the borrowed views below ([`StoredDose`], [`StoredComment`]).

use shotbook_core::demographics::comment_code;
use shotbook_forecast::{Date, DoseInput, Gender, ObservationInput, Patient};

/// A stored dose, as the builder reads it (text as stored: ISO dates, CVX as text).
#[derive(Debug, Clone, Copy)]
pub struct StoredDose<'a> {
    /// `completed`, or `entered_in_error` for a voided dose (left out).
    pub status: &'a str,
    /// CVX code as stored (placeholders such as 998 and 999 included).
    pub cvx: &'a str,
    /// MVX code, when known.
    pub mvx: Option<&'a str>,
    /// ISO date administered.
    pub administered_on: &'a str,
}

/// A stored coded client comment, as the builder reads it.
#[derive(Debug, Clone, Copy)]
pub struct StoredComment<'a> {
    /// Comment code (see `shotbook_core::demographics::comment_code`).
    pub code: &'a str,
    /// ISO date it applies from.
    pub applies_from: &'a str,
    /// ISO date it applies until (open-ended when `None`).
    pub applies_until: Option<&'a str>,
    /// Whether it was voided (left out).
    pub voided: bool,
}

/// Why a stored record cannot be forecast. The messages never quote the stored values (they
/// are dates of birth and dose dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ForecastInputError {
    /// The stored date of birth is not an ISO date.
    #[error("a stored date of birth is not ISO")]
    DateOfBirth,
    /// A stored dose date is not an ISO date.
    #[error("a stored dose date is not ISO")]
    DoseDate,
    /// A stored comment date is not an ISO date.
    #[error("a stored comment date is not ISO")]
    CommentDate,
}

/// The engine's patient for a stored client as of `on`, with the position in `doses` of each
/// [`Patient::doses`] entry (the engine reports doses by index; voided doses and codes that
/// are not numbers are skipped, so the two differ).
pub fn patient_of<'a>(
    date_of_birth: &str,
    gender: &str,
    doses: impl IntoIterator<Item = StoredDose<'a>>,
    comments: impl IntoIterator<Item = StoredComment<'a>>,
    on: Date,
) -> Result<(Patient, Vec<usize>), ForecastInputError> {
    let dob = Date::parse(date_of_birth).ok_or(ForecastInputError::DateOfBirth)?;
    let mut inputs = Vec::new();
    let mut positions = Vec::new();
    for (position, d) in doses.into_iter().enumerate() {
        // A voided dose was never given (entered in error): the forecast must not count it.
        if d.status != "completed" {
            continue;
        }
        // A code that is not a number is no CVX code; numeric ones, unknown or placeholder
        // (998, 999) included, go to the engine, which counts only vaccines its data maps.
        let Ok(cvx) = d.cvx.parse() else { continue };
        let date = Date::parse(d.administered_on).ok_or(ForecastInputError::DoseDate)?;
        inputs.push(DoseInput {
            cvx,
            mvx: d.mvx.map(str::to_string),
            date,
        });
        positions.push(position);
    }
    // Coded comments in force on the assessment date become CDSi observations (immunity,
    // contraindications, underlying conditions); the date they apply from is the observation
    // date some intervals count from (e.g. onset of pregnancy).
    let mut observations = Vec::new();
    for c in comments.into_iter().filter(|c| !c.voided) {
        let Some(code) = comment_code(c.code).and_then(|k| k.cdsi_observation) else {
            continue;
        };
        let from = Date::parse(c.applies_from).ok_or(ForecastInputError::CommentDate)?;
        let until = match c.applies_until {
            Some(u) => Some(Date::parse(u).ok_or(ForecastInputError::CommentDate)?),
            None => None,
        };
        if from <= on && until.is_none_or(|u| on <= u) {
            observations.push(ObservationInput {
                code: code.to_string(),
                date: Some(from),
            });
        }
    }
    let patient = Patient {
        dob,
        gender: match gender {
            "F" => Gender::Female,
            "M" => Gender::Male,
            _ => Gender::Unknown,
        },
        doses: inputs,
        observations,
    };
    Ok((patient, positions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dose<'a>(status: &'a str, cvx: &'a str, on: &'a str) -> StoredDose<'a> {
        StoredDose {
            status,
            cvx,
            mvx: None,
            administered_on: on,
        }
    }

    #[test]
    fn voided_doses_and_codes_that_are_not_numbers_are_left_out_and_positions_say_which_stayed() {
        let on = Date::parse("2026-12-07").unwrap();
        let (patient, positions) = patient_of(
            "2025-01-10",
            "F",
            [
                dose("completed", "08", "2025-01-10"),
                dose("entered_in_error", "20", "2025-03-10"),
                dose("completed", "unknown", "2025-03-11"),
                dose("completed", "20", "2025-03-12"),
            ],
            [],
            on,
        )
        .unwrap();
        assert_eq!(
            positions,
            vec![0, 3],
            "the voided dose and the non-code are skipped"
        );
        assert_eq!(patient.doses.len(), 2);
        assert_eq!(patient.doses[1].cvx, 20);
        assert_eq!(patient.gender, Gender::Female);
    }

    #[test]
    fn a_comment_counts_only_while_in_force_and_not_voided() {
        let code = shotbook_core::demographics::COMMENT_CODES
            .iter()
            .find(|c| c.cdsi_observation.is_some())
            .expect("some comment code maps to a CDSi observation");
        let comment = |from, until, voided| StoredComment {
            code: code.code,
            applies_from: from,
            applies_until: until,
            voided,
        };
        let on = Date::parse("2026-12-07").unwrap();
        let observed = |c: StoredComment<'_>| {
            patient_of("2020-01-01", "M", [], [c], on)
                .unwrap()
                .0
                .observations
                .len()
        };
        assert_eq!(observed(comment("2026-01-01", None, false)), 1);
        assert_eq!(observed(comment("2026-01-01", None, true)), 0, "voided");
        assert_eq!(observed(comment("2027-01-01", None, false)), 0, "not yet");
        assert_eq!(
            observed(comment("2025-01-01", Some("2026-06-30"), false)),
            0,
            "ended"
        );
    }

    #[test]
    fn a_malformed_stored_date_is_an_error_that_does_not_quote_it() {
        let on = Date::parse("2026-12-07").unwrap();
        let err = patient_of("about 2019", "F", [], [], on).unwrap_err();
        assert_eq!(err, ForecastInputError::DateOfBirth);
        assert!(!err.to_string().contains("2019"));
    }
}
