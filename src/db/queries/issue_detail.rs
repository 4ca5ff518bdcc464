//! The issue page's read: one issue with everything its page shows, scoped
//! to the viewer, in one statement.
//!
//! The page used to run a statement per part (planes, context values,
//! comments, activity, resolution, docs shown, agents), and the round
//! trips were most of its cost. Now the issue's row comes with one JSON
//! value that aggregates the rest. The statement is a small query type of
//! its own rather than `dsl::sql`, because diesel never keeps a statement
//! with raw SQL prepared, and planning this one costs more than running it.

use std::sync::LazyLock;

use diesel::helper_types::AsSelect;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Json, Text, Uuid as SqlUuid};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::models::comments::Comment;
use crate::db::models::enums::UserRole;
use crate::db::models::environments::Environment;
use crate::db::models::issue_activities::IssueActivity;
use crate::db::models::issues::Issue;
use crate::db::models::planes::Plane;
use crate::db::models::resolutions::Resolution;
use crate::db::models::users::shown_name;
use crate::db::queries::issues::Viewer;
use crate::db::schema::users;
use crate::domain::ticket::Action;

/// Everything the issue page shows.
#[derive(Debug, Clone)]
pub struct IssueDetail {
    pub issue: Issue,
    pub environment: Environment,
    /// Primary first.
    pub planes: Vec<(Plane, bool)>,
    pub contexts: Vec<ContextValue>,
    /// One page of the conversation, oldest first: the latest
    /// [`COMMENTS_PER_PAGE`], or those before the page's cursor.
    pub comments: Vec<CommentView>,
    /// The first comment shown, when earlier ones exist: the cursor of the
    /// page before.
    pub earlier: Option<Uuid>,
    /// The latest [`ACTIVITY_SHOWN`] changes at most, oldest first; each
    /// sentence names its actor.
    pub activity: Vec<IssueActivity>,
    /// Earlier changes exist than the ones in `activity`.
    pub activity_capped: bool,
    pub resolution: Option<Resolution>,
    pub staff: Option<StaffView>,
}

/// A context value of an issue with its labels.
#[derive(Debug, Clone, Deserialize)]
pub struct ContextValue {
    pub plane_name: String,
    pub label: String,
    pub value: String,
    pub option_label: Option<String>,
}

/// A comment with its author's name and role.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub comment: Comment,
    pub author: String,
    pub author_is_staff: bool,
}

/// A doc the customer was shown while filing, and what they said.
#[derive(Debug, Clone)]
pub struct ShownDoc {
    pub title: String,
    pub url: String,
    pub helpful: bool,
}

/// What only agents see on a ticket.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub submitter: String,
    pub submitter_email: String,
    pub docs: Vec<ShownDoc>,
    /// (id, name) of active agents, for assignment.
    pub agents: Vec<(Uuid, String)>,
}

/// Comments on one page of the conversation: a ticket with thousands of
/// replies still loads one page's worth.
pub const COMMENTS_PER_PAGE: usize = 50;
/// The most changes the activity list shows (the latest).
pub const ACTIVITY_SHOWN: usize = 100;

/// The issue numbered `number` as the viewer may see it: a customer's
/// own customer's issues only, without internal notes or agent-only
/// activity. `NotFound` otherwise. `before` (a comment's id) asks for the
/// page of the conversation before that comment.
pub fn issue_detail(
    conn: &mut PgConnection,
    viewer: Viewer,
    number: i64,
    before: Option<Uuid>,
) -> QueryResult<IssueDetail> {
    let staff = viewer.is_staff();
    let (issue, environment, submitter_name, submitter_email, related) = DetailQuery {
        columns: (
            Issue::as_select(),
            Environment::as_select(),
            users::name,
            users::email,
        ),
        number,
        viewer,
        before,
    }
    .get_result::<(Issue, Environment, String, String, serde_json::Value)>(conn)?;
    let related: Related = serde_json::from_value(related)
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;

    // One row more than a page is read, to know whether earlier ones exist.
    let mut comments: Vec<CommentView> = related
        .comments
        .into_iter()
        .map(|row| CommentView {
            author: name_of(row.author.as_ref()),
            author_is_staff: row.author.is_some_and(|a| a.role != UserRole::Customer),
            comment: row.comment,
        })
        .collect();
    let earlier = (comments.len() > COMMENTS_PER_PAGE).then(|| {
        comments.remove(0);
        comments[0].comment.id
    });
    let activity_capped = related.activity.len() > ACTIVITY_SHOWN;
    let activity = (related.activity.into_iter())
        .skip(usize::from(activity_capped))
        .filter(|a| staff || visible_to_customers(a))
        .collect();
    let staff = staff.then(|| StaffView {
        submitter: shown_name(&submitter_name, &submitter_email),
        submitter_email,
        docs: (related.docs.unwrap_or_default().into_iter())
            .map(|d| ShownDoc {
                title: d.title.unwrap_or_else(|| d.url.clone()),
                url: d.url,
                helpful: d.helpful,
            })
            .collect(),
        agents: (related.agents.unwrap_or_default().into_iter())
            .map(|a| (a.id, shown_name(&a.name, &a.email)))
            .collect(),
    });
    Ok(IssueDetail {
        issue,
        environment,
        planes: (related.planes.into_iter())
            .map(|p| (p.plane, p.is_primary))
            .collect(),
        contexts: related.contexts,
        comments,
        earlier,
        activity,
        activity_capped,
        resolution: related.resolution,
        staff,
    })
}

/// Activities a customer may see: [`Action::visible_to_customers`].
fn visible_to_customers(activity: &IssueActivity) -> bool {
    Action::parse(&activity.action).is_some_and(Action::visible_to_customers)
}

/// How the page names a comment's author, and one no longer there.
fn name_of(person: Option<&Person>) -> String {
    person.map_or_else(
        || "A former user".to_owned(),
        |p| shown_name(&p.name, &p.email),
    )
}

/// What the statement aggregates beside the issue's row. The staff parts
/// are null for customers.
#[derive(Deserialize)]
struct Related {
    planes: Vec<PlaneRow>,
    contexts: Vec<ContextValue>,
    comments: Vec<CommentRow>,
    activity: Vec<IssueActivity>,
    resolution: Option<Resolution>,
    docs: Option<Vec<DocRow>>,
    agents: Option<Vec<AgentRow>>,
}

/// A user as the statement names them; null once deleted.
#[derive(Deserialize)]
struct Person {
    name: String,
    email: String,
    role: UserRole,
}

#[derive(Deserialize)]
struct PlaneRow {
    plane: Plane,
    is_primary: bool,
}

#[derive(Deserialize)]
struct CommentRow {
    comment: Comment,
    author: Option<Person>,
}

#[derive(Deserialize)]
struct DocRow {
    title: Option<String>,
    url: String,
    helpful: bool,
}

#[derive(Deserialize)]
struct AgentRow {
    id: Uuid,
    name: String,
    email: String,
}

/// The [`related_sql`] for staff and for customers, for the latest page
/// of the conversation and for a page before a cursor, built once.
static RELATED_SQL: LazyLock<[[RelatedSql; 2]; 2]> = LazyLock::new(|| {
    [
        [related_sql(true, false), related_sql(true, true)],
        [related_sql(false, false), related_sql(false, true)],
    ]
});

/// The related SQL split where the cursor is bound (`tail` is empty
/// without a cursor).
struct RelatedSql {
    head: String,
    tail: String,
}

/// `json_build_object(...)` of the [`Related`] parts, for the issue in
/// the outer query. Comments and resolutions are spelled out to leave
/// their search vectors behind. Authors and doc titles are scalar
/// subqueries, which are index probes; as joins, the planner hashed the
/// whole users table for three comments.
fn related_sql(staff: bool, paged: bool) -> RelatedSql {
    let comments_shown = if staff { "" } else { " AND NOT c.is_internal" };
    // The page before a comment: the cursor is bound between head and tail.
    let cursor = if paged {
        " AND (c.created_at, c.id) < (SELECT b.created_at, b.id FROM comments b \
           WHERE b.issue_id = issues.id AND b.id = \u{1}) "
    } else {
        ""
    };
    let staff_parts = if staff {
        "'docs', (SELECT coalesce(json_agg(json_build_object( \
             'title', (SELECT d.title FROM docs d WHERE d.id = f.doc_id), \
             'url', f.doc_url, 'helpful', f.marked_helpful) ORDER BY f.created_at, f.id), '[]') \
           FROM doc_feedback f WHERE f.issue_id = issues.id), \
         'agents', (SELECT coalesce(json_agg(json_build_object( \
             'id', a.id, 'name', a.name, 'email', a.email) ORDER BY a.name, a.email), '[]') \
           FROM users a WHERE a.role IN ('agent', 'admin') AND a.disabled_at IS NULL)"
    } else {
        "'docs', NULL, 'agents', NULL"
    };
    let sql = format!(
        "json_build_object( \
         'planes', (SELECT coalesce(json_agg(json_build_object('plane', p, 'is_primary', ip.is_primary) \
             ORDER BY ip.is_primary DESC, p.display_order), '[]') \
           FROM issue_planes ip JOIN planes p ON p.id = ip.plane_id WHERE ip.issue_id = issues.id), \
         'contexts', (SELECT coalesce(json_agg(json_build_object( \
             'plane_name', p.name, 'label', pc.label, 'value', ipc.value, \
             'option_label', (SELECT o.label FROM plane_context_options o \
                              WHERE o.plane_context_id = pc.id AND o.value = ipc.value)) \
             ORDER BY p.display_order, pc.display_order, ipc.value), '[]') \
           FROM issue_plane_contexts ipc \
           JOIN plane_contexts pc ON pc.id = ipc.plane_context_id \
           JOIN planes p ON p.id = pc.plane_id WHERE ipc.issue_id = issues.id), \
         'comments', (SELECT coalesce(json_agg(page.row ORDER BY page.created_at, page.id), '[]') \
           FROM (SELECT c.created_at, c.id, json_build_object( \
             'comment', json_build_object('id', c.id, 'issue_id', c.issue_id, \
                 'author_id', c.author_id, 'body', c.body, 'is_internal', c.is_internal, \
                 'created_at', c.created_at, 'updated_at', c.updated_at), \
             'author', (SELECT json_build_object('name', u.name, 'email', u.email, 'role', u.role) \
                        FROM users u WHERE u.id = c.author_id)) AS row \
             FROM comments c WHERE c.issue_id = issues.id{comments_shown}{cursor} \
             ORDER BY c.created_at DESC, c.id DESC LIMIT {comments_read}) page), \
         'activity', (SELECT coalesce(json_agg(last.act ORDER BY (last.act).created_at, (last.act).id), '[]') \
           FROM (SELECT act FROM issue_activities act WHERE act.issue_id = issues.id \
             ORDER BY act.created_at DESC, act.id DESC LIMIT {activity_read}) last), \
         'resolution', (SELECT json_build_object('id', r.id, 'issue_id', r.issue_id, \
                 'resolved_by_id', r.resolved_by_id, 'resolved_by', r.resolved_by, \
                 'resolution_notes', r.resolution_notes, 'resolved_at', r.resolved_at) \
           FROM resolutions r WHERE r.issue_id = issues.id \
             ORDER BY r.resolved_at DESC, r.id DESC LIMIT 1), \
         {staff_parts})",
        comments_read = COMMENTS_PER_PAGE + 1,
        activity_read = ACTIVITY_SHOWN + 1,
    );
    match sql.split_once(crate::db::fixed_sql::SLOT) {
        Some((head, tail)) => RelatedSql {
            head: head.to_owned(),
            tail: tail.to_owned(),
        },
        None => RelatedSql {
            head: sql,
            tail: String::new(),
        },
    }
}

type Columns = (
    AsSelect<Issue, Pg>,
    AsSelect<Environment, Pg>,
    users::name,
    users::email,
);

/// The statement: the issue's row, its environment, its submitter's name
/// and e-mail, and the [`Related`] JSON.
struct DetailQuery {
    columns: Columns,
    number: i64,
    viewer: Viewer,
    before: Option<Uuid>,
}

impl Query for DetailQuery {
    type SqlType = (
        AsSelect<Issue, Pg>,
        AsSelect<Environment, Pg>,
        Text,
        Text,
        Json,
    );
}

impl QueryFragment<Pg> for DetailQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        let [staff, customer] = &*RELATED_SQL;
        let [latest, paged] = if self.viewer.is_staff() {
            staff
        } else {
            customer
        };
        match &self.before {
            None => out.push_sql(&latest.head),
            Some(before) => {
                out.push_sql(&paged.head);
                out.push_bind_param::<SqlUuid, _>(before)?;
                out.push_sql(&paged.tail);
            }
        }
        out.push_sql(
            " FROM issues \
             JOIN environments ON environments.id = issues.environment_id \
             JOIN users ON users.id = issues.created_by_id \
             WHERE issues.number = ",
        );
        out.push_bind_param::<BigInt, _>(&self.number)?;
        if let Some(customer_id) = &self.viewer.customer_id {
            out.push_sql(" AND issues.customer_id = ");
            out.push_bind_param::<SqlUuid, _>(customer_id)?;
        }
        Ok(())
    }
}

/// Cached as a prepared statement by its SQL text: one per kind of viewer.
impl QueryId for DetailQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<PgConnection> for DetailQuery {}
