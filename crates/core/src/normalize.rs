//! Folding of names for search: what a clerk types and what the record holds must meet in the
//! middle regardless of accents, case, punctuation and spacing.

use deunicode::deunicode;

/// Folds a name to upper-case ASCII letters, keeping single spaces between words and dropping
/// punctuation (apostrophes, hyphens, periods).
///
/// ```
/// use shotbook_core::normalize::fold_name;
/// assert_eq!(fold_name("  Núñez-O'Brien "), "NUNEZOBRIEN");
/// assert_eq!(fold_name("Nguyễn Thị"), "NGUYEN THI");
/// ```
pub fn fold_name(name: &str) -> String {
    let ascii = deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphabetic() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_uppercase());
        } else if c.is_whitespace() {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_punctuation_do_not_matter() {
        assert_eq!(fold_name("José"), fold_name("JOSE"));
        assert_eq!(fold_name("o'neil"), "ONEIL");
        assert_eq!(fold_name("Smith-Jones"), "SMITHJONES");
    }

    #[test]
    fn empty_and_symbol_only_input_folds_to_nothing() {
        assert_eq!(fold_name(""), "");
        assert_eq!(fold_name(" -'. "), "");
    }
}
