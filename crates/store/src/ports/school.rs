//! The school module's ports on SQLite: student lists and their students.

use shotbook_core::ids::{ClientId, OrganizationId, StudentListId, UserId};
use shotbook_reports::school::StudentListName;
use shotbook_usecases::ports::{
    stored_setting, SchoolReads, SchoolWrites, StudentDetailColumns, StudentListFacts,
    StudentOnList,
};
use shotbook_usecases::PortResult;

use super::{date, iso, optional_date, uuid};
use crate::{Store, StoreError, Work};

#[derive(sqlx::FromRow)]
struct ListRow {
    id: String,
    organization_id: String,
    name: String,
    setting: String,
    created_on: String,
    students: i64,
}

const LIST_SELECT: &str = "SELECT l.id, l.organization_id, l.name, l.setting, l.created_on,
        (SELECT count(*) FROM student_list_members m WHERE m.list_id = l.id) AS students
     FROM student_lists l";

impl ListRow {
    fn facts(self) -> PortResult<StudentListFacts> {
        Ok(StudentListFacts {
            id: uuid(&self.id, "student list id")?,
            organization: uuid(&self.organization_id, "organization id")?,
            name: self.name,
            setting: stored_setting(&self.setting)?,
            students: usize::try_from(self.students).unwrap_or(0),
            created_on: date(&self.created_on)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    client_id: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    grade: Option<String>,
    exemption_kind: Option<String>,
    exemption_signed_on: Option<String>,
    exemption_lifelong: i64,
    exemption_vaccines: String,
    provisional_basis: Option<String>,
    provisional_since: Option<String>,
    added_on: String,
}

impl SchoolReads for Store {
    async fn student_lists(
        &self,
        organization: OrganizationId,
    ) -> PortResult<Vec<StudentListFacts>> {
        let sql = format!(
            "{LIST_SELECT} WHERE l.organization_id = ? ORDER BY l.name COLLATE NOCASE, l.id"
        );
        let rows: Vec<ListRow> = sqlx::query_as(&sql)
            .bind(organization.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::from)?;
        rows.into_iter().map(ListRow::facts).collect()
    }

    async fn student_list(&self, list: StudentListId) -> PortResult<Option<StudentListFacts>> {
        let sql = format!("{LIST_SELECT} WHERE l.id = ?");
        let row: Option<ListRow> = sqlx::query_as(&sql)
            .bind(list.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::from)?;
        row.map(ListRow::facts).transpose()
    }

    async fn students_on(&self, list: StudentListId) -> PortResult<Vec<StudentOnList>> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.client_id, c.first_name, c.last_name, c.date_of_birth, m.grade,
                    m.exemption_kind, m.exemption_signed_on, m.exemption_lifelong,
                    m.exemption_vaccines, m.provisional_basis, m.provisional_since, m.added_on
             FROM student_list_members m JOIN clients c ON c.id = m.client_id
             WHERE m.list_id = ?
             ORDER BY c.last_name_folded, c.first_name_folded, c.date_of_birth, c.id",
        )
        .bind(list.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        rows.into_iter()
            .map(|r| {
                let columns = StudentDetailColumns {
                    grade: r.grade,
                    exemption_kind: r.exemption_kind,
                    exemption_signed_on: optional_date(r.exemption_signed_on.as_deref())?,
                    exemption_lifelong: r.exemption_lifelong != 0,
                    exemption_vaccines: r.exemption_vaccines,
                    provisional_basis: r.provisional_basis,
                    provisional_since: optional_date(r.provisional_since.as_deref())?,
                };
                Ok(StudentOnList {
                    client: uuid(&r.client_id, "client id")?,
                    first_name: r.first_name,
                    last_name: r.last_name,
                    date_of_birth: r.date_of_birth,
                    details: columns.details()?,
                    added_on: date(&r.added_on)?,
                })
            })
            .collect()
    }
}

impl SchoolWrites for Work {
    async fn create_student_list(&mut self, list: &StudentListFacts, by: UserId) -> PortResult<()> {
        sqlx::query(
            "INSERT INTO student_lists (id, organization_id, name, setting, created_by, created_on)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(list.id.to_string())
        .bind(list.organization.to_string())
        .bind(&list.name)
        .bind(list.setting.code())
        .bind(by.to_string())
        .bind(iso(list.created_on))
        .execute(&mut **self)
        .await
        .map_err(StoreError::from)?;
        Ok(())
    }

    async fn rename_student_list(
        &mut self,
        list: StudentListId,
        name: &StudentListName,
    ) -> PortResult<bool> {
        let done = sqlx::query("UPDATE student_lists SET name = ? WHERE id = ?")
            .bind(name.as_str())
            .bind(list.to_string())
            .execute(&mut **self)
            .await
            .map_err(StoreError::from)?;
        Ok(done.rows_affected() == 1)
    }

    async fn put_student(
        &mut self,
        list: StudentListId,
        client: ClientId,
        details: &shotbook_reports::school::StudentDetails,
        by: UserId,
    ) -> PortResult<bool> {
        let c = StudentDetailColumns::of(details);
        let today = iso(self.now().date());
        let existed: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM student_list_members WHERE list_id = ? AND client_id = ?",
        )
        .bind(list.to_string())
        .bind(client.to_string())
        .fetch_optional(&mut **self)
        .await
        .map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO student_list_members (list_id, client_id, grade, exemption_kind,
                    exemption_signed_on, exemption_lifelong, exemption_vaccines,
                    provisional_basis, provisional_since, added_by, added_on)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (list_id, client_id) DO UPDATE SET grade = excluded.grade,
                    exemption_kind = excluded.exemption_kind,
                    exemption_signed_on = excluded.exemption_signed_on,
                    exemption_lifelong = excluded.exemption_lifelong,
                    exemption_vaccines = excluded.exemption_vaccines,
                    provisional_basis = excluded.provisional_basis,
                    provisional_since = excluded.provisional_since",
        )
        .bind(list.to_string())
        .bind(client.to_string())
        .bind(c.grade)
        .bind(c.exemption_kind)
        .bind(c.exemption_signed_on.map(iso))
        .bind(i64::from(c.exemption_lifelong))
        .bind(c.exemption_vaccines)
        .bind(c.provisional_basis)
        .bind(c.provisional_since.map(iso))
        .bind(by.to_string())
        .bind(today)
        .execute(&mut **self)
        .await
        .map_err(StoreError::from)?;
        Ok(existed.is_none())
    }

    async fn remove_student(&mut self, list: StudentListId, client: ClientId) -> PortResult<bool> {
        let done =
            sqlx::query("DELETE FROM student_list_members WHERE list_id = ? AND client_id = ?")
                .bind(list.to_string())
                .bind(client.to_string())
                .execute(&mut **self)
                .await
                .map_err(StoreError::from)?;
        Ok(done.rows_affected() == 1)
    }
}
