//! RSP^K11 for a QBP^Q11: which response profile answers a query ([`decide`], the research
//! note's decision table) and the builders for each (Z31 candidate list, Z32 history, Z33 no
//! person, Z42 evaluated history and forecast), from plain inputs the server fills from its
//! use cases. No database types: a host maps its rows into [`RspPatient`], [`RspDose`] and
//! [`Forecast`].
//!
//! Layout: MSH (`RSP^K11^RSP_K11`, MSH-21 the response profile) · MSA (MSA-2 = the query's
//! MSH-10) · ERR* · QAK (QAK-1 = QPD-2, QAK-2 status, QAK-3 = QPD-1) · QPD echoed · PID (one
//! per candidate in Z31) · NK1 (Z32) · per dose ORC/RXA/RXR/OBX · in Z42 per-dose OBX
//! 30956-7 vaccine group and 59781-5 dose validity, then one forecast ORC + `RXA|0|1|…|998`
//! with per vaccine group OBX 30956-7, 59783-1 status, 30981-5 earliest, 30980-7 recommended,
//! 59778-1 overdue ("date when overdue", not "latest", the Sandbox's mistake), 59777-3 latest.

use time::Date;

use crate::ack::{ack_code, msa_and_errs, response_msh, AckCode, ResponseContext};
use crate::dates::dt;
use crate::header::Header;
use crate::issue::Hl7Issue;
use crate::qbp::{Query, QueryProfile};
use crate::vxu::{Name, PatientIdentifier, PostalAddress};
use crate::write::{Field, MessageWriter};

/// What the registry found for a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The query could not be run (errors in the message).
    QueryError,
    /// This many clients match.
    Matches(usize),
    /// Exactly one client matches, but its consent does not allow sharing the record with
    /// the querying organization.
    ConsentBlocked,
}

/// Which response answers a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Z33, QAK-2 `NF`: no client, or several for a Z44 (which never lists).
    NotFound,
    /// Z33, QAK-2 `TM`: more candidates than min(20, RCP-2) for a Z34.
    TooMany,
    /// Z31, QAK-2 `OK`: a list of candidates (PID only) for a Z34.
    Candidates,
    /// Z32, QAK-2 `OK`: one client's history.
    History,
    /// Z42, QAK-2 `OK`: one client's evaluated history and forecast.
    EvaluatedHistory,
    /// Z33, QAK-2 `AE` (or `AR`): the query had errors.
    QueryError,
    /// Z33, QAK-2 `PD` (HL7 table 0208 "protected data"): one client, whose record its
    /// consent keeps from the querying organization. Says that a record exists, as the
    /// identification-only view does on screen, and nothing more.
    Protected,
}

impl Response {
    /// The response profile (MSH-21).
    pub fn profile(self) -> &'static str {
        match self {
            Response::Candidates => "Z31",
            Response::History => "Z32",
            Response::EvaluatedHistory => "Z42",
            _ => "Z33",
        }
    }

    /// QAK-2 (table 0208); `AR` for a query refused outright is decided from the issues.
    pub fn status(self) -> &'static str {
        match self {
            Response::NotFound => "NF",
            Response::TooMany => "TM",
            Response::Candidates | Response::History | Response::EvaluatedHistory => "OK",
            Response::QueryError => "AE",
            Response::Protected => "PD",
        }
    }
}

/// The decision table (interop note §A1, after the Sandbox's `buildRSP`).
///
/// | found | Z34 | Z44 |
/// |---|---|---|
/// | query error | Z33 AE | Z33 AE |
/// | 0 | Z33 NF | Z33 NF |
/// | 1 | Z32 | Z42 |
/// | 1, consent blocks | Z33 PD | Z33 PD |
/// | 2..=max | Z31 | Z33 NF |
/// | > max | Z33 TM | Z33 NF |
pub fn decide(profile: QueryProfile, found: Found, max_candidates: usize) -> Response {
    match (found, profile) {
        (Found::QueryError, _) => Response::QueryError,
        (Found::ConsentBlocked, _) => Response::Protected,
        (Found::Matches(0), _) => Response::NotFound,
        (Found::Matches(1), QueryProfile::History) => Response::History,
        (Found::Matches(1), QueryProfile::EvaluatedHistory) => Response::EvaluatedHistory,
        (Found::Matches(_), QueryProfile::EvaluatedHistory) => Response::NotFound,
        (Found::Matches(n), QueryProfile::History) if n <= max_candidates => Response::Candidates,
        (Found::Matches(_), QueryProfile::History) => Response::TooMany,
    }
}

/// A client as a response lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RspPatient {
    /// PID-3: the registry's ID (type SR) first, then the sender's if known.
    pub identifiers: Vec<PatientIdentifier>,
    /// PID-5 (legal name).
    pub name: Name,
    /// PID-6.
    pub mother_maiden_name: Option<String>,
    /// PID-7.
    pub birth_date: Date,
    /// PID-8.
    pub sex: Option<String>,
    /// PID-11.
    pub address: Option<PostalAddress>,
    /// PID-13, 10 digits.
    pub phone: Option<String>,
    /// PID-24.
    pub multiple_birth: Option<bool>,
    /// PID-25.
    pub birth_order: Option<u8>,
}

/// A responsible person (NK1 in Z32).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RspGuardian {
    /// NK1-2.
    pub name: Name,
    /// NK1-3, an HL7 table 0063 code (`MTH`, `FTH`, `GRD` …).
    pub relationship: String,
}

/// How the engine evaluated one dose for one vaccine group (Z42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseEvaluation {
    /// The vaccine group's CVX (e.g. `45` HepB, `107` DTaP).
    pub vaccine_group_cvx: String,
    /// Its name.
    pub vaccine_group: String,
    /// Valid dose (59781-5 `Y`/`N`).
    pub valid: bool,
    /// Dose number in the series (30973-2), when valid.
    pub dose_number: Option<u8>,
}

/// One dose in a history.
#[derive(Debug, Clone, PartialEq)]
pub struct RspDose {
    /// ORC-3: the registry's ID for the dose.
    pub id: String,
    /// RXA-3.
    pub administered_on: Date,
    /// RXA-5.1 CVX.
    pub cvx: String,
    /// RXA-5.2.
    pub vaccine: String,
    /// RXA-6 (none: `999`).
    pub amount_ml: Option<f64>,
    /// RXA-9 `01` instead of `00`.
    pub historical: bool,
    /// RXA-15.
    pub lot_number: Option<String>,
    /// RXA-17.1.
    pub mvx: Option<String>,
    /// Per vaccine group evaluations (Z42 only).
    pub evaluations: Vec<DoseEvaluation>,
}

/// The forecast for one vaccine group (Z42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastGroup {
    /// The group's CVX.
    pub vaccine_group_cvx: String,
    /// Its name.
    pub vaccine_group: String,
    /// 59783-1 status in the immunization series, as CDSi says it ("Not complete",
    /// "Complete", "Immune" …).
    pub status: String,
    /// 30973-2: the next dose's number.
    pub dose_number: Option<u8>,
    /// 30981-5 earliest date to give.
    pub earliest: Option<Date>,
    /// 30980-7 date due (recommended).
    pub recommended: Option<Date>,
    /// 59778-1 date when overdue.
    pub overdue: Option<Date>,
    /// 59777-3 latest date to give.
    pub latest: Option<Date>,
}

/// A client's forecast (Z42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// The forecast's assessment day (the forecast RXA-3).
    pub assessed_on: Date,
    /// 59779-9 schedule used, e.g. `VXC16^ACIP^CDCPHINVS`.
    pub schedule: (String, String),
    /// Every vaccine group.
    pub groups: Vec<ForecastGroup>,
}

/// What goes after QAK/QPD.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// Nothing (Z33).
    Empty,
    /// Z31: the candidates.
    Candidates(&'a [RspPatient]),
    /// Z32: one client's history.
    History {
        /// The client.
        patient: &'a RspPatient,
        /// Responsible persons.
        guardians: &'a [RspGuardian],
        /// Doses (voided ones left out by the caller).
        doses: &'a [RspDose],
    },
    /// Z42: one client's evaluated history and forecast.
    EvaluatedHistory {
        /// The client.
        patient: &'a RspPatient,
        /// Doses with their evaluations.
        doses: &'a [RspDose],
        /// The forecast.
        forecast: &'a Forecast,
    },
}

/// Builds the RSP^K11. `issues` are the query's (its ERR segments); MSA-1 follows them as an
/// ACK's does.
pub fn build_rsp(
    header: Option<&Header>,
    query: Option<&Query>,
    response: Response,
    body: Body<'_>,
    issues: &[Hl7Issue],
    ctx: &ResponseContext,
) -> String {
    let mut w = MessageWriter::new();
    response_msh(&mut w, header, ctx, "RSP^K11^RSP_K11", response.profile());
    let code = ack_code(issues);
    msa_and_errs(&mut w, code, header, issues);
    let status = if response == Response::QueryError && code == AckCode::Rejected {
        "AR"
    } else {
        response.status()
    };
    let profile = query.map_or("", |q| q.profile.code());
    let profile_name = match query.map(|q| q.profile) {
        Some(QueryProfile::History) => "Request Immunization History",
        Some(QueryProfile::EvaluatedHistory) => "Request Evaluated History and Forecast",
        None => "",
    };
    w.segment(
        "QAK",
        vec![
            Field::text(query.map_or("", |q| q.tag.as_str())),
            Field::text(status),
            Field::components(&[
                profile,
                profile_name,
                if profile.is_empty() { "" } else { "CDCPHINVS" },
            ]),
        ],
    );
    if let Some(q) = query {
        w.segment("QPD", vec![Field::encoded(q.qpd_echo.clone())]);
    }
    match body {
        Body::Empty => {}
        Body::Candidates(patients) => {
            for (i, p) in patients.iter().enumerate() {
                pid(&mut w, i + 1, p);
            }
        }
        Body::History {
            patient,
            guardians,
            doses,
        } => {
            pid(&mut w, 1, patient);
            for (i, g) in guardians.iter().enumerate() {
                w.segment(
                    "NK1",
                    vec![
                        Field::text(&(i + 1).to_string()),
                        name_field(&g.name, "L"),
                        Field::coded(&g.relationship, "", "HL70063"),
                    ],
                );
            }
            for d in doses {
                dose(&mut w, d, false);
            }
        }
        Body::EvaluatedHistory {
            patient,
            doses,
            forecast,
        } => {
            pid(&mut w, 1, patient);
            for d in doses {
                dose(&mut w, d, true);
            }
            forecast_block(&mut w, forecast);
        }
    }
    w.finish()
}

fn name_field(name: &Name, kind: &str) -> Field {
    Field::components(&[
        &name.family,
        &name.given,
        &name.middle,
        &name.suffix,
        "",
        "",
        kind,
    ])
}

fn pid(w: &mut MessageWriter, set_id: usize, p: &RspPatient) {
    let ids = Field::repeated(
        p.identifiers
            .iter()
            .map(|id| Field::components(&[&id.id, "", "", &id.assigning_authority, &id.type_code]))
            .collect(),
    );
    let address = p.address.as_ref().map_or_else(Field::empty, |a| {
        Field::components(&[
            &a.street, &a.other, &a.city, &a.state, &a.zip, &a.country, "L",
        ])
    });
    let phone = p
        .phone
        .as_ref()
        .filter(|d| d.len() == 10)
        .map_or_else(Field::empty, |d| {
            Field::components(&["", "PRN", "PH", "", "", &d[..3], &d[3..]])
        });
    let mut fields = vec![Field::empty(); 25];
    fields[0] = Field::text(&set_id.to_string());
    fields[2] = ids;
    fields[4] = name_field(&p.name, "L");
    fields[5] = p
        .mother_maiden_name
        .as_deref()
        .map_or_else(Field::empty, |m| {
            Field::components(&[m, "", "", "", "", "", "M"])
        });
    fields[6] = Field::text(&dt(p.birth_date));
    fields[7] = Field::text(p.sex.as_deref().unwrap_or(""));
    fields[10] = address;
    fields[12] = phone;
    fields[23] = Field::text(match p.multiple_birth {
        Some(true) => "Y",
        Some(false) => "N",
        None => "",
    });
    fields[24] = Field::text(&p.birth_order.map(|n| n.to_string()).unwrap_or_default());
    w.segment("PID", fields);
}

fn obx(
    w: &mut MessageWriter,
    set_id: &mut u32,
    sub_id: usize,
    value_type: &str,
    loinc: (&str, &str),
    value: Field,
) {
    *set_id += 1;
    let mut fields = vec![Field::empty(); 11];
    fields[0] = Field::text(&set_id.to_string());
    fields[1] = Field::text(value_type);
    fields[2] = Field::components(&[loinc.0, loinc.1, "LN"]);
    fields[3] = Field::text(&sub_id.to_string());
    fields[4] = value;
    fields[10] = Field::text("F");
    w.segment("OBX", fields);
}

fn dose(w: &mut MessageWriter, d: &RspDose, evaluated: bool) {
    w.segment(
        "ORC",
        vec![
            Field::text("RE"),
            Field::empty(),
            Field::components(&[&d.id, "IIS"]),
        ],
    );
    let amount = d
        .amount_ml
        .map_or_else(|| "999".to_string(), |v| format!("{v}"));
    let mut fields = vec![Field::empty(); 21];
    fields[0] = Field::text("0");
    fields[1] = Field::text("1");
    fields[2] = Field::text(&dt(d.administered_on));
    fields[4] = Field::coded(&d.cvx, &d.vaccine, "CVX");
    fields[5] = Field::text(&amount);
    if d.amount_ml.is_some() {
        fields[6] = Field::components(&["mL", "mL", "UCUM"]);
    }
    fields[8] = if d.historical {
        Field::coded("01", "Historical Administration", "NIP001")
    } else {
        Field::coded("00", "New Record", "NIP001")
    };
    fields[14] = Field::text(d.lot_number.as_deref().unwrap_or(""));
    fields[16] = Field::coded(d.mvx.as_deref().unwrap_or(""), "", "MVX");
    fields[19] = Field::text("CP");
    fields[20] = Field::text("A");
    w.segment("RXA", fields);
    if evaluated {
        let mut set_id = 0;
        for (i, e) in d.evaluations.iter().enumerate() {
            let sub = i + 1;
            obx(
                w,
                &mut set_id,
                sub,
                "CE",
                ("30956-7", "vaccine type"),
                Field::coded(&e.vaccine_group_cvx, &e.vaccine_group, "CVX"),
            );
            obx(
                w,
                &mut set_id,
                sub,
                "ID",
                ("59781-5", "Dose validity"),
                Field::text(if e.valid { "Y" } else { "N" }),
            );
            if let Some(n) = e.dose_number.filter(|_| e.valid) {
                obx(
                    w,
                    &mut set_id,
                    sub,
                    "NM",
                    ("30973-2", "Dose number in series"),
                    Field::text(&n.to_string()),
                );
            }
        }
    }
}

fn forecast_block(w: &mut MessageWriter, f: &Forecast) {
    w.segment(
        "ORC",
        vec![
            Field::text("RE"),
            Field::empty(),
            Field::components(&["9999", "IIS"]),
        ],
    );
    let mut fields = vec![Field::empty(); 20];
    fields[0] = Field::text("0");
    fields[1] = Field::text("1");
    fields[2] = Field::text(&dt(f.assessed_on));
    fields[4] = Field::coded("998", "No Vaccination Administered", "CVX");
    fields[5] = Field::text("999");
    fields[19] = Field::text("NA");
    w.segment("RXA", fields);
    let mut set_id = 0;
    obx(
        w,
        &mut set_id,
        0,
        "CE",
        ("59779-9", "Immunization Schedule used"),
        Field::coded(&f.schedule.0, &f.schedule.1, "CDCPHINVS"),
    );
    for (i, g) in f.groups.iter().enumerate() {
        let sub = i + 1;
        obx(
            w,
            &mut set_id,
            sub,
            "CE",
            ("30956-7", "Vaccine Type"),
            Field::coded(&g.vaccine_group_cvx, &g.vaccine_group, "CVX"),
        );
        obx(
            w,
            &mut set_id,
            sub,
            "CE",
            ("59783-1", "Status in immunization series"),
            Field::components(&[&g.status]),
        );
        if let Some(n) = g.dose_number {
            obx(
                w,
                &mut set_id,
                sub,
                "NM",
                ("30973-2", "Dose number in series"),
                Field::text(&n.to_string()),
            );
        }
        for (date, loinc) in [
            (g.earliest, ("30981-5", "Earliest date to give")),
            (g.recommended, ("30980-7", "Date vaccine due")),
            (g.overdue, ("59778-1", "Date when overdue for immunization")),
            (g.latest, ("59777-3", "Latest date to give immunization")),
        ] {
            if let Some(date) = date {
                obx(w, &mut set_id, sub, "DT", loinc, Field::text(&dt(date)));
            }
        }
    }
}

/// The CVX that names a CDSi vaccine group in OBX 30956-7: the group's code in CDC's
/// `cvx-vaccine-group.csv` (the "unspecified formulation" CVX CDC gives each group). `None` for
/// a group CDC gives no code.
pub fn vaccine_group_cvx(cdsi_group: &str) -> Option<&'static str> {
    Some(match cdsi_group {
        "DTaP/Tdap/Td" => "107",
        "HepA" => "85",
        "HepB" => "45",
        "Hib" => "17",
        "HPV" => "137",
        "Influenza" => "88",
        "MMR" => "03",
        "Meningococcal" => "108",
        "Meningococcal B" => "164",
        "Pneumococcal" => "109",
        "Polio" => "89",
        "Rotavirus" => "122",
        "Varicella" => "21",
        "Zoster" => "188",
        "COVID-19" => "213",
        "RSV" => "304",
        "Cholera" => "26",
        "Dengue" => "330",
        "Ebola" => "214",
        "Chikungunya" => "317",
        "Japanese Encephalitis" => "129",
        "Orthopoxvirus" => "325",
        "Rabies" => "90",
        "TBE" => "222",
        "Typhoid" => "91",
        "Yellow Fever" => "184",
        _ => return None,
    })
}

#[cfg(test)]
mod group_cvx_tests {
    use super::vaccine_group_cvx;
    use crate::codes::CodeSets;

    #[test]
    fn every_group_code_is_a_cvx_in_cdcs_table() {
        let codes = CodeSets::embedded();
        for group in [
            "DTaP/Tdap/Td",
            "HepA",
            "HepB",
            "Hib",
            "HPV",
            "Influenza",
            "MMR",
            "Meningococcal",
            "Meningococcal B",
            "Pneumococcal",
            "Polio",
            "Rotavirus",
            "Varicella",
            "Zoster",
            "COVID-19",
            "RSV",
            "Cholera",
            "Dengue",
            "Ebola",
            "Chikungunya",
            "Japanese Encephalitis",
            "Orthopoxvirus",
            "Rabies",
            "TBE",
            "Typhoid",
            "Yellow Fever",
        ] {
            let cvx = vaccine_group_cvx(group).unwrap_or_else(|| panic!("{group}"));
            assert!(codes.cvx.contains_key(cvx), "{group}: {cvx}");
        }
        assert_eq!(vaccine_group_cvx("Anthrax"), None);
    }
}
