//! Embeds every state table in `data/school/`, so shipping a new state or school year is a
//! matter of adding its TOML file: no line of code lists them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time, not compiled in (`env!`): a build directory shared by two checkouts
    // (CI's clone and a workstation's) reuses this script's binary, and a path compiled into
    // it would embed the other checkout's tables.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("data/school");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tables: Vec<_> = std::fs::read_dir(&dir)
        .expect("data/school exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    tables.sort();
    let mut source = String::from("&[\n");
    for table in &tables {
        println!("cargo:rerun-if-changed={}", table.display());
        writeln!(
            source,
            "    include_str!({:?}),",
            table.display().to_string()
        )
        .expect("write");
    }
    source.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("school_tables.rs");
    std::fs::write(out, source).expect("write the table list");
}
