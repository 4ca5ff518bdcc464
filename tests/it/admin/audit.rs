//! `/admin/audit`: rows newest first with who, when, kind, action, object
//! and the changed fields before → after; filters by kind and admin;
//! keyset pages; notices for unknown filters; a fixed number of
//! statements. Rows are written with the app's own
//! `admin_audit::record`, and by inviting someone (the one admin change
//! that exists on this branch).

use diesel::prelude::*;
use serde_json::{Value, json};
use supportdesk::db::models::admin_audit::{self, Change};
use supportdesk::db::models::enums::AuditKind;
use supportdesk::db::models::users::{self, User};
use uuid::Uuid;

use crate::helpers::{TestApp, html};

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

fn user(conn: &mut PgConnection, email: &str) -> User {
    users::find_by_email(conn, email).unwrap().unwrap()
}

/// Records one change by `actor` through the app's own function.
fn record(
    conn: &mut PgConnection,
    actor: &User,
    kind: AuditKind,
    action: &str,
    label: &str,
    before: Option<Value>,
    after: Option<Value>,
) {
    admin_audit::record(
        conn,
        actor,
        &Change {
            kind,
            action,
            object_id: Some(Uuid::new_v4()),
            object_label: label,
            before,
            after,
        },
    )
    .unwrap();
}

async fn page(app: &TestApp, path: &str) -> scraper::Html {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    html::parse(&res.text().await.unwrap())
}

fn labels(doc: &scraper::Html) -> Vec<String> {
    html::texts(doc, ".audit-entry .object")
}

#[tokio::test]
async fn rows_show_who_when_what_and_only_the_changed_fields() {
    let app = admin_app().await;
    let mut conn = app.db.conn();
    let admin = user(&mut conn, "admin@example.com");
    record(
        &mut conn,
        &admin,
        AuditKind::Customer,
        "created",
        "Initech",
        None,
        Some(json!({"name": "Initech", "domains": ["initech.example", "initrode.example"]})),
    );
    record(
        &mut conn,
        &admin,
        AuditKind::User,
        "updated",
        "agent1@example.com",
        Some(json!({"name": "Agent One", "role": "agent", "chat_handle": null, "disabled": false})),
        Some(
            json!({"name": "Agent One", "role": "admin", "chat_handle": "@one", "disabled": false}),
        ),
    );

    let doc = page(&app, "/admin/audit").await;
    assert_eq!(labels(&doc), vec!["agent1@example.com", "Initech"]);
    let entries = html::texts(&doc, ".audit-entry");
    assert!(entries[0].contains("Ada Admin"), "{}", entries[0]);
    assert_eq!(
        html::texts(&doc, ".audit-entry .actor"),
        vec!["Ada Admin"; 2]
    );
    assert_eq!(
        html::texts(&doc, ".audit-entry .kind"),
        vec!["Users", "Customers"]
    );
    assert_eq!(
        html::texts(&doc, ".audit-entry .action"),
        vec!["updated", "created"]
    );

    // The update: only role and chat_handle, each before → after.
    let update = "ol.audit-log > li:nth-child(1)";
    assert_eq!(
        html::texts(&doc, &format!("{update} dt")),
        vec!["chat_handle", "role"]
    );
    assert_eq!(
        html::texts(&doc, &format!("{update} dd")),
        vec!["(none) → @one", "agent → admin"]
    );
    assert_eq!(
        html::texts(&doc, &format!("{update} .before")),
        vec!["(none)", "agent"]
    );
    // The creation: only after.
    let creation = "ol.audit-log > li:nth-child(2)";
    assert_eq!(
        html::texts(&doc, &format!("{creation} dd")),
        vec!["initech.example, initrode.example", "Initech"]
    );
    assert!(html::texts(&doc, &format!("{creation} .before")).is_empty());

    // When: a <time> whose datetime has at most three fraction digits.
    let times = html::attrs(&doc, ".audit-entry time", "datetime");
    assert_eq!(times.len(), 2);
    for t in &times {
        let (_, fraction) = t.split_once('.').expect("fraction");
        assert_eq!(fraction.len(), 4, "{t}: three digits and Z");
        assert!(t.ends_with('Z'), "{t}");
        assert!(chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{t}");
    }
}

#[tokio::test]
async fn stored_values_are_shown_as_text_never_as_markup() {
    let app = admin_app().await;
    let mut conn = app.db.conn();
    let admin = user(&mut conn, "admin@example.com");
    record(
        &mut conn,
        &admin,
        AuditKind::Doc,
        "updated",
        "<script>alert(1)</script>",
        Some(json!({"title": "<b>old</b>"})),
        Some(json!({"title": "<img src=x onerror=alert(2)>"})),
    );
    let body = app.get("/admin/audit").await.text().await.unwrap();
    let doc = html::parse(&body);
    assert!(html::texts(&doc, "main script").is_empty());
    assert!(html::texts(&doc, "main img, main b").is_empty());
    assert_eq!(labels(&doc), vec!["<script>alert(1)</script>"]);
    assert_eq!(
        html::texts(&doc, ".audit-entry dd"),
        vec!["<b>old</b> → <img src=x onerror=alert(2)>"]
    );
}

#[tokio::test]
async fn the_log_filters_by_kind_and_by_admin() {
    let app = admin_app().await;
    let mut conn = app.db.conn();
    let admin = user(&mut conn, "admin@example.com");
    // A second admin, and a former one (demoted since): both keep their rows.
    app.exec(
        "UPDATE users SET role = 'admin', name = 'Zed Second' WHERE email = 'agent2@example.com'",
    );
    let second = user(&mut conn, "agent2@example.com");
    let former = user(&mut conn, "agent1@example.com");
    let after = Some(json!({"name": "x"}));
    record(
        &mut conn,
        &admin,
        AuditKind::Customer,
        "created",
        "c-admin",
        None,
        after.clone(),
    );
    record(
        &mut conn,
        &second,
        AuditKind::Customer,
        "created",
        "c-second",
        None,
        after.clone(),
    );
    record(
        &mut conn,
        &second,
        AuditKind::Doc,
        "created",
        "d-second",
        None,
        after.clone(),
    );
    record(
        &mut conn,
        &former,
        AuditKind::Plane,
        "updated",
        "p-former",
        None,
        after.clone(),
    );

    let doc = page(&app, "/admin/audit?kind=customer").await;
    assert_eq!(labels(&doc), vec!["c-second", "c-admin"]);
    assert_eq!(
        html::attrs(&doc, "#kind option[selected]", "value"),
        vec!["customer"]
    );

    let doc = page(&app, &format!("/admin/audit?actor={}", second.id)).await;
    assert_eq!(labels(&doc), vec!["d-second", "c-second"]);
    assert_eq!(
        html::attrs(&doc, "#actor option[selected]", "value"),
        vec![second.id.to_string()]
    );

    let doc = page(
        &app,
        &format!("/admin/audit?kind=customer&actor={}", second.id),
    )
    .await;
    assert_eq!(labels(&doc), vec!["c-second"]);

    // The former admin is a choice; people without rows are not.
    let doc = page(&app, &format!("/admin/audit?actor={}", former.id)).await;
    assert_eq!(labels(&doc), vec!["p-former"]);
    let choices = html::attrs(&doc, "#actor option", "value");
    let mut expected = vec![
        String::new(),
        admin.id.to_string(),
        former.id.to_string(),
        second.id.to_string(),
    ];
    expected.sort();
    let mut sorted = choices.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    // Options read by name: Admin…, Agent One…, Zed Second….
    let names = html::texts(&doc, "#actor option");
    assert_eq!(names[0], "Every admin");
    assert!(names[3].starts_with("Zed Second"), "{names:?}");
    // The empty filter says so rather than looking like an empty log.
    let doc = page(
        &app,
        &format!("/admin/audit?kind=import&actor={}", admin.id),
    )
    .await;
    assert!(labels(&doc).is_empty());
    assert!(html::text(&doc, ".empty-state").contains("match these filters"));
}

#[tokio::test]
async fn unknown_filters_and_damaged_links_are_notices_not_errors() {
    let app = admin_app().await;
    let mut conn = app.db.conn();
    let admin = user(&mut conn, "admin@example.com");
    record(
        &mut conn,
        &admin,
        AuditKind::Doc,
        "created",
        "only-row",
        None,
        Some(json!({})),
    );
    let agent = user(&mut conn, "agent1@example.com");
    for (query, notice) in [
        ("kind=planet", "kind of change is unknown"),
        ("kind=%00", "kind of change is unknown"),
        ("actor=not-a-uuid", "no changes in the log"),
        (
            &*format!("actor={}", Uuid::new_v4()),
            "no changes in the log",
        ),
        // Someone real who has no rows.
        (&*format!("actor={}", agent.id), "no changes in the log"),
        ("before=garbage", "page link is damaged"),
        (
            "before=-300000000000000000.00000000-0000-0000-0000-000000000000",
            "page link is damaged",
        ),
        (
            &*format!("kind={}", "x".repeat(5000)),
            "kind of change is unknown",
        ),
    ] {
        let doc = page(&app, &format!("/admin/audit?{query}")).await;
        assert!(
            html::text(&doc, ".flash-warning").contains(notice),
            "{query}: {}",
            html::text(&doc, ".flash-warning")
        );
        // The filter is dropped: the whole log shows.
        assert_eq!(labels(&doc), vec!["only-row"], "{query}");
    }
    // A repeated parameter is a bad request, never a server error.
    let status = app.get("/admin/audit?kind=user&kind=doc").await.status();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let app = admin_app().await;
    let mut conn = app.db.conn();
    let admin = user(&mut conn, "admin@example.com");
    // 120 rows in one transaction share one created_at: the id orders them.
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for i in 0..120 {
            let label = format!("row-{i:03}");
            record(
                conn,
                &admin,
                AuditKind::Doc,
                "created",
                &label,
                None,
                Some(json!({"n": i})),
            );
        }
        Ok(())
    })
    .unwrap();
    let mut seen = Vec::new();
    let mut path = "/admin/audit?kind=doc".to_owned();
    let mut pages = 0;
    loop {
        let doc = page(&app, &path).await;
        pages += 1;
        seen.extend(labels(&doc));
        match html::attrs(&doc, "nav.pagination a[rel=next]", "href").pop() {
            Some(next) => {
                assert!(next.contains("kind=doc"), "{next}");
                // Older pages link back to the newest.
                path = next;
            }
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 120, "every row once");
    assert_eq!(seen.len(), 120);
    let doc = page(&app, &path).await;
    assert_eq!(
        html::attrs(&doc, "nav.pagination a:not([rel])", "href"),
        vec!["/admin/audit?kind=doc&actor="]
    );
}

#[tokio::test]
async fn the_page_runs_the_same_statements_for_few_rows_and_many() {
    let app = admin_app().await;
    let mut conn = app.db.conn();
    let admin = user(&mut conn, "admin@example.com");
    record(
        &mut conn,
        &admin,
        AuditKind::Doc,
        "created",
        "one",
        None,
        Some(json!({})),
    );
    let few = app.statements_for("/admin/audit").await;
    let people: Vec<User> = ["agent1@example.com", "agent2@example.com"]
        .iter()
        .map(|e| user(&mut conn, e))
        .collect();
    for i in 0..200 {
        let actor = [&admin, &people[0], &people[1]][i % 3];
        record(
            &mut conn,
            actor,
            AuditKind::User,
            "updated",
            &format!("u{i}"),
            Some(json!({"name": "a", "role": "agent"})),
            Some(json!({"name": "b", "role": "admin"})),
        );
    }
    let many = app.statements_for("/admin/audit").await;
    assert_eq!(few, many, "statements grow with the rows");
    assert!(many >= 2, "counting works ({many})");
    assert!(many <= 4, "/admin/audit ran {many} statements");
    let filtered = app
        .statements_for(&format!("/admin/audit?kind=user&actor={}", people[0].id))
        .await;
    assert!(filtered <= 4, "filtered page ran {filtered} statements");
}

#[tokio::test]
async fn agents_and_customers_cannot_read_the_log() {
    let app = TestApp::spawn().await;
    for email in ["agent1@example.com", "customer1@example.com"] {
        let browser = app.other_browser();
        browser.sign_in(email).await;
        assert_eq!(browser.get("/admin/audit").await.status(), 403, "{email}");
    }
    let res = app.get("/admin/audit?kind=user").await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
}

async fn invite(app: &TestApp, email: &str, role: &str, customer_id: &str) -> u16 {
    let token = app.form_token("/admin/invitations").await;
    let fields = [
        ("email", email),
        ("role", role),
        ("customer_id", customer_id),
        ("csrf_token", &token),
    ];
    app.post_form("/admin/invitations", &fields)
        .await
        .status()
        .as_u16()
}

/// Inviting someone is the admin change that makes an account: one audit
/// row (kind user, action invited, after = e-mail, role and customer) in
/// the transaction that stores the invitation; a refused invitation and a
/// password-reset link write none.
#[tokio::test]
async fn an_invitation_is_audited_and_a_refused_one_is_not() {
    let app = admin_app().await;
    let acme = app.text("SELECT id::text AS s FROM customers WHERE name = 'Acme Payments'");
    let audit_rows = || app.count("SELECT count(*) AS n FROM admin_audit");
    let tokens = || app.count("SELECT count(*) AS n FROM verification_tokens");
    let (rows0, tokens0) = (audit_rows(), tokens());

    // Refused: bad e-mail, a customer user without customer, an existing account.
    let unknown_customer = Uuid::new_v4().to_string();
    for (email, role, customer) in [
        ("nope", "agent", ""),
        ("x@acme.example", "customer", ""),
        ("agent1@example.com", "agent", ""),
        ("y@acme.example", "customer", unknown_customer.as_str()),
        ("z@acme.example", "agent", acme.as_str()),
    ] {
        assert_eq!(
            invite(&app, email, role, customer).await,
            422,
            "{email} {role}"
        );
    }
    assert_eq!(
        audit_rows(),
        rows0,
        "a refused invitation writes no audit row"
    );
    assert_eq!(tokens(), tokens0);

    // A reset link changes nothing an admin audits.
    let token = app.form_token("/admin/invitations").await;
    let res = app
        .post_form(
            "/admin/password-resets",
            &[("email", "agent1@example.com"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(audit_rows(), rows0);

    assert_eq!(
        invite(&app, "Invited.Person@Acme.example", "customer", &acme).await,
        200
    );
    assert_eq!(audit_rows(), rows0 + 1);
    let admin_id = app.text("SELECT id::text AS s FROM users WHERE email = 'admin@example.com'");
    assert_eq!(
        app.text(
            "SELECT concat_ws('|', actor_id, kind, action, object_label, \
             coalesce(object_id::text, 'no-object'), coalesce(before::text, 'no-before')) AS s \
             FROM admin_audit ORDER BY created_at DESC LIMIT 1"
        ),
        format!("{admin_id}|user|invited|invited.person@acme.example|no-object|no-before")
    );
    let after: String =
        app.text("SELECT after::text AS s FROM admin_audit ORDER BY created_at DESC LIMIT 1");
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        after,
        json!({
            "email": "invited.person@acme.example",
            "role": "customer",
            "customer_id": acme,
            "customer": "Acme Payments",
        })
    );
    // An agent's invitation names no customer.
    assert_eq!(
        invite(&app, "new.agent@example.com", "agent", "").await,
        200
    );

    // The log shows both, newest first, by kind user.
    let doc = page(&app, "/admin/audit?kind=user").await;
    assert_eq!(
        labels(&doc),
        vec!["new.agent@example.com", "invited.person@acme.example"]
    );
    assert_eq!(
        html::texts(&doc, ".audit-entry .action"),
        vec!["invited", "invited"]
    );
    assert_eq!(
        html::texts(&doc, "ol.audit-log > li:nth-child(2) dd"),
        vec![
            "Acme Payments".to_owned(),
            acme.clone(),
            "invited.person@acme.example".to_owned(),
            "customer".to_owned(),
        ]
    );
}
