//! VXU^V04 (CDC IG 1.5, profile Z22) read into typed values: the patient (PID, PD1, NK1) and
//! each vaccination (ORC, RXA, RXR, OBX).
//!
//! Parse, don't validate: every field is read on its own, and a field that cannot be read
//! becomes an [`Hl7Issue`] located to its component, with the value left out. Checks across
//! fields (a dose before birth, a lot expired when given, what a dose given here must carry)
//! are in [`crate::quality`]. [`receive_vxu`] runs the whole chain.

use time::Date;

use shotbook_core::codes::{Cvx, Mvx};
use shotbook_core::demographics::{ETHNICITIES, RACES};
use shotbook_core::places::US_STATES;

use crate::codes::{
    ndc11, CodeSets, FUNDING_SOURCES, INFORMATION_SOURCES, PUBLICITY, REGISTRY_STATUSES,
    RELATIONSHIPS, ROUTES, SEX, SITES, VFC_ELIGIBILITY,
};
use crate::dates::{day_of, DateProblem};
use crate::header::{read_header, Expected, Header};
use crate::issue::{Hl7Issue, Location, Problem, Scope, Severity};
use crate::parse::{Message, ParseError, Segment, Value};

/// A person's name as XPN carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Name {
    /// XPN.1 family name.
    pub family: String,
    /// XPN.2 given name.
    pub given: String,
    /// XPN.3 second and further given names.
    pub middle: String,
    /// XPN.4 suffix.
    pub suffix: String,
}

/// One PID-3 identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientIdentifier {
    /// CX.1.
    pub id: String,
    /// CX.4.1, the assigning authority.
    pub assigning_authority: String,
    /// CX.5, table 0203 (MR, SR, MA, PI …).
    pub type_code: String,
}

/// An XAD address, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    /// XAD.1.1.
    pub street: String,
    /// XAD.2.
    pub other: String,
    /// XAD.3.
    pub city: String,
    /// XAD.4, a USPS code when it is one.
    pub state: String,
    /// XAD.5.
    pub zip: String,
    /// XAD.6.
    pub country: String,
    /// XAD.9 county code.
    pub county: String,
}

/// The patient (PID).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patient {
    /// PID-3, every repetition with an ID.
    pub identifiers: Vec<PatientIdentifier>,
    /// PID-5, the legal name (type L, or the first repetition).
    pub name: Name,
    /// PID-6.1.
    pub mother_maiden_name: Option<String>,
    /// PID-7.
    pub birth_date: Option<Date>,
    /// PID-8 (table 0001).
    pub sex: Option<&'static str>,
    /// PID-10.1 of each repetition that is a CDC race code.
    pub races: Vec<&'static str>,
    /// PID-11, first repetition.
    pub address: Option<PostalAddress>,
    /// PID-13 phone numbers (area code and local number, digits only).
    pub phones: Vec<String>,
    /// PID-13 e-mail addresses (XTN.4).
    pub emails: Vec<String>,
    /// PID-22.1, a CDC ethnicity code.
    pub ethnicity: Option<&'static str>,
    /// PID-24.
    pub multiple_birth: Option<bool>,
    /// PID-25.
    pub birth_order: Option<u8>,
    /// PID-29.
    pub death_date: Option<Date>,
    /// PID-30 (Y: deceased).
    pub deceased: bool,
}

/// What PD1 says about sharing and reminding (the input to the jurisdiction's consent rule).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryPreferences {
    /// PD1-11.1, table 0215 (`01` no reminder/recall … `02` reminder/recall any method).
    pub publicity: Option<&'static str>,
    /// PD1-12: `Some(true)` when the sender asks to protect (not share) the record.
    pub protection: Option<bool>,
    /// PD1-13: since when PD1-12 applies.
    pub protection_since: Option<Date>,
    /// PD1-16 mapped to the registry's provider-client status (`active`, `moved` …).
    pub registry_status: Option<&'static str>,
    /// PD1-17: since when PD1-16 applies.
    pub registry_status_since: Option<Date>,
}

/// A responsible person (NK1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guardian {
    /// NK1-2.
    pub name: Name,
    /// NK1-3 mapped to the registry's relationships (`mother`, `guardian` …).
    pub relationship: Option<&'static str>,
    /// NK1-4, first repetition.
    pub address: Option<PostalAddress>,
    /// NK1-5 phone numbers (digits).
    pub phones: Vec<String>,
}

/// RXA-9: who reports the dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InformationSource {
    /// `00`: given by the sender, who has the facts (lot, manufacturer, VIS …).
    Administered,
    /// `01`–`08`: copied from another record.
    Historical,
}

/// RXA-20 (table 0322).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// `CP`: given.
    Complete,
    /// `RE`: refused.
    Refused,
    /// `NA`: not given (e.g. contraindicated).
    NotAdministered,
    /// `PA`: partly given.
    Partial,
}

/// RXA-21 (table 0323).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `A`: add.
    Add,
    /// `U`: update.
    Update,
    /// `D`: delete (void, in this registry).
    Delete,
}

/// A VIS given (OBX 69764-9 document, or 30956-7 vaccine type with 29768-9 edition date), with
/// the day it was presented (29769-7), grouped by OBX-4.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisObservation {
    /// OBX-4 sub-ID grouping the observations.
    pub group: String,
    /// The GS1 document string (69764-9), or the one CDC's table gives for the vaccine type
    /// and edition.
    pub document: Option<String>,
    /// 30956-7: the vaccine the VIS is for.
    pub vaccine_type: Option<Cvx>,
    /// 29768-9: the VIS edition.
    pub published_on: Option<Date>,
    /// 29769-7: when it was given to the patient.
    pub presented_on: Option<Date>,
}

/// One vaccination (ORC/RXA/RXR/OBX group).
#[derive(Debug, Clone, PartialEq)]
pub struct Vaccination {
    /// 0-based position among the message's RXA segments ([`Scope::Vaccination`]).
    pub index: usize,
    /// The RXA's segment sequence (for ERR-2).
    pub rxa_sequence: u32,
    /// ORC-2.1.
    pub placer_order: Option<String>,
    /// ORC-3.1, the sender's ID for this vaccination.
    pub filler_order: Option<String>,
    /// RXA-3.
    pub administered_on: Option<Date>,
    /// RXA-5 as CVX (given, or looked up from the NDC).
    pub cvx: Option<Cvx>,
    /// RXA-5 as NDC (11 digits), when sent as one.
    pub ndc: Option<String>,
    /// RXA-6, mL (`999` means unknown and reads as none).
    pub amount_ml: Option<f64>,
    /// RXA-9.
    pub source: InformationSource,
    /// RXA-10 as "Family, Given".
    pub administered_by: Option<String>,
    /// RXA-11.4, the facility.
    pub administered_at: Option<String>,
    /// RXA-15, first repetition.
    pub lot_number: Option<String>,
    /// RXA-16.
    pub lot_expires_on: Option<Date>,
    /// RXA-17.
    pub mvx: Option<Mvx>,
    /// RXA-18.1, refusal reason (table NIP002).
    pub refusal_reason: Option<String>,
    /// RXA-20.
    pub completion: Completion,
    /// RXA-21.
    pub action: Option<Action>,
    /// RXR-1 as an HL7 0162 code.
    pub route: Option<&'static str>,
    /// RXR-2.
    pub site: Option<&'static str>,
    /// Whether the group had an RXR.
    pub has_rxr: bool,
    /// OBX 64994-7.
    pub vfc_eligibility: Option<String>,
    /// OBX 30963-3.
    pub funding_source: Option<String>,
    /// VIS observations.
    pub vis: Vec<VisObservation>,
}

/// A VXU read into typed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Vxu {
    /// MSH.
    pub header: Header,
    /// PID (absent → the message is rejected with `pid.missing`).
    pub patient: Option<Patient>,
    /// PD1.
    pub preferences: Option<RegistryPreferences>,
    /// NK1 segments that could be read.
    pub guardians: Vec<Guardian>,
    /// Every RXA group, in message order.
    pub vaccinations: Vec<Vaccination>,
}

/// The outcome of receiving one VXU: what was read, every issue, and what is rejected.
#[derive(Debug, Clone)]
pub struct Received {
    /// The header, when MSH could be read.
    pub header: Option<Header>,
    /// The message read, when it could be split at all.
    pub vxu: Option<Vxu>,
    /// Every issue, errors first (the order of the ACK's ERR segments).
    pub issues: Vec<Hl7Issue>,
}

impl Received {
    /// Whether an error rejects the whole message.
    pub fn message_rejected(&self) -> bool {
        self.issues
            .iter()
            .any(|i| i.severity == Severity::Error && i.scope == Scope::Message)
    }

    /// Whether vaccination `index` may be stored: the message is not rejected and no error
    /// is about it.
    pub fn vaccination_accepted(&self, index: usize) -> bool {
        !self.message_rejected()
            && !self
                .issues
                .iter()
                .any(|i| i.severity == Severity::Error && i.scope == Scope::Vaccination(index))
    }

    /// The vaccinations that may be stored.
    pub fn accepted_vaccinations(&self) -> impl Iterator<Item = &Vaccination> {
        self.vxu
            .iter()
            .flat_map(|v| v.vaccinations.iter())
            .filter(|v| self.vaccination_accepted(v.index))
    }
}

/// Reads, checks and sorts the issues of one VXU message: the whole receiving chain short of
/// matching and storing. `today` is the registry's day (passed in, never read here).
pub fn receive_vxu(input: &[u8], today: Date, codes: &CodeSets) -> Received {
    let message = match Message::parse_bytes(input) {
        Ok(m) => m,
        Err(e) => {
            return Received {
                header: None,
                vxu: None,
                issues: vec![unreadable(&e)],
            }
        }
    };
    let mut issues = Vec::new();
    let vxu = read_vxu(&message, today, codes, &mut issues);
    crate::quality::check_vxu(&vxu, today, codes, &mut issues);
    sort_issues(&mut issues);
    Received {
        header: Some(vxu.header.clone()),
        vxu: Some(vxu),
        issues,
    }
}

/// The one issue for a message that cannot be split.
pub fn unreadable(e: &ParseError) -> Hl7Issue {
    let problem = match e {
        ParseError::TooLarge { .. } => Problem::MessageTooLarge,
        _ => Problem::MessageUnreadable,
    };
    let location = match e {
        ParseError::BadSeparators { .. } => Some(Location::at("MSH", 1, 2, 0)),
        _ => None,
    };
    Hl7Issue::new(problem, location, e.to_string())
}

/// Errors first, then warnings, then information (the Sandbox's order, which senders' staff
/// read top-down); stable within a severity so the ERR segments follow the message.
pub fn sort_issues(issues: &mut [Hl7Issue]) {
    issues.sort_by_key(|i| i.severity);
}

const VXU_EXPECTED: Expected = Expected {
    message_type: "VXU",
    trigger_event: "V04",
    profiles: &["Z22"],
};

/// Reads a split message as a VXU, adding an issue for every field that cannot be read.
pub fn read_vxu(
    message: &Message<'_>,
    today: Date,
    codes: &CodeSets,
    issues: &mut Vec<Hl7Issue>,
) -> Vxu {
    let header = read_header(message.msh(), VXU_EXPECTED, today, issues);
    let mut vxu = Vxu {
        header,
        patient: None,
        preferences: None,
        guardians: Vec::new(),
        vaccinations: Vec::new(),
    };
    let mut pending_order: Option<&Segment<'_>> = None;
    for segment in &message.segments()[1..] {
        let mut r = FieldReader {
            segment,
            scope: Scope::Message,
            issues,
        };
        let in_vaccinations = pending_order.is_some() || !vxu.vaccinations.is_empty();
        match segment.id() {
            "SFT" | "PV1" | "PV2" | "GT1" | "IN1" | "IN2" | "IN3" | "TQ1" | "TQ2" | "NTE" => {}
            "PID" if vxu.patient.is_none() && !in_vaccinations => {
                vxu.patient = Some(read_patient(&mut r));
            }
            "PD1" if vxu.preferences.is_none() && !in_vaccinations => {
                vxu.preferences = Some(read_preferences(&mut r));
            }
            "NK1" if !in_vaccinations => {
                if let Some(g) = read_guardian(&mut r) {
                    vxu.guardians.push(g);
                }
            }
            "ORC" => {
                if let Some(orc) = pending_order.replace(segment) {
                    r.issue(
                        Problem::OrderWithoutVaccination,
                        Location::segment("ORC", orc.sequence()),
                        "ORC is not followed by an RXA; it was ignored.",
                    );
                }
            }
            "RXA" => {
                let index = vxu.vaccinations.len();
                r.scope = Scope::Vaccination(index);
                let order = pending_order.take();
                if order.is_none() {
                    r.issue(
                        Problem::OrderMissing,
                        Location::segment("RXA", segment.sequence()),
                        "RXA is not preceded by its ORC.",
                    );
                }
                let vaccination = read_vaccination(&mut r, order, index, codes);
                vxu.vaccinations.push(vaccination);
            }
            "RXR"
                if pending_order.is_none()
                    && vxu.vaccinations.last().is_some_and(|v| !v.has_rxr) =>
            {
                if let Some(v) = vxu.vaccinations.last_mut() {
                    r.scope = Scope::Vaccination(v.index);
                    read_route(&mut r, v);
                }
            }
            "OBX" if pending_order.is_none() && !vxu.vaccinations.is_empty() => {
                if let Some(v) = vxu.vaccinations.last_mut() {
                    r.scope = Scope::Vaccination(v.index);
                    read_observation(&mut r, v, codes);
                }
            }
            "OBX" => r.issue(
                Problem::ObservationIgnored,
                Location::segment("OBX", segment.sequence()),
                "Patient-level observations are not stored; ignored.",
            ),
            other => r.issue(
                Problem::SegmentUnexpected,
                Location::segment(other, segment.sequence()),
                format!("{other} is not expected here in a VXU^V04; ignored."),
            ),
        }
    }
    if let Some(orc) = pending_order {
        issues.push(Hl7Issue::new(
            Problem::OrderWithoutVaccination,
            Some(Location::segment("ORC", orc.sequence())),
            "ORC is not followed by an RXA; it was ignored.",
        ));
    }
    vxu
}

/// Reads one segment's fields, turning each unreadable one into an issue in the right scope.
pub(crate) struct FieldReader<'s, 'm, 'i> {
    pub(crate) segment: &'s Segment<'m>,
    pub(crate) scope: Scope,
    pub(crate) issues: &'i mut Vec<Hl7Issue>,
}

impl FieldReader<'_, '_, '_> {
    pub(crate) fn location(&self, field: usize, component: usize) -> Location {
        Location::at(
            self.segment.id(),
            self.segment.sequence(),
            u32::try_from(field).unwrap_or(u32::MAX),
            u32::try_from(component).unwrap_or(u32::MAX),
        )
    }

    pub(crate) fn issue(
        &mut self,
        problem: Problem,
        location: Location,
        message: impl Into<String>,
    ) {
        let mut issue = Hl7Issue::new(problem, Some(location), message);
        issue.scope = self.scope;
        self.issues.push(issue);
    }

    pub(crate) fn problem(
        &mut self,
        problem: Problem,
        field: usize,
        component: usize,
        message: impl Into<String>,
    ) {
        let location = self.location(field, component);
        self.issue(problem, location, message);
    }

    /// The decoded, trimmed text of a value; `None` when empty or when its escapes cannot be
    /// decoded (then an `value.escape.invalid` issue says where).
    pub(crate) fn value(&mut self, value: Value<'_>, location: Location) -> Option<String> {
        match value.text() {
            Ok(t) => {
                let t = t.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            Err(e) => {
                let message = format!("{location}: {e}; the value was ignored.");
                self.issue(Problem::EscapeInvalid, location, message);
                None
            }
        }
    }

    /// Field `field`, component `component` (0: the first) of the first repetition.
    pub(crate) fn text(&mut self, field: usize, component: usize) -> Option<String> {
        let v = self.segment.get(field, component.max(1));
        let location = self.location(field, component);
        self.value(v, location)
    }

    /// A DT/DTM field as a day; an issue with `invalid` when it is not one.
    pub(crate) fn date(&mut self, field: usize, invalid: Problem, what: &str) -> Option<Date> {
        match day_of(self.segment.get(field, 1).raw()) {
            Ok(d) => Some(d),
            Err(DateProblem::Missing) => None,
            Err(DateProblem::Invalid) => {
                self.problem(
                    invalid,
                    field,
                    0,
                    format!("{what} is not a valid date (YYYYMMDD)."),
                );
                None
            }
        }
    }

    /// A coded value that must be in `table`; an issue with `invalid` when it is not.
    pub(crate) fn coded(
        &mut self,
        field: usize,
        component: usize,
        table: &[&'static str],
        invalid: Problem,
        what: &str,
    ) -> Option<&'static str> {
        let code = self.text(field, component)?;
        let found = table
            .iter()
            .find(|c| c.eq_ignore_ascii_case(&code))
            .copied();
        if found.is_none() {
            self.problem(
                invalid,
                field,
                component,
                format!("{what} '{code}' is not in its table; ignored."),
            );
        }
        found
    }

    fn name(&mut self, value: Value<'_>, field: usize) -> Name {
        let mut part = |c: usize| {
            let location = self.location(field, c);
            self.value(value.component(c), location).unwrap_or_default()
        };
        Name {
            family: part(1),
            given: part(2),
            middle: part(3),
            suffix: part(4),
        }
    }

    fn address(&mut self, value: Value<'_>, field: usize) -> Option<PostalAddress> {
        let mut part = |c: usize| {
            let location = self.location(field, c);
            self.value(value.component(c), location).unwrap_or_default()
        };
        let address = PostalAddress {
            street: part(1),
            other: part(2),
            city: part(3),
            state: part(4),
            zip: part(5),
            country: part(6),
            county: part(9),
        };
        (address != PostalAddress::default()).then_some(address)
    }

    /// XTN repetitions: phone numbers (XTN.6 area + XTN.7 local, or XTN.1) and e-mails (XTN.4).
    fn phones(&mut self, field: usize, invalid: Problem) -> (Vec<String>, Vec<String>) {
        let mut phones = Vec::new();
        let mut emails = Vec::new();
        let reps: Vec<Value<'_>> = self.segment.field(field).repetitions().collect();
        let (id, sequence) = (self.segment.id(), self.segment.sequence());
        for (i, rep) in reps.into_iter().enumerate() {
            let at = |c: usize| {
                Location::at(id, sequence, field as u32, c as u32)
                    .in_repetition(u32::try_from(i + 1).unwrap_or(u32::MAX))
            };
            let email = self.value(rep.component(4), at(4));
            let area = self.value(rep.component(6), at(6)).unwrap_or_default();
            let local = self.value(rep.component(7), at(7)).unwrap_or_default();
            let plain = self.value(rep.component(1), at(1)).unwrap_or_default();
            if let Some(email) = email {
                emails.push(email);
            }
            let number = if local.is_empty() {
                plain
            } else {
                format!("{area}{local}")
            };
            if number.is_empty() {
                continue;
            }
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            if digits.len() == 10 && !number.chars().any(char::is_alphabetic) {
                phones.push(digits);
            } else {
                let location = at(0);
                self.issue(
                    invalid,
                    location,
                    "Phone number is not a 10-digit US number; ignored.",
                );
            }
        }
        (phones, emails)
    }
}

fn read_patient(r: &mut FieldReader<'_, '_, '_>) -> Patient {
    let mut patient = Patient::default();
    let ids: Vec<Value<'_>> = r.segment.field(3).repetitions().collect();
    for (i, rep) in ids.into_iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let id = r.value(rep.component(1), r.location(3, 1).in_repetition(n));
        let authority = r.value(rep.component(4), r.location(3, 4).in_repetition(n));
        let type_code = r.value(rep.component(5), r.location(3, 5).in_repetition(n));
        if let Some(id) = id {
            patient.identifiers.push(PatientIdentifier {
                id,
                assigning_authority: authority.unwrap_or_default(),
                type_code: type_code.unwrap_or_default().to_ascii_uppercase(),
            });
        }
    }
    // The legal name: the repetition of type L, else the first.
    let names: Vec<Value<'_>> = r.segment.field(5).repetitions().collect();
    let legal = names
        .iter()
        .position(|n| n.component(7).raw() == "L")
        .unwrap_or(0);
    if let Some(name) = names.get(legal) {
        patient.name = r.name(*name, 5);
    }
    patient.mother_maiden_name = r.text(6, 1);
    patient.birth_date = match day_of(r.segment.get(7, 1).raw()) {
        Ok(d) => Some(d),
        Err(DateProblem::Missing) => None,
        Err(DateProblem::Invalid) => {
            r.problem(
                Problem::BirthDateInvalid,
                7,
                0,
                "Birth date (PID-7) is not a valid date (YYYYMMDD).",
            );
            None
        }
    };
    patient.sex = r.coded(8, 1, SEX, Problem::SexInvalid, "Sex (PID-8)");
    let races: Vec<Value<'_>> = r.segment.field(10).repetitions().collect();
    for (i, race) in races.into_iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let location = r.location(10, 1).in_repetition(n);
        if let Some(code) = r.value(race.component(1), location.clone()) {
            match RACES.iter().find(|(c, _)| *c == code) {
                Some((c, _)) => patient.races.push(c),
                None => r.issue(
                    Problem::RaceInvalid,
                    location,
                    format!("Race '{code}' is not a CDC race code; ignored."),
                ),
            }
        }
    }
    let address = r.segment.field(11).repetition(1);
    patient.address = r.address(address, 11);
    if let Some(a) = &mut patient.address {
        if !a.state.is_empty()
            && !US_STATES
                .iter()
                .any(|(c, _)| c.eq_ignore_ascii_case(&a.state))
        {
            r.problem(
                Problem::AddressStateInvalid,
                11,
                4,
                format!("State '{}' is not a USPS code; ignored.", a.state),
            );
            a.state.clear();
        }
        let digits: String = a.zip.chars().filter(|c| *c != '-').collect();
        let zip_ok = digits.bytes().all(|b| b.is_ascii_digit()) && matches!(digits.len(), 5 | 9);
        if !a.zip.is_empty() && !zip_ok {
            r.problem(
                Problem::AddressZipInvalid,
                11,
                5,
                "ZIP code is not 5 or 9 digits; ignored.",
            );
            a.zip.clear();
        }
    }
    let (phones, emails) = r.phones(13, Problem::PhoneInvalid);
    patient.phones = phones;
    patient.emails = emails;
    if let Some(code) = r.text(22, 1) {
        match ETHNICITIES.iter().find(|(c, _)| *c == code) {
            Some((c, _)) => patient.ethnicity = Some(c),
            None => r.problem(
                Problem::EthnicityInvalid,
                22,
                1,
                format!("Ethnicity '{code}' is not a CDC ethnicity code; ignored."),
            ),
        }
    }
    patient.multiple_birth = match r.text(24, 0).as_deref() {
        None => None,
        Some("Y") => Some(true),
        Some("N") => Some(false),
        Some(other) => {
            r.problem(
                Problem::MultipleBirthInvalid,
                24,
                0,
                format!("Multiple birth indicator '{other}' is not Y or N; ignored."),
            );
            None
        }
    };
    patient.birth_order = match r.text(25, 0) {
        None => None,
        Some(t) => match t.parse::<u8>() {
            Ok(n @ 1..=9) => Some(n),
            _ => {
                r.problem(
                    Problem::BirthOrderInvalid,
                    25,
                    0,
                    "Birth order is not a number from 1 to 9; ignored.",
                );
                None
            }
        },
    };
    patient.death_date = r.date(29, Problem::DeathDateInvalid, "Death date (PID-29)");
    patient.deceased = r.text(30, 0).as_deref() == Some("Y") || patient.death_date.is_some();
    patient
}

fn read_preferences(r: &mut FieldReader<'_, '_, '_>) -> RegistryPreferences {
    let publicity = r.coded(
        11,
        1,
        PUBLICITY,
        Problem::PublicityInvalid,
        "Publicity code (PD1-11)",
    );
    let protection = match r.text(12, 0).as_deref() {
        None => None,
        Some("Y") => Some(true),
        Some("N") => Some(false),
        Some(other) => {
            r.problem(
                Problem::ProtectionInvalid,
                12,
                0,
                format!("Protection indicator '{other}' is not Y or N; ignored."),
            );
            None
        }
    };
    let protection_since = r.date(
        13,
        Problem::RegistryDateInvalid,
        "Protection indicator date (PD1-13)",
    );
    let codes: Vec<&'static str> = REGISTRY_STATUSES.iter().map(|(c, _)| *c).collect();
    let registry_status = r
        .coded(
            16,
            0,
            &codes,
            Problem::RegistryStatusInvalid,
            "Registry status (PD1-16)",
        )
        .and_then(|c| REGISTRY_STATUSES.iter().find(|(code, _)| *code == c))
        .map(|(_, status)| *status);
    let registry_status_since = r.date(
        17,
        Problem::RegistryDateInvalid,
        "Registry status date (PD1-17)",
    );
    let _ = r.date(
        18,
        Problem::RegistryDateInvalid,
        "Publicity code date (PD1-18)",
    );
    RegistryPreferences {
        publicity,
        protection,
        protection_since,
        registry_status,
        registry_status_since,
    }
}

fn read_guardian(r: &mut FieldReader<'_, '_, '_>) -> Option<Guardian> {
    let name_value = r.segment.field(2).repetition(1);
    let name = r.name(name_value, 2);
    let relationship = match r.text(3, 1) {
        None => None,
        Some(code) => {
            let found = RELATIONSHIPS
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(&code))
                .map(|(_, rel)| *rel);
            if found.is_none() {
                r.problem(
                    Problem::GuardianRelationshipInvalid,
                    3,
                    1,
                    format!("Relationship '{code}' is not in table 0063; ignored."),
                );
            }
            found
        }
    };
    if name.family.is_empty() || name.given.is_empty() {
        r.problem(
            Problem::GuardianNameInvalid,
            2,
            0,
            "Responsible person's name (NK1-2) needs a family and a given name; NK1 ignored.",
        );
        return None;
    }
    let address_value = r.segment.field(4).repetition(1);
    let address = r.address(address_value, 4);
    let (phones, _) = r.phones(5, Problem::PhoneInvalid);
    Some(Guardian {
        name,
        relationship,
        address,
        phones,
    })
}

fn read_vaccination(
    r: &mut FieldReader<'_, '_, '_>,
    order: Option<&Segment<'_>>,
    index: usize,
    codes: &CodeSets,
) -> Vaccination {
    let (placer_order, filler_order) = match order {
        Some(orc) => {
            let mut o = FieldReader {
                segment: orc,
                scope: r.scope,
                issues: &mut *r.issues,
            };
            let placer = o.text(2, 1);
            let filler = o.text(3, 1);
            if filler.is_none() {
                o.problem(Problem::FillerOrderMissing, 3, 0, "Filler order number (ORC-3) is missing; the vaccination cannot be updated or deleted later.");
            }
            (placer, filler)
        }
        None => (None, None),
    };
    let administered_on = match day_of(r.segment.get(3, 1).raw()) {
        Ok(d) => Some(d),
        Err(DateProblem::Missing) => {
            r.problem(
                Problem::AdministeredDateMissing,
                3,
                0,
                "Date administered (RXA-3) is missing; vaccination rejected.",
            );
            None
        }
        Err(DateProblem::Invalid) => {
            r.problem(
                Problem::AdministeredDateInvalid,
                3,
                0,
                "Date administered (RXA-3) is not a valid date; vaccination rejected.",
            );
            None
        }
    };
    let (cvx, ndc) = read_vaccine_code(r, codes);
    let amount_ml = match r.text(6, 0) {
        None => None,
        Some(t) if t == "999" => None,
        Some(t) => match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && v < 100.0 => Some(v),
            _ => {
                r.problem(
                    Problem::AmountInvalid,
                    6,
                    0,
                    format!("Administered amount '{t}' is not a volume in mL; ignored."),
                );
                None
            }
        },
    };
    let source = match r.text(9, 1) {
        None => {
            r.problem(
                Problem::InformationSourceMissing,
                9,
                0,
                "Information source (RXA-9) is missing; read as a new record (00).",
            );
            InformationSource::Administered
        }
        Some(code) if code == "00" => InformationSource::Administered,
        Some(code) if INFORMATION_SOURCES.contains(&code.as_str()) => InformationSource::Historical,
        Some(code) => {
            r.problem(
                Problem::InformationSourceInvalid,
                9,
                1,
                format!("Information source '{code}' is not in NIP001; read as historical."),
            );
            InformationSource::Historical
        }
    };
    let administered_by = {
        let family = r.text(10, 2);
        let given = r.text(10, 3);
        match (family, given) {
            (Some(f), Some(g)) => Some(format!("{f}, {g}")),
            (Some(f), None) => Some(f),
            (None, Some(g)) => Some(g),
            (None, None) => None,
        }
    };
    let administered_at = r.text(11, 4);
    let lot_number = r.text(15, 0);
    let lot_expires_on = r.date(
        16,
        Problem::LotExpiryInvalid,
        "Lot expiration date (RXA-16)",
    );
    let mvx = match r.text(17, 1) {
        None => None,
        Some(code) => match Mvx::parse(&code) {
            Ok(m) if codes.mvx.contains(m.as_str()) => Some(m),
            _ => {
                r.problem(
                    Problem::ManufacturerUnrecognized,
                    17,
                    1,
                    format!("Manufacturer '{code}' is not in CDC's MVX table; ignored."),
                );
                None
            }
        },
    };
    let refusal_reason = r.text(18, 1);
    let completion = match r.text(20, 0).as_deref() {
        None | Some("CP") => Completion::Complete,
        Some("RE") => Completion::Refused,
        Some("NA") => Completion::NotAdministered,
        Some("PA") => Completion::Partial,
        Some(other) => {
            r.problem(
                Problem::CompletionStatusInvalid,
                20,
                0,
                format!("Completion status '{other}' is not in table 0322; read as complete."),
            );
            Completion::Complete
        }
    };
    let action = match r.text(21, 0).as_deref() {
        None => {
            r.problem(
                Problem::ActionCodeMissing,
                21,
                0,
                "Action code (RXA-21) is missing; vaccination rejected.",
            );
            None
        }
        Some("A") => Some(Action::Add),
        Some("U") => Some(Action::Update),
        Some("D") => Some(Action::Delete),
        Some(other) => {
            r.problem(
                Problem::ActionCodeInvalid,
                21,
                0,
                format!("Action code '{other}' is not A, U or D; vaccination rejected."),
            );
            None
        }
    };
    Vaccination {
        index,
        rxa_sequence: r.segment.sequence(),
        placer_order,
        filler_order,
        administered_on,
        cvx,
        ndc,
        amount_ml,
        source,
        administered_by,
        administered_at,
        lot_number,
        lot_expires_on,
        mvx,
        refusal_reason,
        completion,
        action,
        route: None,
        site: None,
        has_rxr: false,
        vfc_eligibility: None,
        funding_source: None,
        vis: Vec::new(),
    }
}

/// RXA-5: a CVX (system `CVX`) or an NDC (system `NDC`), in the first triplet or the
/// alternate one (RXA-5.4–6); an NDC is looked up in CDC's NDC tables for its CVX.
fn read_vaccine_code(
    r: &mut FieldReader<'_, '_, '_>,
    codes: &CodeSets,
) -> (Option<Cvx>, Option<String>) {
    let primary = (r.text(5, 1), r.text(5, 3));
    let alternate = (r.text(5, 4), r.text(5, 6));
    if primary.0.is_none() && alternate.0.is_none() {
        r.problem(
            Problem::VaccineMissing,
            5,
            0,
            "Vaccine (RXA-5) is missing; vaccination rejected.",
        );
        return (None, None);
    }
    let mut cvx = None;
    let mut ndc = None;
    let mut first_problem: Option<(Problem, usize, String)> = None;
    for (base, (code, system)) in [(1usize, primary), (4, alternate)] {
        let Some(code) = code else { continue };
        let system = system.map(|s| s.to_ascii_uppercase());
        let problem = match system.as_deref() {
            None => Some((
                Problem::VaccineCodeSystemMissing,
                base + 2,
                format!(
                    "Vaccine code '{code}' has no code system (RXA-5.{}); vaccination rejected.",
                    base + 2
                ),
            )),
            Some("CVX") => match Cvx::parse(&code) {
                Err(_) => Some((
                    Problem::VaccineCodeInvalid,
                    base,
                    format!("'{code}' is not a CVX code; vaccination rejected."),
                )),
                Ok(c) if !codes.cvx.contains_key(c.as_str()) => Some((
                    Problem::VaccineCodeUnrecognized,
                    base,
                    format!("CVX '{code}' is not in CDC's CVX table; vaccination rejected."),
                )),
                Ok(c) => {
                    cvx.get_or_insert(c);
                    None
                }
            },
            Some("NDC") => match ndc11(&code) {
                None => Some((
                    Problem::VaccineCodeInvalid,
                    base,
                    format!("'{code}' is not an NDC; vaccination rejected."),
                )),
                Some(n) => match codes.ndc.get(&n) {
                    None => Some((
                        Problem::VaccineCodeUnrecognized,
                        base,
                        format!("NDC '{code}' is not in CDC's NDC tables; vaccination rejected."),
                    )),
                    Some(c) => {
                        if let Ok(c) = Cvx::parse(c) {
                            cvx.get_or_insert(c);
                        }
                        ndc.get_or_insert(n);
                        None
                    }
                },
            },
            Some(other) => Some((
                Problem::VaccineCodeSystemInvalid,
                base + 2,
                format!(
                    "Vaccine code system '{other}' is neither CVX nor NDC; vaccination rejected."
                ),
            )),
        };
        if first_problem.is_none() {
            first_problem = problem;
        }
    }
    // One good code is enough: an unknown NDC with a known alternate CVX is a known vaccine.
    if cvx.is_none() {
        if let Some((problem, component, message)) = first_problem {
            r.problem(problem, 5, component, message);
        }
    }
    (cvx, ndc)
}

fn read_route(r: &mut FieldReader<'_, '_, '_>, v: &mut Vaccination) {
    v.has_rxr = true;
    if let Some(code) = r.text(1, 1) {
        match ROUTES.iter().find(|(c, _)| c.eq_ignore_ascii_case(&code)) {
            Some((_, route)) => v.route = Some(route),
            None => r.problem(
                Problem::RouteInvalid,
                1,
                1,
                format!("Route '{code}' is not in table 0162 or NCIT; ignored."),
            ),
        }
    }
    v.site = r.coded(2, 1, SITES, Problem::SiteInvalid, "Site (RXR-2)");
}

fn read_observation(r: &mut FieldReader<'_, '_, '_>, v: &mut Vaccination, codes: &CodeSets) {
    let Some(loinc) = r.text(3, 1) else {
        r.problem(
            Problem::ObservationIgnored,
            3,
            0,
            "Observation without an identifier (OBX-3); ignored.",
        );
        return;
    };
    let value_type = r.text(2, 0).unwrap_or_default();
    let group = r.text(4, 0).unwrap_or_default();
    let vis = |v: &mut Vaccination| -> usize {
        match v.vis.iter().position(|o| o.group == group) {
            Some(i) => i,
            None => {
                v.vis.push(VisObservation {
                    group: group.clone(),
                    ..VisObservation::default()
                });
                v.vis.len() - 1
            }
        }
    };
    match loinc.as_str() {
        "64994-7" => {
            if value_type != "CE" && value_type != "CWE" {
                r.problem(
                    Problem::ObservationValueTypeInvalid,
                    2,
                    0,
                    "VFC eligibility (64994-7) must be coded (CE); ignored.",
                );
                return;
            }
            v.vfc_eligibility = r
                .coded(
                    5,
                    1,
                    VFC_ELIGIBILITY,
                    Problem::EligibilityInvalid,
                    "VFC eligibility",
                )
                .map(str::to_string);
        }
        "30963-3" => {
            v.funding_source = r
                .coded(
                    5,
                    1,
                    FUNDING_SOURCES,
                    Problem::FundingSourceInvalid,
                    "Funding source",
                )
                .map(str::to_string);
        }
        "69764-9" => {
            let Some(document) = r.text(5, 1) else { return };
            if !codes.vis_documents.contains(&document) {
                r.problem(
                    Problem::VisInvalid,
                    5,
                    1,
                    format!("VIS document '{document}' is not in CDC's VIS table; ignored."),
                );
                return;
            }
            let i = vis(v);
            v.vis[i].document = Some(document);
        }
        "30956-7" => {
            let Some(code) = r.text(5, 1) else { return };
            match Cvx::parse(&code) {
                Ok(c) => {
                    let i = vis(v);
                    v.vis[i].vaccine_type = Some(c);
                }
                Err(_) => r.problem(
                    Problem::VisInvalid,
                    5,
                    1,
                    format!("VIS vaccine type '{code}' is not a CVX code; ignored."),
                ),
            }
        }
        "29768-9" | "29769-7" => {
            let what = if loinc == "29768-9" {
                "VIS publication date"
            } else {
                "VIS presentation date"
            };
            let day = match day_of(r.segment.get(5, 1).raw()) {
                Ok(d) => d,
                Err(DateProblem::Missing) => return,
                Err(DateProblem::Invalid) => {
                    r.problem(
                        Problem::VisInvalid,
                        5,
                        0,
                        format!("{what} is not a valid date; ignored."),
                    );
                    return;
                }
            };
            let i = vis(v);
            if loinc == "29768-9" {
                v.vis[i].published_on = Some(day);
            } else {
                v.vis[i].presented_on = Some(day);
            }
        }
        _ => r.problem(
            Problem::ObservationIgnored,
            3,
            1,
            format!("Observation {loinc} is not stored; ignored."),
        ),
    }
    // A VIS named by vaccine type and edition gets its document string from CDC's table; a
    // type CDC maps to no VIS (NIST IZ-001 sends 88, "influenza, unspecified") falls back to
    // the dose's own vaccine.
    let dose_cvx = v.cvx.clone();
    for o in &mut v.vis {
        if o.document.is_none() {
            if let Some(edition) = o.published_on {
                o.document = [o.vaccine_type.as_ref(), dose_cvx.as_ref()]
                    .into_iter()
                    .flatten()
                    .find_map(|cvx| {
                        codes
                            .vis_editions
                            .get(&(cvx.as_str().to_string(), edition))
                            .cloned()
                    });
            }
        }
    }
}
