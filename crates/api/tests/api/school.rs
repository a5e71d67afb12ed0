//! The school module as a Texas school uses it: a student list, Find student, a roster import,
//! the compliance report with an exemption on file, and the CSV export — against SQLite, with
//! the facility's reach and the audit of every student shown.

use shotbook_api::dto::*;
use shotbook_api::school;
use shotbook_api::AppError;
use shotbook_core::ids::ClientId;
use shotbook_store::immunizations::{self, NewImmunization};

use crate::access_requests::as_user;
use crate::support::{add_client_at, audit_actions, fixture, START};

const HOUSTON: (&str, &str, &str) = ("Houston", "TX", "77002");

async fn give(ctx: &shotbook_api::AppContext, client: ClientId, doses: &[(&str, &str)]) {
    let mut tx = ctx.store().begin().await.unwrap();
    for (cvx, on) in doses {
        let dose = NewImmunization {
            client_id: client,
            cvx: (*cvx).into(),
            administered_on: (*on).into(),
            source: "historical".into(),
            ..Default::default()
        };
        immunizations::insert_in_tx(&mut tx, &dose, START)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Every dose Texas asks of a second-grader born 09/04/2018, on time.
const UP_TO_DATE: &[(&str, &str)] = &[
    ("08", "2018-09-04"),
    ("08", "2018-10-05"),
    ("08", "2019-03-05"),
    ("20", "2018-11-05"),
    ("20", "2019-01-07"),
    ("20", "2019-03-05"),
    ("20", "2019-12-05"),
    ("20", "2022-09-10"),
    ("10", "2018-11-05"),
    ("10", "2019-01-07"),
    ("10", "2019-09-05"),
    ("10", "2022-09-10"),
    ("03", "2019-09-05"),
    ("03", "2022-09-10"),
    ("21", "2019-09-05"),
    ("21", "2022-09-10"),
    ("83", "2019-09-05"),
    ("83", "2020-03-10"),
];

fn status_of<'a>(report: &'a SchoolReport, last: &str) -> &'a StudentCompliance {
    report
        .students
        .iter()
        .find(|s| s.last_name == last)
        .unwrap_or_else(|| panic!("{last} on the report"))
}

#[tokio::test]
async fn a_texas_school_lists_its_students_imports_a_roster_and_checks_compliance() {
    let f = fixture().await;
    let ctx = &f.ctx;
    let sofia = add_client_at(ctx.store(), "Sofia", "Treviño", "2018-09-04", HOUSTON).await;
    give(ctx, sofia, UP_TO_DATE).await;
    let mateo = add_client_at(ctx.store(), "Mateo", "López", "2019-01-02", HOUSTON).await;
    give(ctx, mateo, &[("03", "2020-01-10")]).await;
    let lucia = add_client_at(ctx.store(), "Lucia", "Ramos", "2018-05-20", HOUSTON).await;
    let infant = add_client_at(ctx.store(), "Mia", "Treviño", "2026-04-20", HOUSTON).await;
    add_client_at(
        ctx.store(),
        "Ava",
        "Smith",
        "2018-02-02",
        ("Billings", "MT", "59101"),
    )
    .await;

    as_user(ctx, "TXSCH1", "tx.school").await;
    // A form with two problems names both fields.
    let refused = school::create_student_list(
        ctx,
        CreateStudentListRequest {
            name: "  ".into(),
            setting: "college".into(),
        },
    )
    .await
    .unwrap_err();
    let AppError::Validation { issues } = refused else {
        panic!("validation expected: {refused:?}");
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["name", "setting"]);

    let list = school::create_student_list(
        ctx,
        CreateStudentListRequest {
            name: "Grade 2 — Room 14".into(),
            setting: "school".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!((list.students, list.created_on.as_str()), (0, "11/22/2026"));

    // Find student found Sofia; she goes on the list with her grade.
    let added = school::put_student(
        ctx,
        PutStudentRequest {
            list_id: list.id.clone(),
            client_id: sofia.to_string(),
            grade: "2".into(),
            ..PutStudentRequest::default()
        },
    )
    .await
    .unwrap();
    assert!(added);
    // A seven-month-old is no school's student: refused, and the refusal audited.
    let infant_refused = school::put_student(
        ctx,
        PutStudentRequest {
            list_id: list.id.clone(),
            client_id: infant.to_string(),
            grade: "K".into(),
            ..PutStudentRequest::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        infant_refused,
        AppError::Forbidden {
            permission: "facility_outside_served_ages".into()
        }
    );

    let roster = "Last Name,First Name,DOB,Grade\n\
                  Trevino,Sofía,09/04/2018,2\n\
                  López,Mateo,01/02/2019,1\n\
                  Ramos,Lucia,05/20/2018,2\n\
                  Smith,Ava,02/02/2018,2\n\
                  Nobody,Here,01/01/2018,2\n\
                  Kim,Ana,02/30/2018,2\n";
    let import = school::import_roster(
        ctx,
        ImportRosterRequest {
            list_id: list.id.clone(),
            roster: roster.into(),
        },
    )
    .await
    .unwrap();
    let outcomes: Vec<(i32, &str)> = import
        .lines
        .iter()
        .map(|l| (l.line, l.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (2, "already_on_list"),
            (3, "added"),
            (4, "added"),
            // A Montana child is not a Texas school's to find.
            (5, "not_found"),
            (6, "not_found"),
        ]
    );
    assert_eq!(import.unreadable.len(), 1);
    assert_eq!(
        (
            import.unreadable[0].line,
            import.unreadable[0].field.as_str()
        ),
        (7, "dateOfBirth")
    );
    assert_eq!((import.added, import.to_review), (2, 3));

    let report = school::school_report(
        ctx,
        SchoolReportRequest {
            list_id: list.id.clone(),
            as_of: String::new(),
        },
    )
    .await
    .unwrap();
    assert_eq!(report.as_of, "11/22/2026");
    assert_eq!(report.state, "TX");
    assert_eq!(report.school_year, "2026-2027");
    assert_eq!(report.rules_of.as_deref(), Some("2025-2026"));
    assert_eq!(report.list.students, 3);
    let sofia_line = status_of(&report, "Treviño");
    assert_eq!(sofia_line.status, "complete", "{sofia_line:?}");
    let mateo_line = status_of(&report, "López");
    assert_eq!(mateo_line.status, "incomplete");
    assert_eq!(mateo_line.grade.as_deref(), Some("1"));
    let missing: Vec<&str> = mateo_line
        .missing
        .iter()
        .map(|m| m.vaccine.as_str())
        .collect();
    assert!(
        missing.contains(&"dtap") && missing.contains(&"mmr"),
        "{missing:?}"
    );
    // The earliest day a missing dose can be given is never before the report's day.
    assert!(mateo_line
        .missing
        .iter()
        .all(|m| m.earliest.ends_with("2026") || m.earliest.ends_with("2027")));
    assert_eq!(status_of(&report, "Ramos").status, "no_record");
    let counts: Vec<(&str, i32)> = report
        .counts
        .iter()
        .map(|c| (c.status.as_str(), c.count))
        .collect();
    assert_eq!(counts.iter().map(|c| c.1).sum::<i32>(), 3);

    // A conscience affidavit on file makes Mateo exempt until it expires (Texas: two years).
    school::put_student(
        ctx,
        PutStudentRequest {
            list_id: list.id.clone(),
            client_id: mateo.to_string(),
            grade: "1".into(),
            exemption_kind: "conscience".into(),
            exemption_signed_on: "10/01/2026".into(),
            ..PutStudentRequest::default()
        },
    )
    .await
    .unwrap();
    // A typo keeps the form and names the field.
    let typo = school::put_student(
        ctx,
        PutStudentRequest {
            list_id: list.id.clone(),
            client_id: mateo.to_string(),
            grade: "1".into(),
            exemption_kind: "conscience".into(),
            exemption_signed_on: "10/41/2026".into(),
            ..PutStudentRequest::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&typo, AppError::Validation { issues } if issues[0].field == "exemption.signedOn"),
        "{typo:?}"
    );
    let report = school::school_report(
        ctx,
        SchoolReportRequest {
            list_id: list.id.clone(),
            as_of: "11/22/2026".into(),
        },
    )
    .await
    .unwrap();
    let mateo_line = status_of(&report, "López");
    assert_eq!(mateo_line.status, "exempt");
    assert_eq!(mateo_line.until.as_deref(), Some("10/01/2028"));
    assert_eq!(
        mateo_line.exemption.as_ref().map(|e| e.kind.as_str()),
        Some("conscience")
    );

    // The CSV holds one row per student, readable by the user only.
    let path = std::env::temp_dir().join(format!("shotbook-school-{}.csv", uuid::Uuid::now_v7()));
    let saved = school::save_report_csv(
        ctx,
        SchoolReportRequest {
            list_id: list.id.clone(),
            as_of: String::new(),
        },
        &path,
    )
    .await
    .unwrap();
    assert_eq!(saved.rows, 3);
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("Last Name,First Name,Date of Birth,Grade,Status"));
    assert!(csv.contains("Treviño,Sofia,09/04/2018,2,complete"));
    assert!(csv.contains("López,Mateo,01/02/2019,1,exempt,10/01/2028"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    std::fs::remove_file(&path).unwrap();

    // Letters go to the parents of the students who need doses: Lucia (no record) only.
    let letters_path =
        std::env::temp_dir().join(format!("shotbook-letters-{}.pdf", uuid::Uuid::now_v7()));
    let letters = school::save_parent_letters(
        ctx,
        ParentLettersRequest {
            list_id: list.id.clone(),
            as_of: String::new(),
            language: "es".into(),
        },
        &letters_path,
    )
    .await
    .unwrap();
    assert_eq!(letters.rows, 1);
    assert!(std::fs::read(&letters_path).unwrap().starts_with(b"%PDF"));
    std::fs::remove_file(&letters_path).unwrap();
    let unknown_language = school::save_parent_letters(
        ctx,
        ParentLettersRequest {
            list_id: list.id.clone(),
            as_of: String::new(),
            language: "fr".into(),
        },
        &letters_path,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&unknown_language, AppError::Validation { issues } if issues[0].field == "language")
    );

    // Each report audits each student it showed; the refused infant is audited as refused.
    let actions = audit_actions(ctx).await;
    let reported = |client: ClientId| {
        actions
            .iter()
            .filter(|(a, c)| a == "school_report" && c.as_deref() == Some(&client.to_string()))
            .count()
    };
    assert_eq!(
        (reported(sofia), reported(mateo), reported(lucia)),
        (4, 4, 4)
    );
    assert!(actions
        .iter()
        .any(|(a, c)| a == "access_denied" && c.as_deref() == Some(&infant.to_string())));

    // Removing a student; another organization's user cannot see the list.
    school::remove_student(
        ctx,
        StudentRequest {
            list_id: list.id.clone(),
            client_id: lucia.to_string(),
        },
    )
    .await
    .unwrap();
    let lists = school::student_lists(ctx).await.unwrap();
    assert_eq!(lists[0].students, 2);
    as_user(ctx, "TX0001", "tx.provider").await;
    let provider = school::student_lists(ctx).await.unwrap_err();
    assert_eq!(
        provider,
        AppError::Forbidden {
            permission: "school_reports".into()
        }
    );
}
