//! `doc_feedback`: one row per "This solved it" / "Not relevant" click on a
//! suggested doc, with a snapshot of the form's context at the time.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::models::enums::DocType;
use crate::db::schema::doc_feedback;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = doc_feedback, check_for_backend(diesel::pg::Pg))]
pub struct DocFeedback {
    pub id: Uuid,
    pub doc_id: Option<Uuid>,
    pub doc_url: String,
    pub doc_type: DocType,
    pub marked_helpful: bool,
    pub dismissed: bool,
    /// Set once an issue was filed from the same form; `None` on a helpful
    /// click means the issue was deflected.
    pub issue_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub primary_plane_id: Option<Uuid>,
    pub form_session_id: Option<Uuid>,
    /// e.g. `{"environment_type": "production", "planes": ["eks"],
    /// "contexts": {"eks.cluster_version": "1.31"}, "title": "…"}`.
    pub issue_context: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

/// `marked_helpful` and `dismissed` cannot both be true (a CHECK).
/// `created_at: None` means now (only the demo seed writes history).
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = doc_feedback)]
pub struct NewDocFeedback<'a> {
    pub doc_id: Option<Uuid>,
    pub doc_url: &'a str,
    pub doc_type: DocType,
    pub marked_helpful: bool,
    pub dismissed: bool,
    pub issue_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub primary_plane_id: Option<Uuid>,
    pub form_session_id: Option<Uuid>,
    pub issue_context: Option<&'a serde_json::Value>,
    pub created_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut PgConnection, new: &NewDocFeedback) -> QueryResult<DocFeedback> {
    diesel::insert_into(doc_feedback::table)
        .values(new)
        .returning(DocFeedback::as_returning())
        .get_result(conn)
}

/// Links the clicks of one form rendering to the issue filed from it;
/// returns how many rows it linked.
pub fn attach_to_issue(
    conn: &mut PgConnection,
    form_session_id: Uuid,
    user_id: Uuid,
    issue_id: Uuid,
) -> QueryResult<usize> {
    // Only the filer's own feedback: a form session id can be shared in a link.
    diesel::update(
        doc_feedback::table
            .filter(doc_feedback::form_session_id.eq(form_session_id))
            .filter(doc_feedback::user_id.eq(user_id))
            .filter(doc_feedback::issue_id.is_null()),
    )
    .set(doc_feedback::issue_id.eq(issue_id))
    .execute(conn)
}
