//! Bulk loading for the synthetic registry generator (`shotbook generate`): multi-row inserts
//! of clients and doses in large transactions.
