//! `/admin/analytics/docs` and its rollups: the daily rollups equal what
//! the raw tables say after each kind of change (new sessions, clicks,
//! filing, a session of an earlier day filed later) and after a rebuild.

use diesel::prelude::*;
use supportdesk::db::queries::doc_rollups::{self, Refreshed, Wait};

use crate::helpers::doc_analytics::assert_rollups_equal_raw;
use crate::helpers::{TestApp, html};

type Fields = Vec<(String, String)>;

fn set(fields: &mut Fields, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.into(), value.into()));
}

async fn post(app: &TestApp, path: &str, fields: &Fields) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// A fresh form's hidden fields and production environment.
async fn fresh_form(app: &TestApp) -> Fields {
    let doc = html::parse(&app.get("/issues/new").await.text().await.unwrap());
    let hidden = |name: &str| {
        html::attrs(&doc, &format!("#issue-form input[name={name}]"), "value")
            .pop()
            .unwrap_or_default()
    };
    let env = html::attrs(&doc, "#environment_id option", "value")
        .into_iter()
        .zip(html::texts(&doc, "#environment_id option"))
        .find(|(_, label)| label.contains("prod"))
        .map(|(v, _)| v)
        .expect("a production environment");
    vec![
        ("csrf_token".into(), hidden("csrf_token")),
        ("form_session_id".into(), hidden("form_session_id")),
        ("submit_token".into(), hidden("submit_token")),
        ("environment_id".into(), env),
    ]
}

fn field(fields: &Fields, name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The doc ids a form page suggests, best first.
fn suggested(body: &str) -> Vec<String> {
    html::attrs(&html::parse(body), "#suggestions li.suggestion", "id")
        .into_iter()
        .map(|id| id.trim_start_matches("doc-").to_owned())
        .collect()
}

fn refresh(app: &TestApp) -> Refreshed {
    doc_rollups::refresh(&mut app.db.conn(), Wait::Yes).unwrap()
}

/// One form session through the real form: EKS with a title, docs shown;
/// a click on the first doc (`helpful` or `dismissed`) when asked; filed
/// when asked. Returns its form session id.
async fn session(app: &TestApp, title: &str, click: Option<&str>, file: bool) -> String {
    let mut fields = fresh_form(app).await;
    set(&mut fields, "primary_plane", "eks");
    set(&mut fields, "title", title);
    set(
        &mut fields,
        "description",
        "Pods stay Pending after the node group change",
    );
    set(&mut fields, "ctx.eks.cluster_version", "1.31");
    let res = post(app, "/issues/new/fields", &fields).await;
    assert_eq!(res.status(), 200);
    let docs = suggested(&res.text().await.unwrap());
    assert!(!docs.is_empty(), "docs suggested for {title}");
    if let Some(verdict) = click {
        let mut with = fields.clone();
        with.push(("feedback".into(), format!("{verdict}:{}", docs[0])));
        assert_eq!(post(app, "/issues/new/feedback", &with).await.status(), 200);
    }
    if file {
        set(&mut fields, "submitter_handle", "@casey");
        assert_eq!(post(app, "/issues", &fields).await.status(), 303);
    }
    field(&fields, "form_session_id")
}

/// Moves a session (and what it showed and clicked) `days` into the past.
fn age(app: &TestApp, session: &str, days: i32) {
    app.exec(&format!(
        "UPDATE form_sessions SET started_at = started_at - interval '{days} days',
             updated_at = updated_at - interval '{days} days' WHERE id = '{session}'"
    ));
    app.exec(&format!(
        "UPDATE doc_impressions SET first_shown_at = first_shown_at - interval '{days} days'
         WHERE form_session_id = '{session}'"
    ));
    app.exec(&format!(
        "UPDATE doc_feedback SET created_at = created_at - interval '{days} days'
         WHERE form_session_id = '{session}'"
    ));
}

#[tokio::test]
async fn the_rollups_equal_the_raw_tables_after_every_kind_of_change() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    // History: sessions of earlier days, written as if then.
    let deflected = session(
        &app,
        "Pods pending after scale down",
        Some("helpful"),
        false,
    )
    .await;
    let dismissed = session(&app, "Node group upgrade fails", Some("dismissed"), true).await;
    let open = session(&app, "Cluster upgrade stuck", None, false).await;
    age(&app, &deflected, 3);
    age(&app, &dismissed, 3);
    age(&app, &open, 2);
    // Written in the past: the next refresh must rebuild, as the load
    // generator and the demo seed make it.
    doc_rollups::invalidate(&mut app.db.conn()).unwrap();
    assert_eq!(refresh(&app), Refreshed::Rebuilt);
    assert_rollups_equal_raw(&mut app.db.conn(), "after a rebuild");

    // Today's sessions: only today is recomputed.
    session(&app, "Pods evicted", Some("helpful"), true).await;
    session(&app, "Ingress timeouts", None, false).await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(refresh(&app), Refreshed::Days(vec![today]));
    assert_rollups_equal_raw(&mut app.db.conn(), "after today's sessions");

    // The session from two days ago comes back and is filed today: its
    // day is recomputed (the figures stay under the day it started).
    let mut conn = app.db.conn();
    let (customer, user): (uuid::Uuid, uuid::Uuid) = {
        use supportdesk::db::schema::form_sessions as s;
        s::table
            .find(uuid::Uuid::parse_str(&open).unwrap())
            .select((s::customer_id, s::user_id.assume_not_null()))
            .first(&mut conn)
            .unwrap()
    };
    let issue: uuid::Uuid = {
        use supportdesk::db::schema::issues as i;
        i::table
            .filter(i::customer_id.eq(customer))
            .select(i::id)
            .first(&mut conn)
            .unwrap()
    };
    let eks = app.text("SELECT id::text AS s FROM planes WHERE slug = 'eks'");
    supportdesk::db::models::doc_impressions::mark_filed(
        &mut conn,
        uuid::Uuid::parse_str(&open).unwrap(),
        user,
        customer,
        issue,
        uuid::Uuid::parse_str(&eks).unwrap(),
    )
    .unwrap();
    // Today's sessions changed minutes ago, so their day is looked at
    // again (a refresh looks back past the previous one); the day of the
    // other old sessions is not.
    let two_days_ago = today - chrono::Days::new(2);
    assert_eq!(refresh(&app), Refreshed::Days(vec![two_days_ago, today]));
    assert_rollups_equal_raw(&mut app.db.conn(), "after an old session was filed");
    // A second refresher does not wait for the first.
    let mut holder = app.db.conn();
    holder
        .transaction(|conn| {
            supportdesk::db::lock::xact_lock(conn, "supportdesk:doc-rollups")?;
            assert_eq!(
                doc_rollups::refresh(&mut app.db.conn(), Wait::No).unwrap(),
                Refreshed::Busy
            );
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
}
