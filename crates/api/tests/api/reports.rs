//! The doses-administered report as a Texas VFC provider runs it: the doses the clinic gave in
//! the period, by vaccine (with CDC's name), age band, VFC eligibility and funding, and the CSV
//! — against SQLite; another clinic's doses, historical and voided doses are not counted.

use shotbook_api::dto::*;
use shotbook_api::{reports, AppError};
use shotbook_store::immunizations::{self, NewImmunization};
use shotbook_store::organizations;

use crate::access_requests::as_user;
use crate::support::{add_client, fixture, START};

#[tokio::test]
async fn a_vfc_provider_counts_the_doses_it_gave_by_vaccine_age_eligibility_and_funding() {
    let f = fixture().await;
    let ctx = &f.ctx;
    let org = |code: &str| {
        let code = code.to_string();
        async move {
            organizations::find_by_code(ctx.store(), &code)
                .await
                .unwrap()
                .unwrap()
                .id
                .parse()
                .unwrap()
        }
    };
    let (clinic, other) = (org("TX0001").await, org("TX0002").await);
    let baby = add_client(ctx.store(), "Mateo", "López", "2026-05-01").await;
    let mut tx = ctx.store().begin().await.unwrap();
    for (cvx, on, source, at, vfc, funding) in [
        (
            "20",
            "2026-11-03",
            "administered",
            Some(clinic),
            Some("V02"),
            Some("VXC51"),
        ),
        (
            "10",
            "2026-11-03",
            "administered",
            Some(clinic),
            Some("V02"),
            Some("VXC51"),
        ),
        (
            "20",
            "2026-11-20",
            "administered",
            Some(clinic),
            Some("V03"),
            None,
        ),
        ("08", "2026-11-04", "historical", None, None, None),
        (
            "133",
            "2026-11-05",
            "administered",
            Some(other),
            Some("V02"),
            Some("VXC51"),
        ),
        (
            "20",
            "2026-10-31",
            "administered",
            Some(clinic),
            Some("V02"),
            Some("VXC51"),
        ),
    ] {
        let dose = NewImmunization {
            client_id: baby,
            cvx: cvx.into(),
            administered_on: on.into(),
            source: source.into(),
            organization_id: at,
            vfc_eligibility: vfc.map(str::to_string),
            funding_source: funding.map(str::to_string),
            ..Default::default()
        };
        immunizations::insert_in_tx(&mut tx, &dose, START)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    as_user(ctx, "TX0001", "tx.provider").await;

    let request = DosesAdministeredRequest {
        from: "11/01/2026".into(),
        to: "11/22/2026".into(),
    };
    let view = reports::doses_administered_report(ctx, request.clone())
        .await
        .unwrap();
    assert_eq!(view.total.total, 3);
    assert_eq!(view.total.by_age, vec![3, 0, 0, 0], "a six-month-old");
    assert_eq!(view.age_bands, vec!["under_1", "1_6", "7_18", "19_plus"]);
    let dtap = &view.by_vaccine[0];
    assert_eq!((dtap.code.as_deref(), dtap.total), (Some("20"), 2));
    assert!(
        dtap.name.as_deref().is_some_and(|n| n.starts_with("DTaP")),
        "{dtap:?}"
    );
    let eligibility: Vec<(Option<&str>, i32)> = view
        .by_eligibility
        .iter()
        .map(|l| (l.code.as_deref(), l.total))
        .collect();
    assert_eq!(eligibility, vec![(Some("V02"), 2), (Some("V03"), 1)]);
    let funding: Vec<(Option<&str>, i32)> = view
        .by_funding
        .iter()
        .map(|l| (l.code.as_deref(), l.total))
        .collect();
    assert_eq!(funding, vec![(Some("VXC51"), 2), (None, 1)]);

    let out = std::env::temp_dir().join(format!("shotbook-doses-{}.csv", std::process::id()));
    let saved = reports::save_doses_administered_csv(ctx, request, &out)
        .await
        .unwrap();
    assert_eq!(saved.rows, 2);
    let csv = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "Section,Code,Name,Under 1,1-6,7-18,19+,Total");
    assert!(rows
        .iter()
        .any(|r| r.starts_with("Funding source,not recorded,,1,0,0,0,1")));
    assert_eq!(*rows.last().unwrap(), "Total,,,3,0,0,0,3");

    let future = reports::doses_administered_report(
        ctx,
        DosesAdministeredRequest {
            from: "11/01/2026".into(),
            to: "12/31/2026".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&future, AppError::Validation { issues } if issues[0].field == "to"),
        "{future:?}"
    );
}

/// The coverage export: the measures by birth year in words and codes, then the whole
/// missed-opportunity list the provider may see, each client named audited as exported.
#[tokio::test]
async fn the_coverage_export_writes_the_measures_and_every_missed_opportunity() {
    use shotbook_store::clients::{self, NewClient};
    let f = fixture().await;
    let ctx = &f.ctx;
    let clinic = organizations::find_by_code(ctx.store(), "TX0001")
        .await
        .unwrap()
        .unwrap()
        .id
        .parse()
        .unwrap();
    let mut tx = ctx.store().begin().await.unwrap();
    let mut children = Vec::new();
    for (first, last) in [("Zoe", "Adams"), ("Liam", "Baker")] {
        let child = NewClient {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: "2020-01-01".into(),
            gender: "F".into(),
            consent: "granted".into(),
            home_organization_id: Some(clinic),
            ..Default::default()
        };
        clients::insert_in_tx(&mut tx, &child, START).await.unwrap();
        children.push(child.id);
    }
    // Zoe's MMR at 12 months: up to date for MMR, and a visit at which varicella was due.
    let mmr = NewImmunization {
        client_id: children[0],
        cvx: "03".into(),
        administered_on: "2021-01-05".into(),
        source: "administered".into(),
        organization_id: Some(clinic),
        ..Default::default()
    };
    immunizations::insert_in_tx(&mut tx, &mmr, START)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    as_user(ctx, "TX0001", "tx.provider").await;

    let request = CoverageRequest {
        born_from: "01/01/2020".into(),
        born_to: "12/31/2020".into(),
        as_of: "12/06/2026".into(),
    };
    let out = std::env::temp_dir().join(format!("shotbook-coverage-{}.csv", std::process::id()));
    let saved = reports::save_coverage_csv(ctx, request, &out)
        .await
        .unwrap();
    let csv = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("Immunization coverage: "),
        "{}",
        rows[0]
    );
    assert!(rows[0].ends_with(",Born 01/01/2020 to 12/31/2020,As of 12/06/2026,2 clients"));
    assert!(
        rows.contains(&"2020,by 24 months,1+ MMR,mmr_1,1,2,50.0,0,0"),
        "{csv}"
    );
    assert!(
        rows.contains(&"2020,by 13 years,1+ Tdap,tdap_1,0,0,,2,0"),
        "{csv}"
    );
    let missed_at = rows
        .iter()
        .position(|r| r.starts_with("Missed opportunities: "))
        .expect("the missed-opportunity part");
    assert_eq!(
        rows[missed_at + 1],
        "Last name,First name,Date of birth,Age point,Measure,Visits without the due dose"
    );
    let missed = &rows[missed_at + 2..];
    assert!(
        missed.contains(&"Adams,Zoe,01/01/2020,by 24 months,1+ varicella,01/05/2021"),
        "{csv}"
    );
    assert!(
        missed.iter().all(|r| r.starts_with("Adams,Zoe,")),
        "Liam had no visit: {csv}"
    );
    // The measures (after the two heading lines, before the empty line) and the lines named.
    assert_eq!(saved.rows as usize, missed_at - 3 + missed.len());

    let exported = shotbook_store::audit::recent(ctx.store(), 50)
        .await
        .unwrap();
    assert!(exported
        .iter()
        .any(|e| e.client_id == Some(children[0].to_string())
            && e.detail.as_deref() == Some("coverage: missed opportunities exported")));
    assert!(
        !exported
            .iter()
            .any(|e| e.client_id == Some(children[1].to_string())),
        "a client the export does not name is not audited as named"
    );
}
