//! The school module's ports on PostgreSQL: student lists and their students (the SQLite
//! store's semantics, `crates/store/src/ports/school.rs`).

use shotbook_core::ids::{ClientId, OrganizationId, StudentListId, UserId};
use shotbook_reports::school::{StudentDetails, StudentListName};
use shotbook_usecases::ports::{
    stored_setting, SchoolReads, SchoolWrites, StudentDetailColumns, StudentListFacts,
    StudentOnList,
};
use shotbook_usecases::PortResult;
use time::Date;
use uuid::Uuid;

use crate::{failed, PgRegistry, PgWork};

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    setting: String,
    created_on: Date,
    students: i64,
}

const LIST_SELECT: &str = "SELECT l.id, l.organization_id, l.name, l.setting, l.created_on,
        (SELECT count(*) FROM student_list_members m WHERE m.list_id = l.id) AS students
     FROM student_lists l";

impl ListRow {
    fn facts(self) -> PortResult<StudentListFacts> {
        Ok(StudentListFacts {
            id: StudentListId::from_uuid(self.id),
            organization: OrganizationId::from_uuid(self.organization_id),
            name: self.name,
            setting: stored_setting(&self.setting)?,
            students: usize::try_from(self.students).unwrap_or(0),
            created_on: self.created_on,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    client_id: Uuid,
    first_name: String,
    last_name: String,
    date_of_birth: Date,
    grade: Option<String>,
    exemption_kind: Option<String>,
    exemption_signed_on: Option<Date>,
    exemption_lifelong: bool,
    exemption_vaccines: String,
    provisional_basis: Option<String>,
    provisional_since: Option<Date>,
    added_on: Date,
}

impl SchoolReads for PgRegistry {
    async fn student_lists(
        &self,
        organization: OrganizationId,
    ) -> PortResult<Vec<StudentListFacts>> {
        let sql =
            format!("{LIST_SELECT} WHERE l.organization_id = $1 ORDER BY lower(l.name), l.id");
        let rows: Vec<ListRow> = sqlx::query_as(&sql)
            .bind(organization.as_uuid())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?;
        rows.into_iter().map(ListRow::facts).collect()
    }

    async fn student_list(&self, list: StudentListId) -> PortResult<Option<StudentListFacts>> {
        let sql = format!("{LIST_SELECT} WHERE l.id = $1");
        let row: Option<ListRow> = sqlx::query_as(&sql)
            .bind(list.as_uuid())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        row.map(ListRow::facts).transpose()
    }

    async fn students_on(&self, list: StudentListId) -> PortResult<Vec<StudentOnList>> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.client_id, c.first_name, c.last_name, c.date_of_birth, m.grade,
                    m.exemption_kind, m.exemption_signed_on, m.exemption_lifelong,
                    m.exemption_vaccines, m.provisional_basis, m.provisional_since, m.added_on
             FROM student_list_members m JOIN clients c ON c.id = m.client_id
             WHERE m.list_id = $1
             ORDER BY c.last_name_folded, c.first_name_folded, c.date_of_birth, c.id",
        )
        .bind(list.as_uuid())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        rows.into_iter()
            .map(|r| {
                let columns = StudentDetailColumns {
                    grade: r.grade,
                    exemption_kind: r.exemption_kind,
                    exemption_signed_on: r.exemption_signed_on,
                    exemption_lifelong: r.exemption_lifelong,
                    exemption_vaccines: r.exemption_vaccines,
                    provisional_basis: r.provisional_basis,
                    provisional_since: r.provisional_since,
                };
                Ok(StudentOnList {
                    client: ClientId::from_uuid(r.client_id),
                    first_name: r.first_name,
                    last_name: r.last_name,
                    date_of_birth: r.date_of_birth.to_string(),
                    details: columns.details()?,
                    added_on: r.added_on,
                })
            })
            .collect()
    }
}

impl SchoolWrites for PgWork {
    async fn create_student_list(&mut self, list: &StudentListFacts, by: UserId) -> PortResult<()> {
        sqlx::query(
            "INSERT INTO student_lists (id, organization_id, name, setting, created_by, created_on)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(list.id.as_uuid())
        .bind(list.organization.as_uuid())
        .bind(&list.name)
        .bind(list.setting.code())
        .bind(by.as_uuid())
        .bind(list.created_on)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn rename_student_list(
        &mut self,
        list: StudentListId,
        name: &StudentListName,
    ) -> PortResult<bool> {
        let done = sqlx::query("UPDATE student_lists SET name = $1 WHERE id = $2")
            .bind(name.as_str())
            .bind(list.as_uuid())
            .execute(self.connection())
            .await
            .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }

    async fn put_student(
        &mut self,
        list: StudentListId,
        client: ClientId,
        details: &StudentDetails,
        by: UserId,
    ) -> PortResult<bool> {
        let c = StudentDetailColumns::of(details);
        let today = self.now().date();
        // `xmax = 0` tells an inserted row from an updated one in one statement.
        let (inserted,): (bool,) = sqlx::query_as(
            "INSERT INTO student_list_members (list_id, client_id, grade, exemption_kind,
                    exemption_signed_on, exemption_lifelong, exemption_vaccines,
                    provisional_basis, provisional_since, added_by, added_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (list_id, client_id) DO UPDATE SET grade = excluded.grade,
                    exemption_kind = excluded.exemption_kind,
                    exemption_signed_on = excluded.exemption_signed_on,
                    exemption_lifelong = excluded.exemption_lifelong,
                    exemption_vaccines = excluded.exemption_vaccines,
                    provisional_basis = excluded.provisional_basis,
                    provisional_since = excluded.provisional_since
             RETURNING (xmax = 0)",
        )
        .bind(list.as_uuid())
        .bind(client.as_uuid())
        .bind(c.grade)
        .bind(c.exemption_kind)
        .bind(c.exemption_signed_on)
        .bind(c.exemption_lifelong)
        .bind(c.exemption_vaccines)
        .bind(c.provisional_basis)
        .bind(c.provisional_since)
        .bind(by.as_uuid())
        .bind(today)
        .fetch_one(self.connection())
        .await
        .map_err(failed)?;
        Ok(inserted)
    }

    async fn remove_student(&mut self, list: StudentListId, client: ClientId) -> PortResult<bool> {
        let done =
            sqlx::query("DELETE FROM student_list_members WHERE list_id = $1 AND client_id = $2")
                .bind(list.as_uuid())
                .bind(client.as_uuid())
                .execute(self.connection())
                .await
                .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }
}
