//! `supportdesk generate` on a clone of the demo database: counts match
//! the summary, the mix is as documented, every row is consistent with its
//! ticket, activity reads as the app words it, search has words to work
//! on, and form sessions show docs as the issue form records them. Sizes can be raised with GENERATE_ISSUES, GENERATE_CUSTOMERS
//! and GENERATE_BATCH.

use diesel::prelude::*;
use supportdesk::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};
use supportdesk::devdata::generate::{GenerateOptions, generate};
use supportdesk::domain::ticket::{Action, Activity};
use supportdesk::error::AppError;

use crate::helpers::doc_analytics::assert_rollups_equal_raw;
use crate::helpers::{TestDb, count as n};

#[test]
fn generates_consistent_scale_data() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let before_issues = n(&mut conn, "SELECT count(*) AS n FROM issues");
    let before_feedback = n(&mut conn, "SELECT count(*) AS n FROM doc_feedback");

    let size: usize = std::env::var("GENERATE_ISSUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let opts = GenerateOptions {
        customers: std::env::var("GENERATE_CUSTOMERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10),
        issues: size,
        feedback: size,
        batch: std::env::var("GENERATE_BATCH")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000),
    };
    let mut lines = Vec::new();
    let summary = generate(&mut conn, &opts, &mut |line| {
        eprintln!("{line}");
        lines.push(line.to_owned());
    })
    .expect("generate");
    eprintln!("{summary:?}");
    let batches = size.div_ceil(opts.batch);
    assert_eq!(lines.len(), 3 + 2 * batches);
    assert_eq!(summary.customers, opts.customers);
    assert_eq!(summary.issues, opts.issues);
    assert_eq!(summary.feedback, opts.feedback);

    // Counts match what was reported.
    let load = "SELECT id FROM customers WHERE name LIKE 'Load Customer %'";
    assert_eq!(
        n(&mut conn, &format!("SELECT count(*) AS n FROM ({load}) x")),
        opts.customers as i64
    );
    assert_eq!(
        n(&mut conn, "SELECT count(*) AS n FROM issues") - before_issues,
        opts.issues as i64
    );
    assert_eq!(
        n(&mut conn, "SELECT count(*) AS n FROM doc_feedback") - before_feedback,
        opts.feedback as i64
    );
    let comments = n(
        &mut conn,
        &format!(
            "SELECT count(*) AS n FROM comments c JOIN issues i ON i.id = c.issue_id
             WHERE i.customer_id IN ({load})"
        ),
    );
    assert_eq!(comments, summary.comments as i64);
    let activities = n(
        &mut conn,
        &format!(
            "SELECT count(*) AS n FROM issue_activities a JOIN issues i ON i.id = a.issue_id
             WHERE i.customer_id IN ({load})"
        ),
    );
    assert_eq!(activities, summary.activities as i64);
    let per_issue = comments as f64 / size as f64;
    assert!(
        (2.5..3.5).contains(&per_issue),
        "comments per issue {per_issue}"
    );
    let per_issue = activities as f64 / size as f64;
    assert!(
        (5.0..8.0).contains(&per_issue),
        "activities per issue {per_issue}"
    );

    // Setup rows.
    assert_eq!(
        n(
            &mut conn,
            &format!("SELECT count(*) AS n FROM environments WHERE customer_id IN ({load})")
        ),
        4 * opts.customers as i64
    );
    assert_eq!(
        n(
            &mut conn,
            &format!("SELECT count(*) AS n FROM customer_domains WHERE customer_id IN ({load})")
        ),
        opts.customers as i64
    );
    let users = n(
        &mut conn,
        &format!(
            "SELECT count(*) AS n FROM users WHERE customer_id IN ({load}) AND role = 'customer'"
        ),
    );
    assert!(users >= opts.customers as i64 && users <= 3 * opts.customers as i64);

    // The mix.
    let share = |conn: &mut PgConnection, filter: &str| {
        n(
            conn,
            &format!(
                "SELECT (1000 * count(*) FILTER (WHERE {filter}) / count(*)) AS n
                 FROM issues WHERE customer_id IN ({load})"
            ),
        ) as f64
            / 1000.0
    };
    for (status, expected) in [
        ("open", 0.15),
        ("in_progress", 0.10),
        ("resolved", 0.25),
        ("closed", 0.50),
    ] {
        let got = share(&mut conn, &format!("status = '{status}'"));
        assert!((got - expected).abs() < 0.03, "{status}: {got}");
    }
    let assigned = share(&mut conn, "assignee_id IS NOT NULL");
    assert!((0.55..0.70).contains(&assigned), "assigned {assigned}");
    let open_assigned = n(
        &mut conn,
        &format!(
            "SELECT (1000 * count(*) FILTER (WHERE assignee_id IS NOT NULL) / count(*)) AS n
             FROM issues WHERE customer_id IN ({load}) AND status = 'open'"
        ),
    );
    assert!(open_assigned < 400, "open assigned {open_assigned}");
    for filter in [
        "priority = 'low'",
        "priority = 'medium'",
        "priority = 'high'",
        "category = 'technical_issue'",
        "category = 'billing'",
        "category = 'feature_request'",
        "category = 'general_inquiry'",
        "pipeline_url IS NOT NULL",
    ] {
        assert!(share(&mut conn, filter) > 0.02, "{filter}");
    }

    // Constraint sanity, each query counts violations.
    let zero = [
        // Dates: in the last two years, in order, in the past.
        "SELECT count(*) AS n FROM issues WHERE updated_at < created_at
            OR created_at < now() - interval '731 days' OR updated_at > now()
            OR resolved_at < created_at OR closed_at < resolved_at",
        // Resolved and closed: resolution and dates; open: none.
        "SELECT count(*) AS n FROM issues i WHERE
            (status IN ('resolved', 'closed')) <> (resolved_at IS NOT NULL)
            OR (status = 'closed') <> (closed_at IS NOT NULL)
            OR (status IN ('resolved', 'closed'))
               <> EXISTS (SELECT 1 FROM resolutions r WHERE r.issue_id = i.id
                          AND r.resolved_at = i.resolved_at)",
        // The creator is a user of the issue's customer; the assignee an agent.
        "SELECT count(*) AS n FROM issues i JOIN users u ON u.id = i.created_by_id
         WHERE u.customer_id <> i.customer_id OR i.submitter_handle <> u.chat_handle",
        "SELECT count(*) AS n FROM issues i JOIN users u ON u.id = i.assignee_id
         WHERE u.role <> 'agent'",
        // One primary plane row, matching the issue.
        "SELECT count(*) AS n FROM issues i WHERE NOT EXISTS (
            SELECT 1 FROM issue_planes ip WHERE ip.issue_id = i.id AND ip.is_primary
            AND ip.plane_id = i.primary_plane_id)",
        // Every required field of every plane of the issue has a value.
        "SELECT count(*) AS n FROM issue_planes ip
         JOIN plane_contexts pc ON pc.plane_id = ip.plane_id AND pc.is_required AND pc.is_active
         WHERE NOT EXISTS (SELECT 1 FROM issue_plane_contexts x
                           WHERE x.issue_id = ip.issue_id AND x.plane_context_id = pc.id)",
        // Select values are options of their field; fields belong to the issue's planes.
        "SELECT count(*) AS n FROM issue_plane_contexts x
         JOIN plane_contexts pc ON pc.id = x.plane_context_id
         WHERE (pc.field_type <> 'text' AND NOT EXISTS (
                    SELECT 1 FROM plane_context_options o
                    WHERE o.plane_context_id = pc.id AND o.value = x.value))
            OR NOT EXISTS (SELECT 1 FROM issue_planes ip
                           WHERE ip.issue_id = x.issue_id AND ip.plane_id = pc.plane_id)",
        // Only agents write internal notes; comments and activity within the issue's life.
        "SELECT count(*) AS n FROM comments c JOIN users u ON u.id = c.author_id
         WHERE c.is_internal AND u.role = 'customer'",
        "SELECT count(*) AS n FROM comments c JOIN issues i ON i.id = c.issue_id
         WHERE c.created_at < i.created_at OR c.created_at > i.updated_at",
        "SELECT count(*) AS n FROM issue_activities a JOIN issues i ON i.id = a.issue_id
         WHERE a.created_at < i.created_at OR a.created_at > i.updated_at",
        // Exactly one 'created' entry per issue; one activity per comment.
        "SELECT count(*) AS n FROM issues i WHERE (SELECT count(*) FROM issue_activities a
            WHERE a.issue_id = i.id AND a.action = 'created') <> 1",
        // Feedback: copied doc fields, consistent with its issue.
        "SELECT count(*) AS n FROM doc_feedback f JOIN docs d ON d.id = f.doc_id
         WHERE d.url <> f.doc_url OR d.doc_type <> f.doc_type",
        "SELECT count(*) AS n FROM doc_feedback f JOIN issues i ON i.id = f.issue_id
         WHERE f.customer_id <> i.customer_id OR f.primary_plane_id <> i.primary_plane_id
            OR f.user_id <> i.created_by_id OR f.created_at > i.created_at",
        "SELECT count(*) AS n FROM doc_feedback WHERE issue_context IS NULL
            OR customer_id IS NULL OR primary_plane_id IS NULL OR doc_id IS NULL
            OR created_at > now() OR created_at < now() - interval '731 days'",
        // Snapshots, demo and generated, have the app's shape: they name
        // the form session they were taken in.
        "SELECT count(*) AS n FROM doc_feedback
         WHERE issue_context->>'form_session_id' IS DISTINCT FROM form_session_id::text",
    ];
    for sql in zero {
        assert_eq!(n(&mut conn, sql), 0, "{sql}");
    }

    // Form sessions: every click's, and quiet ones; the docs each showed.
    let sessions = format!("SELECT id FROM form_sessions WHERE customer_id IN ({load})");
    assert_eq!(
        n(
            &mut conn,
            &format!("SELECT count(*) AS n FROM ({sessions}) x")
        ),
        summary.form_sessions as i64
    );
    assert_eq!(
        n(
            &mut conn,
            &format!(
                "SELECT count(*) AS n FROM doc_impressions WHERE form_session_id IN ({sessions})"
            )
        ),
        summary.impressions as i64
    );
    let click_sessions = n(
        &mut conn,
        &format!(
            "SELECT count(DISTINCT form_session_id) AS n FROM doc_feedback
             WHERE customer_id IN ({load})"
        ),
    );
    let quiet = summary.form_sessions as i64 - click_sessions;
    assert!(
        quiet > click_sessions / 3 && quiet < click_sessions * 2 / 3,
        "quiet sessions {quiet} of {}",
        summary.form_sessions
    );
    let per_session = summary.impressions as f64 / summary.form_sessions as f64;
    assert!(
        (2.5..4.5).contains(&per_session),
        "docs shown per session {per_session}"
    );
    // Clicked means shown (the demo's clicks too, unranked); the generated
    // ones at a rank, after their session started.
    assert_eq!(
        n(
            &mut conn,
            &format!(
                "SELECT count(*) AS n FROM doc_feedback f WHERE NOT EXISTS (
                    SELECT 1 FROM doc_impressions i JOIN form_sessions s ON s.id = i.form_session_id
                    WHERE i.form_session_id = f.form_session_id AND i.doc_id = f.doc_id
                      AND i.first_shown_at <= f.created_at AND s.started_at <= i.first_shown_at
                      AND (i.best_rank IS NOT NULL OR f.customer_id NOT IN ({load})))"
            )
        ),
        0
    );
    let sessions_zero = [
        // A session is its clicks' customer, user, plane and issue.
        "SELECT count(*) AS n FROM doc_feedback f JOIN form_sessions s ON s.id = f.form_session_id
         WHERE s.customer_id <> f.customer_id OR s.user_id <> f.user_id
            OR s.primary_plane_id <> f.primary_plane_id
            OR s.issue_id IS DISTINCT FROM f.issue_id",
        // A filed session has its issue's customer and plane and started before it.
        "SELECT count(*) AS n FROM form_sessions s JOIN issues i ON i.id = s.issue_id
         WHERE s.customer_id <> i.customer_id OR s.primary_plane_id <> i.primary_plane_id
            OR s.started_at > i.created_at",
        // Shown docs are active docs of the session's plane, ranked from 1, in the past.
        "SELECT count(*) AS n FROM doc_impressions i JOIN form_sessions s ON s.id = i.form_session_id
         JOIN docs d ON d.id = i.doc_id
         WHERE NOT d.is_active OR i.best_rank NOT BETWEEN 1 AND 5 OR i.first_shown_at > now()
            OR NOT EXISTS (SELECT 1 FROM doc_planes dp WHERE dp.doc_id = d.id
                           AND dp.plane_id = s.primary_plane_id)",
        // A session without a plane was shown nothing.
        "SELECT count(*) AS n FROM doc_impressions i JOIN form_sessions s ON s.id = i.form_session_id
         WHERE s.primary_plane_id IS NULL",
        "SELECT count(*) AS n FROM form_sessions WHERE started_at > updated_at
            OR started_at > now() OR started_at < now() - interval '732 days'",
    ];
    for sql in sessions_zero {
        assert_eq!(n(&mut conn, sql), 0, "{sql}");
    }
    assert!(
        n(
            &mut conn,
            &format!(
                "SELECT count(*) AS n FROM form_sessions s WHERE s.customer_id IN ({load})
                 AND s.primary_plane_id IS NULL"
            )
        ) > 0,
        "some quiet sessions left before choosing an area"
    );

    // The doc analytics' rollups were rebuilt over the generated history.
    assert_rollups_equal_raw(&mut conn, "after generate");

    let linked = n(
        &mut conn,
        "SELECT (1000 * count(*) FILTER (WHERE issue_id IS NOT NULL) / count(*)) AS n
         FROM doc_feedback WHERE customer_id IN (SELECT id FROM customers
                                                 WHERE name LIKE 'Load Customer %')",
    );
    assert!((250..350).contains(&linked), "linked feedback {linked}‰");
    // Snapshots of linked clicks carry the issue's fields.
    assert!(
        n(
            &mut conn,
            "SELECT count(*) AS n FROM doc_feedback
             WHERE issue_id IS NOT NULL AND issue_context->'contexts' <> '{}'::jsonb"
        ) > 0
    );
    // Full-text search has varied text to work on.
    let titles = n(&mut conn, "SELECT count(DISTINCT title) AS n FROM issues");
    let bodies = n(&mut conn, "SELECT count(DISTINCT body) AS n FROM comments");
    eprintln!("distinct titles {titles}, comment bodies {bodies}");
    assert!(titles > (size as i64) / 10, "distinct titles {titles}");
    assert!(
        bodies > (size as i64) / 10,
        "distinct comment bodies {bodies}"
    );
    assert!(
        n(
            &mut conn,
            "SELECT count(*) AS n FROM issues
             WHERE search @@ websearch_to_tsquery('english', 'karpenter')"
        ) > 0
    );
    // Every ticket's comment words were kept for the queue's search, and
    // loading them did not count as an edit (updated_at stays historical).
    assert_eq!(
        n(
            &mut conn,
            "SELECT count(*) AS n FROM issues i WHERE i.comment_search
                <> (SELECT coalesce(tsvector_agg(c.search ORDER BY c.created_at, c.id), '')
                    FROM comments c WHERE c.issue_id = i.id)"
        ),
        0
    );
    assert!(
        n(
            &mut conn,
            "SELECT count(*) AS n FROM issues WHERE updated_at > now() - interval '1 minute'"
        ) < (size as i64) / 20
    );
    // Numbers follow filing order.
    assert_eq!(
        n(
            &mut conn,
            &format!(
                "SELECT count(*) AS n FROM (
                    SELECT created_at < lag(created_at) OVER (ORDER BY number)
                           - interval '1 hour' AS backwards
                    FROM issues WHERE customer_id IN ({load})) x WHERE backwards"
            )
        ),
        0
    );

    // Every activity row, the demo's and the generated ones, reads exactly
    // as the app words it: rebuilt from its stored action and values, the
    // domain's sentence is the stored one.
    let logged: Vec<Logged> = diesel::sql_query(
        "SELECT a.action, a.field, a.from_value, a.to_value, a.description, u.name AS actor,
                a.actor_id = i.assignee_id AS by_assignee
         FROM issue_activities a JOIN issues i ON i.id = a.issue_id
         JOIN users u ON u.id = a.actor_id",
    )
    .load(&mut conn)
    .unwrap();
    assert!(logged.len() as i64 >= activities);
    for row in &logged {
        let activity = as_the_app_logs(row);
        let (from, to) = activity.values();
        assert_eq!(
            (
                row.field.as_deref(),
                row.from_value.as_deref(),
                row.to_value.as_deref(),
                row.description.as_str()
            ),
            (
                activity.field(),
                from,
                to,
                activity.describe(&row.actor).as_str()
            ),
            "{} by {}",
            row.action,
            row.actor
        );
    }

    // A second run is refused and adds nothing.
    let again = generate(&mut conn, &opts, &mut |_| {});
    assert!(matches!(again, Err(AppError::BadRequest(_))), "{again:?}");
    assert_eq!(
        n(&mut conn, &format!("SELECT count(*) AS n FROM ({load}) x")),
        opts.customers as i64
    );
}

#[derive(QueryableByName)]
struct Logged {
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    field: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    from_value: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    to_value: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    description: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor: String,
    /// Whether the actor is the ticket's assignee (who took it, for an
    /// assignment: neither the seed nor the generator reassigns).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Bool>)]
    by_assignee: Option<bool>,
}

/// The entry the app would log for a stored row's action and values.
fn as_the_app_logs(row: &Logged) -> Activity {
    let from = row.from_value.as_deref().unwrap_or_default();
    let to = row.to_value.as_deref().unwrap_or_default();
    let action = Action::parse(&row.action).unwrap_or_else(|| panic!("action {}", row.action));
    match action {
        Action::Created => Activity::Filed,
        Action::Commented => Activity::Replied,
        Action::InternalNote => Activity::InternalNote,
        Action::StatusChanged => Activity::Status {
            from: IssueStatus::parse(from).unwrap(),
            to: IssueStatus::parse(to).unwrap(),
            reason: None,
        },
        Action::PriorityChanged => Activity::Priority {
            from: IssuePriority::parse(from).unwrap(),
            to: IssuePriority::parse(to).unwrap(),
        },
        Action::CategoryChanged => Activity::Category {
            from: IssueCategory::parse(from).unwrap(),
            to: IssueCategory::parse(to).unwrap(),
        },
        Action::Assigned => Activity::Assigned {
            from: row.from_value.clone(),
            to: to.to_owned(),
            by_self: row.by_assignee == Some(true),
        },
        Action::Unassigned => Activity::Unassigned {
            from: row.from_value.clone(),
        },
    }
}
