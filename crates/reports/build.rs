//! Embeds every state table in `data/school/`, so shipping a new state or school year is a
//! matter of adding its TOML file: no line of code lists them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/school");
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
