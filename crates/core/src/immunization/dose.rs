//! A dose as every host hands it to the use cases, already parsed: the desktop from its form,
//! the registry server from an HL7 RXA segment or a FHIR Immunization. Field paths in the
//! issues the use cases add (`lotId`, `cvx`, `visDocument`) follow the same names.

use time::Date;

use crate::codes::{Cvx, Mvx};
use crate::ids::{ClientId, ImmunizationId, OrganizationId, VaccineLotId};
use crate::immunization::lot::LotNumber;
use crate::permission::{Permission, Role, Scope};

/// Where an administered dose's product facts come from.
#[derive(Debug, Clone, PartialEq)]
pub enum DoseProduct {
    /// Drawn from a lot of the organization's inventory: vaccine, manufacturer, lot number,
    /// expiry, NDC and funding come from the lot, which gives one dose.
    FromLot(VaccineLotId),
    /// Typed or scanned, not from the inventory.
    Typed {
        /// The vaccine.
        cvx: Cvx,
        /// Its manufacturer.
        mvx: Option<Mvx>,
        /// The lot number on the vial.
        lot_number: Option<LotNumber>,
        /// The vial's expiry.
        expires_on: Option<Date>,
        /// The product's NDC.
        ndc: Option<String>,
    },
}

/// What HL7's RXA and OBX segments add to a dose given here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoseDetails {
    /// Volume in mL.
    pub volume_ml: Option<f64>,
    /// HL7 table 0162 route.
    pub route: Option<String>,
    /// HL7 table 0163 site.
    pub site: Option<String>,
    /// VFC eligibility (V01–V07).
    pub vfc_eligibility: Option<String>,
    /// Who gave it.
    pub clinician: Option<String>,
}

/// The Vaccine Information Statement given with a dose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisGiven {
    /// The GS1 string printed on the VIS (CDC's VIS table names the edition).
    pub document: String,
    /// When it was given.
    pub given_on: Option<Date>,
}

/// A dose given here, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AdministeredDose {
    /// The client.
    pub client: ClientId,
    /// The day it was given.
    pub administered_on: Date,
    /// The product.
    pub product: DoseProduct,
    /// Route, site, VFC eligibility, clinician.
    pub details: DoseDetails,
    /// The VIS given, if recorded.
    pub vis: Option<VisGiven>,
}

/// A dose given elsewhere (from a shot card or another record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricalDose {
    /// The vaccine.
    pub cvx: Cvx,
    /// The day it was given.
    pub administered_on: Date,
    /// Who gave it, as the card says.
    pub provider: Option<String>,
}

/// One historical dose as typed on a form or sent in a request: vaccine (CVX), day given
/// (MM/DD/YYYY or ISO), who gave it (optional).
#[derive(Debug, Clone, Copy)]
pub struct HistoricalDoseInput<'a> {
    /// CVX.
    pub cvx: &'a str,
    /// The day it was given.
    pub administered_on: &'a str,
    /// Who gave it, as the card says (empty for none).
    pub provider: &'a str,
}

impl HistoricalDose {
    /// Parses a shot card's doses; every issue names its dose (`doses[2].administeredOn`), so
    /// the user can fix them all at once.
    pub fn parse_all(
        inputs: &[HistoricalDoseInput<'_>],
    ) -> Result<Vec<HistoricalDose>, crate::error::ValidationError> {
        use crate::date::UsDate;
        use crate::error::IssueCollector;
        let mut issues = IssueCollector::new();
        let mut doses = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let field = |name: &str| format!("doses[{i}].{name}");
            let on = issues.take(UsDate::parse_field(
                &field("administeredOn"),
                input.administered_on,
            ));
            let cvx = issues.take(Cvx::parse_field(&field("cvx"), input.cvx));
            let provider = issues
                .take(crate::immunization::entry::optional_text(
                    &field("provider"),
                    input.provider,
                ))
                .flatten();
            if let (Some(on), Some(cvx)) = (on, cvx) {
                doses.push(HistoricalDose {
                    cvx,
                    administered_on: on.date(),
                    provider,
                });
            }
        }
        issues.finish()?;
        Ok(doses)
    }
}

/// A correction of a recorded dose. Every editable value is given (unchanged ones repeat the
/// old); the previous values are kept with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseCorrection {
    /// The dose.
    pub immunization: ImmunizationId,
    /// The revision the user saw; a dose changed meanwhile is refused.
    pub expected_revision: i64,
    /// The day it was given.
    pub administered_on: Date,
    /// The vaccine (fixed for a dose drawn from a lot).
    pub cvx: Cvx,
    /// Its manufacturer.
    pub mvx: Option<Mvx>,
    /// The lot number (fixed for a dose drawn from a lot).
    pub lot_number: Option<LotNumber>,
    /// Route, site, VFC eligibility, clinician.
    pub details: DoseDetails,
    /// Who gave a historical dose.
    pub historical_provider: Option<String>,
    /// Why it is corrected.
    pub reason: String,
}

/// Whether a user may edit or void a dose owned by `owner` (the organization that recorded it,
/// or for an imported dose the one that gave it): state staff may change any; other roles with
/// [`Permission::EditImmunizations`] only their own organization's entries.
pub fn may_change(role: Role, organization: OrganizationId, owner: Option<OrganizationId>) -> bool {
    role.grants(Permission::EditImmunizations)
        && (role.scope() == Scope::State || owner == Some(organization))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owning_organization_or_state_staff_change_a_dose() {
        let (mine, theirs) = (OrganizationId::new(), OrganizationId::new());
        let provider = Role::FullAccessProvider;
        assert!(may_change(provider, mine, Some(mine)));
        assert!(!may_change(provider, mine, Some(theirs)));
        assert!(
            !may_change(provider, mine, None),
            "an unowned dose is the state's"
        );
        assert!(may_change(Role::FullAccessState, mine, Some(theirs)));
        assert!(may_change(Role::FullAccessState, mine, None));
        assert!(!may_change(Role::ViewOnlyNonProvider, mine, Some(mine)));
    }
}
