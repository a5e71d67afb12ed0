//! # shotbook-synth
//!
//! Synthetic data for demos, tests and benchmarks: the demo registry (organizations in Montana
//! and Texas, one user per role) and the deterministic client generator behind
//! `shotbook generate`.

pub mod demo;
#[cfg(feature = "store")]
pub mod generate;
