//! What a VXU says, handed to Shotbook's domain in the shapes the use cases already take: the
//! demographics form inputs (`PersonalInput`, `AddressInput`, `ResponsiblePersonInput`), the
//! parsed doses (`AdministeredDose`, `HistoricalDose`) and a consent signal from PD1.
//!
//! The form inputs borrow strings; [`PatientForm`] and [`GuardianForm`] own them, so a host
//! calls `Personal::parse(form.personal_input(), today, &mut issues)` exactly as the desktop's
//! form does, with the same rules and field names.

use time::Date;

use shotbook_core::codes::Cvx;
use shotbook_core::consent::ConsentStatus;
use shotbook_core::demographics::{AddressInput, PersonalInput, ResponsiblePersonInput};
use shotbook_core::ids::ClientId;
use shotbook_core::immunization::dose::{
    AdministeredDose, DoseDetails, DoseProduct, HistoricalDose, VisGiven,
};
use shotbook_core::immunization::lot::LotNumber;

use crate::vxu::{
    Action, Completion, Guardian, InformationSource, Patient, PostalAddress, RegistryPreferences,
    Vaccination,
};

/// The patient's demographics as owned text, in the desktop form's conventions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientForm {
    first_name: String,
    middle_name: String,
    last_name: String,
    suffix: String,
    date_of_birth: String,
    gender: String,
    mother_maiden_name: String,
    multiple_birth: String,
    birth_order: String,
    race: String,
    ethnicity: String,
    phone: String,
    address: AddressForm,
}

/// An address as owned text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressForm {
    line1: String,
    line2: String,
    city: String,
    state: String,
    zip: String,
}

impl AddressForm {
    fn of(address: Option<&PostalAddress>) -> Self {
        address.map_or_else(Self::default, |a| Self {
            line1: a.street.clone(),
            line2: a.other.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            zip: a.zip.clone(),
        })
    }

    /// The address form input (the county is left to the host: XAD.9 carries a FIPS code,
    /// the form a county name).
    pub fn input(&self) -> AddressInput<'_> {
        AddressInput {
            line1: &self.line1,
            line2: &self.line2,
            city: &self.city,
            state: &self.state,
            county: "",
            zip: &self.zip,
        }
    }
}

fn iso(date: Option<Date>) -> String {
    date.map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}

impl PatientForm {
    /// The form a PID fills.
    pub fn of(patient: &Patient) -> Self {
        Self {
            first_name: patient.name.given.clone(),
            middle_name: patient.name.middle.clone(),
            last_name: patient.name.family.clone(),
            suffix: patient.name.suffix.clone(),
            date_of_birth: iso(patient.birth_date),
            gender: patient.sex.unwrap_or_default().to_string(),
            mother_maiden_name: patient.mother_maiden_name.clone().unwrap_or_default(),
            multiple_birth: match patient.multiple_birth {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            // NIST's samples send PID-25 "1" for a singleton (PID-24 N); the registry records a
            // birth order only for a multiple birth, so a singleton's "1" is not passed on.
            birth_order: patient
                .birth_order
                .filter(|_| patient.multiple_birth == Some(true))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            race: patient
                .races
                .first()
                .copied()
                .unwrap_or_default()
                .to_string(),
            ethnicity: patient.ethnicity.unwrap_or_default().to_string(),
            phone: patient.phones.first().cloned().unwrap_or_default(),
            address: AddressForm::of(patient.address.as_ref()),
        }
    }

    /// Input for `shotbook_core::demographics::Personal::parse`.
    pub fn personal_input(&self) -> PersonalInput<'_> {
        PersonalInput {
            first_name: &self.first_name,
            middle_name: &self.middle_name,
            last_name: &self.last_name,
            suffix: &self.suffix,
            date_of_birth: &self.date_of_birth,
            gender: &self.gender,
            mother_maiden_name: &self.mother_maiden_name,
            multiple_birth: &self.multiple_birth,
            birth_order: &self.birth_order,
            birth_state: "",
            birth_country: "",
            race: &self.race,
            ethnicity: &self.ethnicity,
            language: "",
            phone: &self.phone,
        }
    }

    /// Input for `shotbook_core::demographics::Address::parse`.
    pub fn address_input(&self) -> AddressInput<'_> {
        self.address.input()
    }
}

/// A responsible person as owned text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardianForm {
    first_name: String,
    middle_name: String,
    last_name: String,
    relationship: String,
    phone: String,
}

impl GuardianForm {
    /// The form an NK1 fills; an unknown relationship reads as `other`.
    pub fn of(guardian: &Guardian) -> Self {
        Self {
            first_name: guardian.name.given.clone(),
            middle_name: guardian.name.middle.clone(),
            last_name: guardian.name.family.clone(),
            relationship: guardian.relationship.unwrap_or("other").to_string(),
            phone: guardian.phones.first().cloned().unwrap_or_default(),
        }
    }

    /// Input for `shotbook_core::demographics::ResponsiblePerson::parse`.
    pub fn input(&self) -> ResponsiblePersonInput<'_> {
        ResponsiblePersonInput {
            first_name: &self.first_name,
            middle_name: &self.middle_name,
            last_name: &self.last_name,
            relationship: &self.relationship,
            phone: &self.phone,
        }
    }
}

/// What PD1 says about sharing, for the jurisdiction's consent rule to weigh (an opt-in state
/// may require more than an EHR's flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentSignal {
    /// PD1-12 `N` (do not protect) reads as granted, `Y` (protect) as not granted.
    pub status: ConsentStatus,
    /// PD1-13.
    pub since: Option<Date>,
}

impl RegistryPreferences {
    /// The consent signal PD1-12 gives, if any.
    pub fn consent_signal(&self) -> Option<ConsentSignal> {
        self.protection.map(|protect| ConsentSignal {
            status: if protect {
                ConsentStatus::NotGranted
            } else {
                ConsentStatus::Granted
            },
            since: self.protection_since,
        })
    }
}

/// A vaccination as the use cases record it.
#[derive(Debug, Clone, PartialEq)]
pub enum CoreDose {
    /// RXA-9 `00`: given by the sender.
    Administered(Box<AdministeredDose>),
    /// RXA-9 `01`–`08`: from another record.
    Historical(HistoricalDose),
}

impl Vaccination {
    /// The dose to record for `client`, or `None` when this vaccination records no dose: a
    /// refusal or a dose not given (RXA-20 RE/NA), a deletion (RXA-21 D), or one without a
    /// usable date or vaccine (its issues say why).
    pub fn to_core(&self, client: ClientId) -> Option<CoreDose> {
        if !matches!(self.completion, Completion::Complete | Completion::Partial)
            || !matches!(self.action, Some(Action::Add | Action::Update))
        {
            return None;
        }
        let administered_on = self.administered_on?;
        let cvx: Cvx = self.cvx.clone()?;
        Some(match self.source {
            InformationSource::Historical => CoreDose::Historical(HistoricalDose {
                cvx,
                administered_on,
                provider: self
                    .administered_at
                    .clone()
                    .or_else(|| self.administered_by.clone()),
            }),
            InformationSource::Administered => CoreDose::Administered(Box::new(AdministeredDose {
                client,
                administered_on,
                product: DoseProduct::Typed {
                    cvx,
                    mvx: self.mvx.clone(),
                    lot_number: self
                        .lot_number
                        .as_deref()
                        .and_then(|l| LotNumber::parse_field("lotNumber", l).ok()),
                    expires_on: self.lot_expires_on,
                    ndc: self.ndc.clone(),
                },
                details: DoseDetails {
                    volume_ml: self.amount_ml,
                    route: self.route.map(str::to_string),
                    site: self.site.map(str::to_string),
                    vfc_eligibility: self.vfc_eligibility.clone(),
                    clinician: self.administered_by.clone(),
                },
                vis: self.vis.iter().find_map(|v| {
                    v.document.clone().map(|document| VisGiven {
                        document,
                        given_on: v.presented_on,
                    })
                }),
            })),
        })
    }
}
