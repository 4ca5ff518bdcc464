//! The admin's doc catalog: the list (search on title or address, filters
//! by type, plane and active, keyset pages by title) and the changes to
//! one doc (create, edit, retire, restore), each in one transaction with
//! its audit row and, for an edit, the form's version checked. Docs are
//! never deleted: feedback rows point at them.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{Bool, Text, Uuid as SqlUuid};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::models::admin_audit::{self, Change};
use crate::db::models::customers::lower;
use crate::db::models::docs::{self, Doc, DocChangeset, NewDoc};
use crate::db::models::enums::{AuditKind, DocType};
use crate::db::models::users::User;
use crate::db::queries::admin_customers::ListCursor;
use crate::db::queries::like;
use crate::db::schema::{doc_planes, docs as docs_t, planes};
use crate::db::unique_violation;
use crate::db::version::Version;
use crate::domain::admin_docs::DocDraft;

/// Docs on one page of the list.
pub const PER_PAGE: i64 = 50;

/// What the list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words the title or the address contains (case-insensitive).
    pub q: Option<String>,
    pub doc_type: Option<DocType>,
    /// A plane's slug the doc is about.
    pub plane: Option<String>,
    pub is_active: Option<bool>,
    pub after: Option<ListCursor>,
}

/// One doc as the list shows it.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: Uuid,
    pub url: String,
    pub title: String,
    pub doc_type: DocType,
    pub is_active: bool,
    /// Plane names, in display order.
    pub planes: Vec<String>,
    /// `lower(title)`, for the next page's cursor.
    pub key: String,
}

/// A page of docs by title (case-insensitive, then id) matching `filter`.
/// Two statements whatever the page holds: the rows, then their planes.
/// Reads `per_page + 1` rows to know whether another page follows.
pub fn list(
    conn: &mut PgConnection,
    filter: &ListFilter,
    per_page: i64,
) -> QueryResult<(Vec<ListRow>, bool)> {
    let mut query = docs_t::table
        .select((
            docs_t::id,
            docs_t::url,
            docs_t::title,
            docs_t::doc_type,
            docs_t::is_active,
            lower(docs_t::title),
        ))
        .into_boxed::<Pg>();
    if let Some(words) = filter.q.as_deref().filter(|s| !s.is_empty()) {
        let pattern = like::contains(words);
        query = query.filter(
            docs_t::title
                .ilike(pattern.clone())
                .or(docs_t::url.ilike(pattern)),
        );
    }
    if let Some(doc_type) = filter.doc_type {
        query = query.filter(docs_t::doc_type.eq(doc_type));
    }
    if let Some(active) = filter.is_active {
        query = query.filter(docs_t::is_active.eq(active));
    }
    if let Some(slug) = &filter.plane {
        query = query.filter(diesel::dsl::exists(
            doc_planes::table
                .inner_join(planes::table)
                .filter(doc_planes::doc_id.eq(docs_t::id))
                .filter(planes::slug.eq(slug.clone()))
                .select(doc_planes::doc_id),
        ));
    }
    if let Some(cursor) = &filter.after {
        // A row comparison is one index range; an OR of conditions is not.
        query = query.filter(
            diesel::dsl::sql::<Bool>("(lower(docs.title), docs.id) > (")
                .bind::<Text, _>(cursor.key.clone())
                .sql(", ")
                .bind::<SqlUuid, _>(cursor.id)
                .sql(")"),
        );
    }
    let mut rows: Vec<(Uuid, String, String, DocType, bool, String)> = query
        .order((lower(docs_t::title).asc(), docs_t::id.asc()))
        .limit(per_page + 1)
        .load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(0));
    if rows.is_empty() {
        return Ok((Vec::new(), more));
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let plane_rows: Vec<(Uuid, String)> = doc_planes::table
        .inner_join(planes::table)
        .filter(doc_planes::doc_id.eq_any(&ids))
        .order((planes::display_order.asc(), planes::name.asc()))
        .select((doc_planes::doc_id, planes::name))
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(id, url, title, doc_type, is_active, key)| ListRow {
            planes: plane_rows
                .iter()
                .filter(|(doc_id, _)| *doc_id == id)
                .map(|(_, name)| name.clone())
                .collect(),
            id,
            url,
            title,
            doc_type,
            is_active,
            key,
        })
        .collect();
    Ok((rows, more))
}

/// A doc as its page shows it and its audit rows record it.
#[derive(Debug, Clone)]
pub struct DocState {
    pub doc: Doc,
    /// Slugs, sorted.
    pub planes: Vec<String>,
}

impl DocState {
    fn snapshot(&self) -> Value {
        snapshot(&self.doc, &self.planes)
    }
}

/// A doc's fields as its audit rows record them.
#[derive(Serialize)]
struct Fields<'a> {
    url: &'a str,
    title: &'a str,
    doc_type: &'a str,
    planes: &'a [String],
    summary: &'a str,
    active: bool,
}

impl<'a> Fields<'a> {
    fn of_doc(doc: &'a Doc, planes: &'a [String]) -> Self {
        Fields {
            url: &doc.url,
            title: &doc.title,
            doc_type: doc.doc_type.as_str(),
            planes,
            summary: &doc.summary,
            active: doc.is_active,
        }
    }

    /// A draft as it is written (`active` as it will be).
    fn of_draft(draft: &'a DocDraft, active: bool) -> Self {
        Fields {
            url: &draft.url,
            title: &draft.title,
            doc_type: draft.doc_type.as_str(),
            planes: &draft.planes,
            summary: &draft.summary,
            active,
        }
    }

    /// As JSON text, for writes of many audit rows at once.
    fn text(&self) -> QueryResult<String> {
        serde_json::to_string(self).map_err(|e| DieselError::SerializationError(Box::new(e)))
    }
}

fn snapshot(doc: &Doc, planes: &[String]) -> Value {
    json!(Fields::of_doc(doc, planes))
}

/// [`snapshot`] as JSON text.
pub(crate) fn snapshot_text(doc: &Doc, planes: &[String]) -> QueryResult<String> {
    Fields::of_doc(doc, planes).text()
}

/// The fields a draft will have once written, as JSON text.
pub(crate) fn draft_snapshot_text(draft: &DocDraft, active: bool) -> QueryResult<String> {
    Fields::of_draft(draft, active).text()
}

/// The slugs of a doc's planes, sorted.
fn plane_slugs(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<String>> {
    doc_planes::table
        .inner_join(planes::table)
        .filter(doc_planes::doc_id.eq(id))
        .order(planes::slug.asc())
        .select(planes::slug)
        .load(conn)
}

/// The doc page's data. `NotFound` for an unknown doc.
pub fn load(conn: &mut PgConnection, id: Uuid) -> QueryResult<DocState> {
    let doc = docs::find(conn, id)?;
    let planes = plane_slugs(conn, id)?;
    Ok(DocState { doc, planes })
}

/// Makes the slugs the doc's planes (slugs that do not exist are skipped:
/// the form checked them against the same list).
fn set_planes(conn: &mut PgConnection, id: Uuid, slugs: &[String]) -> QueryResult<()> {
    let ids: Vec<Uuid> = planes::table
        .filter(planes::slug.eq_any(slugs))
        .select(planes::id)
        .load(conn)?;
    docs::set_planes(conn, id, &ids)
}

/// Why a change was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Another doc has this address.
    UrlTaken,
}

/// What became of an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Changed,
    /// The form holds the values the row has: nothing written, no audit row.
    Unchanged,
    /// Another change came after the form was loaded: nothing written.
    Stale,
    Refused(Refusal),
}

/// A unique violation on the address (two admins in the same instant).
fn is_url_taken(e: &DieselError) -> bool {
    unique_violation(e) == Some("docs_url_key")
}

/// Creates a doc (active) with its planes, and its audit row.
pub fn create(
    conn: &mut PgConnection,
    admin: &User,
    draft: &DocDraft,
) -> QueryResult<Result<Doc, Refusal>> {
    let result = conn.transaction(|conn| {
        if docs::url_taken(conn, &draft.url, None)? {
            return Ok(Err(Refusal::UrlTaken));
        }
        let doc = docs::insert(
            conn,
            &NewDoc {
                url: &draft.url,
                title: &draft.title,
                doc_type: draft.doc_type,
                summary: &draft.summary,
                is_active: true,
            },
        )?;
        set_planes(conn, doc.id, &draft.planes)?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Doc,
                action: "created",
                object_id: Some(doc.id),
                object_label: &doc.title,
                before: None,
                after: Some(snapshot(&doc, &draft.planes)),
            },
        )?;
        Ok(Ok(doc))
    });
    match result {
        Err(e) if is_url_taken(&e) => Ok(Err(Refusal::UrlTaken)),
        other => other,
    }
}

/// Writes the draft over the doc if it is still at `version`. `NotFound`
/// for an unknown doc.
pub fn update(
    conn: &mut PgConnection,
    admin: &User,
    id: Uuid,
    version: Version,
    draft: &DocDraft,
) -> QueryResult<Saved> {
    let result = conn.transaction(|conn| {
        let before = DocState {
            doc: docs::find_for_update(conn, id)?,
            planes: plane_slugs(conn, id)?,
        };
        let d = &before.doc;
        if d.url == draft.url
            && d.title == draft.title
            && d.doc_type == draft.doc_type
            && d.summary == draft.summary
            && before.planes == draft.planes
        {
            return Ok(Saved::Unchanged);
        }
        if Version(d.updated_at) != version {
            return Ok(Saved::Stale);
        }
        if docs::url_taken(conn, &draft.url, Some(id))? {
            return Ok(Saved::Refused(Refusal::UrlTaken));
        }
        // Always written, so the version moves even when only planes change.
        let changes = DocChangeset {
            url: Some(&draft.url),
            title: Some(&draft.title),
            doc_type: Some(draft.doc_type),
            summary: Some(&draft.summary),
            is_active: None,
        };
        let Some(doc) = docs::update_at_version(conn, id, version, &changes)? else {
            return Ok(Saved::Stale);
        };
        set_planes(conn, id, &draft.planes)?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Doc,
                action: "updated",
                object_id: Some(id),
                object_label: &doc.title,
                before: Some(before.snapshot()),
                after: Some(snapshot(&doc, &draft.planes)),
            },
        )?;
        Ok(Saved::Changed)
    });
    match result {
        Err(e) if is_url_taken(&e) => Ok(Saved::Refused(Refusal::UrlTaken)),
        other => other,
    }
}

/// Retires (`active` false: no longer suggested) or restores the doc if
/// it is still at `version`. `NotFound` for an unknown doc.
pub fn set_active(
    conn: &mut PgConnection,
    admin: &User,
    id: Uuid,
    version: Version,
    active: bool,
) -> QueryResult<Saved> {
    conn.transaction(|conn| {
        let before = DocState {
            doc: docs::find_for_update(conn, id)?,
            planes: plane_slugs(conn, id)?,
        };
        if before.doc.is_active == active {
            return Ok(Saved::Unchanged);
        }
        if Version(before.doc.updated_at) != version {
            return Ok(Saved::Stale);
        }
        let changes = DocChangeset {
            is_active: Some(active),
            ..DocChangeset::default()
        };
        let Some(doc) = docs::update_at_version(conn, id, version, &changes)? else {
            return Ok(Saved::Stale);
        };
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Doc,
                action: if active { "restored" } else { "retired" },
                object_id: Some(id),
                object_label: &doc.title,
                before: Some(before.snapshot()),
                after: Some(snapshot(&doc, &before.planes)),
            },
        )?;
        Ok(Saved::Changed)
    })
}
