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

/// Whether `user_id`, filing for `customer_id`, may add to form session
/// `id`: it is theirs for that customer, or it does not exist yet (a form
/// rendered before sessions were recorded; the click's trigger creates it).
pub fn may_add(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    customer_id: Uuid,
) -> QueryResult<bool> {
    let owner: Option<(Option<Uuid>, Uuid)> = form_sessions::table
        .find(id)
        .select((form_sessions::user_id, form_sessions::customer_id))
        .first(conn)
        .optional()?;
    Ok(owner.is_none_or(|(user, customer)| user == Some(user_id) && customer == customer_id))
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

/// A form session by id.
pub fn find_session(conn: &mut PgConnection, id: Uuid) -> QueryResult<FormSession> {
    form_sessions::table
        .find(id)
        .select(FormSession::as_select())
        .first(conn)
}

/// The docs a form session showed, by doc id.
pub fn impressions_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<DocImpression>> {
    doc_impressions::table
        .filter(doc_impressions::form_session_id.eq(id))
        .order(doc_impressions::doc_id)
        .select(DocImpression::as_select())
        .load(conn)
}
