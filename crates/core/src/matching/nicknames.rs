//! A small bundled table of common US English nicknames and the formal names they stand for.

/// `(formal name, nicknames…)`, folded upper-case.
const TABLE: &[(&str, &[&str])] = &[
    (
        "WILLIAM",
        &["BILL", "BILLY", "WILL", "WILLIE", "WILLY", "LIAM"],
    ),
    (
        "ELIZABETH",
        &[
            "LIZ", "LIZZIE", "LIZA", "BETH", "BETSY", "BETTY", "ELIZA", "ELLIE", "LIBBY",
        ],
    ),
    ("ROBERT", &["BOB", "BOBBY", "ROB", "ROBBIE", "BERT"]),
    (
        "MARGARET",
        &["PEGGY", "MAGGIE", "MEG", "MARGIE", "GRETA", "PEG"],
    ),
    ("RICHARD", &["RICK", "RICKY", "DICK", "RICH", "RICHIE"]),
    ("JAMES", &["JIM", "JIMMY", "JAMIE"]),
    ("JOHN", &["JACK", "JOHNNY", "JON"]),
    ("JOSEPH", &["JOE", "JOEY"]),
    ("MICHAEL", &["MIKE", "MICKEY", "MIKEY"]),
    ("THOMAS", &["TOM", "TOMMY"]),
    ("CHARLES", &["CHARLIE", "CHUCK", "CHAS"]),
    ("CHRISTOPHER", &["CHRIS", "KIT", "TOPHER"]),
    ("DANIEL", &["DAN", "DANNY"]),
    ("MATTHEW", &["MATT", "MATTY"]),
    ("ANTHONY", &["TONY"]),
    ("DAVID", &["DAVE", "DAVEY"]),
    ("EDWARD", &["ED", "EDDIE", "TED", "NED"]),
    ("THEODORE", &["TED", "TEDDY", "THEO"]),
    ("BENJAMIN", &["BEN", "BENNY", "BENJI"]),
    ("SAMUEL", &["SAM", "SAMMY"]),
    ("ALEXANDER", &["ALEX", "AL", "XANDER", "SANDY"]),
    ("NICHOLAS", &["NICK", "NICKY", "NICO"]),
    ("STEVEN", &["STEVE", "STEVIE"]),
    ("STEPHEN", &["STEVE", "STEVIE"]),
    ("JONATHAN", &["JON", "JONNY", "NATE"]),
    ("NATHANIEL", &["NATE", "NAT", "NATHAN"]),
    ("ANDREW", &["ANDY", "DREW"]),
    ("JOSHUA", &["JOSH"]),
    ("ZACHARY", &["ZACH", "ZACK"]),
    ("GREGORY", &["GREG"]),
    ("TIMOTHY", &["TIM", "TIMMY"]),
    ("KENNETH", &["KEN", "KENNY"]),
    ("RONALD", &["RON", "RONNIE"]),
    ("DONALD", &["DON", "DONNIE"]),
    ("LAWRENCE", &["LARRY"]),
    ("GERALD", &["JERRY", "GERRY"]),
    ("PATRICK", &["PAT", "PATTY"]),
    ("PATRICIA", &["PAT", "PATTY", "TRISH", "TRICIA"]),
    ("JENNIFER", &["JEN", "JENNY"]),
    ("KATHERINE", &["KATE", "KATIE", "KATHY", "KAT", "KITTY"]),
    ("CATHERINE", &["CATHY", "CATE", "KATE", "KATIE"]),
    ("REBECCA", &["BECKY", "BECCA"]),
    ("DEBORAH", &["DEB", "DEBBIE"]),
    ("SUSAN", &["SUE", "SUSIE", "SUZY"]),
    ("BARBARA", &["BARB", "BARBIE"]),
    ("DOROTHY", &["DOT", "DOTTIE"]),
    ("VICTORIA", &["VICKY", "TORI"]),
    ("ABIGAIL", &["ABBY", "ABBIE", "GAIL"]),
    ("SAMANTHA", &["SAM", "SAMMY"]),
    ("JESSICA", &["JESS", "JESSIE"]),
    ("CHRISTINA", &["CHRIS", "TINA", "CHRISSY"]),
    ("CHRISTINE", &["CHRIS", "TINA", "CHRISSY"]),
    ("ALEXANDRA", &["ALEX", "LEXI", "SANDRA"]),
    ("MARY", &["MOLLY", "POLLY", "MAMIE"]),
    ("ANNE", &["ANNIE", "NAN", "NANCY"]),
    ("ANN", &["ANNIE", "NAN", "NANCY"]),
    ("FRANCIS", &["FRANK", "FRAN"]),
    ("FRANCES", &["FRAN", "FRANNIE"]),
    ("HENRY", &["HANK", "HARRY"]),
    ("HAROLD", &["HAL", "HARRY"]),
    ("ALBERT", &["AL", "BERT"]),
    ("RAYMOND", &["RAY"]),
    ("PETER", &["PETE"]),
    ("DOUGLAS", &["DOUG"]),
    ("JEFFREY", &["JEFF"]),
    ("GABRIEL", &["GABE"]),
    ("EMILY", &["EM", "EMMY"]),
    ("ISABELLA", &["BELLA", "IZZY"]),
    ("OLIVIA", &["LIV", "LIVVY"]),
    ("SOPHIA", &["SOPHIE"]),
    ("AMANDA", &["MANDY"]),
    ("MELISSA", &["MISSY", "MEL"]),
    ("CYNTHIA", &["CINDY"]),
    ("JUDITH", &["JUDY"]),
    ("VIRGINIA", &["GINNY", "GINGER"]),
    ("EUGENE", &["GENE"]),
    ("LEONARD", &["LEN", "LENNY", "LEO"]),
    ("WALTER", &["WALT"]),
    ("ARTHUR", &["ART", "ARTIE"]),
    ("FREDERICK", &["FRED", "FREDDIE", "FREDDY"]),
    ("JACOB", &["JAKE"]),
    ("MADISON", &["MADDIE", "MADDY"]),
    ("ALLISON", &["ALLIE", "ALLY"]),
    ("JACQUELINE", &["JACKIE"]),
    ("NATALIE", &["NAT"]),
    ("EVELYN", &["EVIE", "EVE"]),
    ("GEORGE", &["GEORGIE"]),
    ("CHRISTIAN", &["CHRIS"]),
    ("ERNEST", &["ERNIE"]),
    ("HELEN", &["NELL", "NELLIE"]),
    ("TERESA", &["TERRI", "TESS"]),
    ("THERESA", &["TERRI", "TESS"]),
];

/// Whether two folded given names are the same name up to a nickname: one is a nickname of the
/// other, or both are nicknames of one formal name.
///
/// ```
/// use shotbook_core::matching::nicknames::are_nicknames;
/// assert!(are_nicknames("BILL", "WILLIAM"));
/// assert!(are_nicknames("PEGGY", "MAGGIE"));
/// assert!(!are_nicknames("BILL", "ROBERT"));
/// ```
pub fn are_nicknames(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() || a == b {
        return false;
    }
    TABLE.iter().any(|(formal, nicks)| {
        let has = |n: &str| n == *formal || nicks.contains(&n);
        has(a) && has(b)
    })
}

/// The formal names a folded given name may stand for (itself when it is a formal name).
pub fn formal_names(name: &str) -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|(formal, nicks)| *formal == name || nicks.contains(&name))
        .map(|(formal, _)| *formal)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_meet_their_formal_name_and_each_other() {
        assert!(are_nicknames("LIZ", "ELIZABETH"));
        assert!(are_nicknames("BOB", "ROBERT"));
        assert!(are_nicknames("LIZ", "BETSY"));
        assert!(
            !are_nicknames("LIZ", "LIZ"),
            "equal names are not a nickname match"
        );
        assert!(!are_nicknames("", "WILLIAM"));
        assert_eq!(formal_names("TED"), vec!["EDWARD", "THEODORE"]);
    }
}
