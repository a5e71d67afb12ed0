//! shotbook-hl7's integration tests, one binary:
//! - `samples`: every message in `shared/data/hl7/` read, checked and (VXU) acknowledged;
//! - `mutations`: 5,000 mutated samples held to the fuzz target's invariants;
//! - `negative`: damaged messages, each with the ERR segments and MSA code it must get;
//! - `ack_semantics`: the 30-case table of MSA codes and how AIRA's tools read them;
//! - `rsp_branches`: the 8 branches of the RSP decision table, built and read back;
//! - `common`: the fixed "today", the response context, a Z23 conformance check.

mod ack_semantics;
mod common;
mod mutations;
mod negative;
mod rsp_branches;
mod samples;
