//! Recording immunizations: the entry rules a dose must pass, vaccine lot inventory, and the
//! GS1 barcode on vaccine vials.
//!
//! - [`dose`]: a dose as hosts hand it to the use cases, and who may change one.
//! - [`entry`]: what is refused and what is only a warning the user confirms.
//! - [`licensed_age`]: licensed ages of common products, for the off-label warning.
//! - [`lot`]: receiving lots, adjustments and expiry alerts.
//! - [`gs1`]: parsing what a keyboard-wedge scanner types from a vial's DataMatrix.

pub mod dose;
pub mod entry;
pub mod gs1;
pub mod licensed_age;
pub mod lot;
