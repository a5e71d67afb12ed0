//! Vaccine lot inventory: receiving a lot, adjusting its count, and expiry alerts.

use time::{Date, Duration};

use crate::codes::{Cvx, Mvx};
use crate::date::UsDate;
use crate::error::{Issue, IssueCollector, ValidationError};

/// Lots expiring within this many days are shown as alerts.
pub const EXPIRY_ALERT_DAYS: i64 = 30;

/// Largest quantity one receipt or adjustment may carry (a typo guard, not a business rule).
pub const MAX_QUANTITY: i64 = 100_000;

/// Who paid for the vaccine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundingSource {
    /// Vaccines for Children (federal).
    Vfc,
    /// State-funded.
    State,
    /// Privately purchased.
    Private,
}

impl FundingSource {
    /// Every source, in the order forms list them.
    pub const ALL: [FundingSource; 3] = [Self::Vfc, Self::State, Self::Private];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vfc => "vfc",
            Self::State => "state",
            Self::Private => "private",
        }
    }

    /// The HL7 funding-source code (CDC value set PHVS_ImmunizationFundingSource_IIS, OBX
    /// 30963-3): public VFC, public non-VFC, private.
    pub fn hl7_code(self) -> &'static str {
        match self {
            Self::Vfc => "VXC51",
            Self::State => "VXC52",
            Self::Private => "PHC70",
        }
    }

    /// Parses a stored or submitted code.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        Self::ALL
            .into_iter()
            .find(|f| f.code() == input.trim())
            .ok_or_else(|| Issue::new(field, "Choose the funding source: VFC, state or private."))
    }
}

/// Why stock changed other than by a dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentReason {
    /// Doses drawn but not given (dropped, contaminated, partial vial).
    Wastage,
    /// Doses past their expiry taken out of stock.
    Expired,
    /// Doses sent back to the distributor.
    Returned,
    /// Doses sent to another clinic.
    Transfer,
    /// A physical count found a different number (may add or remove).
    CountCorrection,
}

impl AdjustmentReason {
    /// Every reason, in the order forms list them.
    pub const ALL: [AdjustmentReason; 5] = [
        Self::Wastage,
        Self::Expired,
        Self::Returned,
        Self::Transfer,
        Self::CountCorrection,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Wastage => "wastage",
            Self::Expired => "expired",
            Self::Returned => "returned",
            Self::Transfer => "transfer",
            Self::CountCorrection => "count_correction",
        }
    }

    /// Parses a stored or submitted code.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == input.trim())
            .ok_or_else(|| {
                Issue::new(
                    field,
                    "Choose a reason: wastage, expired, returned, transfer or count correction.",
                )
            })
    }

    /// Only a count correction may add doses; the others take doses out.
    pub fn may_add(self) -> bool {
        self == Self::CountCorrection
    }
}

/// A manufacturer's lot number: 1–20 letters, digits, `-`, `.` or `/`, kept as printed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LotNumber(String);

impl LotNumber {
    /// Parses form field `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Issue::new(
                field,
                "Enter the lot number printed on the vial.",
            ));
        }
        if s.chars().count() > 20
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        {
            return Err(Issue::new(
                field,
                "A lot number has at most 20 letters, digits, '-', '.' or '/'.",
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The lot number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a whole-dose quantity between 1 and [`MAX_QUANTITY`].
pub fn parse_quantity(field: &str, input: &str) -> Result<i64, Issue> {
    match input.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_QUANTITY).contains(&n) => Ok(n),
        _ => Err(Issue::new(
            field,
            format!("Enter a whole number of doses from 1 to {MAX_QUANTITY}."),
        )),
    }
}

/// A change of a lot's count other than by a dose, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotAdjustment {
    /// The lot.
    pub lot: crate::ids::VaccineLotId,
    /// Doses added (positive) or taken out (negative).
    pub change: i64,
    /// Why.
    pub reason: AdjustmentReason,
    /// A note (at most 200 characters).
    pub note: Option<String>,
}

/// A lot being received into inventory, as typed on the form.
#[derive(Debug, Clone, Default)]
pub struct ReceiveLotInput<'a> {
    /// CVX of the product.
    pub cvx: &'a str,
    /// MVX of the manufacturer.
    pub mvx: &'a str,
    /// NDC (optional; filled from a scan).
    pub ndc: &'a str,
    /// Lot number.
    pub lot_number: &'a str,
    /// Expiry, MM/DD/YYYY.
    pub expiration_date: &'a str,
    /// Doses received.
    pub quantity: &'a str,
    /// vfc / state / private.
    pub funding_source: &'a str,
}

/// A lot ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveLot {
    /// Product CVX.
    pub cvx: Cvx,
    /// Manufacturer.
    pub mvx: Mvx,
    /// NDC with hyphens as CDC prints it, when known.
    pub ndc: Option<String>,
    /// Lot number.
    pub lot_number: LotNumber,
    /// Last day of use.
    pub expires_on: UsDate,
    /// Doses received.
    pub quantity: i64,
    /// Funding.
    pub funding: FundingSource,
}

impl ReceiveLot {
    /// Parses the form; an expiry already past is refused (such stock is not received).
    pub fn parse(input: ReceiveLotInput<'_>, today: Date) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        let cvx = issues.take(Cvx::parse_field("cvx", input.cvx));
        let mvx = issues.take(Mvx::parse(input.mvx).map_err(|m| Issue::new("mvx", m)));
        let lot_number = issues.take(LotNumber::parse_field("lotNumber", input.lot_number));
        let expires_on = issues.take(
            UsDate::parse_field("expirationDate", input.expiration_date).and_then(|d| {
                if d.date() < today {
                    Err(Issue::new(
                        "expirationDate",
                        format!("This lot expired on {d}; expired stock is not received."),
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let quantity = issues.take(parse_quantity("quantity", input.quantity));
        let funding = issues.take(FundingSource::parse_field(
            "fundingSource",
            input.funding_source,
        ));
        let ndc = input.ndc.trim();
        issues.finish()?;
        match (cvx, mvx, lot_number, expires_on, quantity, funding) {
            (
                Some(cvx),
                Some(mvx),
                Some(lot_number),
                Some(expires_on),
                Some(quantity),
                Some(funding),
            ) => Ok(Self {
                cvx,
                mvx,
                ndc: (!ndc.is_empty()).then(|| ndc.to_string()),
                lot_number,
                expires_on,
                quantity,
                funding,
            }),
            _ => unreachable!("every missing value recorded an issue"),
        }
    }
}

/// Where a lot stands on its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryStatus {
    /// Past its expiry date.
    Expired,
    /// Expires within [`EXPIRY_ALERT_DAYS`] days (number of days left, 0 = today).
    ExpiringSoon(i64),
    /// Further out.
    Good,
}

impl ExpiryStatus {
    /// Classifies `expires_on` as of `today`.
    pub fn of(expires_on: Date, today: Date) -> Self {
        let left = (expires_on - today).whole_days();
        if left < 0 {
            Self::Expired
        } else if expires_on - today <= Duration::days(EXPIRY_ALERT_DAYS) {
            Self::ExpiringSoon(left)
        } else {
            Self::Good
        }
    }

    /// Stable code for the UI.
    pub fn code(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::ExpiringSoon(_) => "expiring_soon",
            Self::Good => "good",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn input() -> ReceiveLotInput<'static> {
        ReceiveLotInput {
            cvx: "3",
            mvx: "msd",
            ndc: "0006-4681-01",
            lot_number: " R024551 ",
            expiration_date: "12/31/2027",
            quantity: "10",
            funding_source: "vfc",
        }
    }

    #[test]
    fn a_receipt_parses_into_codes_a_lot_and_a_quantity() {
        let lot = ReceiveLot::parse(input(), TODAY).unwrap();
        assert_eq!(lot.cvx.as_str(), "03");
        assert_eq!(lot.mvx.as_str(), "MSD");
        assert_eq!(lot.lot_number.as_str(), "R024551");
        assert_eq!(lot.expires_on.iso(), "2027-12-31");
        assert_eq!(lot.quantity, 10);
        assert_eq!(lot.funding, FundingSource::Vfc);
        assert_eq!(lot.funding.hl7_code(), "VXC51");
    }

    #[test]
    fn every_bad_field_of_a_receipt_is_named() {
        let bad = ReceiveLotInput {
            cvx: "MMR",
            mvx: "M5D",
            ndc: "",
            lot_number: "",
            expiration_date: "11/21/2026",
            quantity: "0",
            funding_source: "grant",
        };
        let err = ReceiveLot::parse(bad, TODAY).unwrap_err();
        let fields: Vec<&str> = err.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "cvx",
                "mvx",
                "lotNumber",
                "expirationDate",
                "quantity",
                "fundingSource"
            ]
        );
        assert!(err.issues[3].message.contains("expired on 11/21/2026"));
    }

    #[test]
    fn lot_numbers_refuse_spaces_and_long_text() {
        assert!(LotNumber::parse_field("lot", "AB 12").is_err());
        assert!(LotNumber::parse_field("lot", &"A".repeat(21)).is_err());
        assert!(LotNumber::parse_field("lot", "UJ552AA/2").is_ok());
    }

    #[test]
    fn expiry_alerts_cover_thirty_days() {
        assert_eq!(
            ExpiryStatus::of(date!(2026 - 11 - 21), TODAY),
            ExpiryStatus::Expired
        );
        assert_eq!(
            ExpiryStatus::of(TODAY, TODAY),
            ExpiryStatus::ExpiringSoon(0)
        );
        assert_eq!(
            ExpiryStatus::of(date!(2026 - 12 - 22), TODAY),
            ExpiryStatus::ExpiringSoon(30)
        );
        assert_eq!(
            ExpiryStatus::of(date!(2026 - 12 - 23), TODAY),
            ExpiryStatus::Good
        );
    }

    #[test]
    fn only_a_count_correction_may_add_doses() {
        assert!(AdjustmentReason::CountCorrection.may_add());
        assert!(!AdjustmentReason::Wastage.may_add());
        assert_eq!(
            AdjustmentReason::parse_field("reason", "transfer").unwrap(),
            AdjustmentReason::Transfer
        );
    }
}
