//! The forecaster's input from this store's rows: a thin adapter onto the one builder,
//! [`shotbook_usecases::forecast_input::patient_of`], for the hosts that read a whole record
//! (the app's "Vaccines recommended", the printed record, `shotbook forecast --client`).

use shotbook_forecast::{Date, Patient};
use shotbook_usecases::forecast_input::{self, ForecastInputError, StoredComment, StoredDose};

use crate::clients::ClientRow;
use crate::demographics::CommentRow;
use crate::immunizations::ImmunizationRow;

impl<'a> From<&'a ImmunizationRow> for StoredDose<'a> {
    fn from(d: &'a ImmunizationRow) -> Self {
        StoredDose {
            status: &d.status,
            cvx: &d.cvx,
            mvx: d.mvx.as_deref(),
            administered_on: &d.administered_on,
        }
    }
}

impl<'a> From<&'a CommentRow> for StoredComment<'a> {
    fn from(c: &'a CommentRow) -> Self {
        StoredComment {
            code: &c.code,
            applies_from: &c.applies_from,
            applies_until: c.applies_until.as_deref(),
            voided: c.voided_at.is_some(),
        }
    }
}

/// The engine's patient for a stored client as of `on`, with the immunization id of each
/// [`Patient::doses`] entry (the engine reports doses by index).
pub fn patient_of(
    client: &ClientRow,
    doses: &[ImmunizationRow],
    comments: &[CommentRow],
    on: Date,
) -> Result<(Patient, Vec<String>), ForecastInputError> {
    let (patient, positions) = forecast_input::patient_of(
        &client.date_of_birth,
        &client.gender,
        doses.iter().map(StoredDose::from),
        comments.iter().map(StoredComment::from),
        on,
    )?;
    let ids = positions.into_iter().map(|i| doses[i].id.clone()).collect();
    Ok((patient, ids))
}
