//! `issue_activities`: the append-only audit log of a ticket, written in the
//! same transaction as the change it records.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::schema::issue_activities;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = issue_activities, check_for_backend(diesel::pg::Pg))]
pub struct IssueActivity {
    pub id: Uuid,
    pub issue_id: Uuid,
    /// `None` for system actions and once the actor is deleted.
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub field: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    /// A sentence for people, e.g. "Alex Agent changed the status to Resolved".
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// `created_at: None` means now (only the demo seed writes history; rows
/// cannot be updated afterwards).
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = issue_activities)]
pub struct NewIssueActivity<'a> {
    pub issue_id: Uuid,
    pub actor_id: Option<Uuid>,
    /// An [`Action`](crate::domain::ticket::Action)'s stored value.
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub from_value: Option<&'a str>,
    pub to_value: Option<&'a str>,
    pub description: &'a str,
    pub created_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut PgConnection, new: &NewIssueActivity) -> QueryResult<IssueActivity> {
    diesel::insert_into(issue_activities::table)
        .values(new)
        .returning(IssueActivity::as_returning())
        .get_result(conn)
}
