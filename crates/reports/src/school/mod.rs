//! School and child-care requirements (placeholder while the module is written).
