//! `form_sessions` and `doc_impressions`: which renderings of the issue
//! form there were (one per `form_session_id`), whose they are, and which
//! docs each one suggested with the best rank they reached. The form writes
//! them in one statement per refresh of its suggestions ([`record_shown`]);
//! filing links the session to its issue ([`mark_filed`]). Clicks
//! (`doc_feedback`) add their session and doc through a trigger (migration
//! 000015), so that every writer of feedback keeps "clicked means shown".

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, SmallInt, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::models::docs::Doc;
use crate::db::schema::{doc_impressions, form_sessions};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = form_sessions, check_for_backend(diesel::pg::Pg))]
pub struct FormSession {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub user_id: Option<Uuid>,
    /// The latest primary plane the form had; the issue's once filed.
    pub primary_plane_id: Option<Uuid>,
    pub issue_id: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = doc_impressions, check_for_backend(diesel::pg::Pg))]
pub struct DocImpression {
    pub form_session_id: Uuid,
    pub doc_id: Uuid,
    /// 1 for the first suggestion; `None` when only a click is known.
    pub best_rank: Option<i16>,
    pub first_shown_at: DateTime<Utc>,
}

/// One refresh of a form's suggestions: the form, who shows it to whom,
/// and the docs suggested, best first.
#[derive(Debug, Clone)]
pub struct Shown<'a> {
    pub form_session_id: Uuid,
    pub customer_id: Uuid,
    pub user_id: Uuid,
    pub primary_plane_id: Option<Uuid>,
    pub docs: &'a [Uuid],
}

/// Records one refresh in a single statement: the session (created at the
/// form's first rendering; its plane updated only when it changed, until
/// it is filed) and each doc shown (a new row, or a better rank for one
/// shown before). A session that is someone else's or another customer's
/// gains nothing. Returns how many impressions were written.
pub fn record_shown(conn: &mut PgConnection, shown: &Shown) -> QueryResult<usize> {
    // Ranks past i16 are not suggestions anyone reads; they stay unranked.
    let ranks: Vec<Option<i16>> = (1..=shown.docs.len())
        .map(|r| i16::try_from(r).ok())
        .collect();
    diesel::sql_query(
        "WITH created AS (
             INSERT INTO form_sessions AS s (id, customer_id, user_id, primary_plane_id)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET primary_plane_id = EXCLUDED.primary_plane_id
                 WHERE s.user_id = EXCLUDED.user_id AND s.customer_id = EXCLUDED.customer_id
                   AND s.issue_id IS NULL
                   AND s.primary_plane_id IS DISTINCT FROM EXCLUDED.primary_plane_id
             RETURNING id
         ), mine AS (
             SELECT id FROM created
             UNION
             SELECT id FROM form_sessions
             WHERE id = $1 AND user_id = $3 AND customer_id = $2
         )
         INSERT INTO doc_impressions AS i (form_session_id, doc_id, best_rank)
         SELECT mine.id, d.doc_id, d.rank
         FROM mine CROSS JOIN unnest($5::uuid[], $6::smallint[]) AS d (doc_id, rank)
         ON CONFLICT (form_session_id, doc_id) DO UPDATE SET best_rank = EXCLUDED.best_rank
             WHERE i.best_rank IS NULL OR EXCLUDED.best_rank < i.best_rank",
    )
    .bind::<SqlUuid, _>(shown.form_session_id)
    .bind::<SqlUuid, _>(shown.customer_id)
    .bind::<SqlUuid, _>(shown.user_id)
    .bind::<Nullable<SqlUuid>, _>(shown.primary_plane_id)
    .bind::<Array<SqlUuid>, _>(shown.docs)
    .bind::<Array<Nullable<SmallInt>>, _>(ranks)
    .execute(conn)
}

/// Doc `doc_id`, and whether form session `id` is someone else's than
/// `user_id` filing for `customer_id` (a session that does not exist yet
/// is nobody's: a form rendered before sessions were recorded, which the
/// click's trigger creates). One statement.
pub fn doc_and_foreign_session(
    conn: &mut PgConnection,
    doc_id: Uuid,
    id: Uuid,
    user_id: Uuid,
    customer_id: Uuid,
) -> QueryResult<(Doc, bool)> {
    use crate::db::schema::docs;
    let foreign = form_sessions::table
        .filter(form_sessions::id.eq(id))
        .filter(
            form_sessions::user_id
                .is_distinct_from(user_id)
                .or(form_sessions::customer_id.ne(customer_id)),
        );
    docs::table
        .find(doc_id)
        .select((Doc::as_select(), diesel::dsl::exists(foreign)))
        .first(conn)
}

/// Links form session `id` of `user_id` to the issue filed from it, with
/// the issue's primary plane (creating the session if the form was
/// rendered before sessions were recorded). Someone else's session, or one
/// already filed, is left alone.
pub fn mark_filed(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    customer_id: Uuid,
    issue_id: Uuid,
    primary_plane_id: Uuid,
) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO form_sessions AS s (id, customer_id, user_id, primary_plane_id, issue_id)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE
             SET issue_id = EXCLUDED.issue_id, primary_plane_id = EXCLUDED.primary_plane_id
             WHERE s.user_id = EXCLUDED.user_id AND s.customer_id = EXCLUDED.customer_id
               AND s.issue_id IS NULL",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<SqlUuid, _>(customer_id)
    .bind::<SqlUuid, _>(user_id)
    .bind::<SqlUuid, _>(primary_plane_id)
    .bind::<SqlUuid, _>(issue_id)
    .execute(conn)
}
