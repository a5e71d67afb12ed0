//! What is wrong with an incoming message, located to the component, with the codes an ACK's
//! ERR segment carries.
//!
//! Every problem has a stable [`Problem::code`] (tests, logs and the registry's per-message
//! report switch on it, never on the text), an HL7 table 0357 code (ERR-3), a table 0533
//! application code (ERR-5), a default severity (ERR-4) and what an error rejects (the whole
//! message, or one vaccination: the ORC/RXA/RXR/OBX group). The defaults follow AIRA MQE: its
//! 32 default-ERROR detections are errors here, the rest warnings or information.

use std::fmt;

/// ERR-4, HL7 table 0516.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `E`: not successful; the message or the vaccination is rejected.
    Error,
    /// `W`: stored, with possible data loss (a value was ignored).
    Warning,
    /// `I`: stored; for information.
    Information,
}

impl Severity {
    /// The one-letter code of table 0516.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "E",
            Severity::Warning => "W",
            Severity::Information => "I",
        }
    }
}

/// ERR-3, HL7 table 0357 (message error condition codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HlCondition {
    /// 0 Message accepted.
    Accepted,
    /// 100 Segment sequence error.
    SegmentSequence,
    /// 101 Required field missing.
    RequiredFieldMissing,
    /// 102 Data type error.
    DataType,
    /// 103 Table value not found.
    TableValueNotFound,
    /// 200 Unsupported message type.
    UnsupportedMessageType,
    /// 201 Unsupported event code.
    UnsupportedEvent,
    /// 202 Unsupported processing ID.
    UnsupportedProcessingId,
    /// 203 Unsupported version ID.
    UnsupportedVersion,
    /// 207 Application internal error.
    ApplicationInternal,
}

impl HlCondition {
    /// The numeric code.
    pub fn code(self) -> u16 {
        match self {
            HlCondition::Accepted => 0,
            HlCondition::SegmentSequence => 100,
            HlCondition::RequiredFieldMissing => 101,
            HlCondition::DataType => 102,
            HlCondition::TableValueNotFound => 103,
            HlCondition::UnsupportedMessageType => 200,
            HlCondition::UnsupportedEvent => 201,
            HlCondition::UnsupportedProcessingId => 202,
            HlCondition::UnsupportedVersion => 203,
            HlCondition::ApplicationInternal => 207,
        }
    }

    /// The table's text (ERR-3.2).
    pub fn text(self) -> &'static str {
        match self {
            HlCondition::Accepted => "Message accepted",
            HlCondition::SegmentSequence => "Segment sequence error",
            HlCondition::RequiredFieldMissing => "Required field missing",
            HlCondition::DataType => "Data type error",
            HlCondition::TableValueNotFound => "Table value not found",
            HlCondition::UnsupportedMessageType => "Unsupported message type",
            HlCondition::UnsupportedEvent => "Unsupported event code",
            HlCondition::UnsupportedProcessingId => "Unsupported processing id",
            HlCondition::UnsupportedVersion => "Unsupported version id",
            HlCondition::ApplicationInternal => "Application internal error",
        }
    }

    /// 2xx: the message was refused for reasons unrelated to its content (MSA-1 `AR`).
    pub fn is_rejection(self) -> bool {
        self.code() >= 200
    }
}

/// ERR-5, CDC table 0533 (application error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppError {
    /// 1 Illogical date error (e.g. a dose before birth).
    IllogicalDate,
    /// 2 Invalid date.
    InvalidDate,
    /// 3 Illogical value error.
    IllogicalValue,
    /// 4 Invalid value.
    InvalidValue,
    /// 5 Table value not found.
    TableValueNotFound,
    /// 6 Required observation missing.
    RequiredObservationMissing,
    /// 7 Required data missing.
    RequiredDataMissing,
    /// 8 Data was ignored.
    DataIgnored,
}

impl AppError {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            AppError::IllogicalDate => 1,
            AppError::InvalidDate => 2,
            AppError::IllogicalValue => 3,
            AppError::InvalidValue => 4,
            AppError::TableValueNotFound => 5,
            AppError::RequiredObservationMissing => 6,
            AppError::RequiredDataMissing => 7,
            AppError::DataIgnored => 8,
        }
    }

    /// The table's text (ERR-5.2).
    pub fn text(self) -> &'static str {
        match self {
            AppError::IllogicalDate => "Illogical date error",
            AppError::InvalidDate => "Invalid date",
            AppError::IllogicalValue => "Illogical value error",
            AppError::InvalidValue => "Invalid value",
            AppError::TableValueNotFound => "Table value not found",
            AppError::RequiredObservationMissing => "Required observation missing",
            AppError::RequiredDataMissing => "Required data missing",
            AppError::DataIgnored => "Data was ignored",
        }
    }
}

/// Where a problem is: ERR-2 (`SEG^sequence^field^repetition^component^subcomponent`).
/// Zero means "the whole": a field location has component 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// Segment ID.
    pub segment: String,
    /// Which occurrence of the segment (1-based).
    pub sequence: u32,
    /// Field number (0: the whole segment).
    pub field: u32,
    /// Repetition (1 when a field is named).
    pub repetition: u32,
    /// Component (0: the whole field).
    pub component: u32,
    /// Subcomponent (0: the whole component).
    pub subcomponent: u32,
}

impl Location {
    /// A segment as a whole.
    pub fn segment(segment: &str, sequence: u32) -> Self {
        Self {
            segment: segment.to_string(),
            sequence,
            field: 0,
            repetition: 0,
            component: 0,
            subcomponent: 0,
        }
    }

    /// Field `field`, component `component` (0 for the whole field) of the first repetition.
    pub fn at(segment: &str, sequence: u32, field: u32, component: u32) -> Self {
        Self {
            segment: segment.to_string(),
            sequence,
            field,
            repetition: u32::from(field > 0),
            component,
            subcomponent: 0,
        }
    }

    /// The same place in repetition `repetition`.
    pub fn in_repetition(mut self, repetition: u32) -> Self {
        self.repetition = repetition;
        self
    }

    /// ERR-2's components, trailing zeros left out: `RXA^1^5^1^1`, `PID^1^7^1`, `ORC^2`.
    pub fn components(&self) -> Vec<String> {
        let all = [
            self.sequence,
            self.field,
            self.repetition,
            self.component,
            self.subcomponent,
        ];
        let used = all.iter().rposition(|n| *n != 0).map_or(0, |i| i + 1);
        std::iter::once(self.segment.clone())
            .chain(all[..used].iter().map(|n| n.to_string()))
            .collect()
    }
}

impl fmt::Display for Location {
    /// `RXA-5.1` (the usual way people name a field), `RXA[2]-3` for a later occurrence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segment)?;
        if self.sequence > 1 {
            write!(f, "[{}]", self.sequence)?;
        }
        if self.field > 0 {
            write!(f, "-{}", self.field)?;
            if self.component > 0 {
                write!(f, ".{}", self.component)?;
            }
        }
        Ok(())
    }
}

/// What an error rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The whole message: nothing in it is stored.
    Message,
    /// One vaccination (ORC/RXA/RXR/OBX group), by its position (0-based) in the message;
    /// the others are stored.
    Vaccination(usize),
}

macro_rules! problems {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $cond:ident, $app:expr, $sev:ident; )*) => {
        /// Every problem the readers and checks report. The stable code, the HL7 codes and
        /// the default severity of each are one row of this table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Problem {
            $( $(#[$doc])* $name, )*
        }

        impl Problem {
            /// Every problem, in table order.
            pub const ALL: &'static [Problem] = &[$(Problem::$name),*];

            /// Stable code (`rxa.vaccine.unrecognized`).
            pub fn code(self) -> &'static str {
                match self { $( Problem::$name => $code, )* }
            }

            /// ERR-3.
            pub fn condition(self) -> HlCondition {
                match self { $( Problem::$name => HlCondition::$cond, )* }
            }

            /// ERR-5.
            pub fn application_error(self) -> Option<AppError> {
                match self { $( Problem::$name => $app, )* }
            }

            /// ERR-4 unless a reader says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $( Problem::$name => Severity::$sev, )* }
            }
        }
    };
}

use AppError as A;

problems! {
    // The message as a whole (the parser and MSH).
    /// Over the 4 MiB limit.
    MessageTooLarge = "message.too_large", ApplicationInternal, None, Error;
    /// Not UTF-8, not starting with MSH, unusable separators, a bad segment ID, two messages.
    MessageUnreadable = "message.unreadable", DataType, Some(A::InvalidValue), Error;
    /// MSH-9.1 is not the message type this endpoint reads.
    MessageTypeUnsupported = "msh.message_type.unsupported", UnsupportedMessageType, Some(A::InvalidValue), Error;
    /// MSH-9.2 is not the trigger event this endpoint reads.
    TriggerEventUnsupported = "msh.trigger_event.unsupported", UnsupportedEvent, Some(A::InvalidValue), Error;
    /// MSH-11 is not P, T or D.
    ProcessingIdUnsupported = "msh.processing_id.unsupported", UnsupportedProcessingId, Some(A::InvalidValue), Error;
    /// MSH-12 is not 2.5.1.
    VersionUnsupported = "msh.version.unsupported", UnsupportedVersion, Some(A::InvalidValue), Error;
    /// MSH-10 is empty: the ACK could not name the message.
    ControlIdMissing = "msh.control_id.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// MSH-7 is empty (MQE error).
    MessageDateMissing = "msh.date.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// MSH-7 is not an HL7 date-time (MQE error).
    MessageDateInvalid = "msh.date.invalid", DataType, Some(A::InvalidDate), Error;
    /// MSH-7 is after the time of receipt (MQE error).
    MessageDateInFuture = "msh.date.future", DataType, Some(A::IllogicalDate), Error;
    /// MSH-21 is empty.
    ProfileMissing = "msh.profile.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// MSH-21 names another profile than the message type's.
    ProfileUnexpected = "msh.profile.unexpected", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// MSH-4 is empty.
    SendingFacilityMissing = "msh.sending_facility.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// A segment where the message structure has no place for it; ignored.
    SegmentUnexpected = "segment.unexpected", SegmentSequence, Some(A::DataIgnored), Warning;
    /// A value whose escape sequences cannot be decoded; ignored.
    EscapeInvalid = "value.escape.invalid", DataType, Some(A::InvalidValue), Warning;

    // The patient.
    /// No PID segment.
    PatientMissing = "pid.missing", SegmentSequence, Some(A::RequiredDataMissing), Error;
    /// No PID-3 identifier (MQE error).
    PatientIdentifierMissing = "pid.identifier.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// A PID-3 identifier without its type, PID-3.5 (MQE error).
    PatientIdentifierTypeMissing = "pid.identifier.type.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// No PID-3 identifier of type MR (the sender's record number).
    PatientRecordNumberMissing = "pid.identifier.mr.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// PID-5.1 empty (MQE error).
    LastNameMissing = "pid.name.last.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// PID-5.1 is not a name (MQE error).
    LastNameInvalid = "pid.name.last.invalid", DataType, Some(A::InvalidValue), Error;
    /// PID-5.2 empty (MQE error).
    FirstNameMissing = "pid.name.first.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// PID-5.2 is not a name (MQE error).
    FirstNameInvalid = "pid.name.first.invalid", DataType, Some(A::InvalidValue), Error;
    /// PID-5.3 is not a name; ignored.
    MiddleNameInvalid = "pid.name.middle.invalid", DataType, Some(A::InvalidValue), Warning;
    /// PID-6 is not a name; ignored.
    MotherMaidenNameInvalid = "pid.mother_maiden_name.invalid", DataType, Some(A::InvalidValue), Warning;
    /// PID-7 empty (MQE error).
    BirthDateMissing = "pid.birth_date.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// PID-7 not a full date (MQE error).
    BirthDateInvalid = "pid.birth_date.invalid", DataType, Some(A::InvalidDate), Error;
    /// PID-7 after the message was received (MQE error).
    BirthDateInFuture = "pid.birth_date.future", DataType, Some(A::IllogicalDate), Error;
    /// PID-7 more than 130 years ago (MQE error).
    BirthDateTooLongAgo = "pid.birth_date.too_long_ago", DataType, Some(A::IllogicalDate), Error;
    /// PID-8 empty.
    SexMissing = "pid.sex.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// PID-8 not in table 0001 (F, M, U; X where accepted).
    SexInvalid = "pid.sex.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PID-10 not a CDC race code; ignored.
    RaceInvalid = "pid.race.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PID-22 not a CDC ethnicity code; ignored.
    EthnicityInvalid = "pid.ethnicity.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PID-11 state not a USPS code; ignored.
    AddressStateInvalid = "pid.address.state.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PID-11 ZIP not 5 or 9 digits; ignored.
    AddressZipInvalid = "pid.address.zip.invalid", DataType, Some(A::InvalidValue), Warning;
    /// PID-13 not a 10-digit US phone number; ignored.
    PhoneInvalid = "pid.phone.invalid", DataType, Some(A::InvalidValue), Warning;
    /// PID-24 not Y/N; ignored.
    MultipleBirthInvalid = "pid.multiple_birth.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PID-25 not 1–9; ignored.
    BirthOrderInvalid = "pid.birth_order.invalid", DataType, Some(A::InvalidValue), Warning;
    /// PID-29 not a date, or before birth; ignored.
    DeathDateInvalid = "pid.death_date.invalid", DataType, Some(A::InvalidDate), Warning;
    /// PD1-11 not in table 0215; ignored.
    PublicityInvalid = "pd1.publicity.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PD1-12 not Y/N; ignored (no consent signal).
    ProtectionInvalid = "pd1.protection.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// PD1-16 not in table 0441; ignored.
    RegistryStatusInvalid = "pd1.registry_status.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// A PD1 effective date (PD1-13, -17, -18) not a date; ignored.
    RegistryDateInvalid = "pd1.date.invalid", DataType, Some(A::InvalidDate), Warning;
    /// NK1-2 empty or not a name; the responsible person is ignored.
    GuardianNameInvalid = "nk1.name.invalid", DataType, Some(A::InvalidValue), Warning;
    /// NK1-3 not in table 0063; the relationship is ignored.
    GuardianRelationshipInvalid = "nk1.relationship.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;

    // A vaccination.
    /// RXA without a preceding ORC.
    OrderMissing = "orc.missing", SegmentSequence, Some(A::RequiredDataMissing), Warning;
    /// ORC not followed by RXA; ignored.
    OrderWithoutVaccination = "orc.without_rxa", SegmentSequence, Some(A::DataIgnored), Warning;
    /// ORC-3 empty: updates and deletions cannot find the vaccination.
    FillerOrderMissing = "orc.filler_order.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// RXA-3 empty (MQE error).
    AdministeredDateMissing = "rxa.date.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// RXA-3 not a full date (MQE error).
    AdministeredDateInvalid = "rxa.date.invalid", DataType, Some(A::InvalidDate), Error;
    /// RXA-3 after the message was received (MQE error).
    AdministeredDateInFuture = "rxa.date.future", DataType, Some(A::IllogicalDate), Error;
    /// RXA-3 before PID-7 (MQE error).
    AdministeredBeforeBirth = "rxa.date.before_birth", DataType, Some(A::IllogicalDate), Error;
    /// RXA-3 after PID-29 (MQE error).
    AdministeredAfterDeath = "rxa.date.after_death", DataType, Some(A::IllogicalDate), Error;
    /// RXA-3 after MSH-7. MQE's "after message submitted" (DQA0252) is an error, but AART
    /// tests it with a date in the future (`RXA-3=[FUTURE]`), which `rxa.date.future` rejects;
    /// a dose dated after a message's own timestamp is a sender's clock or template problem,
    /// and NIST's IZ-001 sample has one, so it warns.
    AdministeredAfterMessage = "rxa.date.after_message", DataType, Some(A::IllogicalDate), Warning;
    /// RXA-5 empty (MQE error).
    VaccineMissing = "rxa.vaccine.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// RXA-5.3 empty (MQE error: table missing).
    VaccineCodeSystemMissing = "rxa.vaccine.code_system.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// RXA-5.3 neither CVX nor NDC (MQE error: table invalid).
    VaccineCodeSystemInvalid = "rxa.vaccine.code_system.invalid", TableValueNotFound, Some(A::TableValueNotFound), Error;
    /// RXA-5.1 not shaped like a CVX or NDC code (MQE error).
    VaccineCodeInvalid = "rxa.vaccine.invalid", DataType, Some(A::InvalidValue), Error;
    /// RXA-5.1 not in CDC's CVX or NDC tables (MQE error).
    VaccineCodeUnrecognized = "rxa.vaccine.unrecognized", TableValueNotFound, Some(A::TableValueNotFound), Error;
    /// CVX 998/999 for a dose given here (MQE error: not usable).
    VaccineNotUsable = "rxa.vaccine.not_usable", TableValueNotFound, Some(A::IllogicalValue), Error;
    /// An unspecified-formulation CVX for a dose given here.
    VaccineUnspecifiedFormulation = "rxa.vaccine.unspecified_formulation", TableValueNotFound, Some(A::IllogicalValue), Warning;
    /// A vaccine CDC lists as never active or not used in the US.
    VaccineInactive = "rxa.vaccine.inactive", TableValueNotFound, Some(A::IllogicalValue), Information;
    /// RXA-6 not a number; ignored.
    AmountInvalid = "rxa.amount.invalid", DataType, Some(A::InvalidValue), Warning;
    /// RXA-9 empty: read as given here (00).
    InformationSourceMissing = "rxa.information_source.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// RXA-9 not in NIP001; read as historical.
    InformationSourceInvalid = "rxa.information_source.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// RXA-15 empty on a dose given here.
    LotMissing = "rxa.lot.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// RXA-16 not a date; ignored.
    LotExpiryInvalid = "rxa.lot.expiry.invalid", DataType, Some(A::InvalidDate), Warning;
    /// RXA-16 before RXA-3: the lot had expired when given.
    LotExpiredWhenGiven = "rxa.lot.expired", DataType, Some(A::IllogicalDate), Warning;
    /// RXA-17 empty on a dose given here.
    ManufacturerMissing = "rxa.manufacturer.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// RXA-17 not an MVX code in CDC's table; ignored.
    ManufacturerUnrecognized = "rxa.manufacturer.unrecognized", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// RXA-20 not in table 0322; read as complete.
    CompletionStatusInvalid = "rxa.completion_status.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// RXA-21 empty (MQE error).
    ActionCodeMissing = "rxa.action_code.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// RXA-21 not A, U or D (MQE error).
    ActionCodeInvalid = "rxa.action_code.invalid", TableValueNotFound, Some(A::TableValueNotFound), Error;
    /// No RXR on a dose given here.
    RouteMissing = "rxr.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Warning;
    /// RXR-1 not in table 0162 / NCIT; ignored.
    RouteInvalid = "rxr.route.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// RXR-2 not in table 0163; ignored.
    SiteInvalid = "rxr.site.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// No OBX 64994-7 (VFC eligibility) on a dose given here.
    EligibilityMissing = "obx.eligibility.missing", RequiredFieldMissing, Some(A::RequiredObservationMissing), Warning;
    /// OBX 64994-7 not in table 0064; ignored.
    EligibilityInvalid = "obx.eligibility.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// OBX 30963-3 (funding source) not in CDCPHINVS; ignored.
    FundingSourceInvalid = "obx.funding_source.invalid", TableValueNotFound, Some(A::TableValueNotFound), Warning;
    /// A VIS observation (69764-9, 29768-9, 29769-7, 30956-7) that cannot be read; ignored.
    VisInvalid = "obx.vis.invalid", DataType, Some(A::InvalidValue), Warning;
    /// An OBX whose value type (OBX-2) does not fit its observation; ignored.
    ObservationValueTypeInvalid = "obx.value_type.invalid", DataType, Some(A::InvalidValue), Warning;
    /// An OBX this registry does not store; ignored.
    ObservationIgnored = "obx.ignored", Accepted, Some(A::DataIgnored), Information;

    // A query.
    /// No QPD segment.
    QueryMissing = "qpd.missing", SegmentSequence, Some(A::RequiredDataMissing), Error;
    /// QPD-1 is not Z34 or Z44.
    QueryProfileUnsupported = "qpd.profile.unsupported", TableValueNotFound, Some(A::TableValueNotFound), Error;
    /// QPD-2 (query tag) empty.
    QueryTagMissing = "qpd.tag.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// Neither an identifier (QPD-3) nor a name and birth date (QPD-4, QPD-6).
    QueryPatientMissing = "qpd.patient.missing", RequiredFieldMissing, Some(A::RequiredDataMissing), Error;
    /// QPD-6 not a date.
    QueryBirthDateInvalid = "qpd.birth_date.invalid", DataType, Some(A::InvalidDate), Error;
    /// RCP-2 not a count of records; the default (20) is used.
    QueryLimitInvalid = "rcp.quantity.invalid", DataType, Some(A::InvalidValue), Warning;

    // What the registry made of the message (its use cases, after the checks above).
    /// A patient field the registry's rules refuse (the demographics form's rules).
    PatientRefused = "registry.patient.invalid", DataType, Some(A::InvalidValue), Error;
    /// A vaccination the registry's rules refused (consent, entry rules, permission).
    VaccinationRefused = "registry.vaccination.refused", DataType, Some(A::IllogicalValue), Error;
    /// The registry already holds this vaccination for the patient; not recorded again.
    VaccinationDuplicate = "registry.vaccination.duplicate", Accepted, Some(A::DataIgnored), Information;
    /// The patient was added as a new record; possible matches wait for review.
    PatientQueuedForReview = "registry.patient.review", Accepted, None, Information;
}

/// One problem found in one message, ready for an ERR segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hl7Issue {
    /// Which problem.
    pub problem: Problem,
    /// Where (none for the message as a whole).
    pub location: Option<Location>,
    /// ERR-4.
    pub severity: Severity,
    /// What an error rejects.
    pub scope: Scope,
    /// ERR-8: a sentence for the sender's staff. Never quotes a name or a date of birth (the
    /// ACK is logged by the sender's interface engines).
    pub message: String,
}

impl Hl7Issue {
    /// An issue with the problem's default severity, about the whole message.
    pub fn new(problem: Problem, location: Option<Location>, message: impl Into<String>) -> Self {
        let mut message = message.into();
        // Messages quote what the sender sent; a 4 MiB "message type" must not make a 4 MiB ACK.
        if let Some((cut, _)) = message.char_indices().nth(Self::MAX_MESSAGE_CHARS) {
            message.truncate(cut);
            message.push('…');
        }
        Self {
            problem,
            location,
            severity: problem.default_severity(),
            scope: Scope::Message,
            message,
        }
    }

    /// Longest ERR-8 text.
    pub const MAX_MESSAGE_CHARS: usize = 200;

    /// The same issue, about one vaccination.
    pub fn for_vaccination(mut self, index: usize) -> Self {
        self.scope = Scope::Vaccination(index);
        self
    }

    /// The same issue with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Stable code of the problem.
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn err_2_leaves_out_trailing_zeros() {
        assert_eq!(
            Location::at("RXA", 1, 5, 1).components(),
            ["RXA", "1", "5", "1", "1"]
        );
        assert_eq!(
            Location::at("PID", 1, 7, 0).components(),
            ["PID", "1", "7", "1"]
        );
        assert_eq!(Location::segment("ORC", 2).components(), ["ORC", "2"]);
        assert_eq!(Location::at("RXA", 2, 5, 1).to_string(), "RXA[2]-5.1");
    }

    #[test]
    fn codes_are_unique_and_rejections_are_the_2xx_conditions() {
        let mut codes: Vec<_> = Problem::ALL.iter().map(|p| p.code()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "two problems share a code");
        for p in Problem::ALL {
            if p.condition().is_rejection() {
                assert_eq!(p.default_severity(), Severity::Error, "{}", p.code());
            }
        }
    }

    #[test]
    fn the_mqe_error_detections_default_to_errors() {
        // The 32 default-ERROR MQE detections this registry can see (interop note §A2).
        for p in [
            Problem::MessageDateMissing,
            Problem::MessageDateInvalid,
            Problem::MessageDateInFuture,
            Problem::BirthDateMissing,
            Problem::BirthDateInvalid,
            Problem::BirthDateInFuture,
            Problem::BirthDateTooLongAgo,
            Problem::FirstNameMissing,
            Problem::FirstNameInvalid,
            Problem::LastNameMissing,
            Problem::LastNameInvalid,
            Problem::PatientIdentifierMissing,
            Problem::PatientIdentifierTypeMissing,
            Problem::ActionCodeMissing,
            Problem::ActionCodeInvalid,
            Problem::AdministeredDateMissing,
            Problem::AdministeredDateInvalid,
            Problem::AdministeredDateInFuture,
            Problem::AdministeredAfterDeath,
            Problem::AdministeredBeforeBirth,
            Problem::VaccineMissing,
            Problem::VaccineCodeInvalid,
            Problem::VaccineCodeUnrecognized,
            Problem::VaccineNotUsable,
            Problem::VaccineCodeSystemMissing,
            Problem::VaccineCodeSystemInvalid,
        ] {
            assert_eq!(p.default_severity(), Severity::Error, "{}", p.code());
        }
        for p in [
            Problem::RaceInvalid,
            Problem::PhoneInvalid,
            Problem::EligibilityInvalid,
            Problem::LotMissing,
            Problem::ManufacturerUnrecognized,
            Problem::SexInvalid,
        ] {
            assert_ne!(p.default_severity(), Severity::Error, "{}", p.code());
        }
    }
}
