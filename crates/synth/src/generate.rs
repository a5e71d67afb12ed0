//! Deterministic synthetic clients (placeholder).
