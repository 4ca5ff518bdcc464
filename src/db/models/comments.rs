//! `comments`: public replies on a ticket and agent-only internal notes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::schema::comments;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = comments, check_for_backend(diesel::pg::Pg))]
pub struct Comment {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    /// Agent-only note: never shown to customers.
    pub is_internal: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `created_at: None` means now (only the demo seed writes history).
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment<'a> {
    pub issue_id: Uuid,
    pub author_id: Uuid,
    pub body: &'a str,
    pub is_internal: bool,
    pub created_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut PgConnection, new: &NewComment) -> QueryResult<Comment> {
    diesel::insert_into(comments::table)
        .values(new)
        .returning(Comment::as_returning())
        .get_result(conn)
}
