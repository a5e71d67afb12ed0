//! The products on the US market: childhood, adolescent, adult, influenza and COVID-19
//! vaccines as CVX + MVX pairs with the dates they were licensed and the ages they are for.

use time::macros::date;
use time::Date;

/// HL7 table 0162 route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Intramuscular.
    Im,
    /// Subcutaneous.
    Sc,
    /// Oral.
    Po,
    /// Intranasal.
    In,
}

impl Route {
    /// Table 0162 code.
    pub fn code(self) -> &'static str {
        match self {
            Route::Im => "IM",
            Route::Sc => "SC",
            Route::Po => "PO",
            Route::In => "IN",
        }
    }

    /// Whether the route has an injection site (table 0163).
    pub fn has_site(self) -> bool {
        matches!(self, Route::Im | Route::Sc)
    }
}

/// A vaccine product on the US market between two dates.
#[derive(Debug, Clone, Copy)]
pub struct Product {
    /// CVX.
    pub cvx: &'static str,
    /// MVX (None for generic entries of products no longer listed with a manufacturer).
    pub mvx: Option<&'static str>,
    pub(super) from: Date,
    pub(super) until: Date,
    pub(super) weight: f64,
    /// Dose volume in mL.
    pub ml: f64,
    /// Route.
    pub route: Route,
}

pub(super) const EVER: Date = date!(1900 - 01 - 01);
pub(super) const FOREVER: Date = date!(2200 - 01 - 01);

#[allow(clippy::too_many_arguments)]
pub(super) const fn p(
    cvx: &'static str,
    mvx: &'static str,
    from: Date,
    until: Date,
    weight: f64,
    ml: f64,
    route: Route,
) -> Product {
    let mvx = if mvx.is_empty() { None } else { Some(mvx) };
    Product {
        cvx,
        mvx,
        from,
        until,
        weight,
        ml,
        route,
    }
}

use Route::{Im, In, Po, Sc};

pub(super) const HEPB_PED: &[Product] = &[
    p("08", "MSD", EVER, FOREVER, 1.0, 0.5, Im),
    p("08", "SKB", EVER, FOREVER, 1.0, 0.5, Im),
];
pub(super) const DTAP: &[Product] = &[
    p("01", "", EVER, date!(1997 - 01 - 01), 1.0, 0.5, Im),
    p(
        "20",
        "PMC",
        date!(1997 - 01 - 01),
        date!(2011 - 07 - 01),
        1.0,
        0.5,
        Im,
    ),
    p("20", "SKB", date!(1997 - 01 - 29), FOREVER, 1.0, 0.5, Im),
    p("106", "PMC", date!(2002 - 05 - 14), FOREVER, 1.0, 0.5, Im),
];
pub(super) const HIB_PRP_T: &[Product] = &[
    p("48", "PMC", date!(1993 - 03 - 30), FOREVER, 1.0, 0.5, Im),
    p("48", "SKB", date!(2009 - 08 - 19), FOREVER, 0.5, 0.5, Im),
];
pub(super) const HIB_PRP_OMP: &[Product] = &[p("49", "MSD", EVER, FOREVER, 1.0, 0.5, Im)];
pub(super) const POLIO: &[Product] = &[
    p("02", "", EVER, date!(2000 - 01 - 01), 1.0, 0.5, Po),
    p("10", "PMC", date!(1996 - 01 - 01), FOREVER, 1.0, 0.5, Im),
];
pub(super) const PCV_CHILD: &[Product] = &[
    p(
        "100",
        "WAL",
        date!(2000 - 02 - 17),
        date!(2010 - 04 - 01),
        1.0,
        0.5,
        Im,
    ),
    p(
        "133",
        "PFR",
        date!(2010 - 02 - 24),
        date!(2024 - 07 - 01),
        1.0,
        0.5,
        Im,
    ),
    p("215", "MSD", date!(2022 - 06 - 22), FOREVER, 0.7, 0.5, Im),
    p("216", "PFR", date!(2023 - 04 - 27), FOREVER, 1.5, 0.5, Im),
];
pub(super) const ROTAVIRUS: &[Product] = &[
    p("116", "MSD", date!(2006 - 02 - 03), FOREVER, 1.2, 2.0, Po),
    p("119", "SKB", date!(2008 - 04 - 03), FOREVER, 0.8, 1.0, Po),
];
pub(super) const MMR: &[Product] = &[
    p("03", "MSD", EVER, FOREVER, 1.0, 0.5, Sc),
    p("03", "SKB", date!(2022 - 06 - 03), FOREVER, 0.35, 0.5, Sc),
];
pub(super) const VARICELLA: &[Product] =
    &[p("21", "MSD", date!(1995 - 03 - 17), FOREVER, 1.0, 0.5, Sc)];
pub(super) const MMRV: &[Product] = &[p("94", "MSD", date!(2005 - 09 - 06), FOREVER, 1.0, 0.5, Sc)];
pub(super) const HEPA_PED: &[Product] = &[
    p("83", "SKB", date!(1995 - 02 - 22), FOREVER, 1.0, 0.5, Im),
    p("83", "MSD", date!(1996 - 03 - 29), FOREVER, 1.0, 0.5, Im),
];
pub(super) const PEDIARIX: &[Product] = &[p(
    "110",
    "SKB",
    date!(2002 - 12 - 13),
    FOREVER,
    1.0,
    0.5,
    Im,
)];
pub(super) const PENTACEL: &[Product] = &[p(
    "120",
    "PMC",
    date!(2008 - 06 - 20),
    FOREVER,
    1.0,
    0.5,
    Im,
)];
pub(super) const VAXELIS: &[Product] = &[p(
    "146",
    "MSP",
    date!(2021 - 06 - 01),
    FOREVER,
    1.0,
    0.5,
    Im,
)];
pub(super) const DTAP_IPV: &[Product] = &[
    p("130", "SKB", date!(2008 - 06 - 24), FOREVER, 1.0, 0.5, Im),
    p("130", "PMC", date!(2015 - 03 - 24), FOREVER, 1.0, 0.5, Im),
];
pub(super) const TDAP: &[Product] = &[
    p("115", "SKB", date!(2005 - 05 - 03), FOREVER, 1.0, 0.5, Im),
    p("115", "PMC", date!(2005 - 06 - 10), FOREVER, 1.0, 0.5, Im),
];
pub(super) const TD: &[Product] = &[
    p("09", "", EVER, date!(2003 - 01 - 01), 1.0, 0.5, Im),
    p("113", "PMC", date!(2003 - 01 - 01), FOREVER, 1.0, 0.5, Im),
    p("09", "MBL", date!(2018 - 01 - 01), FOREVER, 0.5, 0.5, Im),
];
pub(super) const MENACWY: &[Product] = &[
    p(
        "114",
        "PMC",
        date!(2005 - 01 - 14),
        date!(2022 - 07 - 01),
        1.2,
        0.5,
        Im,
    ),
    p(
        "136",
        "NOV",
        date!(2010 - 02 - 19),
        date!(2016 - 12 - 01),
        0.8,
        0.5,
        Im,
    ),
    p("136", "SKB", date!(2016 - 12 - 01), FOREVER, 0.8, 0.5, Im),
    p("203", "PMC", date!(2020 - 04 - 23), FOREVER, 1.0, 0.5, Im),
];
pub(super) const MENB: &[Product] = &[
    p("162", "PFR", date!(2014 - 10 - 29), FOREVER, 1.0, 0.5, Im),
    p("163", "SKB", date!(2015 - 01 - 23), FOREVER, 1.0, 0.5, Im),
];
pub(super) const HPV: &[Product] = &[
    p(
        "62",
        "MSD",
        date!(2006 - 06 - 08),
        date!(2017 - 01 - 01),
        1.0,
        0.5,
        Im,
    ),
    p("165", "MSD", date!(2014 - 12 - 10), FOREVER, 2.0, 0.5, Im),
];
pub(super) const ZOSTER_LIVE: &[Product] = &[p(
    "121",
    "MSD",
    date!(2006 - 05 - 25),
    date!(2020 - 11 - 18),
    1.0,
    0.65,
    Sc,
)];
pub(super) const ZOSTER_RECOMBINANT: &[Product] = &[p(
    "187",
    "SKB",
    date!(2017 - 10 - 20),
    FOREVER,
    1.0,
    0.5,
    Im,
)];
pub(super) const PPSV23: &[Product] = &[p("33", "MSD", EVER, FOREVER, 1.0, 0.5, Im)];
pub(super) const PCV_ADULT: &[Product] = &[
    p(
        "133",
        "PFR",
        date!(2014 - 09 - 01),
        date!(2021 - 11 - 01),
        1.0,
        0.5,
        Im,
    ),
    p("216", "PFR", date!(2021 - 10 - 20), FOREVER, 1.6, 0.5, Im),
    p("215", "MSD", date!(2021 - 10 - 20), FOREVER, 0.5, 0.5, Im),
    p("327", "MSD", date!(2024 - 06 - 17), FOREVER, 1.0, 0.5, Im),
];
pub(super) const RSV_ADULT: &[Product] = &[
    p("303", "SKB", date!(2023 - 05 - 03), FOREVER, 1.0, 0.5, Im),
    p("305", "PFR", date!(2023 - 05 - 31), FOREVER, 1.0, 0.5, Im),
    p("326", "MOD", date!(2024 - 05 - 31), FOREVER, 0.3, 0.5, Im),
];
pub(super) const NIRSEVIMAB: &[Product] = &[
    p("306", "PMC", date!(2023 - 07 - 17), FOREVER, 1.0, 0.5, Im),
    p("307", "PMC", date!(2023 - 07 - 17), FOREVER, 0.4, 1.0, Im),
];
pub(super) const HEPB_ADULT: &[Product] = &[
    p("43", "SKB", EVER, FOREVER, 1.0, 1.0, Im),
    p("43", "MSD", EVER, FOREVER, 1.0, 1.0, Im),
    p("189", "DVX", date!(2017 - 11 - 09), FOREVER, 1.5, 0.5, Im),
];

/// Influenza products: (product, youngest age in months, oldest age in years).
pub(super) const FLU: &[(Product, i64, i64)] = &[
    // Trivalent era.
    (
        p("140", "PMC", EVER, date!(2013 - 07 - 01), 0.5, 0.25, Im),
        6,
        2,
    ),
    (
        p("140", "PMC", EVER, date!(2013 - 07 - 01), 1.0, 0.5, Im),
        36,
        200,
    ),
    (
        p(
            "140",
            "SKB",
            date!(2005 - 08 - 31),
            date!(2013 - 07 - 01),
            0.8,
            0.5,
            Im,
        ),
        36,
        200,
    ),
    (
        p("141", "PMC", EVER, date!(2013 - 07 - 01), 0.8, 0.5, Im),
        36,
        200,
    ),
    (
        p(
            "111",
            "MED",
            date!(2003 - 06 - 17),
            date!(2013 - 07 - 01),
            0.4,
            0.2,
            In,
        ),
        24,
        49,
    ),
    (
        p(
            "135",
            "PMC",
            date!(2009 - 12 - 23),
            date!(2020 - 07 - 01),
            1.2,
            0.5,
            Im,
        ),
        780,
        200,
    ),
    (
        p(
            "168",
            "SEQ",
            date!(2016 - 07 - 01),
            date!(2020 - 07 - 01),
            0.5,
            0.5,
            Im,
        ),
        780,
        200,
    ),
    // Quadrivalent era (2013–14 to 2023–24 seasons).
    (
        p(
            "161",
            "PMC",
            date!(2013 - 07 - 01),
            date!(2024 - 07 - 01),
            1.0,
            0.25,
            Im,
        ),
        6,
        2,
    ),
    (
        p(
            "161",
            "SEQ",
            date!(2017 - 07 - 01),
            date!(2024 - 07 - 01),
            0.4,
            0.25,
            Im,
        ),
        6,
        2,
    ),
    (
        p(
            "150",
            "PMC",
            date!(2013 - 07 - 01),
            date!(2024 - 07 - 01),
            1.0,
            0.5,
            Im,
        ),
        36,
        64,
    ),
    (
        p(
            "150",
            "SKB",
            date!(2013 - 07 - 01),
            date!(2024 - 07 - 01),
            0.8,
            0.5,
            Im,
        ),
        36,
        64,
    ),
    (
        p(
            "150",
            "IDB",
            date!(2013 - 07 - 01),
            date!(2024 - 07 - 01),
            0.5,
            0.5,
            Im,
        ),
        36,
        64,
    ),
    (
        p(
            "150",
            "SEQ",
            date!(2016 - 07 - 01),
            date!(2024 - 07 - 01),
            0.5,
            0.5,
            Im,
        ),
        36,
        64,
    ),
    (
        p(
            "158",
            "PMC",
            date!(2013 - 07 - 01),
            date!(2024 - 07 - 01),
            0.5,
            0.5,
            Im,
        ),
        36,
        64,
    ),
    (
        p(
            "149",
            "MED",
            date!(2013 - 07 - 01),
            date!(2016 - 06 - 01),
            0.5,
            0.2,
            In,
        ),
        24,
        49,
    ),
    (
        p(
            "149",
            "MED",
            date!(2018 - 07 - 01),
            date!(2024 - 07 - 01),
            0.3,
            0.2,
            In,
        ),
        24,
        49,
    ),
    (
        p(
            "171",
            "SEQ",
            date!(2016 - 07 - 01),
            date!(2024 - 07 - 01),
            0.6,
            0.5,
            Im,
        ),
        48,
        64,
    ),
    (
        p(
            "185",
            "PMC",
            date!(2019 - 07 - 01),
            date!(2024 - 07 - 01),
            0.3,
            0.5,
            Im,
        ),
        216,
        200,
    ),
    (
        p(
            "197",
            "PMC",
            date!(2020 - 07 - 01),
            date!(2024 - 07 - 01),
            1.5,
            0.7,
            Im,
        ),
        780,
        200,
    ),
    (
        p(
            "205",
            "SEQ",
            date!(2020 - 07 - 01),
            date!(2024 - 07 - 01),
            0.8,
            0.5,
            Im,
        ),
        780,
        200,
    ),
    (
        p(
            "150",
            "PMC",
            date!(2013 - 07 - 01),
            date!(2020 - 07 - 01),
            0.3,
            0.5,
            Im,
        ),
        780,
        200,
    ),
    // Trivalent again from the 2024–25 season.
    (
        p("140", "PMC", date!(2024 - 07 - 01), FOREVER, 1.0, 0.5, Im),
        6,
        64,
    ),
    (
        p("140", "SKB", date!(2024 - 07 - 01), FOREVER, 0.8, 0.5, Im),
        6,
        64,
    ),
    (
        p("140", "IDB", date!(2024 - 07 - 01), FOREVER, 0.4, 0.5, Im),
        6,
        64,
    ),
    (
        p("140", "SEQ", date!(2024 - 07 - 01), FOREVER, 0.4, 0.5, Im),
        36,
        64,
    ),
    (
        p("153", "SEQ", date!(2024 - 07 - 01), FOREVER, 0.6, 0.5, Im),
        6,
        64,
    ),
    (
        p("155", "PMC", date!(2024 - 07 - 01), FOREVER, 0.3, 0.5, Im),
        216,
        200,
    ),
    (
        p("111", "MED", date!(2024 - 07 - 01), FOREVER, 0.3, 0.2, In),
        24,
        49,
    ),
    (
        p("135", "PMC", date!(2024 - 07 - 01), FOREVER, 1.5, 0.5, Im),
        780,
        200,
    ),
    (
        p("168", "SEQ", date!(2024 - 07 - 01), FOREVER, 0.8, 0.5, Im),
        780,
        200,
    ),
];

pub(super) struct Covid {
    pub(super) product: Product,
    pub(super) min_age: i64,
    pub(super) max_age: i64,
    pub(super) primary: bool,
    pub(super) booster: bool,
}

#[allow(clippy::too_many_arguments)]
pub(super) const fn c(
    cvx: &'static str,
    mvx: &'static str,
    from: Date,
    until: Date,
    weight: f64,
    ml: f64,
    ages: (i64, i64),
    primary: bool,
    booster: bool,
) -> Covid {
    Covid {
        product: p(cvx, mvx, from, until, weight, ml, Im),
        min_age: ages.0,
        max_age: ages.1,
        primary,
        booster,
    }
}

pub(super) const COVID: &[Covid] = &[
    c(
        "208",
        "PFR",
        date!(2020 - 12 - 11),
        date!(2022 - 09 - 01),
        1.1,
        0.3,
        (12, 200),
        true,
        true,
    ),
    c(
        "207",
        "MOD",
        date!(2020 - 12 - 18),
        date!(2022 - 09 - 01),
        0.8,
        0.5,
        (18, 200),
        true,
        false,
    ),
    c(
        "207",
        "MOD",
        date!(2021 - 10 - 20),
        date!(2022 - 09 - 01),
        0.8,
        0.25,
        (18, 200),
        false,
        true,
    ),
    c(
        "212",
        "JSN",
        date!(2021 - 02 - 27),
        date!(2022 - 05 - 05),
        0.12,
        0.5,
        (18, 200),
        true,
        false,
    ),
    c(
        "218",
        "PFR",
        date!(2021 - 10 - 29),
        date!(2022 - 10 - 12),
        1.0,
        0.2,
        (5, 11),
        true,
        true,
    ),
    c(
        "219",
        "PFR",
        date!(2022 - 06 - 17),
        date!(2023 - 09 - 12),
        1.0,
        0.2,
        (0, 4),
        true,
        false,
    ),
    c(
        "228",
        "MOD",
        date!(2022 - 06 - 17),
        date!(2023 - 09 - 12),
        0.7,
        0.25,
        (0, 4),
        true,
        false,
    ),
    c(
        "300",
        "PFR",
        date!(2022 - 08 - 31),
        date!(2023 - 09 - 12),
        1.1,
        0.3,
        (12, 200),
        false,
        true,
    ),
    c(
        "229",
        "MOD",
        date!(2022 - 08 - 31),
        date!(2023 - 09 - 12),
        0.8,
        0.5,
        (18, 200),
        false,
        true,
    ),
    c(
        "301",
        "PFR",
        date!(2022 - 10 - 12),
        date!(2023 - 09 - 12),
        1.0,
        0.2,
        (5, 11),
        false,
        true,
    ),
    c(
        "309",
        "PFR",
        date!(2023 - 09 - 12),
        FOREVER,
        1.1,
        0.3,
        (12, 200),
        true,
        true,
    ),
    c(
        "312",
        "MOD",
        date!(2023 - 09 - 12),
        FOREVER,
        0.8,
        0.5,
        (12, 200),
        true,
        true,
    ),
    c(
        "313",
        "NVX",
        date!(2023 - 10 - 03),
        FOREVER,
        0.08,
        0.5,
        (12, 200),
        true,
        true,
    ),
    c(
        "310",
        "PFR",
        date!(2023 - 09 - 12),
        FOREVER,
        1.0,
        0.3,
        (5, 11),
        true,
        true,
    ),
    c(
        "311",
        "MOD",
        date!(2023 - 09 - 12),
        FOREVER,
        0.6,
        0.25,
        (0, 11),
        true,
        true,
    ),
    c(
        "334",
        "MOD",
        date!(2025 - 05 - 31),
        FOREVER,
        0.3,
        0.2,
        (65, 200),
        false,
        true,
    ),
];
