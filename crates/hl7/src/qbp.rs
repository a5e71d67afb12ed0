//! QBP^Q11 (CDC IG 1.5 profiles Z34 "request immunization history" and Z44 "request
//! evaluated history and forecast") read into a [`Query`] the registry's search can run.

use time::Date;

use crate::codes::SEX;
use crate::dates::{day_of, DateProblem};
use crate::header::{read_header, Expected, Header};
use crate::issue::{Hl7Issue, Location, Problem, Scope};
use crate::parse::{Message, Separators};
use crate::vxu::{sort_issues, unreadable, FieldReader, Name, PatientIdentifier, PostalAddress};

/// Most candidates a Z31 lists, whatever RCP-2 asks (the Sandbox's cap).
pub const MAX_CANDIDATES: usize = 20;

/// QPD-1: what the sender asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryProfile {
    /// Z34: the immunization history (answered Z31, Z32 or Z33).
    History,
    /// Z44: the evaluated history and forecast (answered Z42 or Z33; never a list).
    EvaluatedHistory,
}

impl QueryProfile {
    /// `Z34` / `Z44`.
    pub fn code(self) -> &'static str {
        match self {
            QueryProfile::History => "Z34",
            QueryProfile::EvaluatedHistory => "Z44",
        }
    }
}

/// A query, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// QPD-1.
    pub profile: QueryProfile,
    /// QPD-2, echoed in QAK-1.
    pub tag: String,
    /// QPD as received, re-encoded with the standard separators, to echo in the response.
    pub qpd_echo: String,
    /// QPD-3.
    pub identifiers: Vec<PatientIdentifier>,
    /// QPD-4.
    pub name: Name,
    /// QPD-5.1.
    pub mother_maiden_name: Option<String>,
    /// QPD-6.
    pub birth_date: Option<Date>,
    /// QPD-7.
    pub sex: Option<&'static str>,
    /// QPD-8.
    pub address: Option<PostalAddress>,
    /// QPD-9 (digits).
    pub phone: Option<String>,
    /// QPD-10.
    pub multiple_birth: Option<bool>,
    /// QPD-11.
    pub birth_order: Option<u8>,
    /// min(20, RCP-2).
    pub max_candidates: usize,
}

/// A received query: the header, the query when it could be read, and every issue.
#[derive(Debug, Clone)]
pub struct ReceivedQuery {
    /// MSH, when it could be read.
    pub header: Option<Header>,
    /// The query, when QPD could be read well enough to search.
    pub query: Option<Query>,
    /// Issues, errors first.
    pub issues: Vec<Hl7Issue>,
}

const QBP_EXPECTED: Expected = Expected {
    message_type: "QBP",
    trigger_event: "Q11",
    profiles: &["Z34", "Z44"],
};

/// Reads one QBP^Q11. `today` is the registry's day.
pub fn receive_qbp(input: &[u8], today: Date) -> ReceivedQuery {
    let message = match Message::parse_bytes(input) {
        Ok(m) => m,
        Err(e) => {
            return ReceivedQuery {
                header: None,
                query: None,
                issues: vec![unreadable(&e)],
            }
        }
    };
    let mut issues = Vec::new();
    let header = read_header(message.msh(), QBP_EXPECTED, today, &mut issues);
    let query = read_query(&message, &mut issues);
    sort_issues(&mut issues);
    ReceivedQuery {
        header: Some(header),
        query,
        issues,
    }
}

fn read_query(message: &Message<'_>, issues: &mut Vec<Hl7Issue>) -> Option<Query> {
    let Some(qpd) = message.segment("QPD") else {
        issues.push(Hl7Issue::new(
            Problem::QueryMissing,
            Some(Location::segment("QPD", 1)),
            "The query has no QPD segment.",
        ));
        return None;
    };
    let mut r = FieldReader {
        segment: qpd,
        scope: Scope::Message,
        issues,
    };
    let profile = match r.text(1, 1).as_deref() {
        Some("Z34") => Some(QueryProfile::History),
        Some("Z44") => Some(QueryProfile::EvaluatedHistory),
        other => {
            r.problem(
                Problem::QueryProfileUnsupported,
                1,
                1,
                format!(
                    "Query profile '{}' is not supported; send Z34 or Z44.",
                    other.unwrap_or("")
                ),
            );
            None
        }
    };
    let tag = r.text(2, 0);
    if tag.is_none() {
        r.problem(
            Problem::QueryTagMissing,
            2,
            0,
            "Query tag (QPD-2) is missing.",
        );
    }
    let mut identifiers = Vec::new();
    for (i, rep) in qpd.field(3).repetitions().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some(id) = r.value(rep.component(1), r.location(3, 1).in_repetition(n)) {
            identifiers.push(PatientIdentifier {
                id,
                assigning_authority: r
                    .value(rep.component(4), r.location(3, 4).in_repetition(n))
                    .unwrap_or_default(),
                type_code: r
                    .value(rep.component(5), r.location(3, 5).in_repetition(n))
                    .unwrap_or_default(),
            });
        }
    }
    let name = Name {
        family: r.text(4, 1).unwrap_or_default(),
        given: r.text(4, 2).unwrap_or_default(),
        middle: r.text(4, 3).unwrap_or_default(),
        suffix: r.text(4, 4).unwrap_or_default(),
    };
    let mother_maiden_name = r.text(5, 1);
    let birth_date = match day_of(qpd.get(6, 1).raw()) {
        Ok(d) => Some(d),
        Err(DateProblem::Missing) => None,
        Err(DateProblem::Invalid) => {
            r.problem(
                Problem::QueryBirthDateInvalid,
                6,
                0,
                "Birth date (QPD-6) is not a valid date.",
            );
            None
        }
    };
    let sex = r.coded(7, 0, SEX, Problem::SexInvalid, "Sex (QPD-7)");
    let address = {
        let part = |r: &mut FieldReader<'_, '_, '_>, c: usize| r.text(8, c).unwrap_or_default();
        let a = PostalAddress {
            street: part(&mut r, 1),
            other: part(&mut r, 2),
            city: part(&mut r, 3),
            state: part(&mut r, 4),
            zip: part(&mut r, 5),
            country: part(&mut r, 6),
            county: part(&mut r, 9),
        };
        (a != PostalAddress::default()).then_some(a)
    };
    let phone = {
        let area = r.text(9, 6).unwrap_or_default();
        let local = r.text(9, 7).unwrap_or_default();
        let digits: String = format!("{area}{local}")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (digits.len() == 10).then_some(digits)
    };
    let multiple_birth = match r.text(10, 0).as_deref() {
        Some("Y") => Some(true),
        Some("N") => Some(false),
        _ => None,
    };
    let birth_order = r.text(11, 0).and_then(|t| t.parse().ok());
    let searchable = !identifiers.is_empty()
        || (!name.family.is_empty() && !name.given.is_empty() && birth_date.is_some());
    if !searchable {
        r.problem(
            Problem::QueryPatientMissing,
            4,
            0,
            "The query needs a patient identifier (QPD-3) or a name and birth date (QPD-4, QPD-6).",
        );
    }
    let max_candidates = match message.segment("RCP") {
        None => MAX_CANDIDATES,
        Some(rcp) => {
            let mut rr = FieldReader {
                segment: rcp,
                scope: Scope::Message,
                issues: &mut *r.issues,
            };
            match rr.text(2, 1) {
                None => MAX_CANDIDATES,
                Some(t) => match t.parse::<usize>() {
                    Ok(n) if n > 0 => n.min(MAX_CANDIDATES),
                    _ => {
                        rr.problem(Problem::QueryLimitInvalid, 2, 1, format!("Quantity limit '{t}' is not a positive count; {MAX_CANDIDATES} is used."));
                        MAX_CANDIDATES
                    }
                },
            }
        }
    };
    let qpd_echo = transcode(qpd, message.separators());
    Some(Query {
        profile: profile?,
        tag: tag?,
        qpd_echo,
        identifiers,
        name,
        mother_maiden_name,
        birth_date,
        sex,
        address,
        phone,
        multiple_birth,
        birth_order,
        max_candidates,
    })
    .filter(|_| searchable)
}

/// The QPD's fields (after the ID) in the standard separators: each declared separator maps
/// to its standard counterpart, and a standard separator that was plain text is escaped.
fn transcode(qpd: &crate::parse::Segment<'_>, from: Separators) -> String {
    let to = Separators::default();
    let mut out = String::new();
    for n in 1..=qpd.field_count() {
        if n > 1 {
            out.push('|');
        }
        for ch in qpd.field(n).raw().chars() {
            let mapped = if !ch.is_ascii() {
                None
            } else {
                let b = ch as u8;
                [
                    (from.component, to.component),
                    (from.repetition, to.repetition),
                    (from.escape, to.escape),
                    (from.subcomponent, to.subcomponent),
                ]
                .iter()
                .find(|(f, _)| *f == b)
                .map(|(_, t)| *t as char)
            };
            match mapped {
                Some(c) => out.push(c),
                None if ch == '|' || ch == '^' || ch == '~' || ch == '&' || ch == '\\' => {
                    out.push_str(&crate::parse::escape(&ch.to_string(), &to));
                }
                None => out.push(ch),
            }
        }
    }
    out
}
