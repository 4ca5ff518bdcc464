//! `/admin/planes…`: the list (display order, active field counts, a fixed
//! number of statements), one plane's page (its fields, a fixed number of
//! statements), and the plane edit with its one audit row, invalid input
//! answered 422 with the values kept and nothing written, stale edits
//! answered 409 with nothing overwritten, and the new label seen by the
//! other pages on their next load.

use diesel::prelude::*;
use serde_json::json;
use supportdesk::db::models::admin_audit::AuditEntry;
use supportdesk::db::models::enums::AuditKind;
use supportdesk::db::schema::{admin_audit, planes};
use uuid::Uuid;

use crate::helpers::{TestApp, html};

pub(super) async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

/// Posts `fields` with the session's CSRF token.
pub(super) async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.form_token("/admin/planes").await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    app.post_form(path, &all).await
}

/// Signs the browser out and in again as `who`.
pub(super) async fn switch_to(app: &TestApp, who: &str) {
    let token = app.form_token("/").await;
    app.post_form("/logout", &[("csrf_token", &token)]).await;
    app.sign_in(who).await;
}

pub(super) fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub(super) async fn page(app: &TestApp, path: &str) -> scraper::Html {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    html::parse(&res.text().await.unwrap())
}

pub(super) fn plane(app: &TestApp, slug: &str) -> (Uuid, String, Option<String>) {
    planes::table
        .filter(planes::slug.eq(slug))
        .select((planes::id, planes::name, planes::description))
        .first(&mut app.db.conn())
        .unwrap()
}

pub(super) fn audit_of(app: &TestApp, object: Uuid) -> Vec<AuditEntry> {
    admin_audit::table
        .filter(admin_audit::object_id.eq(object))
        .order(admin_audit::created_at.asc())
        .select(AuditEntry::as_select())
        .load(&mut app.db.conn())
        .unwrap()
}

pub(super) fn audit_rows(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM admin_audit")
}

async fn version(app: &TestApp, slug: &str) -> String {
    let doc = page(app, &format!("/admin/planes/{slug}")).await;
    html::attrs(&doc, "#plane-form input[name=version]", "value").remove(0)
}

fn textarea(doc: &scraper::Html, selector: &str) -> String {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_list_shows_planes_in_order_with_their_active_fields_in_fixed_statements() {
    let app = admin_app().await;
    let doc = page(&app, "/admin/planes").await;
    let hrefs = html::attrs(&doc, "tbody a", "href");
    assert_eq!(
        hrefs,
        [
            "/admin/planes/app-cicd",
            "/admin/planes/eks",
            "/admin/planes/observability",
            "/admin/planes/infra-cicd"
        ]
    );
    let active = |app: &TestApp, slug: &str| {
        app.count(&format!(
            "SELECT count(*) AS n FROM plane_contexts c JOIN planes p ON p.id = c.plane_id \
             WHERE p.slug = '{slug}' AND c.is_active"
        ))
    };
    let eks_fields = active(&app, "eks");
    assert!(eks_fields > 0);
    let counts = html::texts(&doc, "td.active-fields");
    assert_eq!(counts[1], eks_fields.to_string());

    // A retired field is not counted.
    app.exec(
        "UPDATE plane_contexts SET is_active = false WHERE context_key = 'namespace' \
         AND plane_id = (SELECT id FROM planes WHERE slug = 'eks')",
    );
    let doc = page(&app, "/admin/planes").await;
    assert_eq!(
        html::texts(&doc, "td.active-fields")[1],
        (eks_fields - 1).to_string()
    );

    let few = app.statements_for("/admin/planes").await;
    app.exec(
        "INSERT INTO plane_contexts (plane_id, context_key, label, field_type, display_order) \
         SELECT p.id, 'bulk_' || g, 'Bulk ' || g, 'text', 100 + g \
         FROM planes p, generate_series(1, 40) g",
    );
    let many = app.statements_for("/admin/planes").await;
    assert_eq!(few, many, "statements grow with the fields");
    assert!(many >= 1, "counting works ({many})");
    assert!(many <= 3, "/admin/planes ran {many} statements");
    let doc = page(&app, "/admin/planes").await;
    assert_eq!(
        html::texts(&doc, "td.active-fields")[1],
        (eks_fields - 1 + 40).to_string()
    );
}

#[tokio::test]
async fn the_plane_page_lists_its_fields_in_fixed_statements() {
    let app = admin_app().await;
    let doc = page(&app, "/admin/planes/eks").await;
    let rows = html::texts(&doc, "li.field-row");
    assert!(
        rows.iter().any(|r| r.contains("cluster_version")),
        "{rows:?}"
    );
    assert!(!rows.iter().any(|r| r.contains("(retired)")));
    app.exec(
        "UPDATE plane_contexts SET is_active = false WHERE context_key = 'namespace' \
         AND plane_id = (SELECT id FROM planes WHERE slug = 'eks')",
    );
    let doc = page(&app, "/admin/planes/eks").await;
    let rows = html::texts(&doc, "li.field-row");
    let retired: Vec<_> = rows.iter().filter(|r| r.contains("(retired)")).collect();
    assert_eq!(retired.len(), 1, "{rows:?}");
    assert!(retired[0].contains("namespace"));

    let few = app.statements_for("/admin/planes/eks").await;
    app.exec(
        "INSERT INTO plane_contexts (plane_id, context_key, label, field_type, display_order) \
         SELECT id, 'bulk_' || g, 'Bulk ' || g, 'text', 100 + g \
         FROM planes, generate_series(1, 40) g WHERE slug = 'eks'",
    );
    let many = app.statements_for("/admin/planes/eks").await;
    assert_eq!(few, many, "statements grow with the fields");
    assert!(many >= 2, "counting works ({many})");
    assert!(many <= 4, "/admin/planes/eks ran {many} statements");
    let doc = page(&app, "/admin/planes/eks").await;
    assert_eq!(html::texts(&doc, "li.field-row").len(), rows.len() + 40);
}

#[tokio::test]
async fn an_edit_saves_label_and_description_with_its_audit_row() {
    let app = admin_app().await;
    let (id, name, description) = plane(&app, "eks");
    let v = version(&app, "eks").await;
    let res = post(
        &app,
        "/admin/planes/eks",
        &[
            ("name", "  Kubernetes (EKS) "),
            ("description", "Clusters,\r\nnode groups"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/planes/eks");
    let (_, new_name, new_description) = plane(&app, "eks");
    assert_eq!(new_name, "Kubernetes (EKS)");
    assert_eq!(new_description.as_deref(), Some("Clusters,\nnode groups"));

    let audit = audit_of(&app, id);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::Plane);
    assert_eq!(audit[0].action, "updated");
    assert_eq!(audit[0].object_label, "Kubernetes (EKS)");
    assert_eq!(
        audit[0].before,
        Some(json!({ "name": name, "description": description }))
    );
    assert_eq!(
        audit[0].after,
        Some(json!({ "name": "Kubernetes (EKS)", "description": "Clusters,\nnode groups" }))
    );

    // The same values again: nothing written, no second audit row.
    let v = version(&app, "eks").await;
    let res = post(
        &app,
        "/admin/planes/eks",
        &[
            ("name", "Kubernetes (EKS)"),
            ("description", "Clusters,\nnode groups"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_of(&app, id).len(), 1);

    // An empty description is stored as none.
    let res = post(
        &app,
        "/admin/planes/eks",
        &[
            ("name", "Kubernetes (EKS)"),
            ("description", " "),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(plane(&app, "eks").2, None);
    assert_eq!(audit_of(&app, id).len(), 2);

    // The list, the plane page and the issue form show the new label on
    // their next load (the cached directory follows the planes' changes).
    let doc = page(&app, "/admin/planes").await;
    assert!(html::texts(&doc, "tbody a").contains(&"Kubernetes (EKS)".to_owned()));
    assert_eq!(html::text(&doc, "h1"), "Planes");
    switch_to(&app, "customer1@example.com").await;
    let form = app.get("/issues/new").await.text().await.unwrap();
    assert!(
        form.contains("Kubernetes (EKS)"),
        "the issue form shows the old label"
    );
    switch_to(&app, "agent1@example.com").await;
    let queue = app.get("/queue").await.text().await.unwrap();
    assert!(
        queue.contains("Kubernetes (EKS)"),
        "the queue shows the old label"
    );
}

#[tokio::test]
async fn invalid_input_is_422_with_the_values_kept_and_nothing_written() {
    let app = admin_app().await;
    let before = plane(&app, "eks");
    let audit = audit_rows(&app);
    let v = version(&app, "eks").await;
    let long = "x".repeat(101);
    let too_long_description = "d".repeat(2001);
    for (name, description, field) in [
        ("", "kept description", "name"),
        (long.as_str(), "kept", "name"),
        ("E\0KS", "kept", "name"),
        ("EKS typed", too_long_description.as_str(), "description"),
        ("EKS typed", "a\0b", "description"),
    ] {
        let res = post(
            &app,
            "/admin/planes/eks",
            &[
                ("name", name),
                ("description", description),
                ("version", &v),
            ],
        )
        .await;
        assert_eq!(res.status(), 422, "{name:?} {description:?}");
        let doc = html::parse(&res.text().await.unwrap());
        let error = html::text(&doc, &format!("#{field}-error"));
        assert!(!error.is_empty(), "no message beside {field}");
        // Typed values come back (control characters as U+FFFD).
        let shown = html::attrs(&doc, "#name", "value").remove(0);
        assert_eq!(shown, name.replace('\0', "\u{FFFD}"));
        if field == "name" {
            assert_eq!(textarea(&doc, "#description"), description);
        }
    }
    // A damaged version is refused too, with the values kept.
    let res = post(
        &app,
        "/admin/planes/eks",
        &[("name", "EKS typed"), ("description", ""), ("version", "x")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::attrs(&doc, "#name", "value").remove(0), "EKS typed");
    assert_eq!(plane(&app, "eks"), before);
    assert_eq!(audit_rows(&app), audit);
}

#[tokio::test]
async fn a_stale_edit_is_409_with_the_current_values_and_nothing_overwritten() {
    let app = admin_app().await;
    let (id, _, _) = plane(&app, "eks");
    let v = version(&app, "eks").await;
    // Another admin saves first.
    app.exec("UPDATE planes SET name = 'EKS by another admin' WHERE slug = 'eks'");
    let audit = audit_rows(&app);
    let res = post(
        &app,
        "/admin/planes/eks",
        &[("name", "Mine"), ("description", "mine"), ("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(
        html::attrs(&doc, "#name", "value").remove(0),
        "EKS by another admin"
    );
    assert!(html::text(&doc, "main").contains("Another admin changed this plane"));
    let (_, name, description) = plane(&app, "eks");
    assert_eq!(name, "EKS by another admin");
    assert_ne!(description.as_deref(), Some("mine"));
    assert_eq!(audit_rows(&app), audit);
    assert!(audit_of(&app, id).is_empty());

    // With the version the 409 page carries, the edit goes through.
    let v = html::attrs(&doc, "#plane-form input[name=version]", "value").remove(0);
    let res = post(
        &app,
        "/admin/planes/eks",
        &[("name", "Mine"), ("description", "mine"), ("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(plane(&app, "eks").1, "Mine");
}

#[tokio::test]
async fn unknown_and_malformed_slugs_are_404() {
    let app = admin_app().await;
    for path in [
        "/admin/planes/nope",
        "/admin/planes/EKS",
        "/admin/planes/eks%00",
        "/admin/planes/eks--x",
        "/admin/planes/%E2%80%8Beks",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
        let res = post(&app, path, &[("name", "x"), ("version", "1")]).await;
        assert_eq!(res.status(), 404, "POST {path}");
    }
    let long = format!("/admin/planes/{}", "a".repeat(51));
    assert_eq!(app.get(&long).await.status(), 404);
}

#[tokio::test]
async fn agents_and_customers_are_refused() {
    let app = TestApp::spawn().await;
    let audit = audit_rows(&app);
    app.sign_in("agent1@example.com").await;
    for who in ["agent1@example.com", "customer1@example.com"] {
        switch_to(&app, who).await;
        assert_eq!(app.get("/admin/planes").await.status(), 403, "{who}");
        assert_eq!(app.get("/admin/planes/eks").await.status(), 403, "{who}");
        let token = app.form_token("/").await;
        let res = app
            .post_form(
                "/admin/planes/eks",
                &[("name", "Hacked"), ("version", "1"), ("csrf_token", &token)],
            )
            .await;
        assert_eq!(res.status(), 403, "{who}");
    }
    assert_eq!(plane(&app, "eks").1, "EKS");
    assert_eq!(audit_rows(&app), audit);
}

/// axe-core's WCAG 2.1 A/AA rules in Chromium, on the list, a plane's page
/// and its refused form, at a phone's width too.
#[tokio::test]
async fn the_plane_pages_pass_the_accessibility_checks() {
    use crate::helpers::browser::Browser;
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.sign_in(&app.address, "admin@example.com").await;
    let mut failures = Vec::new();
    for path in ["/admin/planes", "/admin/planes/eks"] {
        browser.goto(&app.url(path)).await;
        browser.wait_for("main h1").await;
        failures.extend(
            browser
                .accessibility_violations()
                .await
                .into_iter()
                .map(|v| format!("{path}: {v}")),
        );
    }
    // The browser's own check is lifted so the server's answers.
    browser
        .execute(
            "const n = document.getElementById('name'); \
             n.removeAttribute('required'); n.value = ''; return true;",
        )
        .await;
    browser.click("#plane-form button[type=submit]").await;
    browser.wait_for("#error-summary").await;
    failures.extend(
        browser
            .accessibility_violations()
            .await
            .into_iter()
            .map(|v| format!("refused edit: {v}")),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    browser.close().await;
}

/// The fields of `slug` in display order: (id, key, display_order, active,
/// updated_at as the form's version).
fn fields_of(app: &TestApp, slug: &str) -> Vec<(Uuid, String, i32, bool, String)> {
    use supportdesk::db::schema::plane_contexts as pc;
    let (plane_id, _, _) = plane(app, slug);
    let rows: Vec<(Uuid, String, i32, bool, chrono::DateTime<chrono::Utc>)> = pc::table
        .filter(pc::plane_id.eq(plane_id))
        .order((pc::display_order.asc(), pc::context_key.asc()))
        .select((
            pc::id,
            pc::context_key,
            pc::display_order,
            pc::is_active,
            pc::updated_at,
        ))
        .load(&mut app.db.conn())
        .unwrap();
    rows.into_iter()
        .map(|(id, key, order, active, at)| {
            (id, key, order, active, at.timestamp_micros().to_string())
        })
        .collect()
}

#[tokio::test]
async fn fields_move_retire_and_restore_each_with_its_audit_row() {
    let app = admin_app().await;
    let before = fields_of(&app, "eks");
    assert!(before.len() >= 3);
    let (second, second_key, second_order, _, v) = before[1].clone();
    let first_key = before[0].1.clone();
    let base = |id: Uuid, action: &str| format!("/admin/planes/eks/fields/{id}/{action}");

    // Up: it and the first change places.
    let res = post(&app, &base(second, "up"), &[("version", &v)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/planes/eks#fields");
    let now = fields_of(&app, "eks");
    assert_eq!(now[0].1, second_key);
    assert_eq!(now[1].1, first_key);
    let audit = audit_of(&app, second);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::Field);
    assert_eq!(audit[0].action, "moved");
    assert_eq!(
        audit[0].before.as_ref().unwrap()["display_order"],
        json!(second_order)
    );
    assert_eq!(
        audit[0].after.as_ref().unwrap()["display_order"],
        json!(now[0].2)
    );
    assert!(audit[0].object_label.starts_with("EKS / "));
    // The page lists them in the new order, the first without Move up.
    let doc = page(&app, "/admin/planes/eks").await;
    let rows = html::texts(&doc, "li.field-row");
    assert!(
        rows[0].contains(&second_key) && !rows[0].contains("Move up"),
        "{rows:?}"
    );
    assert!(rows[1].contains(&first_key));

    // Up again from the top: nothing changes, no audit row.
    let v = fields_of(&app, "eks")[0].4.clone();
    let res = post(&app, &base(second, "up"), &[("version", &v)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_of(&app, second).len(), 1);

    // Down puts it back.
    let res = post(&app, &base(second, "down"), &[("version", &v)]).await;
    assert_eq!(res.status(), 303);
    let keys: Vec<_> = fields_of(&app, "eks").into_iter().map(|f| f.1).collect();
    let original: Vec<_> = before.iter().map(|f| f.1.clone()).collect();
    assert_eq!(keys, original);

    // Retire: off the issue form, still listed (marked) here.
    let v = fields_of(&app, "eks")[1].4.clone();
    let res = post(&app, &base(second, "retire"), &[("version", &v)]).await;
    assert_eq!(res.status(), 303);
    assert!(!fields_of(&app, "eks")[1].3);
    let audit = audit_of(&app, second);
    assert_eq!(audit.last().unwrap().action, "retired");
    assert_eq!(
        audit.last().unwrap().before.as_ref().unwrap()["is_active"],
        json!(true)
    );
    assert_eq!(
        audit.last().unwrap().after.as_ref().unwrap()["is_active"],
        json!(false)
    );
    let doc = page(&app, "/admin/planes/eks").await;
    assert!(html::texts(&doc, "li.field-row")[1].contains("(retired)"));
    assert!(html::texts(&doc, "li.field-row")[1].contains("Restore"));

    // Restore.
    let v = fields_of(&app, "eks")[1].4.clone();
    let res = post(&app, &base(second, "restore"), &[("version", &v)]).await;
    assert_eq!(res.status(), 303);
    assert!(fields_of(&app, "eks")[1].3);
    assert_eq!(audit_of(&app, second).last().unwrap().action, "restored");
    assert_eq!(audit_of(&app, second).len(), 4);
}

#[tokio::test]
async fn a_retired_field_leaves_the_issue_form_on_its_next_load() {
    let app = admin_app().await;
    let field = fields_of(&app, "eks")
        .into_iter()
        .find(|f| f.1 == "namespace")
        .unwrap();
    switch_to(&app, "customer1@example.com").await;
    let form = app
        .get("/issues/new?primary_plane=eks")
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("ctx.eks.namespace"));
    switch_to(&app, "admin@example.com").await;
    let path = format!("/admin/planes/eks/fields/{}/retire", field.0);
    assert_eq!(
        post(&app, &path, &[("version", &field.4)]).await.status(),
        303
    );
    switch_to(&app, "customer1@example.com").await;
    let form = app
        .get("/issues/new?primary_plane=eks")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !form.contains("ctx.eks.namespace"),
        "a retired field is still asked"
    );
}

#[tokio::test]
async fn stale_damaged_and_foreign_field_buttons_change_nothing() {
    let app = admin_app().await;
    let before = fields_of(&app, "eks");
    let (id, _, _, _, v) = before[1].clone();
    let audit = audit_rows(&app);
    // Another admin changed the field meanwhile.
    app.exec(&format!(
        "UPDATE plane_contexts SET label = label || ' (edited)' WHERE id = '{id}'"
    ));
    let moved = fields_of(&app, "eks");
    for action in ["up", "down", "retire"] {
        let res = post(
            &app,
            &format!("/admin/planes/eks/fields/{id}/{action}"),
            &[("version", &v)],
        )
        .await;
        assert_eq!(res.status(), 409, "{action}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(html::text(&doc, "main").contains("Another admin changed this field"));
    }
    let res = post(
        &app,
        &format!("/admin/planes/eks/fields/{id}/retire"),
        &[("version", "x")],
    )
    .await;
    assert_eq!(res.status(), 409);
    assert_eq!(fields_of(&app, "eks"), moved);
    assert_eq!(audit_rows(&app), audit);

    // A field of another plane, an unknown action or a malformed id: 404.
    let current = fields_of(&app, "eks")[1].4.clone();
    for path in [
        format!("/admin/planes/app-cicd/fields/{id}/retire"),
        format!("/admin/planes/eks/fields/{id}/delete"),
        format!("/admin/planes/eks/fields/{}/retire", id.simple()),
        format!("/admin/planes/eks/fields/{}/retire", Uuid::new_v4()),
    ] {
        let res = post(&app, &path, &[("version", &current)]).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    assert_eq!(fields_of(&app, "eks"), moved);
    assert_eq!(audit_rows(&app), audit);
}
