//! Lot usage and wastage: for each of an organization's vaccine lots, what it held when the
//! period began, what came in, what was given, wasted, expired, returned, transferred or
//! corrected by a count, and what it held when the period ended — the reconciliation a VFC
//! provider sends with each vaccine order.
//!
//! Computed from the lot's movements (the append-only log every receipt, dose, void and
//! adjustment writes), so the figures always add up: start + every column = end.

use serde::Serialize;
use time::Date;

/// One movement of a lot, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotMovement {
    /// `received`, `administered`, `dose_voided` or `adjusted`.
    pub kind: String,
    /// For an adjustment: `wastage`, `expired`, `returned`, `transfer`, `count_correction`.
    pub reason: Option<String>,
    /// Doses in (positive) or out (negative).
    pub quantity: i64,
    /// The day it happened.
    pub on: Date,
}

/// A lot with its movements up to the end of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotHistory {
    /// Lot id (text).
    pub lot: String,
    /// CVX.
    pub cvx: String,
    /// MVX.
    pub mvx: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Lot number.
    pub lot_number: String,
    /// Expiry.
    pub expiration_date: Date,
    /// `vfc`, `state`, `private`.
    pub funding_source: String,
    /// Movements, any order.
    pub movements: Vec<LotMovement>,
}

/// Gathers a lot-per-movement listing (each row a lot, with no movements yet, and one of its
/// movements or none) into one history per lot. Rows of a lot must be adjacent (the stores
/// order by lot id); every store's adapter reads its rows this way.
pub fn group_movements(
    rows: impl IntoIterator<Item = (LotHistory, Option<LotMovement>)>,
) -> Vec<LotHistory> {
    let mut lots: Vec<LotHistory> = Vec::new();
    for (lot, movement) in rows {
        if lots.last().is_none_or(|l| l.lot != lot.lot) {
            lots.push(lot);
        }
        if let (Some(m), Some(last)) = (movement, lots.last_mut()) {
            last.movements.push(m);
        }
    }
    lots
}

/// A lot's line of the report. Out-going columns are positive numbers of doses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LotUsage {
    /// Held when the period began.
    pub start: i64,
    /// Received in the period.
    pub received: i64,
    /// Given in the period (less doses voided and put back).
    pub administered: i64,
    /// Wasted (drawn, not given).
    pub wasted: i64,
    /// Taken out as expired.
    pub expired: i64,
    /// Returned to the distributor.
    pub returned: i64,
    /// Sent to another clinic.
    pub transferred: i64,
    /// Count corrections (signed: a count that found more is positive).
    pub corrected: i64,
    /// Held when the period ended.
    pub end: i64,
}

impl LotUsage {
    /// Whether the line adds up: start + received − out-going + corrections = end.
    pub fn balances(&self) -> bool {
        self.start + self.received
            - self.administered
            - self.wasted
            - self.expired
            - self.returned
            - self.transferred
            + self.corrected
            == self.end
    }

    /// Whether anything happened to the lot or it held doses.
    pub fn is_active(&self) -> bool {
        *self != LotUsage::default()
    }
}

/// The usage of one lot from `from` to `to` (inclusive).
pub fn usage(history: &LotHistory, from: Date, to: Date) -> LotUsage {
    let mut u = LotUsage::default();
    for m in history.movements.iter().filter(|m| m.on <= to) {
        if m.on < from {
            u.start += m.quantity;
            continue;
        }
        match (m.kind.as_str(), m.reason.as_deref()) {
            ("received", _) => u.received += m.quantity,
            ("administered" | "dose_voided", _) => u.administered -= m.quantity,
            (_, Some("wastage")) => u.wasted -= m.quantity,
            (_, Some("expired")) => u.expired -= m.quantity,
            (_, Some("returned")) => u.returned -= m.quantity,
            (_, Some("transfer")) => u.transferred -= m.quantity,
            _ => u.corrected += m.quantity,
        }
        u.end += m.quantity;
    }
    u.end += u.start;
    u
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn movement(kind: &str, reason: Option<&str>, quantity: i64, on: Date) -> LotMovement {
        LotMovement {
            kind: kind.into(),
            reason: reason.map(str::to_string),
            quantity,
            on,
        }
    }

    fn lot(movements: Vec<LotMovement>) -> LotHistory {
        LotHistory {
            lot: "l-1".into(),
            cvx: "03".into(),
            mvx: "MSD".into(),
            trade_name: Some("M-M-R II".into()),
            lot_number: "R024551".into(),
            expiration_date: date!(2027 - 12 - 31),
            funding_source: "vfc".into(),
            movements,
        }
    }

    #[test]
    fn each_movement_lands_in_its_column_and_the_line_balances() {
        let history = lot(vec![
            movement("received", None, 10, date!(2026 - 10 - 01)),
            movement("administered", None, -1, date!(2026 - 10 - 15)),
            movement("received", None, 20, date!(2026 - 11 - 02)),
            movement("administered", None, -1, date!(2026 - 11 - 03)),
            movement("administered", None, -1, date!(2026 - 11 - 04)),
            movement("dose_voided", None, 1, date!(2026 - 11 - 05)),
            movement("adjusted", Some("wastage"), -2, date!(2026 - 11 - 06)),
            movement("adjusted", Some("transfer"), -5, date!(2026 - 11 - 07)),
            movement(
                "adjusted",
                Some("count_correction"),
                1,
                date!(2026 - 11 - 08),
            ),
            movement("adjusted", Some("expired"), -3, date!(2026 - 11 - 30)),
            movement("administered", None, -1, date!(2026 - 12 - 01)),
        ]);
        let u = usage(&history, date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        assert_eq!(
            u,
            LotUsage {
                start: 9,
                received: 20,
                administered: 1,
                wasted: 2,
                expired: 3,
                returned: 0,
                transferred: 5,
                corrected: 1,
                end: 19,
            }
        );
        assert!(u.balances());
        assert!(u.is_active());
        // A period before the lot arrived: nothing.
        let before = usage(&history, date!(2026 - 09 - 01), date!(2026 - 09 - 30));
        assert!(!before.is_active());
    }
}
