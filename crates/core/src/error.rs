//! The validation error shape shared by every layer: a list of issues, each naming a field.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Path of the field in the request, e.g. `lastName` or `doses[2].administeredOn`.
    pub field: String,
    /// A sentence for the user that says what is wrong and how to fix it.
    pub message: String,
}

impl Issue {
    /// An issue for `field` with a user-facing `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Input that could not be turned into domain values. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .issues.iter().map(|i| format!("{}: {}", i.field, i.message)).collect::<Vec<_>>().join("; "))]
pub struct ValidationError {
    /// Every problem found, so the user can fix them all at once.
    pub issues: Vec<Issue>,
}

impl ValidationError {
    /// A validation error with a single issue.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            issues: vec![Issue::new(field, message)],
        }
    }
}

/// Collects issues while parsing several fields, so a form reports all its problems at once.
#[derive(Debug, Default)]
pub struct IssueCollector {
    issues: Vec<Issue>,
}

impl IssueCollector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value of a successful parse; records the issue of a failed one.
    pub fn take<T>(&mut self, result: Result<T, Issue>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(issue) => {
                self.issues.push(issue);
                None
            }
        }
    }

    /// Records an issue directly.
    pub fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    /// `Ok(())` when nothing was recorded, the collected error otherwise.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                issues: self.issues,
            })
        }
    }
}
