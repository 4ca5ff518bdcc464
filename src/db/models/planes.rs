//! `planes` (platform areas), their `plane_contexts` (the extra form fields
//! of a plane) and `plane_context_options` (the choices of a select field).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::models::enums::FieldType;
use crate::db::schema::{plane_context_options, plane_contexts, planes};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = planes, check_for_backend(diesel::pg::Pg))]
pub struct Plane {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub display_order: i32,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = planes)]
pub struct NewPlane<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: Option<&'a str>,
    pub display_order: i32,
    pub is_active: bool,
}

#[derive(Debug, Clone, Copy, Default, AsChangeset)]
#[diesel(table_name = planes)]
pub struct PlaneChangeset<'a> {
    pub name: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub display_order: Option<i32>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = plane_contexts, check_for_backend(diesel::pg::Pg))]
pub struct PlaneContext {
    pub id: Uuid,
    pub plane_id: Uuid,
    pub context_key: String,
    pub label: String,
    pub field_type: FieldType,
    pub is_required: bool,
    pub display_order: i32,
    pub help_text: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = plane_contexts)]
pub struct NewPlaneContext<'a> {
    pub plane_id: Uuid,
    pub context_key: &'a str,
    pub label: &'a str,
    pub field_type: FieldType,
    pub is_required: bool,
    pub display_order: i32,
    pub help_text: Option<&'a str>,
    pub is_active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = plane_context_options, check_for_backend(diesel::pg::Pg))]
pub struct PlaneContextOption {
    pub id: Uuid,
    pub plane_context_id: Uuid,
    pub value: String,
    pub label: String,
    pub display_order: i32,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = plane_context_options)]
pub struct NewPlaneContextOption<'a> {
    pub plane_context_id: Uuid,
    pub value: &'a str,
    pub label: &'a str,
    pub display_order: i32,
    pub is_active: bool,
}

// ---------------------------------------------------------------------------
// Planes

pub fn insert(conn: &mut PgConnection, new: &NewPlane) -> QueryResult<Plane> {
    diesel::insert_into(planes::table)
        .values(new)
        .returning(Plane::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Plane> {
    planes::table
        .find(id)
        .select(Plane::as_select())
        .first(conn)
}

/// Active or not: callers that offer a plane to customers check `is_active`.
pub fn find_by_slug(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Plane>> {
    planes::table
        .filter(planes::slug.eq(slug))
        .select(Plane::as_select())
        .first(conn)
        .optional()
}

/// The planes customers can choose, in display order.
pub fn list_active(conn: &mut PgConnection) -> QueryResult<Vec<Plane>> {
    planes::table
        .filter(planes::is_active.eq(true))
        .order((planes::display_order.asc(), planes::name.asc()))
        .select(Plane::as_select())
        .load(conn)
}

/// Every plane, inactive ones included (admin).
pub fn list_all(conn: &mut PgConnection) -> QueryResult<Vec<Plane>> {
    planes::table
        .order((planes::display_order.asc(), planes::name.asc()))
        .select(Plane::as_select())
        .load(conn)
}

/// Fails with a query-builder error when the changeset is empty.
pub fn update(conn: &mut PgConnection, id: Uuid, changes: &PlaneChangeset) -> QueryResult<Plane> {
    diesel::update(planes::table.find(id))
        .set(changes)
        .returning(Plane::as_returning())
        .get_result(conn)
}

// ---------------------------------------------------------------------------
// Contexts

pub fn insert_context(conn: &mut PgConnection, new: &NewPlaneContext) -> QueryResult<PlaneContext> {
    diesel::insert_into(plane_contexts::table)
        .values(new)
        .returning(PlaneContext::as_returning())
        .get_result(conn)
}

/// The active context fields of these planes in one query, grouped by plane
/// and in display order within each (the submission form).
pub fn contexts_for_planes(
    conn: &mut PgConnection,
    plane_ids: &[Uuid],
) -> QueryResult<Vec<PlaneContext>> {
    plane_contexts::table
        .filter(plane_contexts::plane_id.eq_any(plane_ids))
        .filter(plane_contexts::is_active.eq(true))
        .order((
            plane_contexts::plane_id.asc(),
            plane_contexts::display_order.asc(),
            plane_contexts::context_key.asc(),
        ))
        .select(PlaneContext::as_select())
        .load(conn)
}

/// Every context of one plane, inactive ones included (admin).
pub fn all_contexts_of_plane(
    conn: &mut PgConnection,
    plane_id: Uuid,
) -> QueryResult<Vec<PlaneContext>> {
    plane_contexts::table
        .filter(plane_contexts::plane_id.eq(plane_id))
        .order((
            plane_contexts::display_order.asc(),
            plane_contexts::context_key.asc(),
        ))
        .select(PlaneContext::as_select())
        .load(conn)
}

// ---------------------------------------------------------------------------
// Options

pub fn insert_option(
    conn: &mut PgConnection,
    new: &NewPlaneContextOption,
) -> QueryResult<PlaneContextOption> {
    diesel::insert_into(plane_context_options::table)
        .values(new)
        .returning(PlaneContextOption::as_returning())
        .get_result(conn)
}

/// The active options of these contexts in one query, in display order
/// (callers group them by `plane_context_id`).
pub fn options_for_contexts(
    conn: &mut PgConnection,
    context_ids: &[Uuid],
) -> QueryResult<Vec<PlaneContextOption>> {
    plane_context_options::table
        .filter(plane_context_options::plane_context_id.eq_any(context_ids))
        .filter(plane_context_options::is_active.eq(true))
        .order((
            plane_context_options::display_order.asc(),
            plane_context_options::label.asc(),
        ))
        .select(PlaneContextOption::as_select())
        .load(conn)
}
