//! The doc import's write: every good row of a file added (a new address)
//! or written over the doc with that address, in one transaction with an
//! audit row per changed doc and one for the import. A fixed number of
//! statements whatever the number of rows: each step sends its rows as
//! arrays (`unnest`), so 10,000 docs are not 10,000 round trips.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use serde_json::json;
use uuid::Uuid;

use crate::db::models::admin_audit::{self, Change, ObjectChange};
use crate::db::models::docs::Doc;
use crate::db::models::enums::AuditKind;
use crate::db::models::users::User;
use crate::db::queries::admin_docs::{draft_snapshot_text, snapshot_text};
use crate::db::schema::{doc_planes, docs, planes};
use crate::db::unique_violation;
use crate::domain::admin_docs::DocDraft;

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    /// No doc had the address: a new, active doc.
    Added,
    /// The doc with the address now has the row's fields.
    Updated,
    /// The doc with the address already had them: nothing written.
    Unchanged,
}

impl RowOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
        }
    }
}

/// A done import: each row's outcome, in the order of the drafts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub outcomes: Vec<RowOutcome>,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Why nothing was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRefusal {
    /// Another admin added a doc with one of the file's addresses while
    /// this import ran.
    UrlTaken,
    /// A statement outlasted [`IMPORT_STATEMENT_TIMEOUT`] (a database
    /// under heavy load): rolled back.
    TimedOut,
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    url: String,
}

/// The longest one statement of an import may take. Each writes up to
/// 20,000 rows (a doc's planes) with their index and foreign-key work:
/// about a second alone on two cores, several times that under load,
/// past the few seconds that bound every interactive page.
const IMPORT_STATEMENT_TIMEOUT: &str = "60s";

/// Imports `drafts` (distinct addresses: the file reader refused repeats)
/// from the file `file_name` by `admin`, all or nothing. Docs keep their
/// active state; new ones are active. Retired docs stay retired.
pub fn import(
    conn: &mut PgConnection,
    admin: &User,
    file_name: &str,
    drafts: &[&DocDraft],
) -> QueryResult<Result<Imported, ImportRefusal>> {
    let result = conn.transaction(|conn| {
        // LOCAL: back to the pool's bound when the transaction ends.
        diesel::sql_query(format!(
            "SET LOCAL statement_timeout = '{IMPORT_STATEMENT_TIMEOUT}'"
        ))
        .execute(conn)?;
        write(conn, admin, file_name, drafts)
    });
    match result {
        Err(e) if is_url_taken(&e) => Ok(Err(ImportRefusal::UrlTaken)),
        Err(e) if is_timeout(&e) => Ok(Err(ImportRefusal::TimedOut)),
        other => other.map(Ok),
    }
}

fn write(
    conn: &mut PgConnection,
    admin: &User,
    file_name: &str,
    drafts: &[&DocDraft],
) -> QueryResult<Imported> {
    let urls: Vec<&str> = drafts.iter().map(|d| d.url.as_str()).collect();
    // Locked, so an admin editing one of them meanwhile waits for this
    // import and then finds their form stale.
    let existing: Vec<Doc> = docs::table
        .filter(docs::url.eq_any(&urls))
        .for_update()
        .select(Doc::as_select())
        .load(conn)?;
    let ids: Vec<Uuid> = existing.iter().map(|d| d.id).collect();
    let mut existing_planes: HashMap<Uuid, Vec<String>> = HashMap::new();
    if !ids.is_empty() {
        let pairs: Vec<(Uuid, String)> = doc_planes::table
            .inner_join(planes::table)
            .filter(doc_planes::doc_id.eq_any(&ids))
            .order(planes::slug.asc())
            .select((doc_planes::doc_id, planes::slug))
            .load(conn)?;
        for (doc_id, slug) in pairs {
            existing_planes.entry(doc_id).or_default().push(slug);
        }
    }
    let by_url: HashMap<&str, &Doc> = existing.iter().map(|d| (d.url.as_str(), d)).collect();

    let mut imported = Imported::default();
    let mut new_rows: Vec<&DocDraft> = Vec::new();
    // (doc, its planes before, the draft over it)
    let mut changed: Vec<(&Doc, &[String], &DocDraft)> = Vec::new();
    for &draft in drafts {
        let outcome = match by_url.get(draft.url.as_str()) {
            None => {
                new_rows.push(draft);
                RowOutcome::Added
            }
            Some(doc) => {
                let planes = existing_planes
                    .get(&doc.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if doc.title == draft.title
                    && doc.doc_type == draft.doc_type
                    && doc.summary == draft.summary
                    && planes == draft.planes.as_slice()
                {
                    RowOutcome::Unchanged
                } else {
                    changed.push((doc, planes, draft));
                    RowOutcome::Updated
                }
            }
        };
        match outcome {
            RowOutcome::Added => imported.added += 1,
            RowOutcome::Updated => imported.updated += 1,
            RowOutcome::Unchanged => imported.unchanged += 1,
        }
        imported.outcomes.push(outcome);
    }

    let new_ids = insert_docs(conn, &new_rows)?;
    if !new_rows.is_empty() {
        // The foreign-key check of each doc_planes row below looks its doc
        // up with a plan this connection may have cached while `docs` was
        // small: a sequential scan, which over thousands of docs just
        // added took a minute for 20,000 rows. ANALYZE (it counts this
        // transaction's own rows) refreshes the statistics and drops
        // cached plans on `docs`, so the check uses the primary key.
        diesel::sql_query("ANALYZE docs").execute(conn)?;
    }
    update_docs(conn, &changed)?;
    // The planes of every written doc, as the rows have them.
    let mut plane_rows: Vec<(Uuid, &str)> = Vec::new();
    for draft in &new_rows {
        if let Some(&id) = new_ids.get(draft.url.as_str()) {
            plane_rows.extend(draft.planes.iter().map(|slug| (id, slug.as_str())));
        }
    }
    for (doc, _, draft) in &changed {
        plane_rows.extend(draft.planes.iter().map(|slug| (doc.id, slug.as_str())));
    }
    let changed_ids: Vec<Uuid> = changed.iter().map(|(doc, _, _)| doc.id).collect();
    set_planes(conn, &changed_ids, &plane_rows)?;

    let mut audit: Vec<ObjectChange> = Vec::with_capacity(new_rows.len() + changed.len());
    for draft in &new_rows {
        if let Some(&id) = new_ids.get(draft.url.as_str()) {
            audit.push(ObjectChange {
                object_id: id,
                object_label: draft.title.clone(),
                before: None,
                after: Some(draft_snapshot_text(draft, true)?),
            });
        }
    }
    for (doc, planes, draft) in &changed {
        audit.push(ObjectChange {
            object_id: doc.id,
            object_label: draft.title.clone(),
            before: Some(snapshot_text(doc, planes)?),
            after: Some(draft_snapshot_text(draft, doc.is_active)?),
        });
    }
    admin_audit::record_each(conn, admin, AuditKind::Doc, "imported", &audit)?;
    admin_audit::record(
        conn,
        admin,
        &Change {
            kind: AuditKind::Import,
            action: "imported",
            object_id: None,
            object_label: file_name,
            before: None,
            after: Some(json!({
                "file": file_name,
                "rows": drafts.len(),
                "added": imported.added,
                "updated": imported.updated,
                "unchanged": imported.unchanged,
            })),
        },
    )?;
    Ok(imported)
}

/// Inserts the new docs (active) in one statement; their ids by address.
fn insert_docs<'a>(
    conn: &mut PgConnection,
    rows: &[&'a DocDraft],
) -> QueryResult<HashMap<&'a str, Uuid>> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let inserted: Vec<Inserted> = diesel::sql_query(
        "INSERT INTO docs (url, title, doc_type, summary) \
         SELECT r.url, r.title, r.doc_type::doc_type, r.summary \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
             AS r(url, title, doc_type, summary) \
         RETURNING id, url",
    )
    .bind::<Array<Text>, _>(rows.iter().map(|d| d.url.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|d| d.title.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|d| d.doc_type.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|d| d.summary.as_str()).collect::<Vec<_>>())
    .load(conn)?;
    let ids: HashMap<String, Uuid> = inserted.into_iter().map(|r| (r.url, r.id)).collect();
    Ok(rows
        .iter()
        .filter_map(|d| ids.get(&d.url).map(|&id| (d.url.as_str(), id)))
        .collect())
}

/// Writes the rows' fields over their docs in one statement (the trigger
/// moves each doc's version, so open edit forms turn stale).
fn update_docs(conn: &mut PgConnection, rows: &[(&Doc, &[String], &DocDraft)]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "UPDATE docs SET title = r.title, doc_type = r.doc_type::doc_type, summary = r.summary \
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) \
             AS r(id, title, doc_type, summary) \
         WHERE docs.id = r.id",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|(doc, _, _)| doc.id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|(_, _, d)| d.title.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|(_, _, d)| d.doc_type.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|(_, _, d)| d.summary.as_str())
            .collect::<Vec<_>>(),
    )
    .execute(conn)?;
    Ok(())
}

/// Replaces the planes of the changed docs and gives the new ones theirs:
/// `rows` are (doc, plane slug) pairs, slugs the reader checked.
fn set_planes(conn: &mut PgConnection, changed: &[Uuid], rows: &[(Uuid, &str)]) -> QueryResult<()> {
    if !changed.is_empty() {
        diesel::delete(doc_planes::table.filter(doc_planes::doc_id.eq_any(changed)))
            .execute(conn)?;
    }
    if rows.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO doc_planes (doc_id, plane_id) \
         SELECT r.doc_id, planes.id \
         FROM unnest($1::uuid[], $2::text[]) AS r(doc_id, slug) \
         JOIN planes ON planes.slug = r.slug \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|(_, slug)| *slug).collect::<Vec<_>>())
    .execute(conn)?;
    Ok(())
}

/// Whether PostgreSQL cancelled a statement for its timeout. diesel names
/// no kind for SQLSTATE 57014, so its message tells: English on the
/// embedded cluster (locale C) and most servers; on a server with
/// translated messages the timeout stays an ordinary database error.
fn is_timeout(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info)
            if info.message().contains("statement timeout")
    )
}

/// Whether a write failed on a doc's unique address.
fn is_url_taken(e: &DieselError) -> bool {
    unique_violation(e) == Some("docs_url_key")
}
