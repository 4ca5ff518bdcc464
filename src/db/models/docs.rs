//! `docs` (the documentation catalog suggestions come from), `doc_planes`
//! (the planes a doc is about) and `doc_context_options` (context values a
//! doc is tagged with, which rank it first).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::models::enums::DocType;
use crate::db::schema::{doc_context_options, doc_planes, docs};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = docs, check_for_backend(diesel::pg::Pg))]
pub struct Doc {
    pub id: Uuid,
    pub url: String,
    pub title: String,
    pub doc_type: DocType,
    pub summary: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = docs)]
pub struct NewDoc<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub doc_type: DocType,
    pub summary: &'a str,
    pub is_active: bool,
}

#[derive(Debug, Clone, Copy, Default, AsChangeset)]
#[diesel(table_name = docs)]
pub struct DocChangeset<'a> {
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub doc_type: Option<DocType>,
    pub summary: Option<&'a str>,
    pub is_active: Option<bool>,
}

/// A row of `doc_planes`: read and written as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = doc_planes, check_for_backend(diesel::pg::Pg))]
pub struct DocPlane {
    pub doc_id: Uuid,
    pub plane_id: Uuid,
}

/// A row of `doc_context_options`: read and written as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = doc_context_options, check_for_backend(diesel::pg::Pg))]
pub struct DocContextOption {
    pub doc_id: Uuid,
    pub plane_context_option_id: Uuid,
}

pub fn insert(conn: &mut PgConnection, new: &NewDoc) -> QueryResult<Doc> {
    diesel::insert_into(docs::table)
        .values(new)
        .returning(Doc::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Doc> {
    docs::table.find(id).select(Doc::as_select()).first(conn)
}

pub fn count(conn: &mut PgConnection) -> QueryResult<i64> {
    docs::table.count().get_result(conn)
}

/// The active catalog, by title.
pub fn list_active(conn: &mut PgConnection) -> QueryResult<Vec<Doc>> {
    docs::table
        .filter(docs::is_active.eq(true))
        .order((docs::title.asc(), docs::id.asc()))
        .select(Doc::as_select())
        .load(conn)
}

/// The whole catalog, retired docs included (admin), by title.
pub fn list_all(conn: &mut PgConnection) -> QueryResult<Vec<Doc>> {
    docs::table
        .order((docs::title.asc(), docs::id.asc()))
        .select(Doc::as_select())
        .load(conn)
}

/// Fails with a query-builder error when the changeset is empty.
pub fn update(conn: &mut PgConnection, id: Uuid, changes: &DocChangeset) -> QueryResult<Doc> {
    diesel::update(docs::table.find(id))
        .set(changes)
        .returning(Doc::as_returning())
        .get_result(conn)
}

/// Replaces the planes of a doc (in a transaction, nested as a savepoint
/// when the caller already has one).
pub fn set_planes(conn: &mut PgConnection, doc_id: Uuid, plane_ids: &[Uuid]) -> QueryResult<()> {
    let rows: Vec<DocPlane> = plane_ids
        .iter()
        .map(|&plane_id| DocPlane { doc_id, plane_id })
        .collect();
    conn.transaction(|conn| {
        diesel::delete(doc_planes::table.filter(doc_planes::doc_id.eq(doc_id))).execute(conn)?;
        if !rows.is_empty() {
            diesel::insert_into(doc_planes::table)
                .values(&rows)
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Replaces the context options a doc is tagged with (in a transaction).
pub fn set_context_options(
    conn: &mut PgConnection,
    doc_id: Uuid,
    option_ids: &[Uuid],
) -> QueryResult<()> {
    let rows: Vec<DocContextOption> = option_ids
        .iter()
        .map(|&plane_context_option_id| DocContextOption {
            doc_id,
            plane_context_option_id,
        })
        .collect();
    conn.transaction(|conn| {
        diesel::delete(doc_context_options::table.filter(doc_context_options::doc_id.eq(doc_id)))
            .execute(conn)?;
        if !rows.is_empty() {
            diesel::insert_into(doc_context_options::table)
                .values(&rows)
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
        Ok(())
    })
}

/// The doc, locked until the transaction ends, so a concurrent admin
/// change waits and then sees this one's version.
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Doc> {
    docs::table
        .find(id)
        .for_update()
        .select(Doc::as_select())
        .first(conn)
}

/// Whether another doc than `except` has this exact address.
pub fn url_taken(conn: &mut PgConnection, url: &str, except: Option<Uuid>) -> QueryResult<bool> {
    let mut query = docs::table.filter(docs::url.eq(url)).into_boxed();
    if let Some(id) = except {
        query = query.filter(docs::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query.select(docs::id))).get_result(conn)
}

/// Writes `changes` if the doc is still at `version`; `None` when it is
/// not (another admin changed it meanwhile) and nothing was written.
pub fn update_at_version(
    conn: &mut PgConnection,
    id: Uuid,
    version: crate::db::version::Version,
    changes: &DocChangeset,
) -> QueryResult<Option<Doc>> {
    diesel::update(
        docs::table
            .filter(docs::id.eq(id))
            .filter(docs::updated_at.eq(version.0)),
    )
    .set(changes)
    .returning(Doc::as_returning())
    .get_result(conn)
    .optional()
}
