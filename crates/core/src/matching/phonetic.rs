//! American Soundex, on names already folded to upper-case ASCII.

/// The Soundex code of a folded name (`"ROBERT"` → `"R163"`); empty for an empty name.
///
/// ```
/// use shotbook_core::matching::phonetic::soundex;
/// assert_eq!(soundex("ROBERT"), soundex("RUPERT"));
/// assert_eq!(soundex("ASHCRAFT"), "A261");
/// ```
pub fn soundex(name: &str) -> String {
    let mut letters = name.chars().filter(char::is_ascii_alphabetic);
    let Some(first) = letters.next() else {
        return String::new();
    };
    let first = first.to_ascii_uppercase();
    let mut out = String::with_capacity(4);
    out.push(first);
    let mut last = code(first);
    for c in letters {
        let c = c.to_ascii_uppercase();
        let d = code(c);
        if d != 0 && d != last {
            out.push(char::from(b'0' + d));
            if out.len() == 4 {
                break;
            }
        }
        // H and W do not separate equal codes; vowels do.
        if c != 'H' && c != 'W' {
            last = d;
        }
    }
    while out.len() < 4 {
        out.push('0');
    }
    out
}

fn code(c: char) -> u8 {
    match c {
        'B' | 'F' | 'P' | 'V' => 1,
        'C' | 'G' | 'J' | 'K' | 'Q' | 'S' | 'X' | 'Z' => 2,
        'D' | 'T' => 3,
        'L' => 4,
        'M' | 'N' => 5,
        'R' => 6,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_soundex_examples() {
        assert_eq!(soundex("ROBERT"), "R163");
        assert_eq!(soundex("RUPERT"), "R163");
        assert_eq!(soundex("TYMCZAK"), "T522");
        assert_eq!(soundex("PFISTER"), "P236");
        assert_eq!(soundex("LEE"), "L000");
        assert_eq!(soundex(""), "");
    }
}
