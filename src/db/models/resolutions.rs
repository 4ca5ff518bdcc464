//! `resolutions`: how an issue was resolved, by whom. Required to resolve;
//! an issue reopened and resolved again has several.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::schema::resolutions;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = resolutions, check_for_backend(diesel::pg::Pg))]
pub struct Resolution {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub resolved_by_id: Option<Uuid>,
    /// The resolver's display name at the time.
    pub resolved_by: String,
    pub resolution_notes: String,
    pub resolved_at: DateTime<Utc>,
}

/// `resolved_at: None` means now; pass the same instant as the issue's
/// `resolved_at` to keep them equal.
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = resolutions)]
pub struct NewResolution<'a> {
    pub issue_id: Uuid,
    pub resolved_by_id: Option<Uuid>,
    pub resolved_by: &'a str,
    pub resolution_notes: &'a str,
    pub resolved_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut PgConnection, new: &NewResolution) -> QueryResult<Resolution> {
    diesel::insert_into(resolutions::table)
        .values(new)
        .returning(Resolution::as_returning())
        .get_result(conn)
}
