//! The registry schema on real PostgreSQL: what it refuses (deleting clinical facts, changing
//! the audit trail), the audit chain, the migrations and the code sets.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_protocol::ChangeSource;
use shotbook_server_store::setup::{self, NewClient, NewOrganization};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{audit, sqlx};
use shotbook_usecases::ports::{AuditWrites, CatalogReads, UnitOfWork};
use time::macros::{date, datetime};

fn event(action: AuditAction, client: Option<ClientId>) -> AuditEvent {
    AuditEvent {
        at: datetime!(2026-12-06 10:00:00.123456789 UTC),
        user_id: Some(UserId::new()),
        organization_id: Some(OrganizationId::new()),
        workstation: "schema-test".into(),
        action,
        client_id: client,
        detail: Some("1 result(s)".into()),
    }
}

async fn audit_three(db: &TestDatabase) {
    let r = db.registry();
    for action in [
        AuditAction::ViewClient,
        AuditAction::PrintRecord,
        AuditAction::ViewClient,
    ] {
        let mut work = r
            .begin_as(ChangeSource::Local, datetime!(2026-12-06 10:00 UTC))
            .await
            .unwrap();
        work.audit(&event(action, Some(ClientId::new())))
            .await
            .unwrap();
        UnitOfWork::commit(work).await.unwrap();
    }
}

#[tokio::test]
async fn the_audit_chain_verifies_and_a_changed_entry_breaks_it() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    audit_three(&db).await;
    let r = db.registry();
    assert_eq!(audit::verify_chain(r).await.unwrap(), Ok(3));
    // Someone with the database's owner rights turns the guard off and edits an entry.
    let (second,): (uuid::Uuid,) =
        sqlx::query_as("SELECT id FROM audit_log ORDER BY seq OFFSET 1 LIMIT 1")
            .fetch_one(r.pool())
            .await
            .unwrap();
    sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_is_append_only")
        .execute(r.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET action = 'view_client' WHERE id = $1")
        .bind(second)
        .execute(r.pool())
        .await
        .unwrap();
    let broken = audit::verify_chain(r).await.unwrap().unwrap_err();
    assert_eq!(broken.audit_id, second);
}

#[tokio::test]
async fn the_audit_log_refuses_update_delete_and_truncate() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    audit_three(&db).await;
    let pool = db.registry().pool();
    for sql in [
        "UPDATE audit_log SET detail = NULL",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let refused = sqlx::query(sql).execute(pool).await.unwrap_err();
        assert!(
            refused.to_string().contains("append-only"),
            "{sql}: {refused}"
        );
    }
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM audit_log")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 3);
}

#[tokio::test]
async fn clients_and_doses_are_never_deleted() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    let r = db.registry();
    let clinic = OrganizationId::new();
    let client = ClientId::new();
    let mut work = r
        .begin_as(ChangeSource::Local, datetime!(2026-12-06 10:00 UTC))
        .await
        .unwrap();
    setup::insert_organization(
        &mut work,
        &NewOrganization {
            id: clinic,
            code: "MT9001".into(),
            name: "Schema Clinic".into(),
            kind: "provider".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            city: "Billings".into(),
            vfc_pin: None,
        },
    )
    .await
    .unwrap();
    setup::insert_client(
        &mut work,
        &NewClient {
            id: client,
            registry_id: None,
            first_name: "Ana".into(),
            last_name: "Schema".into(),
            date_of_birth: date!(2020 - 01 - 01),
            gender: "F".into(),
            consent: ConsentStatus::Granted,
            home_organization: Some(clinic),
        },
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    // Row triggers fire only on rows: the table must hold a dose for DELETE to be refused.
    sqlx::query(
        "INSERT INTO immunizations (id, client_id, cvx, administered_on, source, created_at, updated_at)
         VALUES ($1, $2, '03', '2021-01-05', 'historical', now(), now())",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(client.as_uuid())
    .execute(r.pool())
    .await
    .unwrap();
    for sql in [
        "DELETE FROM clients",
        "TRUNCATE clients CASCADE",
        "DELETE FROM immunizations",
        "TRUNCATE immunizations CASCADE",
    ] {
        assert!(
            sqlx::query(sql).execute(r.pool()).await.is_err(),
            "{sql} is refused"
        );
    }
    let (clients, doses): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM immunizations)",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!((clients, doses), (1, 1));
}

#[tokio::test]
async fn migrating_again_changes_nothing_and_the_code_sets_are_loaded() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    let r = db.registry();
    assert!(r.migrations_current().await.unwrap());
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM vaccines")
            .fetch_one(r.pool())
            .await
            .unwrap();
        n
    };
    let before = count().await;
    r.migrate().await.unwrap();
    assert_eq!(count().await, before);
    let mmr = r
        .vaccine(&shotbook_core::codes::Cvx::parse("03").unwrap())
        .await
        .unwrap()
        .expect("CDC lists CVX 03");
    assert_eq!(mmr.groups, ["MMR"]);
    let mmrv = r
        .vaccine(&shotbook_core::codes::Cvx::parse("94").unwrap())
        .await
        .unwrap()
        .expect("CDC lists CVX 94");
    assert!(mmrv.groups.contains(&"VARICELLA".to_string()), "{mmrv:?}");
    let (editions,): (i64,) = sqlx::query_as("SELECT count(*) FROM vis_documents")
        .fetch_one(r.pool())
        .await
        .unwrap();
    assert!(editions > 10, "{editions} VIS editions");
}

#[tokio::test]
async fn an_empty_database_is_not_current() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    // A database with the tables but a migration of this build missing from the record.
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(db.registry().pool())
        .await
        .unwrap();
    assert!(!db.registry().migrations_current().await.unwrap());
}

#[tokio::test]
async fn a_missing_database_is_created_once() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    let mut url = db.url();
    url.push_str("_created");
    assert!(
        url.starts_with("postgres://") && url.ends_with("_created"),
        "{url}"
    );
    assert!(
        shotbook_server_store::PgRegistry::create_database_if_missing(&url)
            .await
            .unwrap()
    );
    assert!(
        !shotbook_server_store::PgRegistry::create_database_if_missing(&url)
            .await
            .unwrap()
    );
    let name = url.rsplit('/').next().unwrap().to_string();
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(db.registry().pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn no_table_of_clinical_facts_or_audit_can_be_truncated() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    for table in [
        "clients",
        "client_consents",
        "client_names",
        "client_organizations",
        "client_addresses",
        "client_responsible_persons",
        "client_comments",
        "client_notes",
        "duplicate_pairs",
        "client_merges",
        "client_merge_moves",
        "immunizations",
        "immunization_revisions",
        "vaccine_lots",
        "vaccine_lot_movements",
        "access_requests",
        "audit_log",
    ] {
        let refused = sqlx::query(&format!("TRUNCATE {table} CASCADE"))
            .execute(db.registry().pool())
            .await;
        assert!(refused.is_err(), "TRUNCATE {table} is refused");
    }
}

#[tokio::test]
async fn audit_and_change_log_rows_land_in_their_months_partition_which_is_guarded_too() {
    let db = TestDatabase::create("schema-test").await.unwrap();
    let r = db.registry();
    let audit = shotbook_server_store::partitions::partitions_of(r, "audit_log")
        .await
        .unwrap();
    let today = time::OffsetDateTime::now_utc();
    let name = format!("audit_log_y{}m{:02}", today.year(), u8::from(today.month()));
    assert!(audit.contains(&name), "{audit:?}");
    assert_eq!(audit.last().map(String::as_str), Some("audit_log_default"));
    // Three months ahead, and again safely.
    assert!(audit.len() >= 5, "{audit:?}");
    assert_eq!(
        shotbook_server_store::partitions::ensure_ahead(r)
            .await
            .unwrap(),
        0
    );

    let now = time::OffsetDateTime::now_utc();
    for action in [AuditAction::ViewClient, AuditAction::PrintRecord] {
        let mut work = r.begin_as(ChangeSource::Local, now).await.unwrap();
        work.audit(&AuditEvent {
            at: now,
            ..event(action, Some(ClientId::new()))
        })
        .await
        .unwrap();
        UnitOfWork::commit(work).await.unwrap();
    }
    let (partition, n): (String, i64) = sqlx::query_as(
        "SELECT tableoid::regclass::text, count(*) FROM audit_log GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!((partition.as_str(), n), (name.as_str(), 2));
    assert_eq!(audit::verify_chain(r).await.unwrap(), Ok(2));

    // A month's table refuses what the whole log refuses.
    for sql in [
        format!("DELETE FROM {name}"),
        format!("UPDATE {name} SET detail = NULL"),
        format!("TRUNCATE {name}"),
        "TRUNCATE audit_log_default".to_string(),
    ] {
        let refused = sqlx::query(&sql).execute(r.pool()).await.unwrap_err();
        assert!(
            refused.to_string().contains("append-only"),
            "{sql}: {refused}"
        );
    }
}
