//! Scale-test data: many customers, a million tickets with their planes,
//! context values, comments, activity and resolutions, and a million doc
//! feedback rows, written by set-based SQL (`INSERT … SELECT … FROM
//! generate_series`) in batches of one transaction each.
//!
//! It builds on the demo data (planes with their contexts and options, the
//! doc catalog, the demo agents) and adds customers named "Load Customer
//! 0001" …, so it refuses to run twice on one database. Every choice is a
//! hash of the row number (`hashint8extended`), so two runs produce the same
//! data apart from the random keys; text is assembled from word lists so
//! that full-text search has realistic work to do.
//!
//! Rows are written as the app would have written them: an issue's
//! environment belongs to its customer, its primary plane has values for all
//! its required fields (real option values), every change is in the
//! activity log (comments included, as the app logs them), resolved and
//! closed issues have a resolution, and times follow the ticket's life:
//! filed, assigned, started, resolved, closed, all in the past.
//!
//! Per issue: ~3.1 comments, ~6.9 activity rows (~3.8 lifecycle entries plus
//! one per comment, as the app writes them), 1.25 planes, ~3 context values.
//! Indexes stay in place. Measured on a 2-core VM against an untuned
//! PostgreSQL 15 (default shared_buffers, fsync off): 300 customers, 1M
//! issues and 1M feedback rows in 10–12 minutes (issue batches of 100k take
//! 40 s at first and ~60–70 s once the tables are large; feedback ~8 s per
//! 100k); the result is ~7.8 GB.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::lock;
use crate::db::models::enums::IssuePriority;
use crate::db::models::enums::IssueStatus::{Closed, InProgress, Open, Resolved};
use crate::db::queries::doc_rollups;
use crate::domain::ticket::Activity;
use crate::error::AppError;

/// What to generate. `Default` is the size of the scale test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Customers named "Load Customer 0001" …, each with four environments
    /// (one per type) and one to three users.
    pub customers: usize,
    pub issues: usize,
    pub feedback: usize,
    /// Issues (and feedback rows) per statement and transaction.
    pub batch: usize,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            customers: 300,
            issues: 1_000_000,
            feedback: 1_000_000,
            batch: 100_000,
        }
    }
}

/// Rows [`generate`] created, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenerateSummary {
    pub customers: usize,
    pub issues: usize,
    pub comments: usize,
    pub activities: usize,
    pub feedback: usize,
    /// Renderings of the issue form: those with clicks and the quiet ones.
    pub form_sessions: usize,
    /// Docs shown in them (`doc_impressions`).
    pub impressions: usize,
    pub seconds: f64,
}

/// The prefix of the generated customers' names; their presence means the
/// generator already ran on this database.
pub const CUSTOMER_PREFIX: &str = "Load Customer ";
/// Serialises concurrent generators on one database.
const GENERATE_LOCK: &str = "supportdesk:generate";
/// Two years, the span the generated history covers.
const SPAN_MINUTES: i64 = 730 * 24 * 60;

/// The session's scratch tables (temporary, dropped at the end).
const TEMP_TABLES: &[&str] = &[
    "sdgen_cust",
    "sdgen_env",
    "sdgen_cuser",
    "sdgen_agent",
    "sdgen_user",
    "sdgen_plane",
    "sdgen_ctx",
    "sdgen_opt",
    "sdgen_pdoc",
    "sdgen_all",
    "sdgen_batch",
    "sdgen_clicks",
    "sdgen_quiet",
];

/// Tables vacuumed and analysed after loading.
const LOADED_TABLES: &[&str] = &[
    "customers",
    "customer_domains",
    "environments",
    "users",
    "issues",
    "issue_planes",
    "issue_plane_contexts",
    "comments",
    "issue_activities",
    "resolutions",
    "doc_feedback",
    "form_sessions",
    "doc_impressions",
];

/// Adds scale-test data to a database that has the demo data. Refuses with
/// `BadRequest` when load customers already exist (so a second run does
/// not double the data) or when the demo planes/docs are missing. Each batch
/// is its own transaction: a failure part-way leaves the batches before it
/// in place (delete the "Load Customer" data, or start from a fresh
/// database, before running again).
///
/// `progress` gets one line per step and batch, e.g.
/// `issues 300000/1000000, 42 s`.
pub fn generate(
    conn: &mut PgConnection,
    opts: &GenerateOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<GenerateSummary, AppError> {
    if opts.customers == 0 {
        return Err(AppError::BadRequest(
            "generate needs at least one customer".into(),
        ));
    }
    if opts.batch == 0 {
        return Err(AppError::BadRequest(
            "generate needs a batch size of at least 1".into(),
        ));
    }
    let started = Instant::now();
    let outcome = run(conn, opts, progress, &started);
    // Best effort: the scratch tables go with the session anyway.
    let _ = conn.batch_execute(&drop_temp_tables());
    let mut summary = outcome?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn run(
    conn: &mut PgConnection,
    opts: &GenerateOptions,
    progress: &mut dyn FnMut(&str),
    started: &Instant,
) -> Result<GenerateSummary, AppError> {
    let elapsed = |started: &Instant| started.elapsed().as_secs_f64().round() as u64;
    let salt = uuid::Uuid::new_v4().simple().to_string();
    let world = conn.transaction(|conn| setup(conn, opts))?;
    progress(&format!(
        "customers {} (users {}, agents {}, planes {}), {} s",
        world.customers,
        world.customer_users,
        world.agents,
        world.planes,
        elapsed(started)
    ));

    let mut summary = GenerateSummary {
        customers: world.customers,
        issues: 0,
        comments: 0,
        activities: 0,
        feedback: 0,
        form_sessions: 0,
        impressions: 0,
        seconds: 0.0,
    };
    let total = opts.issues as i64;
    let mut lo = 1_i64;
    while lo <= total {
        let hi = (lo + opts.batch as i64 - 1).min(total);
        let batch_started = Instant::now();
        let counts = conn.transaction(|conn| issue_batch(conn, &world, total, lo, hi))?;
        summary.issues += counts.issues;
        summary.comments += counts.comments;
        summary.activities += counts.activities;
        progress(&format!(
            "issues {hi}/{total} (+{} comments, +{} activities, batch {:.1} s), {} s",
            counts.comments,
            counts.activities,
            batch_started.elapsed().as_secs_f64(),
            elapsed(started)
        ));
        lo = hi + 1;
    }

    let total_feedback = opts.feedback as i64;
    let mut lo = 1_i64;
    while lo <= total_feedback {
        let hi = (lo + opts.batch as i64 - 1).min(total_feedback);
        let batch_started = Instant::now();
        let counts = conn.transaction(|conn| {
            feedback_batch(conn, &world, total, total_feedback, lo, hi, &salt)
        })?;
        summary.feedback += counts.feedback;
        summary.form_sessions += counts.form_sessions;
        summary.impressions += counts.impressions;
        progress(&format!(
            "feedback {hi}/{total_feedback} (+{} form sessions, +{} docs shown, batch {:.1} s), {} s",
            counts.form_sessions,
            counts.impressions,
            batch_started.elapsed().as_secs_f64(),
            elapsed(started)
        ));
        lo = hi + 1;
    }

    // VACUUM (outside any transaction): loading rewrote each issue once for
    // its comments' words, and index-only scans need the visibility map.
    let analyze_started = Instant::now();
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let timeout = diesel::sql_query("SELECT current_setting('statement_timeout') AS value")
        .get_result::<Setting>(conn)
        .map_err(|e| failed("vacuum", e))?
        .value;
    // Each its own statement: several in one query string would form a
    // transaction block, where VACUUM cannot run.
    script(conn, "vacuum", "SET statement_timeout = 0")?;
    let vacuumed = script(
        conn,
        "vacuum",
        &format!("VACUUM (ANALYZE) {}", LOADED_TABLES.join(", ")),
    );
    script(
        conn,
        "vacuum",
        &format!("SET statement_timeout = {}", lit(&timeout)),
    )?;
    vacuumed?;
    progress(&format!(
        "vacuum and analyze ({:.1} s), {} s",
        analyze_started.elapsed().as_secs_f64(),
        elapsed(started)
    ));

    // The doc analytics' rollups: everything above is history (past
    // times), which a refresh looking for recent changes would not see.
    // After ANALYZE: planned on a freshly loaded table without statistics,
    // the rebuild of 100k feedback rows ran for minutes instead of seconds.
    let rollups_started = Instant::now();
    doc_rollups::invalidate(conn).map_err(|e| failed("doc rollups", e))?;
    doc_rollups::refresh(conn, doc_rollups::Wait::Yes).map_err(|e| failed("doc rollups", e))?;
    script(
        conn,
        "doc rollups",
        "ANALYZE doc_rollup_sessions, doc_rollup_docs, doc_rollup_contexts",
    )?;
    progress(&format!(
        "doc analytics rollups ({:.1} s), {} s",
        rollups_started.elapsed().as_secs_f64(),
        elapsed(started)
    ));
    Ok(summary)
}

// ---------------------------------------------------------------------------
// Setup: customers, environments, users, agents and the scratch tables

/// Sizes of the scratch tables, written into the batch statements.
struct World {
    customers: usize,
    customer_users: usize,
    agents: i64,
    planes: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> QueryResult<i64> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// Runs one statement; a database error names the step that failed.
fn exec(conn: &mut PgConnection, what: &str, sql: &str) -> Result<usize, AppError> {
    diesel::sql_query(sql)
        .execute(conn)
        .map_err(|e| failed(what, e))
}

/// Runs several statements (simple query protocol); errors name the step.
fn script(conn: &mut PgConnection, what: &str, sql: &str) -> Result<(), AppError> {
    conn.batch_execute(sql).map_err(|e| failed(what, e))
}

fn failed(what: &str, e: diesel::result::Error) -> AppError {
    match AppError::from(e) {
        AppError::Database(e) => AppError::Internal(format!("generate, {what}: {e}")),
        other => other,
    }
}

fn drop_temp_tables() -> String {
    format!("DROP TABLE IF EXISTS {}", TEMP_TABLES.join(", "))
}

fn begin_batch(conn: &mut PgConnection) -> QueryResult<()> {
    // Generated data can be regenerated: no need to wait for the WAL flush.
    // The pool's statement timeout is meant for requests, not for this.
    conn.batch_execute(
        "SET LOCAL synchronous_commit = off; \
         SET LOCAL statement_timeout = 0; \
         SET LOCAL work_mem = '64MB'",
    )
}

fn setup(conn: &mut PgConnection, opts: &GenerateOptions) -> Result<World, AppError> {
    begin_batch(conn)?;
    lock::xact_lock(conn, GENERATE_LOCK).map_err(|e| failed("lock", e))?;
    let existing = count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM customers WHERE name LIKE {}",
            lit(&format!("{CUSTOMER_PREFIX}%"))
        ),
    )?;
    if existing > 0 {
        return Err(AppError::BadRequest(format!(
            "this database already has {existing} generated customers (\"{CUSTOMER_PREFIX}…\"); \
             generate once per database, on a fresh one to start over"
        )));
    }
    script(conn, "scratch tables", &drop_temp_tables())?;

    let n = opts.customers;
    let width = n.to_string().len().max(4);
    let now_minus = |days: i64| format!("(now() - interval '{days} days')");
    let born = now_minus(760);
    let first = sql_array(FIRST_NAMES);
    let last = sql_array(LAST_NAMES);

    // Customers, their e-mail domains and environments.
    script(
        conn,
        "customers",
        &format!(
            "CREATE TEMP TABLE sdgen_cust (
             cidx int PRIMARY KEY, customer_id uuid NOT NULL, tag text NOT NULL,
             n_users int NOT NULL);
         WITH c AS (
             INSERT INTO customers (name, created_at, updated_at)
             SELECT {prefix} || lpad(g::text, {width}, '0'),
                    {born} + g * interval '1 minute', {born} + g * interval '1 minute'
             FROM generate_series(1, {n}) AS g
             RETURNING id, name)
         INSERT INTO sdgen_cust (cidx, customer_id, tag, n_users)
         SELECT substr(name, {skip})::int - 1, id, 'load' || substr(name, {skip}),
                1 + {users} % 3
         FROM c;
         INSERT INTO customer_domains (domain, customer_id, created_at)
         SELECT tag || '.example', customer_id, {born} FROM sdgen_cust
         ON CONFLICT (domain) DO NOTHING;
         CREATE TEMP TABLE sdgen_env (
             cidx int, eidx int, environment_id uuid NOT NULL, env_type env_type NOT NULL,
             name text NOT NULL, PRIMARY KEY (cidx, eidx));
         WITH e AS (
             INSERT INTO environments (customer_id, name, env_type, created_at, updated_at)
             SELECT c.customer_id, c.tag || '-' || t.suffix, t.env_type, {born}, {born}
             FROM sdgen_cust c
             CROSS JOIN (VALUES ('dev-01', 'dev'::env_type), ('qa-01', 'qa'),
                                ('staging-01', 'staging'), ('prod-01', 'production'))
                 AS t (suffix, env_type)
             RETURNING id, customer_id, name, env_type)
         INSERT INTO sdgen_env (cidx, eidx, environment_id, env_type, name)
         SELECT c.cidx, array_position(enum_range(NULL::env_type), e.env_type) - 1,
                e.id, e.env_type, e.name
         FROM e JOIN sdgen_cust c USING (customer_id);",
            prefix = lit(CUSTOMER_PREFIX),
            skip = CUSTOMER_PREFIX.len() + 1,
            users = h(
                &format!("substr(name, {})::int", CUSTOMER_PREFIX.len() + 1),
                10
            ),
        ),
    )?;

    // One to three users per customer (distinct first names, so distinct
    // e-mails), and a few more agents.
    let agents_wanted = (n / 25).clamp(3, 40);
    script(conn, "users", &format!(
        "CREATE TEMP TABLE sdgen_cuser (
             cidx int, uidx int, user_id uuid NOT NULL, name text NOT NULL,
             handle text NOT NULL, PRIMARY KEY (cidx, uidx));
         CREATE TEMP TABLE sdgen_src AS
         SELECT c.cidx, k AS uidx, c.customer_id, c.tag,
                {first}[1 + ({fh} + 7 * k) % {nf}] AS first,
                {last}[1 + {lh} % {nl}] AS last
         FROM sdgen_cust c CROSS JOIN LATERAL generate_series(0, c.n_users - 1) AS k;
         WITH u AS (
             INSERT INTO users (email, name, role, customer_id, chat_handle, password_hash,
                                email_verified_at, created_at, updated_at)
             SELECT lower(first || '.' || last) || '@' || tag || '.example', first || ' ' || last,
                    'customer', customer_id, '@' || lower(first || '.' || last), NULL,
                    {born}, {born}, {born}
             FROM sdgen_src
             RETURNING id, email)
         INSERT INTO sdgen_cuser (cidx, uidx, user_id, name, handle)
         SELECT s.cidx, s.uidx, u.id, s.first || ' ' || s.last, '@' || lower(s.first || '.' || s.last)
         FROM u JOIN sdgen_src s
           ON u.email = lower(s.first || '.' || s.last) || '@' || s.tag || '.example';
         DROP TABLE sdgen_src;
         INSERT INTO users (email, name, role, customer_id, chat_handle, password_hash,
                            email_verified_at, created_at, updated_at)
         SELECT 'load-agent-' || lpad(g::text, 2, '0') || '@example.com',
                {first}[1 + {afh} % {nf}] || ' ' || {last}[1 + {alh} % {nl}],
                'agent', NULL, '@load.agent' || g, NULL, {born}, {born}, {born}
         FROM generate_series(1, {agents_wanted}) AS g
         ON CONFLICT (email) DO NOTHING;
         CREATE TEMP TABLE sdgen_agent (aidx int PRIMARY KEY, user_id uuid NOT NULL, name text NOT NULL);
         INSERT INTO sdgen_agent
         SELECT row_number() OVER (ORDER BY email) - 1, id,
                CASE WHEN name = '' THEN email ELSE name END
         FROM users WHERE role = 'agent' AND disabled_at IS NULL;
         CREATE TEMP TABLE sdgen_user (user_id uuid PRIMARY KEY, name text NOT NULL);
         INSERT INTO sdgen_user SELECT user_id, name FROM sdgen_cuser
         UNION SELECT user_id, name FROM sdgen_agent;",
        nf = FIRST_NAMES.len(),
        nl = LAST_NAMES.len(),
        fh = h("c.cidx", 11),
        lh = h("c.cidx * 8 + k", 12),
        afh = h("g", 13),
        alh = h("g", 14),
    ))?;

    // Planes, their active fields and options, and the docs of each plane
    // (all active docs for a plane that has none of its own).
    script(conn, "planes and docs", &format!(
        "CREATE TEMP TABLE sdgen_plane (
             pidx int PRIMARY KEY, plane_id uuid NOT NULL UNIQUE, slug text NOT NULL,
             topics text[] NOT NULL, n_docs int NOT NULL DEFAULT 0);
         INSERT INTO sdgen_plane (pidx, plane_id, slug, topics)
         SELECT row_number() OVER (ORDER BY display_order, slug) - 1, id, slug,
                CASE slug {topics} ELSE {generic} END
         FROM planes WHERE is_active;
         CREATE TEMP TABLE sdgen_opt (
             context_id uuid, oidx int, value text NOT NULL, PRIMARY KEY (context_id, oidx));
         INSERT INTO sdgen_opt
         SELECT o.plane_context_id,
                row_number() OVER (PARTITION BY o.plane_context_id ORDER BY o.display_order, o.value) - 1,
                o.value
         FROM plane_context_options o WHERE o.is_active;
         CREATE TEMP TABLE sdgen_ctx (
             cno int PRIMARY KEY, plane_id uuid NOT NULL, context_id uuid NOT NULL UNIQUE,
             slug text NOT NULL, ckey text NOT NULL, field_type field_type NOT NULL,
             is_required boolean NOT NULL, n_opts int NOT NULL);
         INSERT INTO sdgen_ctx
         SELECT row_number() OVER (ORDER BY p.pidx, pc.display_order, pc.context_key),
                p.plane_id, pc.id, p.slug, pc.context_key, pc.field_type, pc.is_required,
                (SELECT count(*) FROM sdgen_opt o WHERE o.context_id = pc.id)
         FROM plane_contexts pc JOIN sdgen_plane p ON p.plane_id = pc.plane_id
         WHERE pc.is_active;
         DELETE FROM sdgen_ctx WHERE field_type <> 'text' AND n_opts = 0;
         CREATE TEMP TABLE sdgen_pdoc (
             plane_id uuid, didx int, doc_id uuid NOT NULL, url text NOT NULL,
             doc_type doc_type NOT NULL, PRIMARY KEY (plane_id, didx));
         INSERT INTO sdgen_pdoc
         SELECT p.plane_id, row_number() OVER (PARTITION BY p.plane_id ORDER BY d.url) - 1,
                d.id, d.url, d.doc_type
         FROM sdgen_plane p JOIN docs d ON d.is_active AND (
             EXISTS (SELECT 1 FROM doc_planes dp WHERE dp.doc_id = d.id AND dp.plane_id = p.plane_id)
             OR NOT EXISTS (SELECT 1 FROM doc_planes dp JOIN docs d2 ON d2.id = dp.doc_id
                            WHERE dp.plane_id = p.plane_id AND d2.is_active));
         UPDATE sdgen_plane p SET n_docs = (SELECT count(*) FROM sdgen_pdoc d WHERE d.plane_id = p.plane_id);
         CREATE TEMP TABLE sdgen_all (seq bigint PRIMARY KEY, issue_id uuid NOT NULL);
         ANALYZE sdgen_cust, sdgen_env, sdgen_cuser, sdgen_agent, sdgen_user, sdgen_plane,
                 sdgen_opt, sdgen_ctx, sdgen_pdoc;",
        topics = PLANE_TOPICS
            .iter()
            .map(|(slug, words)| format!("WHEN {} THEN {}", lit(slug), sql_array(words)))
            .collect::<Vec<_>>()
            .join(" "),
        generic = sql_array(GENERIC_TOPICS),
    ))?;

    let customer_users = count(conn, "SELECT count(*) AS n FROM sdgen_cuser")?;
    let agents = count(conn, "SELECT count(*) AS n FROM sdgen_agent")?;
    let planes = count(conn, "SELECT count(*) AS n FROM sdgen_plane")?;
    let docs = count(conn, "SELECT count(*) AS n FROM sdgen_pdoc")?;
    if planes == 0 {
        return Err(AppError::BadRequest(
            "no active planes: run `supportdesk seed` first".into(),
        ));
    }
    if opts.feedback > 0 && docs == 0 {
        return Err(AppError::BadRequest(
            "no active docs to give feedback on: run `supportdesk seed` first".into(),
        ));
    }
    if agents == 0 {
        return Err(AppError::Internal("generate: no active agents".into()));
    }
    Ok(World {
        customers: n,
        customer_users: customer_users as usize,
        agents,
        planes,
    })
}

// ---------------------------------------------------------------------------
// Issues

struct BatchCounts {
    issues: usize,
    comments: usize,
    activities: usize,
}

/// Issues `lo..=hi` of `total` with everything that hangs off them.
fn issue_batch(
    conn: &mut PgConnection,
    world: &World,
    total: i64,
    lo: i64,
    hi: i64,
) -> Result<BatchCounts, AppError> {
    begin_batch(conn)?;
    script(
        conn,
        "issue batch",
        &format!(
            "DROP TABLE IF EXISTS sdgen_batch; {}; ANALYZE sdgen_batch",
            batch_table_sql(world, total, lo, hi)
        ),
    )?;
    let issues = exec(
        conn,
        "issues",
        "INSERT INTO issues (id, customer_id, environment_id, created_by_id, assignee_id,
             submitter_handle, primary_plane_id, title, description, pipeline_url, status,
             priority, category, lock_version, resolved_at, closed_at, created_at, updated_at)
         SELECT id, customer_id, environment_id, creator_id, assignee_id, creator_handle,
                primary_plane_id, title, description, pipeline_url, status, priority, category,
                lock_version, t_resolved, t_closed, t0, updated_at
         FROM sdgen_batch ORDER BY seq",
    )?;
    script(conn, "planes, contexts and resolutions", &format!(
        "INSERT INTO sdgen_all (seq, issue_id) SELECT seq, id FROM sdgen_batch;
         INSERT INTO issue_planes (issue_id, plane_id, is_primary)
         SELECT id, primary_plane_id, true FROM sdgen_batch
         UNION ALL
         SELECT id, secondary_plane_id, false FROM sdgen_batch WHERE secondary_plane_id IS NOT NULL;
         {contexts};
         INSERT INTO resolutions (issue_id, resolved_by_id, resolved_by, resolution_notes, resolved_at)
         SELECT id, agent_id, agent_name, {notes}, t_resolved
         FROM sdgen_batch WHERE t_resolved IS NOT NULL;",
        contexts = contexts_sql(),
        notes = resolution_notes_sql("seq"),
    ))?;
    let comments = exec(conn, "comments", &comments_sql())?;
    let lifecycle = exec(conn, "activities", &lifecycle_sql())?;
    Ok(BatchCounts {
        issues,
        comments,
        activities: comments + lifecycle,
    })
}

/// `CREATE TEMP TABLE sdgen_batch AS …`: one row per issue with every
/// choice made, the people involved and the times of its life.
///
/// Issues are numbered in filing order: `seq` maps to a filing time over the
/// last two years with volume growing towards today. The newest 8% are
/// more often still open; together the mix is about 15% open, 10% in
/// progress, 25% resolved and 50% closed.
fn batch_table_sql(world: &World, total: i64, lo: i64, hi: i64) -> String {
    let n = world.customers;
    let p = world.planes;
    let a = world.agents;
    let secondary = if p > 1 {
        format!(
            "CASE WHEN {} < 0.25 THEN (o.pidx + 1 + {} % {}) % {p} END",
            u("o.seq", 5),
            h("o.seq", 6),
            p - 1
        )
    } else {
        "NULL::int".to_owned()
    };
    let topic = format!("topics[1 + {} % cardinality(topics)]", h("seq", 101));
    let symptom = pick(SYMPTOMS, "seq", 102);
    let tail = pick(TAILS, "seq", 103);
    let service = pick(SERVICES, "seq", 104);
    format!(
        "CREATE TEMP TABLE sdgen_batch AS
         WITH r AS MATERIALIZED (
             SELECT g::int8 AS seq,
                    ((g::float8 - {jitter}) / {total}) AS pos,
                    {u_status} AS u_status, {u_cust} AS u_cust, {u_env} AS u_env,
                    {u_plane} AS u_plane, {u_prio} AS u_prio, {u_cat} AS u_cat,
                    {u_assign} AS u_assign, {u_progress} AS u_progress,
                    {u_prio_change} AS u_prio_change, {u_closer} AS u_closer,
                    {u_pipeline} AS u_pipeline,
                    {h_user} AS h_user, {h_agent} AS h_agent, {h_dispatch} AS h_dispatch,
                    {h_filed} AS h_filed, {h_comments} AS h_comments,
                    {u_a} AS u_a, {u_p} AS u_p, {u_r} AS u_r, {u_c} AS u_c, {u_pc} AS u_pc
             FROM generate_series({lo}, {hi}) AS g
         ), s AS (
             SELECT r.*,
                    -- Filing time: volume grows linearly, so the time fraction is sqrt(pos).
                    5 + (1 - sqrt(greatest(pos, 0))) * {SPAN_MINUTES} AS age,
                    (CASE WHEN pos > 0.92 THEN
                         CASE WHEN u_status < 0.38 THEN 'open' WHEN u_status < 0.65 THEN 'in_progress'
                              WHEN u_status < 0.84 THEN 'resolved' ELSE 'closed' END
                     ELSE
                         CASE WHEN u_status < 0.13 THEN 'open' WHEN u_status < 0.215 THEN 'in_progress'
                              WHEN u_status < 0.47 THEN 'resolved' ELSE 'closed' END
                     END)::issue_status AS status,
                    least({n} - 1, floor({n} * power(u_cust, 1.6)))::int AS cidx,
                    (CASE WHEN u_env < 0.15 THEN 0 WHEN u_env < 0.35 THEN 1
                          WHEN u_env < 0.60 THEN 2 ELSE 3 END) AS eidx,
                    least({p} - 1, floor({p} * power(u_plane, 1.3)))::int AS pidx,
                    (CASE WHEN u_prio < 0.30 THEN 1 WHEN u_prio < 0.80 THEN 2 ELSE 3 END) AS prio_i,
                    (CASE WHEN u_cat < 0.68 THEN 'technical_issue' WHEN u_cat < 0.80 THEN 'feature_request'
                          WHEN u_cat < 0.92 THEN 'general_inquiry' ELSE 'billing' END)::issue_category AS category
             FROM r
         ), f AS (
             SELECT s.*,
                    u_assign < (CASE status WHEN 'open' THEN 0.25 WHEN 'in_progress' THEN 0.9
                                WHEN 'resolved' THEN 0.7 ELSE 0.65 END) AS assigned,
                    status <> 'open' AND (status = 'in_progress' OR u_progress < 0.85) AS progressed,
                    status IN ('resolved', 'closed') AS resolved,
                    u_prio_change < 0.15 AS prio_changed,
                    age - 1 AS room
             FROM s
         ), o1 AS (
             -- Minutes after filing; each step takes at most a share of the
             -- time there was, so everything happened before now.
             SELECT f.*,
                    CASE WHEN assigned THEN least(5 + 235 * u_a, 0.1 * room) END AS off_assign,
                    CASE WHEN prio_changed THEN least(2 + 118 * u_pc, 0.05 * room) END AS off_prio
             FROM f
         ), o2 AS (
             SELECT o1.*,
                    CASE WHEN progressed
                         THEN coalesce(off_assign, 0) + least(10 + 590 * u_p, 0.1 * room) END AS off_progress
             FROM o1
         ), o3 AS (
             SELECT o2.*,
                    CASE WHEN resolved
                         THEN greatest(off_progress, off_assign, 0) + least(60 * power(480, u_r), 0.3 * room)
                    END AS off_resolved
             FROM o2
         ), o AS MATERIALIZED (
             SELECT o3.*,
                    CASE WHEN status = 'closed'
                         THEN off_resolved + least(1440 * (1 + 9 * u_c), 0.4 * room) END AS off_closed,
                    CASE WHEN status = 'open' THEN h_comments % 3 ELSE 2 + h_comments % 4 END AS n_comments
             FROM o3
         ), j AS (
             SELECT o.*, c.customer_id, c.tag, e.environment_id, e.name AS env_name,
                    c.n_users, p.plane_id AS primary_plane_id, p.slug AS primary_slug, p.topics,
                    sp.plane_id AS secondary_plane_id,
                    ag.user_id AS agent_id, ag.name AS agent_name,
                    dp.user_id AS dispatcher_id, dp.name AS dispatcher_name
             FROM o
             JOIN sdgen_cust c ON c.cidx = o.cidx
             JOIN sdgen_env e ON e.cidx = o.cidx AND e.eidx = o.eidx
             JOIN sdgen_plane p ON p.pidx = o.pidx
             LEFT JOIN sdgen_plane sp ON sp.pidx = {secondary}
             JOIN sdgen_agent ag ON ag.aidx = o.h_agent % {a}
             JOIN sdgen_agent dp ON dp.aidx = o.h_dispatch % {a}
         ), k AS (
             SELECT j.*, cu.user_id AS creator_id, cu.name AS creator_name, cu.handle AS creator_handle,
                    ou.user_id AS other_id, ou.name AS other_name,
                    now() - age * interval '1 minute' AS t0
             FROM j
             JOIN sdgen_cuser cu ON cu.cidx = j.cidx AND cu.uidx = j.h_user % j.n_users
             JOIN sdgen_cuser ou ON ou.cidx = j.cidx AND ou.uidx = (j.h_user + 1) % j.n_users
         ), t AS (
             SELECT k.*,
                    t0 + off_assign * interval '1 minute' AS t_assign,
                    t0 + off_prio * interval '1 minute' AS t_prio,
                    t0 + off_progress * interval '1 minute' AS t_progress,
                    t0 + off_resolved * interval '1 minute' AS t_resolved,
                    t0 + off_closed * interval '1 minute' AS t_closed,
                    coalesce(t0 + off_resolved * interval '1 minute',
                             least(now() - interval '1 minute', t0 + interval '10 days')) AS t_c1
             FROM k
         ), w AS (
             SELECT t.*, t0 + least(interval '3 minutes', (t_c1 - t0) / 4) AS t_c0 FROM t
         )
         SELECT seq, gen_random_uuid() AS id, customer_id, environment_id, env_name, tag,
                creator_id, creator_name, creator_handle, other_id, other_name,
                primary_plane_id, secondary_plane_id, status,
                (ARRAY['low', 'medium', 'high']::issue_priority[])[prio_i] AS priority,
                CASE WHEN prio_changed
                     THEN (ARRAY['low', 'medium', 'high']::issue_priority[])[1 + (prio_i + h_filed % 2) % 3]
                END AS filed_priority,
                category,
                CASE WHEN assigned THEN agent_id END AS assignee_id,
                agent_id, agent_name, dispatcher_id, dispatcher_name,
                CASE WHEN u_closer < 0.4 THEN creator_id ELSE agent_id END AS closer_id,
                CASE WHEN u_closer < 0.4 THEN creator_name ELSE agent_name END AS closer_name,
                {title} AS title,
                {description} AS description,
                CASE WHEN u_pipeline < (CASE WHEN primary_slug LIKE '%cicd%' THEN 0.6 ELSE 0.1 END)
                     THEN 'https://ci.platform.example/' || tag || '/' || {service}
                          || '/-/pipelines/' || (100000 + {pipeline_no} % 900000)
                END AS pipeline_url,
                assigned::int + prio_changed::int + progressed::int + resolved::int
                    + (status = 'closed')::int AS lock_version,
                t0, t_assign, t_prio, t_progress, t_resolved, t_closed, t_c0, t_c1, n_comments,
                greatest(t0, t_assign, t_prio, t_progress, t_resolved, t_closed,
                         CASE WHEN n_comments > 0 THEN t_c0 + (t_c1 - t_c0)
                              * ((n_comments - 0.5 * {last_jitter}) / (n_comments + 1)) END) AS updated_at
         FROM w",
        jitter = u("g", 0),
        u_status = u("g", 1),
        u_cust = u("g", 2),
        u_env = u("g", 3),
        u_plane = u("g", 4),
        u_prio = u("g", 7),
        u_cat = u("g", 8),
        u_assign = u("g", 9),
        u_progress = u("g", 15),
        u_prio_change = u("g", 19),
        u_closer = u("g", 23),
        u_pipeline = u("g", 24),
        h_user = h("g", 10),
        h_agent = h("g", 11),
        h_dispatch = h("g", 12),
        h_filed = h("g", 21),
        h_comments = h("g", 22),
        u_a = u("g", 14),
        u_p = u("g", 16),
        u_r = u("g", 17),
        u_c = u("g", 18),
        u_pc = u("g", 20),
        pipeline_no = h("seq", 25),
        last_jitter = u("seq * 8 + n_comments", 61),
        title = title_sql("seq", &topic, "category"),
        description = description_sql("seq", &topic, &symptom, &tail, &service),
    )
}

/// Values for the fields of the issue's planes: every required field and
/// about half of the optional ones; selects get real option values (a
/// multi-select sometimes two), text fields a service-like name.
fn contexts_sql() -> String {
    let key = "b.seq * 1000 + c.cno";
    format!(
        "INSERT INTO issue_plane_contexts (issue_id, plane_context_id, value)
         WITH pick AS (
             SELECT b.id, b.seq, c.cno, c.context_id, c.ckey, c.field_type, c.n_opts,
                    CASE WHEN c.n_opts > 0 THEN {first} % c.n_opts END AS o1
             FROM sdgen_batch b
             CROSS JOIN LATERAL (VALUES (b.primary_plane_id), (b.secondary_plane_id)) AS pl (plane_id)
             JOIN sdgen_ctx c ON c.plane_id = pl.plane_id
             WHERE c.is_required OR {optional} < 0.45
         ), chosen AS (
             SELECT id, context_id, o1 AS oidx FROM pick WHERE field_type <> 'text'
             UNION ALL
             SELECT id, context_id, (o1 + 1 + {second} % (n_opts - 1)) % n_opts
             FROM pick
             WHERE field_type = 'multi_select' AND n_opts > 1 AND {more} < 0.4
         )
         SELECT ch.id, ch.context_id, o.value
         FROM chosen ch JOIN sdgen_opt o ON o.context_id = ch.context_id AND o.oidx = ch.oidx
         UNION ALL
         SELECT id, context_id,
                {service} || CASE WHEN ckey LIKE '%pipeline%' THEN '/' || {branch}
                                  WHEN ckey LIKE '%dashboard%' THEN ' overview'
                                  ELSE '' END
         FROM pick WHERE field_type = 'text'",
        first = h(key, 201),
        optional = u(key, 202),
        second = h("seq * 1000 + cno", 203),
        more = u("seq * 1000 + cno", 204),
        service = pick(SERVICES, "seq * 1000 + cno", 205),
        branch = pick(BRANCHES, "seq * 1000 + cno", 206),
    )
}

/// Comments, alternating agent and customer (the agent first), ~20% of
/// agent comments internal notes; each logged as the app logs it.
fn comments_sql() -> String {
    let key = "b.seq * 8 + k";
    // The first reply asks for details; later ones report findings.
    let agent_body = format!(
        "CASE CASE WHEN k = 1 THEN 3 * ({sel} % 2) ELSE 1 + {sel} % 2 END
             WHEN 0 THEN 'Thanks for the report. Could you share ' || {artifact} || ' for '
                         || {service} || '?'
             WHEN 1 THEN 'I looked into ' || {service} || ': ' || {finding} || '. We '
                         || {action} || '; please try again and let us know.'
             WHEN 2 THEN 'We ' || {action} || ' for ' || {service} || '. The cause: '
                         || {finding} || '.'
             ELSE 'Could you check whether ' || {error} || ' still shows up after '
                  || {tried} || '? Please also send ' || {artifact} || '.'
         END || {signoff}",
        sel = h(key, 301),
        artifact = pick(ARTIFACTS, key, 302),
        service = pick(SERVICES, key, 303),
        finding = pick(FINDINGS, key, 304),
        action = pick(AGENT_ACTIONS, key, 305),
        error = pick(ERRORS, key, 306),
        tried = pick(TRIED, key, 307),
        signoff = pick(AGENT_SIGNOFFS, key, 308),
    );
    let internal_body = format!(
        "CASE {sel} % 3
             WHEN 0 THEN 'Checked with the platform team: ' || {finding} || '.'
             WHEN 1 THEN 'Looks like ' || {finding} || '. Escalating to ' || {team} || '.'
             ELSE 'Same symptom as last week on ' || {service} || ' (' || {error} || '); we '
                  || {action} || ' then.'
         END",
        sel = h(key, 311),
        finding = pick(FINDINGS, key, 312),
        team = pick(TEAMS, key, 313),
        error = pick(ERRORS, key, 314),
        action = pick(AGENT_ACTIONS, key, 315),
        service = pick(SERVICES, key, 316),
    );
    // The customer first sends what was asked for, later confirms or chases.
    let customer_body = format!(
        "CASE CASE WHEN k = 2 THEN 3 * ({sel} % 2) ELSE 1 + {sel} % 2 END
             WHEN 0 THEN 'Here is ' || {artifact} || '. We still see ' || {error} || ' on '
                         || {service} || '.'
             WHEN 1 THEN 'Thanks, ' || {service} || ' works again after ' || {tried} || '.'
             WHEN 2 THEN 'Any update? ' || {service} || ' still ' || {symptom} || ' and this blocks '
                         || {team} || '.'
             ELSE 'It happened again ' || {tail} || ', this time with ' || {error} || '.'
         END || {signoff}",
        sel = h(key, 321),
        artifact = pick(ARTIFACTS, key, 322),
        error = pick(ERRORS, key, 323),
        service = pick(SERVICES, key, 324),
        tried = pick(TRIED, key, 325),
        team = pick(TEAMS, key, 326),
        tail = pick(TAILS, key, 327),
        symptom = pick(SYMPTOMS, key, 328),
        signoff = pick(CUSTOMER_SIGNOFFS, key, 329),
    );
    format!(
        "WITH src AS (
             SELECT b.id AS issue_id, k, k % 2 = 1 AS agent_turn,
                    k % 2 = 1 AND {internal} < 0.2 AS internal,
                    b.t_c0 + (b.t_c1 - b.t_c0) * ((k - 0.5 * {jitter}) / (b.n_comments + 1)) AS at,
                    CASE WHEN k % 2 = 1 THEN b.agent_id
                         WHEN {other} < 0.2 THEN b.other_id ELSE b.creator_id END AS author_id,
                    CASE WHEN k % 2 = 1 THEN b.agent_name
                         WHEN {other} < 0.2 THEN b.other_name ELSE b.creator_name END AS author_name,
                    b.seq
             FROM sdgen_batch b CROSS JOIN LATERAL generate_series(1, b.n_comments) AS k
         ), ins AS (
             INSERT INTO comments (issue_id, author_id, body, is_internal, created_at, updated_at)
             SELECT issue_id, author_id,
                    CASE WHEN internal THEN {internal_body}
                         WHEN agent_turn THEN {agent_body}
                         ELSE {customer_body} END,
                    internal, at, at
             FROM src b
             RETURNING issue_id, author_id, is_internal, created_at
         )
         INSERT INTO issue_activities (issue_id, actor_id, action, field, from_value, to_value,
                                       description, created_at)
         SELECT ins.issue_id, ins.author_id, {logged}, ins.created_at
         FROM ins JOIN sdgen_user u ON u.user_id = ins.author_id",
        internal = u(key, 331),
        jitter = u(key, 61),
        other = u(key, 332),
        logged = activity_columns(
            "u.name",
            &[
                ("ins.is_internal".into(), Activity::InternalNote),
                ("NOT ins.is_internal".into(), Activity::Replied),
            ],
        ),
    )
}

/// The ticket's life in the activity log: one `SELECT` per kind of entry,
/// worded by the domain as the app words it.
fn lifecycle_sql() -> String {
    let assigned = |by_self| Activity::Assigned {
        from: None,
        to: sql_slot("agent_name"),
        by_self,
    };
    let status = |from, to| Activity::Status {
        from,
        to,
        reason: None,
    };
    let mut priorities = Vec::new();
    for &from in IssuePriority::ALL {
        for &to in IssuePriority::ALL.iter().filter(|&&to| to != from) {
            let when = format!(
                "filed_priority = {} AND priority = {}",
                lit(from.as_str()),
                lit(to.as_str())
            );
            priorities.push((when, Activity::Priority { from, to }));
        }
    }
    let entries = [
        LogEntry {
            actor: ("creator_id", "creator_name"),
            at: "t0",
            filter: "true",
            variants: vec![("true".into(), Activity::Filed)],
        },
        LogEntry {
            actor: ("dispatcher_id", "dispatcher_name"),
            at: "t_assign",
            filter: "assignee_id IS NOT NULL",
            variants: vec![
                ("dispatcher_id = agent_id".into(), assigned(true)),
                ("dispatcher_id <> agent_id".into(), assigned(false)),
            ],
        },
        LogEntry {
            actor: ("agent_id", "agent_name"),
            at: "t_prio",
            filter: "filed_priority IS NOT NULL",
            variants: priorities,
        },
        LogEntry {
            actor: ("agent_id", "agent_name"),
            at: "t_progress",
            filter: "t_progress IS NOT NULL",
            variants: vec![("true".into(), status(Open, InProgress))],
        },
        LogEntry {
            actor: ("agent_id", "agent_name"),
            at: "t_resolved",
            filter: "t_resolved IS NOT NULL",
            variants: vec![
                ("t_progress IS NULL".into(), status(Open, Resolved)),
                (
                    "t_progress IS NOT NULL".into(),
                    status(InProgress, Resolved),
                ),
            ],
        },
        LogEntry {
            actor: ("closer_id", "closer_name"),
            at: "t_closed",
            filter: "t_closed IS NOT NULL",
            variants: vec![("true".into(), status(Resolved, Closed))],
        },
    ];
    let selects: Vec<String> = entries
        .iter()
        .map(|entry| {
            format!(
                "SELECT id, {actor}, {columns}, {at} FROM sdgen_batch WHERE {filter}",
                actor = entry.actor.0,
                columns = activity_columns(entry.actor.1, &entry.variants),
                at = entry.at,
                filter = entry.filter,
            )
        })
        .collect();
    format!(
        "INSERT INTO issue_activities (issue_id, actor_id, action, field, from_value, to_value,
                                       description, created_at)
         {}",
        selects.join("\nUNION ALL\n")
    )
}

/// One kind of activity row for the batch's tickets that `filter` picks.
struct LogEntry {
    /// The actor's id and name columns.
    actor: (&'static str, &'static str),
    /// The time column.
    at: &'static str,
    filter: &'static str,
    /// (SQL condition, the entry it picks), for entries whose values differ
    /// from ticket to ticket.
    variants: Vec<(String, Activity)>,
}

/// `action, field, from_value, to_value, description` of an activity row
/// as SQL expressions, taken from the domain's [`Activity`]: its stored
/// action, field and values, and its sentence naming the SQL expression
/// `who`. Where `variants` differ in a column, the column is a `CASE` over
/// their conditions. Strings made by [`sql_slot`] stand for SQL
/// expressions (a name read from a column).
fn activity_columns(who: &str, variants: &[(String, Activity)]) -> String {
    let who = sql_slot(who);
    let columns: [&dyn Fn(&Activity) -> String; 5] = [
        &|a| lit(a.action().as_str()),
        &|a| a.field().map_or("NULL".into(), lit),
        &|a| text_sql(a.values().0),
        &|a| text_sql(a.values().1),
        &|a| text_sql(Some(&a.describe(&who))),
    ];
    let mut out = Vec::with_capacity(columns.len());
    for column in columns {
        let exprs: Vec<(&str, String)> = variants
            .iter()
            .map(|(when, activity)| (when.as_str(), column(activity)))
            .collect();
        let same = exprs.windows(2).all(|pair| pair[0].1 == pair[1].1);
        out.push(match exprs.first() {
            Some((_, expr)) if same => expr.clone(),
            // No ELSE: a ticket no variant picks gets NULL, which the
            // NOT NULL columns refuse loudly.
            _ => format!(
                "CASE {} END",
                exprs
                    .iter()
                    .map(|(when, expr)| format!("WHEN {when} THEN {expr}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        });
    }
    out.join(", ")
}

/// Marks an SQL expression inside a string the domain words, so that
/// [`text_sql`] writes it as SQL rather than as text.
fn sql_slot(expr: &str) -> String {
    format!("{SLOT}{expr}{SLOT}")
}

const SLOT: char = '\u{1}';

/// A text value as SQL: literal parts quoted, [`sql_slot`] parts as they
/// are, joined by `||`.
fn text_sql(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "NULL".into();
    };
    let parts: Vec<String> = text
        .split(SLOT)
        .enumerate()
        .filter(|(i, part)| i % 2 == 1 || !part.is_empty())
        .map(|(i, part)| {
            if i % 2 == 1 {
                part.to_owned()
            } else {
                lit(part)
            }
        })
        .collect();
    if parts.is_empty() {
        lit("")
    } else {
        parts.join(" || ")
    }
}

// ---------------------------------------------------------------------------
// Doc feedback

struct FeedbackCounts {
    feedback: usize,
    form_sessions: usize,
    impressions: usize,
}

/// Feedback rows `lo..=hi` with the form sessions they were clicked in and
/// the docs those sessions showed, and the quiet sessions of the same
/// stretch of forms: rendered, maybe shown docs, never clicked nor filed.
/// Sessions and impressions are written before the clicks, so the clicks'
/// trigger (migration 000015) finds them and adds nothing.
fn feedback_batch(
    conn: &mut PgConnection,
    world: &World,
    issues: i64,
    total: i64,
    lo: i64,
    hi: i64,
    salt: &str,
) -> Result<FeedbackCounts, AppError> {
    begin_batch(conn)?;
    script(
        conn,
        "clicks",
        &format!(
            "DROP TABLE IF EXISTS sdgen_clicks, sdgen_quiet; {}; ANALYZE sdgen_clicks; {}; \
             ANALYZE sdgen_quiet",
            clicks_sql(world, issues, total, lo, hi, salt),
            quiet_sql(world, total, lo, hi, salt),
        ),
    )?;
    // A session started one to four minutes before its first click, and
    // was last touched by its last click, or by filing.
    let mut form_sessions = exec(
        conn,
        "form sessions",
        &format!(
            "INSERT INTO form_sessions (id, customer_id, user_id, primary_plane_id, issue_id,
                 started_at, updated_at)
             SELECT c.fsid, c.customer_id, c.user_id, c.plane_id, c.issue_id,
                    min(c.created_at) - (1 + 3 * {u_start}) * interval '1 minute',
                    max(coalesce(i.created_at, c.created_at))
             FROM sdgen_clicks c LEFT JOIN issues i ON i.id = c.issue_id
             GROUP BY c.fsid, c.form, c.customer_id, c.user_id, c.plane_id, c.issue_id
             ON CONFLICT (id) DO NOTHING",
            u_start = u("c.form", 50),
        ),
    )?;
    form_sessions += exec(
        conn,
        "quiet form sessions",
        "INSERT INTO form_sessions (id, customer_id, user_id, primary_plane_id, started_at,
             updated_at)
         SELECT fsid, customer_id, user_id, plane_id, started_at, started_at FROM sdgen_quiet
         ON CONFLICT (id) DO NOTHING",
    )?;
    // Three to five docs of the session's plane, best first; the clicked
    // ones (clicks 0 and 1 pick the plane's docs h_doc and h_doc + 1) among
    // them, shown a little after the session started.
    let shown = |sessions: &str| {
        format!(
            "INSERT INTO doc_impressions (form_session_id, doc_id, best_rank, first_shown_at)
             SELECT DISTINCT ON (x.fsid, pd.doc_id)
                    x.fsid, pd.doc_id, k + 1, s.started_at + k * interval '20 seconds'
             FROM ({sessions}) x
             JOIN form_sessions s ON s.id = x.fsid
             JOIN sdgen_plane p ON p.plane_id = x.plane_id AND p.n_docs > 0
             CROSS JOIN LATERAL generate_series(0, least(p.n_docs, 3 + {h_many} % 3) - 1) AS k
             JOIN sdgen_pdoc pd ON pd.plane_id = x.plane_id AND pd.didx = (x.h_doc + k) % p.n_docs
             ORDER BY x.fsid, pd.doc_id, k
             ON CONFLICT DO NOTHING",
            h_many = h("x.form", 51),
        )
    };
    let mut impressions = exec(
        conn,
        "docs shown",
        &shown(
            "SELECT DISTINCT ON (fsid) fsid, form, plane_id, h_doc FROM sdgen_clicks ORDER BY fsid",
        ),
    )?;
    impressions += exec(
        conn,
        "docs shown in quiet sessions",
        &shown("SELECT fsid, form, plane_id, h_doc FROM sdgen_quiet WHERE plane_id IS NOT NULL"),
    )?;
    let feedback = exec(
        conn,
        "feedback",
        "INSERT INTO doc_feedback (doc_id, doc_url, doc_type, marked_helpful, dismissed, issue_id,
             user_id, customer_id, primary_plane_id, form_session_id, issue_context, created_at)
         SELECT doc_id, url, doc_type, helpful, NOT helpful, issue_id, user_id, customer_id,
                plane_id, fsid, snapshot, created_at
         FROM sdgen_clicks ORDER BY g",
    )?;
    Ok(FeedbackCounts {
        feedback,
        form_sessions,
        impressions,
    })
}

/// Forms whose first click falls in `lo..=hi` (each form once over all
/// batches), about half of them with a quiet session of their own: its
/// customer, user and plane chosen as for a deflected form, one in five
/// left before choosing a plane (so shown nothing).
fn quiet_sql(world: &World, total: i64, lo: i64, hi: i64, salt: &str) -> String {
    let n = world.customers;
    let p = world.planes;
    format!(
        "CREATE TEMP TABLE sdgen_quiet AS
         WITH forms AS (
             SELECT DISTINCT (g::int8 * 5) / 8 AS form FROM generate_series({lo}, {hi}) AS g
             WHERE g = (((g::int8 * 5) / 8) * 8 + 4) / 5
         ), q AS (
             SELECT form, md5({salt} || 'quiet' || form::text)::uuid AS fsid,
                    least({n} - 1, floor({n} * power({u_cust}, 1.6)))::int AS cidx,
                    least({p} - 1, floor({p} * power({u_plane}, 1.3)))::int AS pidx,
                    {h_user} AS h_user, {u_blank} < 0.2 AS blank, {h_doc} AS h_doc,
                    5 + (1 - sqrt(greatest((form * 8 / 5 - {u_jitter}) / {total}, 0))) * {SPAN_MINUTES} AS age
             FROM forms WHERE {u_quiet} < 0.5
         )
         SELECT q.form, q.fsid, q.h_doc, c.customer_id, cu.user_id,
                CASE WHEN q.blank THEN NULL ELSE pl.plane_id END AS plane_id,
                now() - q.age * interval '1 minute' AS started_at
         FROM q
         JOIN sdgen_cust c ON c.cidx = q.cidx
         JOIN sdgen_cuser cu ON cu.cidx = q.cidx AND cu.uidx = q.h_user % c.n_users
         JOIN sdgen_plane pl ON pl.pidx = q.pidx",
        salt = lit(salt),
        u_quiet = u("form", 52),
        u_cust = u("form", 53),
        u_plane = u("form", 54),
        h_user = h("form", 55),
        u_blank = u("form", 56),
        h_doc = h("form", 57),
        u_jitter = u("form", 58),
    )
}

/// `CREATE TEMP TABLE sdgen_clicks AS …`: feedback rows `lo..=hi`, clicks
/// on the suggestions of one form (one or two per form, ~1.6 on average).
/// ~30% of forms ended in an issue (the clicks carry its id, customer,
/// plane and a snapshot of its fields, a few minutes before it was filed);
/// the rest were deflected or abandoned.
fn clicks_sql(world: &World, issues: i64, total: i64, lo: i64, hi: i64, salt: &str) -> String {
    let n = world.customers;
    let p = world.planes;
    let linked = if issues > 0 {
        format!("{} < 0.3", u("form", 31))
    } else {
        "false".to_owned()
    };
    let topic = format!("p.topics[1 + {} % cardinality(p.topics)]", h("form", 101));
    let category = format!(
        "(CASE WHEN {} < 0.8 THEN 'technical_issue' ELSE 'general_inquiry' END)",
        u("form", 41)
    );
    format!(
        "CREATE TEMP TABLE sdgen_clicks AS
         WITH f AS (
             SELECT g::int8 AS g, (g::int8 * 5) / 8 AS form FROM generate_series({lo}, {hi}) AS g
         ), f2 AS (
             SELECT g, form, g - (form * 8 + 4) / 5 AS click,
                    md5({salt} || form::text)::uuid AS fsid, {linked} AS linked
             FROM f
         ), l AS (
             SELECT f2.g, f2.form, f2.click, f2.fsid, i.id AS issue_id, i.created_by_id AS user_id,
                    i.customer_id, i.primary_plane_id AS plane_id,
                    i.created_at - (8 - 2 * f2.click) * interval '1 minute' AS created_at,
                    jsonb_build_object('environment_type', e.env_type, 'planes', pl.planes,
                                       'contexts', coalesce(cx.contexts, '{{}}'::jsonb),
                                       'title', left(i.title, 200), 'form_session_id', f2.fsid) AS snapshot,
                    {u_helpful} < 0.2 AS helpful
             FROM f2
             JOIN sdgen_all a ON a.seq = 1 + {h_issue} % {issues}
             JOIN issues i ON i.id = a.issue_id
             JOIN environments e ON e.id = i.environment_id
             CROSS JOIN LATERAL (
                 SELECT jsonb_agg(p.slug ORDER BY ip.is_primary DESC, p.slug) AS planes
                 FROM issue_planes ip JOIN sdgen_plane p ON p.plane_id = ip.plane_id
                 WHERE ip.issue_id = i.id) AS pl
             CROSS JOIN LATERAL (
                 SELECT jsonb_object_agg(x.k, x.v) AS contexts FROM (
                     SELECT c.slug || '.' || c.ckey AS k,
                            CASE WHEN count(*) = 1 THEN to_jsonb(min(ipc.value))
                                 ELSE jsonb_agg(ipc.value ORDER BY ipc.value) END AS v
                     FROM issue_plane_contexts ipc JOIN sdgen_ctx c ON c.context_id = ipc.plane_context_id
                     WHERE ipc.issue_id = i.id
                     GROUP BY c.slug, c.ckey) AS x) AS cx
             WHERE f2.linked
         ), d0 AS (
             SELECT f2.*,
                    least({n} - 1, floor({n} * power({u_cust}, 1.6)))::int AS cidx,
                    least({p} - 1, floor({p} * power({u_plane}, 1.3)))::int AS pidx,
                    {h_env} % 4 AS eidx, {h_user} AS h_user,
                    5 + (1 - sqrt(greatest((form * 8 / 5 - {u_jitter}) / {total}, 0))) * {SPAN_MINUTES} AS age
             FROM f2 WHERE NOT f2.linked
         ), d AS (
             SELECT d0.g, d0.form, d0.click, d0.fsid, NULL::uuid AS issue_id, cu.user_id, c.customer_id,
                    p.plane_id,
                    now() - d0.age * interval '1 minute' + 2 * d0.click * interval '1 minute' AS created_at,
                    jsonb_build_object('environment_type', e.env_type, 'planes', jsonb_build_array(p.slug),
                                       'contexts', coalesce(cx.contexts, '{{}}'::jsonb),
                                       'title', {title}, 'form_session_id', d0.fsid) AS snapshot,
                    {u_helpful_d} < 0.65 AS helpful
             FROM d0
             JOIN sdgen_cust c ON c.cidx = d0.cidx
             JOIN sdgen_env e ON e.cidx = d0.cidx AND e.eidx = d0.eidx
             JOIN sdgen_cuser cu ON cu.cidx = d0.cidx AND cu.uidx = d0.h_user % c.n_users
             JOIN sdgen_plane p ON p.pidx = d0.pidx
             CROSS JOIN LATERAL (
                 SELECT jsonb_object_agg(gc.slug || '.' || gc.ckey, o.value) AS contexts
                 FROM sdgen_ctx gc
                 JOIN sdgen_opt o ON o.context_id = gc.context_id AND o.oidx = {h_opt} % gc.n_opts
                 WHERE gc.plane_id = p.plane_id AND gc.field_type <> 'text'
                   AND (gc.is_required OR {u_opt} < 0.4)) AS cx
         ), clicks AS (
             SELECT * FROM l UNION ALL SELECT * FROM d
         )
         SELECT c.g, c.form, {h_doc} AS h_doc, pd.doc_id, pd.url, pd.doc_type, c.helpful,
                c.issue_id, c.user_id, c.customer_id, c.plane_id, c.fsid, c.snapshot, c.created_at
         FROM clicks c
         JOIN sdgen_plane p ON p.plane_id = c.plane_id AND p.n_docs > 0
         JOIN sdgen_pdoc pd ON pd.plane_id = c.plane_id AND pd.didx = ({h_doc} + c.click) % p.n_docs",
        salt = lit(salt),
        u_helpful = u("f2.g", 42),
        u_helpful_d = u("d0.g", 42),
        h_issue = h("f2.form", 32),
        u_cust = u("form", 33),
        u_plane = u("form", 34),
        h_env = h("form", 35),
        h_user = h("form", 36),
        u_jitter = u("form", 37),
        title = title_sql("d0.form", &topic, &category),
        h_opt = h("d0.form * 1000 + gc.cno", 38),
        u_opt = u("d0.form * 1000 + gc.cno", 39),
        h_doc = h("c.form", 40),
    )
}

// ---------------------------------------------------------------------------
// Text

/// A title: the plane's topic with a symptom for technical issues, a
/// request, a billing question or a how-to question otherwise.
fn title_sql(key: &str, topic: &str, category: &str) -> String {
    format!(
        "CASE {category}
             WHEN 'feature_request' THEN 'Request: ' || {feature} || ' for ' || {topic}
             WHEN 'billing' THEN {billing} || ' for ' || {topic}
             WHEN 'general_inquiry' THEN 'Question: how ' || {question} || ' ' || {topic} || '?'
             ELSE CASE WHEN {with_service} % 2 = 0 THEN {service} || ': ' ELSE '' END
                  || {topic} || ' ' || {symptom} || ' ' || {tail}
         END",
        with_service = h(key, 113),
        service = pick(SERVICES, key, 104),
        feature = pick(FEATURES, key, 110),
        billing = pick(BILLING, key, 111),
        question = pick(QUESTIONS, key, 112),
        symptom = pick(SYMPTOMS, key, 102),
        tail = pick(TAILS, key, 103),
    )
}

/// Three to five sentences: what happens, what the logs say, who it
/// blocks, what was tried, and sometimes a closing line.
fn description_sql(key: &str, topic: &str, symptom: &str, tail: &str, service: &str) -> String {
    format!(
        "CASE category
             WHEN 'feature_request' THEN 'We would like ' || {feature} || ' for ' || {topic} || '. '
             WHEN 'billing' THEN 'Our latest invoice shows ' || {billing_detail} || ' for ' || {topic} || '. '
             WHEN 'general_inquiry' THEN 'We are not sure how ' || {question} || ' ' || {topic} || '. '
             ELSE 'We noticed that ' || {topic} || ' ' || {symptom} || ' ' || {tail} || '. '
                  || {seen} || {error} || '. '
         END
         || 'It affects ' || {service} || ' in ' || env_name || ' and blocks ' || {team} || '. '
         || CASE WHEN category = 'technical_issue'
                 THEN 'We already tried ' || {tried} || ' without success. ' ELSE '' END
         || {closing}",
        feature = pick(FEATURES, key, 110),
        billing_detail = pick(BILLING_DETAILS, key, 120),
        question = pick(QUESTIONS, key, 112),
        seen = pick(SEEN, key, 121),
        error = pick(ERRORS, key, 122),
        team = pick(TEAMS, key, 123),
        tried = pick(TRIED, key, 124),
        closing = pick(CLOSINGS, key, 125),
    )
}

fn resolution_notes_sql(key: &str) -> String {
    format!(
        "'Root cause: ' || {finding} || '. Fix: we ' || {action} || '.' || {extra}",
        finding = pick(FINDINGS, key, 401),
        action = pick(AGENT_ACTIONS, key, 402),
        extra = pick(RESOLUTION_EXTRAS, key, 403),
    )
}

// ---------------------------------------------------------------------------
// SQL helpers

/// A non-negative pseudo-random integer (0 … 2^31-1) from an int8
/// expression and a salt.
fn h(x: &str, salt: u32) -> String {
    format!("(hashint8extended(({x})::int8, {salt}) & 2147483647)")
}

/// A pseudo-random float in [0, 1) from an int8 expression and a salt.
fn u(x: &str, salt: u32) -> String {
    format!("({}::float8 / 2147483648)", h(x, salt))
}

/// One of `words`, chosen by hash.
fn pick(words: &[&str], x: &str, salt: u32) -> String {
    format!(
        "({})[1 + {} % {}]",
        sql_array(words),
        h(x, salt),
        words.len().max(1)
    )
}

fn sql_array(words: &[&str]) -> String {
    let items: Vec<String> = words.iter().map(|w| lit(w)).collect();
    format!("(ARRAY[{}]::text[])", items.join(", "))
}

/// A SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

// ---------------------------------------------------------------------------
// Word lists

const FIRST_NAMES: &[&str] = &[
    "Aaliyah", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Keiko", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar",
    "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Anika", "Bruno", "Chloe", "Diego", "Emeka", "Fatima",
    "Gustav", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nadia",
];

const LAST_NAMES: &[&str] = &[
    "Andersen",
    "Banerjee",
    "Castillo",
    "Dubois",
    "Eriksson",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ishikawa",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Umarov",
    "Varga",
    "Wagner",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Almeida",
    "Becker",
    "Costa",
    "Novak",
];

const PLANE_TOPICS: &[(&str, &[&str])] = &[
    (
        "app-cicd",
        &[
            "Build pipeline",
            "Deploy job",
            "Security scan",
            "Unit test stage",
            "Artifact upload",
            "Docker image build",
            "Promotion to production",
            "Shared Linux runner",
            "Windows runner",
            "Dependency cache",
            "Maven build",
            "npm install step",
            "Release tagging",
            "Integration test suite",
            "Quality gate",
            "Helm chart packaging",
        ],
    ),
    (
        "eks",
        &[
            "Karpenter provisioning",
            "Cluster Autoscaler",
            "Ingress controller",
            "Pod scheduling",
            "Node group upgrade",
            "CoreDNS",
            "ExternalDNS",
            "cert-manager",
            "EBS volume attach",
            "Horizontal pod autoscaler",
            "Service mesh sidecar",
            "kubectl access",
            "Spot node group",
            "Namespace quota",
            "Load balancer target group",
            "IRSA role binding",
        ],
    ),
    (
        "observability",
        &[
            "Loki log ingestion",
            "Prometheus scraping",
            "Grafana dashboard",
            "Alertmanager routing",
            "Tempo trace search",
            "OpenTelemetry Collector",
            "PagerDuty alert",
            "Metrics retention",
            "Log parsing pipeline",
            "SLO burn-rate alert",
            "Synthetic check",
            "Recording rule",
            "Exemplar linking",
            "Dashboard provisioning",
        ],
    ),
    (
        "infra-cicd",
        &[
            "Terraform apply",
            "Terraform plan",
            "OpenTofu state",
            "Pulumi stack update",
            "CloudFormation change set",
            "State lock",
            "VPC peering",
            "IAM role provisioning",
            "RDS snapshot restore",
            "S3 bucket policy",
            "Route 53 record",
            "Drift detection",
            "Provider lock file",
            "Workspace variable set",
        ],
    ),
];

const GENERIC_TOPICS: &[&str] = &[
    "Platform portal",
    "Pipeline",
    "Cluster",
    "Dashboard",
    "Deployment",
    "Access request",
    "API gateway",
    "Secret rotation",
];

const SYMPTOMS: &[&str] = &[
    "fails intermittently",
    "times out",
    "returns 503 errors",
    "is stuck in pending",
    "hangs after the upgrade",
    "reports permission denied",
    "keeps restarting",
    "is extremely slow",
    "shows stale data",
    "cannot reach the database",
    "drops requests under load",
    "runs out of memory",
    "loses its configuration",
    "stopped sending data",
    "rejects valid credentials",
    "fails with certificate errors",
    "exceeds its quota",
    "does not trigger",
    "creates duplicate entries",
    "ignores the retry policy",
    "fails only on the first run",
    "reports a checksum mismatch",
    "is missing after the migration",
    "times out on startup",
    "returns 403 Forbidden",
];

const TAILS: &[&str] = &[
    "after the weekend deploy",
    "since yesterday",
    "on every merge request",
    "during peak traffic",
    "after rotating secrets",
    "in the new region",
    "since the last platform upgrade",
    "for one of our teams",
    "only in the morning",
    "after enabling autoscaling",
    "when two jobs run in parallel",
    "after the certificate renewal",
    "since the maintenance window",
    "for large artifacts",
    "after switching runners",
    "in the payments namespace",
    "on the release branch",
    "after a node replacement",
    "when the cache is cold",
    "since Monday",
];

const SERVICES: &[&str] = &[
    "payments-api",
    "checkout-web",
    "ledger-service",
    "fraud-scoring",
    "notification-worker",
    "search-indexer",
    "user-profile",
    "inventory-sync",
    "billing-export",
    "auth-gateway",
    "report-builder",
    "order-events",
    "pricing-engine",
    "shipment-tracker",
    "catalog-api",
    "recommendation-svc",
    "audit-log",
    "media-transcoder",
    "session-cache",
    "partner-webhooks",
];

const AGENT_SIGNOFFS: &[&str] = &[
    "",
    "",
    " Let me know if anything is unclear.",
    " I will keep an eye on it.",
    " Thanks for your patience.",
    " I have linked this to our internal incident.",
    " We will update you within the day.",
    " Feel free to add anyone from your team.",
    " Sorry for the trouble.",
];

const CUSTOMER_SIGNOFFS: &[&str] = &[
    "",
    "",
    " Thanks!",
    " Much appreciated.",
    " Let me know what else you need.",
    " We are watching the dashboards.",
    " Our release is on hold until then.",
];

const BRANCHES: &[&str] = &["main", "develop", "release", "hotfix", "staging"];

const SEEN: &[&str] = &[
    "The logs show ",
    "The job output ends with ",
    "The events list ",
    "Right before the failure we see ",
    "Our monitoring reports ",
];

const ERRORS: &[&str] = &[
    "connection reset by peer",
    "context deadline exceeded",
    "403 Forbidden from the registry",
    "OOMKilled",
    "no space left on device",
    "x509: certificate signed by unknown authority",
    "rate limit exceeded",
    "Error acquiring the state lock",
    "ImagePullBackOff",
    "CrashLoopBackOff",
    "exit code 137",
    "TLS handshake timeout",
    "permission denied on the docker socket",
    "AccessDenied for sts:AssumeRole",
    "too many open files",
    "upstream connect error",
    "invalid checksum for the provider",
    "insufficient cpu on all nodes",
    "failed to flush chunk",
    "HTTP 429 Too Many Requests",
];

const TEAMS: &[&str] = &[
    "the checkout team",
    "our data engineers",
    "the mobile squad",
    "the payments team",
    "two product teams",
    "the on-call engineers",
    "our QA team",
    "the release managers",
    "the ML platform group",
    "the identity team",
    "the search team",
    "the integrations team",
];

const TRIED: &[&str] = &[
    "rerunning the job",
    "clearing the cache",
    "rolling back the last change",
    "rotating the credentials",
    "scaling the deployment up",
    "recreating the namespace",
    "pinning the previous version",
    "increasing the timeout",
    "switching to another runner",
    "draining the node",
    "reapplying the manifests",
    "refreshing the state",
    "restarting the collector",
    "raising the memory limit",
    "checking the IAM policy",
];

const CLOSINGS: &[&str] = &[
    "Is this a known issue on your side?",
    "Could you check the platform side?",
    "Please advise on next steps.",
    "Any pointers would be appreciated.",
    "We need this fixed before the Friday release.",
    "Let us know if you need more logs.",
    "This worked fine last week.",
    "Happy to jump on a call.",
];

const FEATURES: &[&str] = &[
    "longer retention",
    "a larger runner size",
    "support for ARM64 builds",
    "per-team cost reports",
    "single sign-on",
    "a staging copy of production data",
    "custom alert templates",
    "parallel deployments",
    "an approval bypass for hotfixes",
    "a newer Kubernetes version",
    "read-only access for auditors",
    "a bigger quota",
];

const BILLING: &[&str] = &[
    "Unexpected charge",
    "Invoice question",
    "Runner minutes overage",
    "Cost spike",
    "Duplicate billing line",
    "Credit request",
    "Budget alert",
    "Plan upgrade quote",
];

const BILLING_DETAILS: &[&str] = &[
    "twice the usual amount",
    "a line item we do not recognise",
    "charges after we cancelled",
    "minutes billed at the GPU rate",
    "a duplicate monthly fee",
    "usage from another team",
];

const QUESTIONS: &[&str] = &[
    "to rotate credentials for",
    "to request access to",
    "to move a team to",
    "long data is kept in",
    "to set up a new project in",
    "to get notified about changes to",
    "to configure a second environment in",
    "to export data from",
    "to share results from",
    "to limit the costs of",
];

const ARTIFACTS: &[&str] = &[
    "the full job log",
    "the output of kubectl describe pod",
    "a screenshot of the dashboard",
    "the pipeline URL",
    "the Terraform plan output",
    "the exact time of the failure",
    "the request ID from the error page",
    "the collector configuration",
    "the Helm values you deploy with",
    "the list of affected services",
];

const FINDINGS: &[&str] = &[
    "the node group hit its maximum size",
    "a certificate expired on the shared ingress",
    "the runner pool was saturated",
    "the state lock was held by a cancelled job",
    "the collector dropped spans because of its memory limit",
    "an IAM policy change removed the permission",
    "the cache key changed after the upgrade",
    "DNS propagation took longer than usual",
    "the namespace quota was reached",
    "a platform deploy briefly broke the API",
    "a retry storm overloaded the database",
    "the alert route pointed at an old receiver",
];

const AGENT_ACTIONS: &[&str] = &[
    "raised the limit for your team",
    "rolled back the platform change",
    "restarted the affected component",
    "cleared the stuck lock",
    "renewed the certificate",
    "added capacity to the runner pool",
    "fixed the alert routing",
    "updated the IAM policy",
    "purged the broken cache",
    "shipped a fix in the platform release",
];

const RESOLUTION_EXTRAS: &[&str] = &[
    "",
    " Documented in the runbook.",
    " Customer confirmed it works again.",
    " A follow-up task prevents a repeat.",
    " Monitoring now alerts on this earlier.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_become_sql_with_their_names_as_expressions() {
        assert_eq!(
            text_sql(Some(&Activity::Filed.describe(&sql_slot("creator_name")))),
            "creator_name || ' filed the issue'"
        );
        let took = Activity::Assigned {
            from: None,
            to: sql_slot("agent_name"),
            by_self: true,
        };
        assert_eq!(
            text_sql(Some(&took.describe(&sql_slot("agent_name")))),
            "agent_name || ' took the ticket (' || agent_name || ')'"
        );
        assert_eq!(text_sql(Some("it's")), "'it''s'");
        assert_eq!(text_sql(None), "NULL");
    }

    #[test]
    fn columns_that_differ_between_variants_become_a_case() {
        let columns = activity_columns(
            "u.name",
            &[
                ("internal".into(), Activity::InternalNote),
                ("NOT internal".into(), Activity::Replied),
            ],
        );
        assert_eq!(
            columns,
            "CASE WHEN internal THEN 'internal_note' WHEN NOT internal THEN 'commented' END, \
             NULL, NULL, NULL, \
             CASE WHEN internal THEN u.name || ' added an internal note' \
             WHEN NOT internal THEN u.name || ' replied' END"
        );
        let progress = Activity::Status {
            from: Open,
            to: InProgress,
            reason: None,
        };
        assert_eq!(
            activity_columns("agent_name", &[("true".into(), progress)]),
            "'status_changed', 'status', 'open', 'in_progress', \
             agent_name || ' changed the status from Open to In progress'"
        );
    }
}
