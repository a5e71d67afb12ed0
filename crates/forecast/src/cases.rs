//! Conformance harness for CSV files in the CDC CDSi test-case layout.
//!
//! Columns are found by header name (as documented in the CDC `*-layout.csv` dictionaries),
//! so both the healthy (v4.45) and the underlying-conditions (v4.6) layouts work, as should
//! later releases that keep the names. Each case runs on its `Assessment_Date`; series status,
//! forecast dose number, earliest / recommended / past-due dates and each dose's evaluation
//! status and reason are compared with the expectations.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{anyhow, Context as _, Result};
use serde::Serialize;

use crate::data::{parse_cvx, Gender, SeriesType};
use crate::date::Date;
use crate::output::{Assessment, GroupForecast, SeriesStatus};
use crate::{DoseInput, Engine, ObservationInput, Patient};

/// One test case, as read from the CSV.
#[derive(Debug, Clone, Serialize)]
pub struct TestCase {
    /// CDC test id.
    pub id: String,
    /// Test case name.
    pub name: String,
    /// Vaccine group as written in the file (e.g. `DTAP`, `Pneumococcal`).
    pub vaccine_group: String,
    /// The patient.
    pub patient: Patient,
    /// Assessment date.
    pub assessment_date: Date,
    /// Expected series status.
    pub series_status: String,
    /// Expected evaluation per dose: (status, reason).
    pub doses: Vec<(String, String)>,
    /// Per dose, the series type the expected evaluation was determined in (`Series_Type_n`,
    /// underlying-condition layout only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dose_series_types: Vec<Option<SeriesType>>,
    /// Expected forecast dose number (`None` for "-" or empty).
    pub forecast_number: Option<u32>,
    /// Expected earliest date.
    pub earliest: Option<Date>,
    /// Expected recommended date.
    pub recommended: Option<Date>,
    /// Expected past-due date.
    pub past_due: Option<Date>,
}

/// One difference between expectation and engine output.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// Which field, e.g. `series status` or `dose 2 status`.
    pub field: String,
    /// Expected value.
    pub expected: String,
    /// Actual value.
    pub actual: String,
}

/// Result of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// CDC test id.
    pub id: String,
    /// Test case name.
    pub name: String,
    /// Vaccine group as written in the file.
    pub vaccine_group: String,
    /// Empty when the case passed.
    pub differences: Vec<Difference>,
}

impl CaseResult {
    /// Whether the engine matched every compared field.
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Pass counts of one vaccine group.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupTally {
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
}

/// The conformance report of one CSV file.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    /// The file that was run.
    pub file: String,
    /// Every case result.
    pub cases: Vec<CaseResult>,
    /// Per vaccine group (as named in the file).
    pub groups: BTreeMap<String, GroupTally>,
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
}

impl CaseReport {
    /// Fraction of cases passed (1.0 for an empty file).
    pub fn pass_rate(&self) -> f64 {
        let total = self.passed + self.failed;
        if total == 0 {
            1.0
        } else {
            self.passed as f64 / total as f64
        }
    }

    /// Text report: failing cases with their differences, a per-group table, and a final line
    /// `N passed, M failed`.
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        for c in self.cases.iter().filter(|c| !c.passed()) {
            let _ = writeln!(s, "FAIL {} [{}] {}", c.id, c.vaccine_group, c.name.trim());
            for d in &c.differences {
                let _ = writeln!(
                    s,
                    "    {}: expected {:?}, got {:?}",
                    d.field, d.expected, d.actual
                );
            }
        }
        let _ = writeln!(
            s,
            "\n{:<24} {:>6} {:>6} {:>7}",
            "vaccine group", "passed", "failed", "rate"
        );
        for (g, t) in &self.groups {
            let total = t.passed + t.failed;
            let _ = writeln!(
                s,
                "{:<24} {:>6} {:>6} {:>6.1}%",
                g,
                t.passed,
                t.failed,
                100.0 * t.passed as f64 / total.max(1) as f64
            );
        }
        let _ = writeln!(
            s,
            "{:<24} {:>6} {:>6} {:>6.1}%\n",
            "overall",
            self.passed,
            self.failed,
            100.0 * self.pass_rate()
        );
        let _ = writeln!(s, "{} passed, {} failed", self.passed, self.failed);
        s
    }
}

/// Maps a test-file vaccine group name to the supporting-data vaccine group name.
pub fn vaccine_group_name(engine: &Engine, name: &str) -> Option<String> {
    let n = name.trim();
    if let Some(g) = engine.vaccine_groups().find(|g| g.eq_ignore_ascii_case(n)) {
        return Some(g.to_string());
    }
    let alias = match n.to_ascii_uppercase().as_str() {
        "DTAP" | "TDAP" | "TD" => "DTaP/Tdap/Td",
        "POL" | "IPOL" | "IPV" | "POLIO" => "Polio",
        "PCV" | "PNEUMO" => "Pneumococcal",
        "MCV" | "MENACWY" => "Meningococcal",
        "MENB" => "Meningococcal B",
        "ROTA" => "Rotavirus",
        "FLU" => "Influenza",
        "VAR" => "Varicella",
        "JE" => "Japanese Encephalitis",
        "YF" => "Yellow Fever",
        _ => return None,
    };
    Some(alias.to_string())
}

fn opt_date(s: &str) -> Result<Option<Date>> {
    let s = s.trim();
    if s.is_empty() || s == "-" {
        return Ok(None);
    }
    Date::parse(s)
        .map(Some)
        .ok_or_else(|| anyhow!("bad date {s:?}"))
}

/// Reads every case of a CSV in the CDC layout.
pub fn read_cases(csv_path: &Path) -> Result<Vec<TestCase>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(csv_path)
        .with_context(|| format!("opening {}", csv_path.display()))?;
    let headers: HashMap<String, usize> = rdr
        .headers()?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase().replace(' ', "_"), i))
        .collect();
    let col = |name: &str| headers.get(&name.to_ascii_lowercase()).copied();
    let need = |name: &str| col(name).ok_or_else(|| anyhow!("column {name} missing"));
    let (c_id, c_dob, c_gender, c_status, c_group, c_assess) = (
        need("CDC_Test_ID")?,
        need("DOB")?,
        need("Gender")?,
        need("Series_Status")?,
        need("Vaccine_Group")?,
        need("Assessment_Date")?,
    );
    let c_name = col("Test_Case_Name");
    let (c_fn, c_e, c_r, c_p) = (
        need("Forecast_#")?,
        need("Earliest_Date")?,
        need("Recommended_Date")?,
        need("Past_Due_Date")?,
    );
    let mut cases = Vec::new();
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let id = get(Some(c_id)).to_string();
        if id.is_empty() {
            continue;
        }
        let ctx = || format!("case {id} (record {})", line + 1);
        let dob = Date::parse(get(Some(c_dob)))
            .ok_or_else(|| anyhow!("bad DOB"))
            .with_context(ctx)?;
        let gender = match get(Some(c_gender)).to_ascii_uppercase().as_str() {
            "F" | "FEMALE" => Gender::Female,
            "M" | "MALE" => Gender::Male,
            _ => Gender::Unknown,
        };
        let mut observations = Vec::new();
        for n in 1.. {
            let Some(c) = col(&format!("Observation_Code_{n}")) else {
                break;
            };
            let code = get(Some(c));
            if !code.is_empty() {
                observations.push(ObservationInput {
                    code: code.to_string(),
                    date: opt_date(get(col(&format!("Observation_Date_{n}")))).with_context(ctx)?,
                });
            }
        }
        let mut doses = Vec::new();
        let mut expected = Vec::new();
        let mut series_types = Vec::new();
        for n in 1.. {
            let Some(c) = col(&format!("Date_Administered_{n}")) else {
                break;
            };
            let date = get(Some(c));
            if date.is_empty() {
                continue;
            }
            let date = Date::parse(date)
                .ok_or_else(|| anyhow!("bad date administered"))
                .with_context(ctx)?;
            let cvx = parse_cvx(get(col(&format!("CVX_{n}"))))
                .ok_or_else(|| anyhow!("bad CVX in dose {n}"))
                .with_context(ctx)?;
            let mvx = get(col(&format!("MVX_{n}")));
            doses.push(DoseInput {
                cvx,
                mvx: (!mvx.is_empty()).then(|| mvx.to_string()),
                date,
            });
            expected.push((
                get(col(&format!("Evaluation_Status_{n}"))).to_string(),
                get(col(&format!("Evaluation_Reason_{n}"))).to_string(),
            ));
            series_types.push(
                match get(col(&format!("Series_Type_{n}")))
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "risk" => Some(SeriesType::Risk),
                    "standard" => Some(SeriesType::Standard),
                    _ => None,
                },
            );
        }
        let fnum = get(Some(c_fn));
        cases.push(TestCase {
            id: id.clone(),
            name: get(c_name).to_string(),
            vaccine_group: get(Some(c_group)).to_string(),
            patient: Patient {
                dob,
                gender,
                doses,
                observations,
            },
            assessment_date: Date::parse(get(Some(c_assess)))
                .ok_or_else(|| anyhow!("bad assessment date"))
                .with_context(ctx)?,
            series_status: get(Some(c_status)).to_string(),
            doses: expected,
            dose_series_types: if series_types.iter().any(Option::is_some) {
                series_types
            } else {
                Vec::new()
            },
            forecast_number: fnum.parse().ok(),
            earliest: opt_date(get(Some(c_e))).with_context(ctx)?,
            recommended: opt_date(get(Some(c_r))).with_context(ctx)?,
            past_due: opt_date(get(Some(c_p))).with_context(ctx)?,
        });
    }
    Ok(cases)
}

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

fn show(d: Option<Date>) -> String {
    d.map_or(String::new(), |d| d.to_string())
}

/// The vaccine-group forecast a case is compared with. A patient with an underlying condition
/// can have best series of both types (a risk series now, the standard series later in life);
/// CDC's underlying-condition cases test the condition-driven recommendation, so the risk
/// series' forecast is compared when there is one that still applies (not aged out or no longer
/// recommended).
fn pick<'a>(a: &'a Assessment, group: &str) -> Option<&'a GroupForecast> {
    a.groups
        .iter()
        .find(|g| {
            g.vaccine_group == group
                && g.series_type == SeriesType::Risk
                && !matches!(
                    g.status,
                    SeriesStatus::AgedOut | SeriesStatus::NotRecommended
                )
        })
        .or_else(|| a.group(group))
}

/// Runs one case and lists its differences.
pub fn run_case(engine: &Engine, case: &TestCase) -> CaseResult {
    let mut diffs = Vec::new();
    let mut diff = |field: String, expected: String, actual: String| {
        diffs.push(Difference {
            field,
            expected,
            actual,
        })
    };
    let assessment = engine.evaluate(&case.patient, case.assessment_date);
    match vaccine_group_name(engine, &case.vaccine_group) {
        None => diff(
            "vaccine group".into(),
            case.vaccine_group.clone(),
            "unknown".into(),
        ),
        Some(group) => {
            let f = pick(&assessment, &group);
            let status = f.map_or("(no forecast)".to_string(), |f| {
                f.status.as_str().to_string()
            });
            if norm(&status) != norm(&case.series_status) {
                diff("series status".into(), case.series_status.clone(), status);
            }
            let number = f.and_then(|f| f.forecast_dose_number);
            if number != case.forecast_number {
                diff(
                    "forecast #".into(),
                    case.forecast_number.map_or("-".into(), |n| n.to_string()),
                    number.map_or("-".into(), |n| n.to_string()),
                );
            }
            let dates = [
                ("earliest", case.earliest, f.and_then(|f| f.earliest)),
                (
                    "recommended",
                    case.recommended,
                    f.and_then(|f| f.recommended),
                ),
                ("past due", case.past_due, f.and_then(|f| f.past_due)),
            ];
            for (name, want, got) in dates {
                if want != got {
                    diff(name.into(), show(want), show(got));
                }
            }
            for (i, (want_status, want_reason)) in case.doses.iter().enumerate() {
                if want_status.is_empty() {
                    continue;
                }
                let series_type = case.dose_series_types.get(i).copied().flatten();
                let got = assessment.dose_status_in(i, &group, series_type);
                // A dose without any antigen of the group (e.g. varicella in an MMR case) is
                // judged in its own group's cases.
                let (got_status, got_reasons) = match &got {
                    Some((s, r)) => (s.as_str().to_string(), r.clone()),
                    None if !engine.cvx_in_group(case.patient.doses[i].cvx, &group) => continue,
                    None => ("(not evaluated)".to_string(), Vec::new()),
                };
                // CDC lists one reason; the engine reports every failed check, so the expected
                // reason must be among them.
                if norm(&got_status) != norm(want_status) {
                    diff(
                        format!("dose {} status", i + 1),
                        want_status.clone(),
                        got_status,
                    );
                } else if !want_reason.is_empty()
                    && !got_reasons.iter().any(|r| norm(r) == norm(want_reason))
                {
                    diff(
                        format!("dose {} reason", i + 1),
                        want_reason.clone(),
                        got_reasons.join("; "),
                    );
                }
            }
        }
    }
    CaseResult {
        id: case.id.clone(),
        name: case.name.clone(),
        vaccine_group: case.vaccine_group.clone(),
        differences: diffs,
    }
}

/// Runs every case of a CSV file in the CDC test-case layout.
pub fn run_cases(engine: &Engine, csv_path: &Path) -> Result<CaseReport> {
    let cases = read_cases(csv_path)?;
    let mut report = CaseReport {
        file: csv_path.display().to_string(),
        cases: Vec::with_capacity(cases.len()),
        groups: BTreeMap::new(),
        passed: 0,
        failed: 0,
    };
    for case in &cases {
        let r = run_case(engine, case);
        let tally = report.groups.entry(case.vaccine_group.clone()).or_default();
        if r.passed() {
            tally.passed += 1;
            report.passed += 1;
        } else {
            tally.failed += 1;
            report.failed += 1;
        }
        report.cases.push(r);
    }
    Ok(report)
}
