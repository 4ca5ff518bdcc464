//! The agent queue: views, filters, full-text search, three sort orders,
//! keyset pagination and capped counts, built to stay fast at a million
//! tickets. One statement on `issues` alone loads a page (joins cost more
//! to plan than the page costs to read), one more its secondary planes;
//! names come from the cached [`Directory`]. One statement counts all
//! views, cached per agent by [`crate::db::cache`].

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::models::enums::{EnvType, IssueCategory, IssuePriority, IssueStatus, keyword_enum};
use crate::db::queries::cursor::Cursor;
use crate::db::queries::directory::Directory;
use crate::db::schema::{environments, issue_planes, issues};

/// Counts above this show as "1,000+": exact counts of big sets cost a scan.
pub const COUNT_CAP: i64 = 1_000;

/// The same predicate text as the partial indexes, so the planner uses them.
const ACTIVE: &str = "issues.status IN ('open', 'in_progress')";

keyword_enum!(View, {
    Unassigned = "unassigned" / "Unassigned",
    Mine = "mine" / "Mine",
    Open = "open" / "All open",
    Resolved = "resolved" / "Resolved recently",
    All = "all" / "All",
});

keyword_enum!(Sort, {
    Created = "created" / "Newest",
    Updated = "updated" / "Recently updated",
    Priority = "priority" / "Priority",
});

/// Assignee filter: nobody, or one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Nobody,
    User(Uuid),
}

#[derive(Debug, Clone)]
pub struct QueueFilter {
    pub view: View,
    pub status: Option<IssueStatus>,
    pub priority: Option<IssuePriority>,
    pub category: Option<IssueCategory>,
    /// Primary plane.
    pub plane: Option<Uuid>,
    /// Any of the ticket's planes.
    pub any_plane: Option<Uuid>,
    pub customer: Option<Uuid>,
    pub env_type: Option<EnvType>,
    pub assignee: Option<Assignee>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub q: Option<String>,
    pub sort: Sort,
    pub after: Option<Cursor>,
}

impl Default for QueueFilter {
    fn default() -> Self {
        Self {
            view: View::Open,
            status: None,
            priority: None,
            category: None,
            plane: None,
            any_plane: None,
            customer: None,
            env_type: None,
            assignee: None,
            from: None,
            to: None,
            q: None,
            sort: Sort::Created,
            after: None,
        }
    }
}

/// The columns of a ticket a queue row shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = issues)]
pub struct QueueIssue {
    pub id: Uuid,
    pub number: i64,
    pub customer_id: Uuid,
    pub environment_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub primary_plane_id: Uuid,
    pub title: String,
    pub status: IssueStatus,
    pub priority: IssuePriority,
    /// Posted with a bulk selection, so a ticket changed since is a conflict.
    pub lock_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl QueueIssue {
    /// The ids a row names (its secondary planes aside), for [`Directory::knows`].
    pub fn named_ids(&self) -> impl Iterator<Item = Uuid> + Clone + '_ {
        [
            Some(self.customer_id),
            Some(self.environment_id),
            Some(self.primary_plane_id),
            self.assignee_id,
        ]
        .into_iter()
        .flatten()
    }
}

/// A queue row with the names it shows.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub issue: QueueIssue,
    pub customer: String,
    pub env_type: Option<EnvType>,
    pub plane: String,
    /// Secondary planes.
    pub other_planes: Vec<String>,
    pub assignee: Option<String>,
}

impl QueueRow {
    /// Names the rows of a page; `other_planes` are (issue, plane) pairs.
    pub fn name_all(
        issues: Vec<QueueIssue>,
        other_planes: &[(Uuid, Uuid)],
        directory: &Directory,
    ) -> Vec<Self> {
        let name = |id| directory.name(id).unwrap_or("—").to_owned();
        issues
            .into_iter()
            .map(|issue| Self {
                customer: name(issue.customer_id),
                env_type: directory.env_type(issue.environment_id),
                plane: name(issue.primary_plane_id),
                other_planes: other_planes
                    .iter()
                    .filter(|(of, _)| *of == issue.id)
                    .map(|(_, plane)| name(*plane))
                    .collect(),
                assignee: issue.assignee_id.map(name),
                issue,
            })
            .collect()
    }
}

/// The page query for agent `me` and `filter`, with its filters, keyset
/// and order; a macro so [`list`] and [`explain`] run the very same
/// query (its boxed type is unnameable).
macro_rules! page_query {
    ($me:expr, $filter:expr) => {{
        let me: Uuid = $me;
        let filter: &QueueFilter = $filter;
        let mut query = issues::table.select(QueueIssue::as_select()).into_boxed();

        match filter.view {
            View::Unassigned => {
                query = query
                    .filter(issues::assignee_id.is_null())
                    .filter(diesel::dsl::sql::<Bool>(ACTIVE))
            }
            View::Mine => {
                query = query
                    .filter(issues::assignee_id.eq(me))
                    .filter(diesel::dsl::sql::<Bool>(ACTIVE))
            }
            View::Open => query = query.filter(diesel::dsl::sql::<Bool>(ACTIVE)),
            View::Resolved => {
                query = query
                    .filter(issues::status.eq(IssueStatus::Resolved))
                    .filter(issues::resolved_at.gt(Utc::now() - chrono::Duration::days(7)))
            }
            View::All => {}
        }
        if let Some(status) = filter.status {
            query = query.filter(issues::status.eq(status));
        }
        if let Some(priority) = filter.priority {
            query = query.filter(issues::priority.eq(priority));
        }
        if let Some(category) = filter.category {
            query = query.filter(issues::category.eq(category));
        }
        if let Some(plane) = filter.plane {
            query = query.filter(issues::primary_plane_id.eq(plane));
        }
        if let Some(plane) = filter.any_plane {
            query = query.filter(
                issues::id.eq_any(
                    issue_planes::table
                        .filter(issue_planes::plane_id.eq(plane))
                        .select(issue_planes::issue_id),
                ),
            );
        }
        if let Some(customer) = filter.customer {
            query = query.filter(issues::customer_id.eq(customer));
        }
        if let Some(env_type) = filter.env_type {
            query = query.filter(
                issues::environment_id.eq_any(
                    environments::table
                        .filter(environments::env_type.eq(env_type))
                        .select(environments::id),
                ),
            );
        }
        match filter.assignee {
            Some(Assignee::Nobody) => query = query.filter(issues::assignee_id.is_null()),
            Some(Assignee::User(id)) => query = query.filter(issues::assignee_id.eq(id)),
            None => {}
        }
        if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            query = query.filter(issues::created_at.ge(from.and_utc()));
        }
        if let Some(to) = filter
            .to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
        {
            query = query.filter(issues::created_at.lt(to.and_utc()));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            // Title, description and comments as one document; the same
            // expression as issues_full_search_idx, so a rare word uses that
            // index and a common one walks the sort order.
            query = query.filter(
                diesel::dsl::sql::<Bool>(
                    "(issues.search || issues.comment_search) @@ websearch_to_tsquery('english', ",
                )
                .bind::<Text, _>(q.to_owned())
                .sql(")"),
            );
        }
        if let Some(after) = filter.after {
            // Row comparisons walk the sort's index from where the last page ended.
            query = match filter.sort {
                Sort::Created | Sort::Updated => {
                    let column = if filter.sort == Sort::Created {
                        "(issues.created_at, issues.id) < ("
                    } else {
                        "(issues.updated_at, issues.id) < ("
                    };
                    query.filter(
                        diesel::dsl::sql::<Bool>(column)
                            .bind::<Timestamptz, _>(after.at)
                            .sql(", ")
                            .bind::<SqlUuid, _>(after.id)
                            .sql(")"),
                    )
                }
                Sort::Priority => query.filter(
                    diesel::dsl::sql::<Bool>("(issues.priority, issues.created_at, issues.id) < (")
                        .bind::<crate::db::schema::sql_types::IssuePriority, _>(after.priority)
                        .sql(", ")
                        .bind::<Timestamptz, _>(after.at)
                        .sql(", ")
                        .bind::<SqlUuid, _>(after.id)
                        .sql(")"),
                ),
            };
        }
        query = match filter.sort {
            Sort::Created => query.order((issues::created_at.desc(), issues::id.desc())),
            Sort::Updated => query.order((issues::updated_at.desc(), issues::id.desc())),
            Sort::Priority => query.order((
                issues::priority.desc(),
                issues::created_at.desc(),
                issues::id.desc(),
            )),
        };
        query
    }};
}

/// One page of the queue for agent `me`; `per_page + 1` rows are read to
/// know whether another page follows.
pub fn list(
    conn: &mut PgConnection,
    me: Uuid,
    filter: &QueueFilter,
    per_page: i64,
) -> QueryResult<(Vec<QueueIssue>, bool)> {
    let per_page = per_page.clamp(1, 200);
    let mut rows: Vec<QueueIssue> = page_query!(me, filter).limit(per_page + 1).load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page as usize);
    Ok((rows, more))
}

/// The secondary planes of the tickets on a page, as (issue, plane) pairs:
/// one statement for the whole page.
pub fn other_planes(
    conn: &mut PgConnection,
    issues: &[QueueIssue],
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let ids: Vec<Uuid> = issues.iter().map(|i| i.id).collect();
    issue_planes::table
        .filter(issue_planes::issue_id.eq_any(ids))
        .filter(issue_planes::is_primary.eq(false))
        .select((issue_planes::issue_id, issue_planes::plane_id))
        .load(conn)
}

/// `EXPLAIN (ANALYZE, BUFFERS)` around a diesel query: loading it yields
/// the plan's lines, so the benchmark reports the plan of the real page
/// query rather than of a copy of it.
struct Explain<Q>(Q);

// Paths spelled out: the query-builder traits are needed here only.
impl<Q> diesel::query_builder::QueryFragment<diesel::pg::Pg> for Explain<Q>
where
    Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql("EXPLAIN (ANALYZE, BUFFERS) ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> diesel::query_builder::Query for Explain<Q> {
    type SqlType = Text;
}

impl<Q> diesel::query_builder::QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> RunQueryDsl<PgConnection> for Explain<Q> {}

/// `EXPLAIN (ANALYZE, BUFFERS)` of the page query, for the benchmark report.
pub fn explain(
    conn: &mut PgConnection,
    me: Uuid,
    filter: &QueueFilter,
    per_page: i64,
) -> QueryResult<Vec<String>> {
    let query = page_query!(me, filter).limit(per_page + 1);
    Explain(query).load(conn)
}

/// The cursor that continues after `row` in `sort` order.
pub fn cursor_after(row: &QueueRow, sort: Sort) -> Cursor {
    Cursor {
        priority: row.issue.priority,
        at: match sort {
            Sort::Updated => row.issue.updated_at,
            _ => row.issue.created_at,
        },
        id: row.issue.id,
    }
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    unassigned: i64,
    #[diesel(sql_type = BigInt)]
    mine: i64,
    #[diesel(sql_type = BigInt)]
    open: i64,
    #[diesel(sql_type = BigInt)]
    resolved: i64,
    #[diesel(sql_type = BigInt)]
    all: i64,
}

/// How many tickets each view holds, counted up to [`COUNT_CAP`] + 1 (one
/// statement; each count stops early on its index).
pub fn view_counts(conn: &mut PgConnection, me: Uuid) -> QueryResult<Vec<(View, i64)>> {
    let counts: Counts = diesel::sql_query(
        "SELECT
           (SELECT count(*) FROM (SELECT 1 FROM issues WHERE assignee_id IS NULL
              AND status IN ('open', 'in_progress') LIMIT $2) t) AS unassigned,
           (SELECT count(*) FROM (SELECT 1 FROM issues WHERE assignee_id = $1
              AND status IN ('open', 'in_progress') LIMIT $2) t) AS mine,
           (SELECT count(*) FROM (SELECT 1 FROM issues
              WHERE status IN ('open', 'in_progress') LIMIT $2) t) AS open,
           (SELECT count(*) FROM (SELECT 1 FROM issues WHERE status = 'resolved'
              AND resolved_at > now() - interval '7 days' LIMIT $2) t) AS resolved,
           (SELECT count(*) FROM (SELECT 1 FROM issues LIMIT $2) t) AS all",
    )
    .bind::<SqlUuid, _>(me)
    .bind::<BigInt, _>(COUNT_CAP + 1)
    .get_result(conn)?;
    Ok(vec![
        (View::Unassigned, counts.unassigned),
        (View::Mine, counts.mine),
        (View::Open, counts.open),
        (View::Resolved, counts.resolved),
        (View::All, counts.all),
    ])
}

/// "1,234" or "1,000+".
pub fn format_count(n: i64) -> String {
    let capped = n > COUNT_CAP;
    let digits = n.min(COUNT_CAP).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if capped {
        out.push('+');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_and_capped() {
        assert_eq!(format_count(7), "7");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_000), "1,000");
        assert_eq!(format_count(1_001), "1,000+");
    }
}
