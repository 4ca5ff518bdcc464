//! What the issue form records for the doc analytics, driven through the
//! real form: one form session per rendering however often it refreshes,
//! each doc shown once per session with its best rank, one statement per
//! refresh, clicks and filing tied to their session, and nothing added to
//! someone else's session.

use std::collections::BTreeMap;

use crate::helpers::issue_form::{Fields, fresh_form, post, set};
use crate::helpers::{TestApp, html};

fn session_of(fields: &Fields) -> String {
    fields
        .iter()
        .find(|(k, _)| k == "form_session_id")
        .map(|(_, v)| v.clone())
        .unwrap()
}

/// The doc ids a form page suggests, best first.
fn suggested(body: &str) -> Vec<String> {
    html::attrs(&html::parse(body), "#suggestions li.suggestion", "id")
        .into_iter()
        .map(|id| id.trim_start_matches("doc-").to_owned())
        .collect()
}

/// Calls of the one statement that records a refresh, in this database.
fn recording_statements(app: &TestApp) -> i64 {
    app.count(
        "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements \
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND query LIKE '%INSERT INTO doc_impressions%' AND query LIKE '%form_sessions%' \
         AND query NOT ILIKE '%pg_stat_statements%'",
    )
}

/// Every statement that writes either table, whatever its shape.
fn writes_to_recording_tables(app: &TestApp) -> i64 {
    app.count(
        "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements \
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND (query ILIKE '%INSERT INTO doc_impressions%' OR query ILIKE '%INSERT INTO form_sessions%' \
              OR query ILIKE '%UPDATE form_sessions%' OR query ILIKE '%UPDATE doc_impressions%') \
         AND query NOT ILIKE '%pg_stat_statements%'",
    )
}

#[tokio::test]
async fn ten_refreshes_are_one_session_with_each_doc_once_at_its_best_rank() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut fields = fresh_form(&app).await;
    let session = session_of(&fields);
    // The first rendering is a session already, before anything is shown.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM form_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = '{session}' AND u.email = 'customer1@example.com' \
             AND s.customer_id = u.customer_id AND s.primary_plane_id IS NULL \
             AND s.issue_id IS NULL"
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM doc_impressions WHERE form_session_id = '{session}'"
        )),
        0
    );

    // Ten refreshes as the customer types and changes area: the ranking
    // moves, the session stays one.
    set(&mut fields, "primary_plane", "eks");
    let titles = [
        "Pods",
        "Pods pending",
        "Pods pending after scale down",
        "Pods pending after scale down karpenter",
        "Node group upgrade",
        "Node group upgrade fails",
        "Cluster upgrade",
        "Cluster upgrade 1.31",
        "Logs missing",
        "Logs missing in dashboards",
    ];
    let before = recording_statements(&app);
    let writes_before = writes_to_recording_tables(&app);
    let mut best: BTreeMap<String, usize> = BTreeMap::new();
    for (i, title) in titles.iter().enumerate() {
        set(&mut fields, "title", title);
        if i == 8 {
            set(&mut fields, "primary_plane", "observability");
        }
        let res = post(&app, "/issues/new/fields", &fields).await;
        assert_eq!(res.status(), 200);
        for (rank, doc) in suggested(&res.text().await.unwrap())
            .into_iter()
            .enumerate()
        {
            let rank = rank + 1;
            best.entry(doc)
                .and_modify(|r| *r = (*r).min(rank))
                .or_insert(rank);
        }
    }
    assert!(best.len() > 5, "the ranking moved: {best:?}");
    assert_eq!(
        recording_statements(&app) - before,
        10,
        "one recording statement per refresh"
    );
    assert_eq!(
        writes_to_recording_tables(&app) - writes_before,
        10,
        "and no other write"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM form_sessions WHERE id = '{session}'"
        )),
        1
    );
    assert_eq!(
        app.text(&format!(
            "SELECT p.slug AS s FROM form_sessions s JOIN planes p ON p.id = s.primary_plane_id \
             WHERE s.id = '{session}'"
        )),
        "observability",
        "the session's plane follows the form"
    );
    let recorded: BTreeMap<String, usize> = app
        .text(&format!(
            "SELECT string_agg(doc_id::text || '=' || best_rank, ',' ORDER BY doc_id) AS s \
             FROM doc_impressions WHERE form_session_id = '{session}'"
        ))
        .split(',')
        .map(|pair| {
            let (doc, rank) = pair.split_once('=').unwrap();
            (doc.to_owned(), rank.parse().unwrap())
        })
        .collect();
    assert_eq!(recorded, best, "each doc once, at the best rank it reached");
}

#[tokio::test]
async fn clicks_and_filing_belong_to_the_session_and_clicked_means_shown() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut fields = fresh_form(&app).await;
    let session = session_of(&fields);
    set(&mut fields, "primary_plane", "eks");
    set(&mut fields, "title", "Pods pending after scale down");
    set(&mut fields, "description", "karpenter does not add nodes");
    let res = post(&app, "/issues/new/fields", &fields).await;
    let docs = suggested(&res.text().await.unwrap());
    assert!(docs.len() >= 2);

    let mut click = fields.clone();
    click.push(("feedback".into(), format!("dismissed:{}", docs[1])));
    assert_eq!(
        post(&app, "/issues/new/feedback", &click).await.status(),
        200
    );
    let impressions = app.count(&format!(
        "SELECT count(*) AS n FROM doc_impressions WHERE form_session_id = '{session}'"
    ));
    assert_eq!(impressions, docs.len() as i64, "a click adds no impression");

    // Filing links the session to its issue and its plane.
    set(&mut fields, "submitter_handle", "@casey");
    set(&mut fields, "ctx.eks.cluster_version", "1.31");
    let res = post(&app, "/issues", &fields).await;
    assert_eq!(res.status(), 303);
    let number: i64 = res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/issues/")
        .parse()
        .unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM form_sessions s JOIN issues i ON i.id = s.issue_id \
             WHERE s.id = '{session}' AND i.number = {number} \
             AND s.primary_plane_id = i.primary_plane_id"
        )),
        1
    );

    // Feedback written without the form (as the demo seed and the load
    // generator write it) still has its session and impression.
    app.exec(
        "INSERT INTO doc_feedback (doc_id, doc_url, doc_type, marked_helpful, user_id, \
             customer_id, primary_plane_id, form_session_id, issue_context) \
         SELECT d.id, d.url, d.doc_type, true, u.id, u.customer_id, \
                (SELECT id FROM planes WHERE slug = 'eks'), \
                'f0000000-0000-4000-8000-000000000001', '{}' \
         FROM docs d, users u WHERE u.email = 'customer2@example.com' AND d.is_active LIMIT 2",
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM form_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = 'f0000000-0000-4000-8000-000000000001' \
             AND u.email = 'customer2@example.com'"
        ),
        1
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM doc_impressions \
             WHERE form_session_id = 'f0000000-0000-4000-8000-000000000001' AND best_rank IS NULL"
        ),
        2
    );
    // Every click of the demo data has its session and impression.
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM doc_feedback f WHERE f.doc_id IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM doc_impressions i WHERE i.form_session_id = f.form_session_id \
              AND i.doc_id = f.doc_id)"
        ),
        0
    );
}

#[tokio::test]
async fn another_persons_form_session_gains_nothing() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut theirs = fresh_form(&app).await;
    let session = session_of(&theirs);
    set(&mut theirs, "primary_plane", "eks");
    set(&mut theirs, "title", "Pods pending");
    let res = post(&app, "/issues/new/fields", &theirs).await;
    let docs = suggested(&res.text().await.unwrap());
    let shown = |app: &TestApp| {
        app.count(&format!(
            "SELECT count(*) AS n FROM doc_impressions WHERE form_session_id = '{session}'"
        ))
    };
    let before = shown(&app);

    // A user of the same customer posts with that session id.
    let other = app.other_browser();
    other.sign_in("customer2@example.com").await;
    let mut mine = fresh_form(&other).await;
    set(&mut mine, "form_session_id", &session);
    set(&mut mine, "primary_plane", "observability");
    set(&mut mine, "title", "Logs missing in dashboards");
    let res = post(&other, "/issues/new/fields", &mine).await;
    assert_eq!(res.status(), 200);
    assert_eq!(shown(&app), before, "no impressions added");
    assert_eq!(
        app.text(&format!(
            "SELECT p.slug AS s FROM form_sessions s JOIN planes p ON p.id = s.primary_plane_id \
             WHERE s.id = '{session}'"
        )),
        "eks",
        "nor the plane changed"
    );
    let feedback = app.count("SELECT count(*) AS n FROM doc_feedback");
    let mut click = mine.clone();
    click.push(("feedback".into(), format!("helpful:{}", docs[0])));
    let res = post(&other, "/issues/new/feedback", &click).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM doc_feedback"),
        feedback
    );
}
