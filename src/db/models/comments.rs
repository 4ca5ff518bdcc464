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

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Comment> {
    comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
}

/// The conversation in order; internal notes only when asked (agents).
pub fn list_for_issue(
    conn: &mut PgConnection,
    issue_id: Uuid,
    include_internal: bool,
) -> QueryResult<Vec<Comment>> {
    let mut query = comments::table
        .filter(comments::issue_id.eq(issue_id))
        .order((comments::created_at.asc(), comments::id.asc()))
        .select(Comment::as_select())
        .into_boxed();
    if !include_internal {
        query = query.filter(comments::is_internal.eq(false));
    }
    query.load(conn)
}
