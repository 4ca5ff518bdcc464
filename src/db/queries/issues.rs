//! Reads and writes behind the `/issues` pages: what the issue form may
//! contain, doc and resolved-issue suggestions, filing an issue, and the
//! scoped list of issues (one issue's page is read by `issue_detail`).
//! Every read of an issue is scoped to the viewer: a customer sees only
//! their own customer's issues.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Float8, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::models::doc_feedback::{self, NewDocFeedback};
use crate::db::models::doc_impressions::{self, Shown};
use crate::db::models::enums::NotificationEvent;
use crate::db::models::enums::{DocType, EnvType, IssuePriority, IssueStatus};
use crate::db::models::environments::{self, Environment};
use crate::db::models::issues::{self, Issue, NewIssue, NewIssuePlane, NewIssuePlaneContext};
use crate::db::models::planes;
use crate::db::models::users::User;
use crate::db::queries::cursor::Cursor;
use crate::db::queries::notifications::enqueue_issue_events;
use crate::db::queries::tickets;
use crate::db::schema::{issues as issues_t, planes as planes_t};
use crate::domain::issue_form::{self, Checked, Definitions, ValidIssue};
use crate::domain::ticket::Activity;
use crate::error::AppError;

/// Who is looking: customers are confined to their customer.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user_id: Uuid,
    /// `None` for agents and admins, who see every customer's issues.
    pub customer_id: Option<Uuid>,
}

impl Viewer {
    pub fn of(user: &User) -> Self {
        Self {
            user_id: user.id,
            // A customer user always has a customer (a CHECK says so); were
            // one missing, the nil id matches nothing: fail closed, never
            // as staff.
            customer_id: if user.is_staff() {
                None
            } else {
                Some(user.customer_id.unwrap_or(Uuid::nil()))
            },
        }
    }

    pub fn is_staff(&self) -> bool {
        self.customer_id.is_none()
    }
}

/// Environments, active planes, and the contexts and options of the
/// chosen planes (four queries, whatever the number of planes), as the
/// form's own plain definitions.
pub fn definitions(
    conn: &mut PgConnection,
    customer_id: Uuid,
    chosen: &[String],
) -> QueryResult<Definitions> {
    let environments = environments::list_for_customer(conn, customer_id)?;
    let planes = planes::list_active(conn)?;
    let plane_ids: Vec<Uuid> = planes
        .iter()
        .filter(|p| chosen.contains(&p.slug))
        .map(|p| p.id)
        .collect();
    let contexts = planes::contexts_for_planes(conn, &plane_ids)?;
    let context_ids: Vec<Uuid> = contexts.iter().map(|c| c.id).collect();
    let options = planes::options_for_contexts(conn, &context_ids)?;
    Ok(Definitions {
        environments: environments
            .into_iter()
            .map(|e| issue_form::Environment {
                id: e.id,
                name: e.name,
                env_type: e.env_type,
            })
            .collect(),
        planes: planes
            .into_iter()
            .map(|p| issue_form::Plane {
                id: p.id,
                slug: p.slug,
                name: p.name,
            })
            .collect(),
        contexts: contexts
            .into_iter()
            .map(|c| issue_form::Context {
                id: c.id,
                plane_id: c.plane_id,
                key: c.context_key,
                label: c.label,
                field_type: c.field_type,
                required: c.is_required,
                hint: c.help_text,
            })
            .collect(),
        options: options
            .into_iter()
            .map(|o| issue_form::ContextOption {
                context_id: o.plane_context_id,
                value: o.value,
                label: o.label,
            })
            .collect(),
    })
}

/// Words of the typed text as an OR-query for `to_tsquery` (letters and
/// digits only, so nothing typed can be query syntax; at most 24 words of
/// 3 to 100 characters, so a pasted blob costs the search nothing).
pub fn or_query(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| (3..=100).contains(&w.chars().count()))
        .map(str::to_lowercase)
    {
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == 24 {
            break;
        }
    }
    words.join(" | ")
}

#[derive(Debug, Clone, QueryableByName)]
pub struct DocSuggestion {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = crate::db::schema::sql_types::DocType)]
    pub doc_type: DocType,
    #[diesel(sql_type = Text)]
    pub summary: String,
    #[diesel(sql_type = Float8)]
    pub score: f64,
}

/// Docs for the chosen planes and context values first, the typed text
/// second (full-text rank).
pub fn suggest_docs(
    conn: &mut PgConnection,
    plane_ids: &[Uuid],
    context_values: &[(Uuid, String)],
    text_query: &str,
    limit: i64,
) -> QueryResult<Vec<DocSuggestion>> {
    let (context_ids, values): (Vec<Uuid>, Vec<String>) = context_values.iter().cloned().unzip();
    diesel::sql_query(
        "SELECT d.id, d.url, d.title, d.doc_type, d.summary,
           (SELECT count(*) FROM doc_context_options dco
              JOIN plane_context_options o ON o.id = dco.plane_context_option_id
              JOIN unnest($2::uuid[], $3::text[]) AS c(context_id, value)
                ON c.context_id = o.plane_context_id AND c.value = o.value
             WHERE dco.doc_id = d.id)::float8 * 3.0
           + CASE WHEN EXISTS (SELECT 1 FROM doc_planes dp WHERE dp.doc_id = d.id AND dp.plane_id = ANY($1))
                  THEN 2.0 ELSE 0.0 END
           + CASE WHEN $4 = '' THEN 0.0
                  ELSE ts_rank(d.search, to_tsquery('english', $4))::float8 * 10.0 END AS score
         FROM docs d
         WHERE d.is_active
           AND (EXISTS (SELECT 1 FROM doc_planes dp WHERE dp.doc_id = d.id AND dp.plane_id = ANY($1))
                OR ($4 <> '' AND d.search @@ to_tsquery('english', $4)))
         ORDER BY score DESC, d.title
         LIMIT $5",
    )
    .bind::<Array<SqlUuid>, _>(plane_ids)
    .bind::<Array<SqlUuid>, _>(context_ids)
    .bind::<Array<Text>, _>(values)
    .bind::<Text, _>(text_query)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// Docs by id (those a form session already answered), as suggestions.
pub fn docs_as_suggestions(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<DocSuggestion>> {
    use crate::db::schema::docs::dsl as d;
    let rows: Vec<(Uuid, String, String, DocType, String)> = d::docs
        .filter(d::id.eq_any(ids))
        .select((d::id, d::url, d::title, d::doc_type, d::summary))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, url, title, doc_type, summary)| DocSuggestion {
            id,
            url,
            title,
            doc_type,
            summary,
            score: 0.0,
        })
        .collect())
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ResolvedSuggestion {
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub resolution_notes: String,
}

/// Resolved or closed issues of the same customer and planes, with their
/// latest resolution notes, best text match first.
pub fn suggest_resolved(
    conn: &mut PgConnection,
    customer_id: Uuid,
    plane_ids: &[Uuid],
    text_query: &str,
) -> QueryResult<Vec<ResolvedSuggestion>> {
    diesel::sql_query(
        "SELECT i.number, i.title, r.resolution_notes
         FROM issues i
         JOIN LATERAL (SELECT resolution_notes, search FROM resolutions
                        WHERE issue_id = i.id ORDER BY resolved_at DESC LIMIT 1) r ON true
         WHERE i.customer_id = $1 AND i.status IN ('resolved', 'closed')
           AND EXISTS (SELECT 1 FROM issue_planes ip WHERE ip.issue_id = i.id AND ip.plane_id = ANY($2))
           AND ($3 = '' OR i.search @@ to_tsquery('english', $3) OR r.search @@ to_tsquery('english', $3))
         ORDER BY CASE WHEN $3 = '' THEN 0.0
                       ELSE ts_rank(i.search, to_tsquery('english', $3)) + ts_rank(r.search, to_tsquery('english', $3))
                  END DESC,
                  i.resolved_at DESC NULLS LAST
         LIMIT 3",
    )
    .bind::<SqlUuid, _>(customer_id)
    .bind::<Array<SqlUuid>, _>(plane_ids)
    .bind::<Text, _>(text_query)
    .load(conn)
}

/// What the issue form suggests for what it says so far.
#[derive(Debug, Clone, Default)]
pub struct Suggestions {
    /// Docs, best first; those this form session answered stay in view
    /// even when the ranking moves on.
    pub docs: Vec<DocSuggestion>,
    pub resolved: Vec<ResolvedSuggestion>,
    /// This form session's answers, oldest first: (doc id, "solved it").
    pub answered: Vec<(Uuid, bool)>,
}

/// The suggestions for a checked form: docs ranked by its planes, context
/// values and words, resolved issues of the customer's in those planes,
/// and what `user_id` already answered in this form session. The docs
/// suggested are recorded as shown in the form session (one statement,
/// [`doc_impressions::record_shown`]), for the doc analytics.
pub fn suggestions(
    conn: &mut PgConnection,
    customer_id: Uuid,
    user_id: Uuid,
    defs: &Definitions,
    form: &Checked,
) -> QueryResult<Suggestions> {
    let plane_ids: Vec<Uuid> = (form.draft.chosen_planes().iter())
        .filter_map(|s| defs.plane(s))
        .map(|p| p.id)
        .collect();
    let query = or_query(&format!("{} {}", form.draft.title, form.draft.description));
    let mut docs = suggest_docs(conn, &plane_ids, &form.chosen, &query, 5)?;
    let resolved = if plane_ids.is_empty() {
        Vec::new()
    } else {
        suggest_resolved(conn, customer_id, &plane_ids, &query)?
    };
    let session = Uuid::parse_str(&form.draft.form_session_id).ok();
    if let Some(session) = session {
        let ranked: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
        doc_impressions::record_shown(
            conn,
            &Shown {
                form_session_id: session,
                customer_id,
                user_id,
                primary_plane_id: defs.plane(&form.draft.primary_plane).map(|p| p.id),
                docs: &ranked,
            },
        )?;
    }
    let answered = match session {
        Some(session) => feedback_of_session(conn, user_id, session)?,
        None => Vec::new(),
    };
    let missing: Vec<Uuid> = (answered.iter())
        .map(|(id, _)| *id)
        .filter(|id| !docs.iter().any(|d| d.id == *id))
        .collect();
    if !missing.is_empty() {
        docs.extend(docs_as_suggestions(conn, &missing)?);
    }
    Ok(Suggestions {
        docs,
        resolved,
        answered,
    })
}

/// One click on "This solved my problem" / "Not relevant".
#[derive(Debug, Clone)]
pub struct Feedback {
    pub customer_id: Uuid,
    pub doc_id: Uuid,
    pub helpful: bool,
    pub primary_plane_id: Option<Uuid>,
    pub form_session_id: Uuid,
    /// What the form said at the time.
    pub snapshot: serde_json::Value,
}

/// Records feedback on a suggested (active) doc.
pub fn record_feedback(
    conn: &mut PgConnection,
    viewer: Viewer,
    feedback: &Feedback,
) -> Result<(), AppError> {
    // A form session id can travel in a copied form: clicks count only in
    // the session of the person (and customer) whose form it is. Read with
    // the doc, so a click costs no more statements than before sessions.
    let (doc, foreign) = doc_impressions::doc_and_foreign_session(
        conn,
        feedback.doc_id,
        feedback.form_session_id,
        viewer.user_id,
        feedback.customer_id,
    )?;
    if !doc.is_active {
        return Err(AppError::NotFound);
    }
    if foreign {
        return Err(AppError::BadRequest(
            "The form is damaged; reload it.".into(),
        ));
    }
    doc_feedback::insert(
        conn,
        &NewDocFeedback {
            doc_id: Some(doc.id),
            doc_url: &doc.url,
            doc_type: doc.doc_type,
            marked_helpful: feedback.helpful,
            dismissed: !feedback.helpful,
            issue_id: None,
            user_id: Some(viewer.user_id),
            customer_id: Some(feedback.customer_id),
            primary_plane_id: feedback.primary_plane_id,
            form_session_id: Some(feedback.form_session_id),
            issue_context: Some(&feedback.snapshot),
            created_at: None,
        },
    )?;
    Ok(())
}

/// Doc ids this form session already answered, with the answer.
pub fn feedback_of_session(
    conn: &mut PgConnection,
    user_id: Uuid,
    form_session_id: Uuid,
) -> QueryResult<Vec<(Uuid, bool)>> {
    use crate::db::schema::doc_feedback::dsl as f;
    // Unfiled feedback of this user only (the index covers unfiled rows).
    f::doc_feedback
        .filter(f::form_session_id.eq(form_session_id))
        .filter(f::issue_id.is_null())
        .filter(f::user_id.eq(user_id))
        .filter(f::doc_id.is_not_null())
        .order(f::created_at.asc())
        .select((f::doc_id.assume_not_null(), f::marked_helpful))
        .load(conn)
}

/// Files the issue now: see [`file_issue_at`].
pub fn file_issue(
    conn: &mut PgConnection,
    creator: &User,
    customer_id: Uuid,
    issue: &ValidIssue,
) -> QueryResult<Issue> {
    file_issue_at(conn, creator, customer_id, issue, None)
}

/// Files the issue: the issue, its planes and context values, the
/// "created" activity and the form session's doc feedback and session
/// row, in one transaction. A form already filed (same submit token)
/// returns the issue it made instead of a second one. `at: None` is the database's
/// now; the demo seed passes the past time it files at.
pub fn file_issue_at(
    conn: &mut PgConnection,
    creator: &User,
    customer_id: Uuid,
    issue: &ValidIssue,
    at: Option<DateTime<Utc>>,
) -> QueryResult<Issue> {
    conn.transaction(|conn| {
        let mut submit_token = issue.submit_token;
        if let Some(token) = submit_token {
            // Two clicks of one form queue here; the second finds the first's
            // issue. The unique index on submit_token alone would make the
            // second insert fail instead of finding it.
            crate::db::lock::xact_lock(conn, &token.to_string())?;
            let existing = issues_t::table
                .filter(issues_t::submit_token.eq(token))
                .select(Issue::as_select())
                .first(conn)
                .optional()?;
            match existing {
                Some(existing) if existing.customer_id == customer_id => return Ok(existing),
                // Someone else's token (a copied form): file without it.
                Some(_) => submit_token = None,
                None => {}
            }
        }
        let row = issues::insert(
            conn,
            &NewIssue {
                customer_id,
                environment_id: issue.environment_id,
                created_by_id: creator.id,
                assignee_id: None,
                submitter_handle: &issue.submitter_handle,
                primary_plane_id: issue.primary_plane_id,
                title: &issue.title,
                description: &issue.description,
                pipeline_url: issue.pipeline_url.as_deref(),
                status: IssueStatus::Open,
                priority: IssuePriority::Medium,
                category: issue.category,
                created_at: at,
                updated_at: at,
                submit_token,
            },
        )?;
        let mut plane_rows = vec![NewIssuePlane {
            issue_id: row.id,
            plane_id: issue.primary_plane_id,
            is_primary: true,
        }];
        plane_rows.extend(
            issue
                .secondary_plane_ids
                .iter()
                .map(|&plane_id| NewIssuePlane {
                    issue_id: row.id,
                    plane_id,
                    is_primary: false,
                }),
        );
        issues::insert_planes(conn, &plane_rows)?;
        let context_rows: Vec<NewIssuePlaneContext> = issue
            .contexts
            .iter()
            .map(|(plane_context_id, value)| NewIssuePlaneContext {
                issue_id: row.id,
                plane_context_id: *plane_context_id,
                value,
            })
            .collect();
        issues::insert_contexts(conn, &context_rows)?;
        tickets::record(conn, row.id, &tickets::actor(creator), &Activity::Filed, at)?;
        let filed = [(NotificationEvent::NewIssue, None)];
        enqueue_issue_events(conn, &row, &tickets::actor(creator), &filed)?;
        if let Some(session) = issue.form_session_id {
            doc_feedback::attach_to_issue(conn, session, creator.id, row.id)?;
            doc_impressions::mark_filed(
                conn,
                session,
                creator.id,
                customer_id,
                row.id,
                issue.primary_plane_id,
            )?;
        }
        Ok(row)
    })
}

/// Loads an issue by number if the viewer may see it; otherwise NotFound,
/// exactly as for a number that does not exist.
pub fn find_visible(conn: &mut PgConnection, viewer: Viewer, number: i64) -> QueryResult<Issue> {
    let mut query = issues_t::table
        .filter(issues_t::number.eq(number))
        .select(Issue::as_select())
        .into_boxed();
    if let Some(customer_id) = viewer.customer_id {
        query = query.filter(issues_t::customer_id.eq(customer_id));
    }
    query.first(conn)
}

/// Filters of the issue list; all optional.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<IssueStatus>,
    pub search: Option<String>,
    /// Keyset cursor: issues filed before this one (its `at` and `id`).
    pub before: Option<Cursor>,
}

/// One row of the issue list, with what it shows beside the title.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub issue: Issue,
    pub plane_name: String,
    pub environment_name: String,
    pub environment_type: EnvType,
}

/// A page of the viewer's issues, newest first; `per_page + 1` rows are
/// read to know whether another page follows.
pub fn list_issues(
    conn: &mut PgConnection,
    viewer: Viewer,
    filter: &ListFilter,
    per_page: i64,
) -> QueryResult<(Vec<ListRow>, bool)> {
    let mut query = issues_t::table.select(Issue::as_select()).into_boxed();
    if let Some(customer_id) = viewer.customer_id {
        query = query.filter(issues_t::customer_id.eq(customer_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(issues_t::status.eq(status));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        query = query.filter(
            diesel::dsl::sql::<Bool>("issues.search @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(search.to_owned())
                .sql(")"),
        );
    }
    if let Some(Cursor { at, id, .. }) = filter.before {
        // A row comparison is an index range; an OR of conditions is not.
        query = query.filter(
            diesel::dsl::sql::<Bool>("(issues.created_at, issues.id) < (")
                .bind::<diesel::sql_types::Timestamptz, _>(at)
                .sql(", ")
                .bind::<SqlUuid, _>(id)
                .sql(")"),
        );
    }
    let mut rows: Vec<Issue> = query
        .order((issues_t::created_at.desc(), issues_t::id.desc()))
        .limit(per_page + 1)
        .load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page as usize);

    // Names for the page's rows in two queries, not one per row.
    let plane_ids: Vec<Uuid> = rows.iter().map(|i| i.primary_plane_id).collect();
    let env_ids: Vec<Uuid> = rows.iter().map(|i| i.environment_id).collect();
    let plane_names: Vec<(Uuid, String)> = planes_t::table
        .filter(planes_t::id.eq_any(&plane_ids))
        .select((planes_t::id, planes_t::name))
        .load(conn)?;
    let envs: Vec<Environment> = crate::db::schema::environments::table
        .filter(crate::db::schema::environments::id.eq_any(&env_ids))
        .select(Environment::as_select())
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|issue| {
            let plane_name = plane_names
                .iter()
                .find(|(id, _)| *id == issue.primary_plane_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            let env = envs.iter().find(|e| e.id == issue.environment_id);
            ListRow {
                plane_name,
                environment_name: env.map(|e| e.name.clone()).unwrap_or_default(),
                environment_type: env.map(|e| e.env_type).unwrap_or(EnvType::Dev),
                issue,
            }
        })
        .collect();
    Ok((rows, more))
}

#[cfg(test)]
mod tests {
    use super::or_query;

    #[test]
    fn the_doc_search_takes_words_of_3_to_100_characters_once() {
        assert_eq!(
            or_query("Pods pods PENDING, a karpenter!"),
            "pods | pending | karpenter"
        );
        assert_eq!(or_query(&format!("{} node", "x".repeat(101))), "node");
        assert_eq!(or_query("' | & ! ()"), "");
    }
}
