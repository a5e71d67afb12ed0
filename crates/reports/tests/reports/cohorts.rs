//! Aggregation by birth cohort and the missed-opportunity list.
