//! Which vaccines (CVX) count for which measure or requirement.
//!
//! Antigen membership comes from the CDSi supporting data's CVX map (the forecaster's data), so
//! Pediarix counts for DTaP, polio and hepatitis B alike. On top of it, a few **product** facts
//! the measures need and CDSi expresses as series rather than as antigens: PRP-OMP Hib (the
//! 3\* rule), monovalent rotavirus (2 doses instead of 3), Tdap as a product, and the
//! conjugate-only pneumococcal and quadrivalent-only meningococcal counts of NIS.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use shotbook_forecast::data::{parse_schedule, Schedule, EMBEDDED_SCHEDULE};
use shotbook_forecast::{Cvx, SupportingData};

/// What a dose can count for: an antigen, or a product class a rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Diphtheria toxoid (DTaP, DTP, DT, Td, Tdap and combinations).
    Diphtheria,
    /// Tetanus toxoid.
    Tetanus,
    /// Pertussis.
    Pertussis,
    /// Polio (IPV, OPV and combinations).
    Polio,
    /// Measles (MMR, MMRV, measles alone).
    Measles,
    /// Mumps.
    Mumps,
    /// Rubella.
    Rubella,
    /// Haemophilus influenzae type b, any product.
    Hib,
    /// PRP-OMP Hib (PedvaxHIB, Comvax): two primary doses instead of three.
    HibPrpOmp,
    /// Hepatitis B.
    HepB,
    /// Hepatitis A.
    HepA,
    /// Varicella (VAR, MMRV).
    Varicella,
    /// Pneumococcal conjugate (PCV7/10/13/15/20/21, unspecified conjugate); not PPSV23.
    PneumococcalConjugate,
    /// Rotavirus, any product.
    Rotavirus,
    /// Monovalent rotavirus (Rotarix, RV1): a 2-dose series.
    RotavirusMonovalent,
    /// Influenza.
    Influenza,
    /// Quadrivalent meningococcal conjugate or polysaccharide (MenACWY, MPSV4, MenABCWY).
    MenAcwy,
    /// Human papillomavirus.
    Hpv,
    /// Tdap as a product (the adolescent booster).
    Tdap,
    /// Td or Tdap (a tetanus-diphtheria booster for ages 7 and up).
    TdOrTdap,
}

impl Component {
    /// Every component, in bit order.
    pub const ALL: [Component; 20] = [
        Component::Diphtheria,
        Component::Tetanus,
        Component::Pertussis,
        Component::Polio,
        Component::Measles,
        Component::Mumps,
        Component::Rubella,
        Component::Hib,
        Component::HibPrpOmp,
        Component::HepB,
        Component::HepA,
        Component::Varicella,
        Component::PneumococcalConjugate,
        Component::Rotavirus,
        Component::RotavirusMonovalent,
        Component::Influenza,
        Component::MenAcwy,
        Component::Hpv,
        Component::Tdap,
        Component::TdOrTdap,
    ];

    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// The CDSi antigen this component is read from, if it is an antigen.
    fn cdsi_antigen(self) -> Option<&'static str> {
        Some(match self {
            Component::Diphtheria => "Diphtheria",
            Component::Tetanus => "Tetanus",
            Component::Pertussis => "Pertussis",
            Component::Polio => "Polio",
            Component::Measles => "Measles",
            Component::Mumps => "Mumps",
            Component::Rubella => "Rubella",
            Component::Hib => "Hib",
            Component::HepB => "HepB",
            Component::HepA => "HepA",
            Component::Varicella => "Varicella",
            Component::PneumococcalConjugate => "Pneumococcal",
            Component::Rotavirus => "Rotavirus",
            Component::Influenza => "Influenza",
            Component::MenAcwy => "Meningococcal",
            Component::Hpv => "HPV",
            Component::HibPrpOmp
            | Component::RotavirusMonovalent
            | Component::Tdap
            | Component::TdOrTdap => return None,
        })
    }
}

/// PedvaxHIB (49) and Comvax (51, Hib-HepB): PRP-OMP products.
const HIB_PRP_OMP: &[Cvx] = &[49, 51];
/// Rotarix (119).
const ROTAVIRUS_MONOVALENT: &[Cvx] = &[119];
/// Tdap (115).
const TDAP: &[Cvx] = &[115];
/// Td (9, 113, 138, 139, 196) and Tdap (115).
const TD_OR_TDAP: &[Cvx] = &[9, 113, 115, 138, 139, 196];
/// PPSV23 is in the CDSi pneumococcal antigen but not a conjugate vaccine; NIS counts PCV only.
const NOT_PNEUMOCOCCAL_CONJUGATE: &[Cvx] = &[33];
/// Meningococcal vaccines in the CDSi antigen that do not cover A, C, W and Y: MenC (103),
/// Hib-MenCY (148), MenA (191), MenAC (192).
const NOT_MEN_ACWY: &[Cvx] = &[103, 148, 191, 192];

/// A set of [`Component`]s, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Components(u32);

impl Components {
    /// Whether the set holds `component`.
    pub fn contains(self, component: Component) -> bool {
        self.0 & component.bit() != 0
    }

    fn insert(&mut self, component: Component) {
        self.0 |= component.bit();
    }

    fn remove(&mut self, component: Component) {
        self.0 &= !component.bit();
    }
}

/// CVX → components, read from CDSi supporting data. Indexed by CVX for constant-time lookups
/// (a coverage report asks it once per dose per measure).
#[derive(Debug, Clone)]
pub struct VaccineCatalog {
    by_cvx: Vec<Components>,
}

impl VaccineCatalog {
    /// The catalog of the forecaster's embedded CDSi supporting data, built once. Only the
    /// schedule document is read (the CVX map lives there), not the thirty antigen files.
    pub fn embedded() -> &'static VaccineCatalog {
        static CATALOG: OnceLock<VaccineCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let schedule =
                parse_schedule(EMBEDDED_SCHEDULE).expect("the embedded CDSi schedule parses");
            VaccineCatalog::from_schedule(&schedule)
        })
    }

    /// Builds the catalog from a CDSi supporting-data release (e.g. one a host installed
    /// at run time for the forecaster).
    pub fn from_supporting_data(data: &SupportingData) -> VaccineCatalog {
        VaccineCatalog::from_schedule(&data.schedule)
    }

    /// Builds the catalog from a CDSi schedule document.
    pub fn from_schedule(schedule: &Schedule) -> VaccineCatalog {
        let max_cvx = schedule.cvx_map.keys().copied().max().unwrap_or(0);
        let mut by_cvx = vec![Components::default(); usize::from(max_cvx) + 1];
        for (&cvx, entry) in &schedule.cvx_map {
            let slot = &mut by_cvx[usize::from(cvx)];
            for component in Component::ALL {
                let Some(antigen) = component.cdsi_antigen() else {
                    continue;
                };
                if entry.associations.iter().any(|a| a.antigen == antigen) {
                    slot.insert(component);
                }
            }
        }
        let mut catalog = VaccineCatalog { by_cvx };
        for &cvx in NOT_PNEUMOCOCCAL_CONJUGATE {
            catalog.slot(cvx).remove(Component::PneumococcalConjugate);
        }
        for &cvx in NOT_MEN_ACWY {
            catalog.slot(cvx).remove(Component::MenAcwy);
        }
        for (list, component) in [
            (HIB_PRP_OMP, Component::HibPrpOmp),
            (ROTAVIRUS_MONOVALENT, Component::RotavirusMonovalent),
            (TDAP, Component::Tdap),
            (TD_OR_TDAP, Component::TdOrTdap),
        ] {
            for &cvx in list {
                catalog.slot(cvx).insert(component);
            }
        }
        catalog
    }

    fn slot(&mut self, cvx: Cvx) -> &mut Components {
        let index = usize::from(cvx);
        if index >= self.by_cvx.len() {
            self.by_cvx.resize(index + 1, Components::default());
        }
        &mut self.by_cvx[index]
    }

    /// What a vaccine counts for; empty for an unknown CVX.
    pub fn components(&self, cvx: Cvx) -> Components {
        self.by_cvx
            .get(usize::from(cvx))
            .copied()
            .unwrap_or_default()
    }

    /// Whether a vaccine counts for `component`.
    pub fn counts_for(&self, cvx: Cvx, component: Component) -> bool {
        self.components(cvx).contains(component)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pediarix_counts_for_dtap_polio_and_hepatitis_b_but_not_hib() {
        let catalog = VaccineCatalog::embedded();
        for component in [Component::Diphtheria, Component::Polio, Component::HepB] {
            assert!(catalog.counts_for(110, component), "{component:?}");
        }
        assert!(!catalog.counts_for(110, Component::Hib));
    }

    #[test]
    fn comvax_is_prp_omp_hib_and_hepatitis_b() {
        let catalog = VaccineCatalog::embedded();
        assert!(catalog.counts_for(51, Component::Hib));
        assert!(catalog.counts_for(51, Component::HibPrpOmp));
        assert!(catalog.counts_for(51, Component::HepB));
        assert!(
            !catalog.counts_for(48, Component::HibPrpOmp),
            "PRP-T is not PRP-OMP"
        );
    }

    #[test]
    fn ppsv23_is_not_a_pneumococcal_conjugate_and_menc_is_not_menacwy() {
        let catalog = VaccineCatalog::embedded();
        assert!(!catalog.counts_for(33, Component::PneumococcalConjugate));
        assert!(catalog.counts_for(133, Component::PneumococcalConjugate));
        assert!(!catalog.counts_for(103, Component::MenAcwy));
        assert!(catalog.counts_for(114, Component::MenAcwy));
    }

    #[test]
    fn mmrv_counts_for_measles_and_varicella() {
        let catalog = VaccineCatalog::embedded();
        assert!(catalog.counts_for(94, Component::Measles));
        assert!(catalog.counts_for(94, Component::Varicella));
    }

    #[test]
    fn the_schedule_alone_gives_the_same_catalog_as_the_whole_release() {
        let whole =
            VaccineCatalog::from_supporting_data(shotbook_forecast::Engine::embedded().data());
        for cvx in 0..=400 {
            assert_eq!(
                whole.components(cvx),
                VaccineCatalog::embedded().components(cvx),
                "CVX {cvx}"
            );
        }
    }

    #[test]
    fn an_unknown_cvx_counts_for_nothing() {
        let catalog = VaccineCatalog::embedded();
        assert_eq!(catalog.components(999), Components::default());
        assert_eq!(catalog.components(u16::MAX), Components::default());
    }
}
