//! The school module's ports in memory.

use shotbook_core::ids::{ClientId, OrganizationId, StudentListId, UserId};
use shotbook_core::normalize::fold_name;
use shotbook_reports::school::{StudentDetails, StudentListName};

use super::search::rows;
use super::{MemoryRegistry, MemoryWork};
use crate::ports::{SchoolReads, SchoolWrites, StudentListFacts, StudentOnList};
use crate::PortResult;

impl SchoolReads for MemoryRegistry {
    async fn student_lists(
        &self,
        organization: OrganizationId,
    ) -> PortResult<Vec<StudentListFacts>> {
        let mut lists: Vec<StudentListFacts> = self.read(|s| {
            s.student_lists
                .iter()
                .filter(|(l, _)| l.organization == organization)
                .map(|(l, students)| StudentListFacts {
                    students: students.len(),
                    ..l.clone()
                })
                .collect()
        })?;
        lists.sort_by_key(|l| l.name.to_lowercase());
        Ok(lists)
    }

    async fn student_list(&self, list: StudentListId) -> PortResult<Option<StudentListFacts>> {
        self.read(|s| {
            s.student_lists
                .iter()
                .find(|(l, _)| l.id == list)
                .map(|(l, students)| StudentListFacts {
                    students: students.len(),
                    ..l.clone()
                })
        })
    }

    async fn students_on(&self, list: StudentListId) -> PortResult<Vec<StudentOnList>> {
        let mut students: Vec<StudentOnList> = self.read(|s| {
            let lines = rows(s);
            s.student_lists
                .iter()
                .find(|(l, _)| l.id == list)
                .map(|(_, students)| {
                    students
                        .iter()
                        .filter_map(|(client, details, added_on)| {
                            let line = &lines.iter().find(|r| r.line.id == *client)?.line;
                            Some(StudentOnList {
                                client: *client,
                                first_name: line.first_name.clone(),
                                last_name: line.last_name.clone(),
                                date_of_birth: line.date_of_birth.clone(),
                                details: details.clone(),
                                added_on: *added_on,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default()
        })?;
        students.sort_by_key(|s| {
            (
                fold_name(&s.last_name),
                fold_name(&s.first_name),
                s.date_of_birth.clone(),
            )
        });
        Ok(students)
    }
}

impl SchoolWrites for MemoryWork {
    async fn create_student_list(
        &mut self,
        list: &StudentListFacts,
        _by: UserId,
    ) -> PortResult<()> {
        self.state.student_lists.push((list.clone(), Vec::new()));
        Ok(())
    }

    async fn rename_student_list(
        &mut self,
        list: StudentListId,
        name: &StudentListName,
    ) -> PortResult<bool> {
        Ok(
            match self
                .state
                .student_lists
                .iter_mut()
                .find(|(l, _)| l.id == list)
            {
                Some((l, _)) => {
                    l.name = name.as_str().to_owned();
                    true
                }
                None => false,
            },
        )
    }

    async fn put_student(
        &mut self,
        list: StudentListId,
        client: ClientId,
        details: &StudentDetails,
        _by: UserId,
    ) -> PortResult<bool> {
        let today = self.at.date();
        let Some((_, students)) = self
            .state
            .student_lists
            .iter_mut()
            .find(|(l, _)| l.id == list)
        else {
            return Err(crate::PortError::NotFound("student list"));
        };
        Ok(match students.iter_mut().find(|(c, _, _)| *c == client) {
            Some(entry) => {
                entry.1 = details.clone();
                false
            }
            None => {
                students.push((client, details.clone(), today));
                true
            }
        })
    }

    async fn remove_student(&mut self, list: StudentListId, client: ClientId) -> PortResult<bool> {
        let Some((_, students)) = self
            .state
            .student_lists
            .iter_mut()
            .find(|(l, _)| l.id == list)
        else {
            return Ok(false);
        };
        let before = students.len();
        students.retain(|(c, _, _)| *c != client);
        Ok(students.len() < before)
    }
}
