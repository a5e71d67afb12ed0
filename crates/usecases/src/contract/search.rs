//! Client search through the ports and the search use cases: the same queries must give the
//! same ranked answers on every registry (a typo'd name, a swapped day and month, a child
//! found by a guardian's name and date of birth), a client restricted by consent is listed by
//! identification only and never through a restricted field, and every client shown is
//! audited.
//!
//! [`searches_answer_alike`] seeds five clients through the ports, runs the searches, checks
//! what must hold on any registry and returns the answers as text ([`SearchAnswers`]); each
//! registry's test compares them with [`reference_answers`] (the same function on the in-memory
//! registry) and checks its own audit trail against [`SearchAnswers::shown`].

use shotbook_core::clock::Clock;
use shotbook_core::consent::{reason_shown_without_full_access, ConsentStatus};
use shotbook_core::demographics::{
    Address, AddressInput, Personal, PersonalInput, ResponsiblePerson, ResponsiblePersonInput,
};
use shotbook_core::error::IssueCollector;
use shotbook_core::ids::{ClientId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::matching::smart::GUARDIAN_REASON;
use shotbook_core::matching::{Dob, PersonRecord, Sex};
use shotbook_core::permission::Role;
use shotbook_core::search::{BasicSearch, BasicSearchInput};

use super::{clock, Setup};
use crate::memory::{MemoryRegistry, MemoryState};
use crate::ports::{ClientFacts, DemographicsWrites, NewClientRecord, Registry, UnitOfWork};
use crate::search::{self, BasicResults, SmartResults};
use crate::{need, Actor, Permit, Via};

/// The searches' answers as text, and the clients each listed, in order (each must have been
/// audited once per listing as `search_clients` by the searching user).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchAnswers {
    /// One line per search and per client listed: ids, the line's fields, score, reasons and
    /// access. Registry client numbers and organization names (which each registry's setup
    /// chooses) appear only as present or absent.
    pub transcript: Vec<String>,
    /// Every client listed, search after search (the setup's nurse searched).
    pub shown: Vec<ClientId>,
}

/// The clients the contract seeds, by role in the searches.
struct Seeded {
    sofia: ClientId,
    lucas: ClientId,
    mateo: ClientId,
    elena: ClientId,
}

/// Fixed ids, so every registry's answers name the same clients.
fn id(n: u8) -> ClientId {
    format!("01900000-0000-7000-8000-{n:012x}")
        .parse()
        .expect("a UUID")
}

struct Person<'a> {
    id: ClientId,
    first: &'a str,
    last: &'a str,
    dob: &'a str,
    gender: &'a str,
    maiden: &'a str,
    street: &'a str,
    zip: &'a str,
    consent: ConsentStatus,
    guardian: Option<(&'a str, &'a str)>,
}

async fn seed<R: Registry>(registry: &R, setup: &Setup) -> Seeded {
    let s = Seeded {
        sofia: id(1),
        lucas: id(2),
        mateo: id(4),
        elena: id(5),
    };
    let people = [
        Person {
            id: s.sofia,
            first: "Sofia",
            last: "Martinez",
            dob: "03/14/2019",
            gender: "F",
            maiden: "Garza",
            street: "12 Banks Street",
            zip: "59101",
            consent: ConsentStatus::Granted,
            guardian: Some(("Maria", "Martinez")),
        },
        Person {
            id: s.lucas,
            first: "Lucas",
            last: "Martinez",
            dob: "03/14/2019",
            gender: "M",
            maiden: "",
            street: "",
            zip: "",
            consent: ConsentStatus::Granted,
            guardian: None,
        },
        Person {
            id: id(3),
            first: "Sofia",
            last: "Martin",
            dob: "03/15/2019",
            gender: "F",
            maiden: "",
            street: "",
            zip: "59105",
            consent: ConsentStatus::Granted,
            guardian: None,
        },
        Person {
            id: s.mateo,
            first: "Mateo",
            last: "Lopez",
            dob: "06/02/2021",
            gender: "M",
            maiden: "",
            street: "",
            zip: "",
            consent: ConsentStatus::Granted,
            guardian: Some(("Aiyana", "Whitehorse")),
        },
        Person {
            id: s.elena,
            first: "Elena",
            last: "Ruiz",
            dob: "07/09/2018",
            gender: "F",
            maiden: "Okafor",
            street: "40 Pine Avenue",
            zip: "59102",
            consent: ConsentStatus::NotGranted,
            guardian: Some(("Rosa", "Ruiz")),
        },
    ];
    let today = clock().now().date();
    let origin = nurse_at(setup, setup.clinic).origin();
    let mut work = registry
        .begin(origin, clock().now())
        .await
        .expect("a unit of work begins");
    for p in &people {
        let mut issues = IssueCollector::new();
        let personal = Personal::parse(
            PersonalInput {
                first_name: p.first,
                last_name: p.last,
                date_of_birth: p.dob,
                gender: p.gender,
                mother_maiden_name: p.maiden,
                ..PersonalInput::default()
            },
            today,
            &mut issues,
        );
        let address = Address::parse(
            "",
            AddressInput {
                line1: p.street,
                city: if p.zip.is_empty() { "" } else { "Billings" },
                state: if p.zip.is_empty() { "" } else { "MT" },
                zip: p.zip,
                ..AddressInput::default()
            },
            &mut issues,
        );
        let guardian = p.guardian.map(|(first, last)| {
            ResponsiblePerson::parse(
                "",
                ResponsiblePersonInput {
                    first_name: first,
                    last_name: last,
                    relationship: "mother",
                    ..ResponsiblePersonInput::default()
                },
                &mut issues,
            )
        });
        issues.finish().expect("the contract's clients parse");
        work.insert_client(&NewClientRecord {
            id: p.id,
            personal: personal.expect("parsed"),
            address,
            consent: p.consent,
            home_organization: setup.clinic,
        })
        .await
        .expect("a client is inserted");
        if let Some(guardian) = guardian {
            work.add_responsible_person(p.id, &guardian.expect("parsed"), true)
                .await
                .expect("a guardian is added");
        }
    }
    work.commit().await.expect("the clients are committed");
    s
}

fn nurse_at(setup: &Setup, organization: OrganizationId) -> Actor {
    Actor {
        user_id: setup.nurse,
        organization_id: organization,
        role: Role::FullAccessProvider,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation {
            name: "contract-pc".into(),
        },
    }
}

fn present(value: &Option<String>) -> &'static str {
    if value.is_some() {
        "yes"
    } else {
        "no"
    }
}

/// Collects the answers' text and the clients shown.
struct Recorder {
    answers: SearchAnswers,
}

impl Recorder {
    fn basic(&mut self, label: &str, r: &BasicResults) {
        self.answers
            .transcript
            .push(format!("{label}: basic, truncated {}", r.truncated));
        for l in &r.clients {
            let c = &l.client;
            self.answers.shown.push(c.id);
            self.answers.transcript.push(format!(
                "  {} {} {:?} {} {} {} guardian {:?} place {:?} {:?} {:?} client number {} organization {} view {:?}",
                c.id,
                c.first_name,
                c.middle_name,
                c.last_name,
                c.date_of_birth,
                c.gender,
                c.guardian_name,
                c.city,
                c.state,
                c.zip,
                present(&c.registry_id),
                present(&c.organization_name),
                l.access.view,
            ));
        }
    }

    fn smart(&mut self, label: &str, r: &SmartResults) {
        self.answers
            .transcript
            .push(format!("{label}: smart, truncated {}", r.truncated));
        for l in &r.clients {
            let c = &l.client;
            self.answers.shown.push(c.id);
            self.answers.transcript.push(format!(
                "  {} {} {} {} {} guardian {:?} place {:?} {:?} {:?} organization {} view {:?} score {:.9} likely {} reasons {:?}",
                c.id,
                c.first_name,
                c.last_name,
                c.date_of_birth,
                c.gender,
                c.guardian_name,
                c.city,
                c.state,
                c.zip,
                present(&c.organization_name),
                l.access.view,
                l.score,
                l.likely,
                l.reasons,
            ));
        }
    }
}

fn ids_of(r: &SmartResults) -> Vec<ClientId> {
    r.clients.iter().map(|c| c.client.id).collect()
}

fn basic_criteria(input: BasicSearchInput<'_>) -> BasicSearch {
    BasicSearch::parse(input, clock().now().date()).expect("the contract's criteria parse")
}

/// Seeds five clients of the setup's clinic (Sofia and Lucas Martinez, Sofia Martin, Mateo
/// Lopez whose mother is Aiyana Whitehorse, and Elena Ruiz who has not granted consent), then
/// searches as a nurse of *another* organization — who sees the consenting clients whole and
/// Elena by identification only. Panics when a rule does not hold; returns the answers.
pub async fn searches_answer_alike<R: Registry>(registry: &R, setup: &Setup) -> SearchAnswers {
    let seeded = seed(registry, setup).await;
    let outsider = nurse_at(setup, OrganizationId::new());
    let permit = Permit::<need::SearchClients>::check(outsider).expect("a nurse searches");
    let clock = clock();
    let mut rec = Recorder {
        answers: SearchAnswers {
            transcript: Vec::new(),
            shown: Vec::new(),
        },
    };
    let smart = |person: PersonRecord| {
        let permit = &permit;
        let clock = &clock;
        async move {
            search::smart(registry, permit, clock, &person)
                .await
                .expect("Smart search runs")
        }
    };
    let basic = |criteria: BasicSearch| {
        let permit = &permit;
        let clock = &clock;
        async move {
            search::basic(registry, permit, clock, &criteria)
                .await
                .expect("Basic search runs")
        }
    };
    let typed = |first: &str, last: &str, dob: Dob, sex: &str| PersonRecord {
        sex: Sex::parse(sex),
        ..PersonRecord::new(first, last, Some(dob))
    };

    // A typo'd first and last name.
    let r = smart(typed("Sophia", "Martines", Dob::new(2019, 3, 14), "F")).await;
    assert_eq!(ids_of(&r).first(), Some(&seeded.sofia), "typo: {r:?}");
    assert!(
        r.clients[0].likely && r.clients[0].access.is_full(),
        "{r:?}"
    );
    assert!(
        r.clients.windows(2).all(|w| w[0].score >= w[1].score),
        "best first: {r:?}"
    );
    rec.smart("Sophia Martines 03/14/2019", &r);

    // Day and month swapped.
    let r = smart(typed("Sofia", "Martinez", Dob::new(2019, 14, 3), "F")).await;
    assert_eq!(ids_of(&r).first(), Some(&seeded.sofia), "swap: {r:?}");
    assert!(
        r.clients[0]
            .reasons
            .iter()
            .any(|x| x == "DOB day and month swapped"),
        "{r:?}"
    );
    rec.smart("Sofia Martinez 14/03/2019", &r);

    // A child found by the guardian's name and the child's date of birth.
    let r = smart(typed("Aiyana", "Whitehorse", Dob::new(2021, 6, 2), "")).await;
    assert_eq!(ids_of(&r), vec![seeded.mateo], "guardian: {r:?}");
    assert_eq!(r.clients[0].reasons[0], GUARDIAN_REASON);
    assert_eq!(
        r.clients[0].client.guardian_name.as_deref(),
        Some("Aiyana Whitehorse")
    );
    rec.smart("Aiyana Whitehorse 06/02/2021", &r);

    // The restricted client by identification: listed, by identification only.
    let by_id = smart(typed("Elena", "Ruiz", Dob::new(2018, 7, 9), "F")).await;
    let elena = by_id
        .clients
        .iter()
        .find(|c| c.client.id == seeded.elena)
        .expect("found by identification");
    assert!(!elena.access.is_full(), "{elena:?}");
    let c = &elena.client;
    assert!(
        c.guardian_name.is_none()
            && c.city.is_none()
            && c.zip.is_none()
            && c.organization_name.is_none(),
        "identification only: {c:?}"
    );
    rec.smart("Elena Ruiz 07/09/2018", &by_id);

    // The same with her restricted fields: shown as the search by identification shows her —
    // the same score, no reason that confirms the ZIP, street or maiden name.
    let r = smart(PersonRecord {
        mother_maiden: "Okafor".into(),
        zip: "59102".into(),
        street: "40 Pine Avenue".into(),
        ..typed("Elena", "Ruiz", Dob::new(2018, 7, 9), "F")
    })
    .await;
    let shown = r
        .clients
        .iter()
        .find(|x| x.client.id == seeded.elena)
        .expect("still found by identification");
    assert_eq!(shown.score, elena.score, "{shown:?}");
    assert!(
        shown
            .reasons
            .iter()
            .all(|x| reason_shown_without_full_access(x)),
        "{shown:?}"
    );
    rec.smart("Elena Ruiz 07/09/2018 Okafor 59102 40 Pine Avenue", &r);

    // Her guardian's name finds her only through a restricted field: not listed.
    let r = smart(typed("Rosa", "Ruiz", Dob::new(2018, 7, 9), "")).await;
    assert!(!ids_of(&r).contains(&seeded.elena), "via guardian: {r:?}");
    rec.smart("Rosa Ruiz 07/09/2018", &r);

    // Basic search: by name she is listed by identification only; narrowed by her ZIP she is
    // not listed at all, while a consenting client found by ZIP is shown whole.
    let r = basic(basic_criteria(BasicSearchInput {
        last_name: "ruiz",
        ..BasicSearchInput::default()
    }))
    .await;
    assert_eq!(r.clients.len(), 1, "{r:?}");
    assert!(!r.clients[0].access.is_full() && r.clients[0].client.zip.is_none());
    rec.basic("ruiz", &r);
    let r = basic(basic_criteria(BasicSearchInput {
        last_name: "Ruiz",
        zip: "59102",
        ..BasicSearchInput::default()
    }))
    .await;
    assert!(r.clients.is_empty(), "never through her ZIP: {r:?}");
    rec.basic("Ruiz 59102", &r);
    let r = basic(basic_criteria(BasicSearchInput {
        zip: "591",
        ..BasicSearchInput::default()
    }))
    .await;
    let ids: Vec<ClientId> = r.clients.iter().map(|c| c.client.id).collect();
    assert!(
        ids.contains(&seeded.sofia) && !ids.contains(&seeded.elena),
        "{r:?}"
    );
    rec.basic("591", &r);
    let r = basic(basic_criteria(BasicSearchInput {
        last_name: "Mart",
        first_name: "so",
        ..BasicSearchInput::default()
    }))
    .await;
    assert_eq!(r.clients.len(), 2, "Martin and Martinez, Sofia: {r:?}");
    assert_eq!(r.clients[0].client.last_name, "Martin", "name order");
    rec.basic("Mart, so", &r);
    let r = basic(basic_criteria(BasicSearchInput {
        guardian_name: "aiy",
        date_of_birth: "06/02/2021",
        ..BasicSearchInput::default()
    }))
    .await;
    assert_eq!(r.clients.len(), 1, "{r:?}");
    assert_eq!(r.clients[0].client.id, seeded.mateo);
    rec.basic("guardian aiy 06/02/2021", &r);

    // Quick search: exact first, Smart when the exact search finds nobody.
    let q = search::quick(registry, &permit, &clock, "Sophia Martines 3/14/2019")
        .await
        .expect("Quick search runs");
    let smart_found = q.smart.as_ref().expect("Basic found nobody: Smart ran");
    assert!(q.basic.is_none());
    assert_eq!(ids_of(smart_found).first(), Some(&seeded.sofia));
    rec.smart("quick: Sophia Martines 3/14/2019", smart_found);
    let q = search::quick(registry, &permit, &clock, "martinez")
        .await
        .expect("Quick search runs");
    let exact = q.basic.as_ref().expect("Basic found them");
    assert_eq!(exact.clients.len(), 2, "{exact:?}");
    let _ = seeded.lucas;
    rec.basic("quick: martinez", exact);
    rec.answers
}

/// [`searches_answer_alike`] on a fresh in-memory registry holding what [`Setup`] says: the
/// answers every registry must give.
pub async fn reference_answers() -> SearchAnswers {
    let setup = Setup {
        clinic: OrganizationId::new(),
        nurse: UserId::new(),
        client: ClientId::new(),
        lot: VaccineLotId::new(),
    };
    let mut state = MemoryState::default();
    state.clients.insert(
        setup.client,
        ClientFacts {
            state: Some("MT".into()),
            merged_into: None,
            date_of_birth: super::BORN,
            consent: ConsentStatus::Granted,
            organizations: vec![setup.clinic],
        },
    );
    state.organizations.insert(
        setup.clinic,
        crate::ports::OrganizationFacts {
            id: setup.clinic,
            code: super::CLINIC_CODE.into(),
            name: "The contract's clinic".into(),
            kind: shotbook_core::organization::OrganizationKind::Provider,
            state: "MT".into(),
            county: "Yellowstone".into(),
        },
    );
    let registry = MemoryRegistry::new(state);
    searches_answer_alike(&registry, &setup).await
}
