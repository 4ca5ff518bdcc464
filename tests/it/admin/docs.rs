//! `/admin/docs…`: the catalog list (search, type/plane/status filters,
//! keyset pages, a fixed number of statements), adding and editing a doc
//! with its planes, retiring and restoring it (a retired doc is no longer
//! suggested); each change with its one audit row, each refusal with
//! none, and stale edits answered 409 with nothing overwritten.

use diesel::prelude::*;
use serde_json::json;
use supportdesk::db::models::admin_audit::AuditEntry;
use supportdesk::db::models::enums::AuditKind;
use supportdesk::db::queries::issues::suggest_docs;
use supportdesk::db::schema::{admin_audit, docs, planes};
use uuid::Uuid;

use crate::helpers::{TestApp, html};

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

/// Posts `fields` with the session's CSRF token.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.form_token("/admin/docs").await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    app.post_form(path, &all).await
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn page(app: &TestApp, path: &str) -> scraper::Html {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    html::parse(&res.text().await.unwrap())
}

fn doc_id(app: &TestApp, url: &str) -> Uuid {
    docs::table
        .filter(docs::url.eq(url))
        .select(docs::id)
        .first(&mut app.db.conn())
        .unwrap()
}

fn audit_of(app: &TestApp, object: Uuid) -> Vec<AuditEntry> {
    admin_audit::table
        .filter(admin_audit::object_id.eq(object))
        .order(admin_audit::created_at.asc())
        .select(AuditEntry::as_select())
        .load(&mut app.db.conn())
        .unwrap()
}

/// Rows the doc pages can write, summed, with the docs' last changes: a
/// refused form changes none of it.
fn written(app: &TestApp) -> String {
    app.text(
        "SELECT (SELECT count(*) FROM docs) || ' ' || (SELECT count(*) FROM doc_planes) \
         || ' ' || (SELECT count(*) FROM admin_audit) || ' ' \
         || coalesce((SELECT max(updated_at)::text FROM docs), '') AS s",
    )
}

/// The hidden `version` of the form `form` (a CSS selector) on `path`.
async fn version(app: &TestApp, path: &str, form: &str) -> String {
    let doc = page(app, path).await;
    html::attrs(&doc, &format!("{form} input[name=version]"), "value").remove(0)
}

const NEW_URL: &str = "https://docs.example.com/new-guide";

fn good_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("url", NEW_URL),
        ("title", "Rotate node certificates"),
        ("doc_type", "how-to"),
        ("planes", "eks"),
        ("planes", "observability"),
        ("summary", "Step by step."),
    ]
}

#[tokio::test]
async fn creating_editing_retiring_and_restoring_a_doc_each_write_one_audit_row() {
    let app = admin_app().await;
    let res = post(&app, "/admin/docs/new", &good_fields()).await;
    assert_eq!(res.status(), 303);
    let id = doc_id(&app, NEW_URL);
    assert_eq!(location(&res), format!("/admin/docs/{id}"));
    let path = format!("/admin/docs/{id}");
    let doc = page(&app, &path).await;
    assert_eq!(html::text(&doc, "h1"), "Rotate node certificates");
    let mut ticked = html::attrs(&doc, "#doc-form input[name=planes][checked]", "value");
    ticked.sort();
    assert_eq!(ticked, vec!["eks", "observability"]);
    let audit = audit_of(&app, id);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::Doc);
    assert_eq!(audit[0].action, "created");
    assert_eq!(audit[0].before, None);
    assert_eq!(
        audit[0].after,
        Some(json!({
            "url": NEW_URL, "title": "Rotate node certificates", "doc_type": "how-to",
            "planes": ["eks", "observability"], "summary": "Step by step.", "active": true,
        }))
    );

    // Edit: another title, one plane fewer.
    let v = version(&app, &path, "#doc-form").await;
    let res = post(
        &app,
        &path,
        &[
            ("url", NEW_URL),
            ("title", "Rotate certificates"),
            ("doc_type", "reference"),
            ("planes", "eks"),
            ("summary", "Step by step."),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let audit = audit_of(&app, id);
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].action, "updated");
    let (before, after) = (
        audit[1].before.clone().unwrap(),
        audit[1].after.clone().unwrap(),
    );
    assert_eq!(before["planes"], json!(["eks", "observability"]));
    assert_eq!(after["planes"], json!(["eks"]));
    assert_eq!(after["title"], "Rotate certificates");
    assert_eq!(after["doc_type"], "reference");

    // The same values again change nothing and write no audit row.
    let v = version(&app, &path, "#doc-form").await;
    let same = [
        ("url", NEW_URL),
        ("title", "Rotate certificates"),
        ("doc_type", "reference"),
        ("planes", "eks"),
        ("summary", "Step by step."),
        ("version", &v),
    ];
    assert_eq!(post(&app, &path, &same).await.status(), 303);
    assert_eq!(audit_of(&app, id).len(), 2);

    // Retired: no longer suggested for its plane; restored: suggested again.
    let eks: Uuid = planes::table
        .filter(planes::slug.eq("eks"))
        .select(planes::id)
        .first(&mut app.db.conn())
        .unwrap();
    let suggested = |app: &TestApp| {
        suggest_docs(&mut app.db.conn(), &[eks], &[], "", 1000)
            .unwrap()
            .iter()
            .any(|d| d.id == id)
    };
    assert!(suggested(&app));
    let v = version(&app, &path, "#status-form").await;
    let res = post(
        &app,
        &format!("{path}/active"),
        &[("active", "no"), ("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(!suggested(&app));
    let doc = page(&app, &path).await;
    assert!(html::text(&doc, "#status-form").contains("Restore"));
    let v = version(&app, &path, "#status-form").await;
    let res = post(
        &app,
        &format!("{path}/active"),
        &[("active", "yes"), ("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(suggested(&app));
    let audit = audit_of(&app, id);
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["created", "updated", "retired", "restored"]);
    assert_eq!(audit[2].before.as_ref().unwrap()["active"], true);
    assert_eq!(audit[2].after.as_ref().unwrap()["active"], false);
    assert_eq!(audit[3].after.as_ref().unwrap()["active"], true);
}

#[tokio::test]
async fn invalid_or_taken_values_answer_422_keep_what_was_typed_and_write_nothing() {
    let app = admin_app().await;
    post(&app, "/admin/docs/new", &good_fields()).await;
    let before = written(&app);
    let long_title = "t".repeat(301);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("url", "ftp://x.example/"),
                ("title", "Kept title"),
                ("doc_type", "how-to"),
            ],
            "url",
        ),
        (
            vec![
                ("url", "https://a.example/"),
                ("title", &long_title),
                ("doc_type", "how-to"),
            ],
            "title",
        ),
        (
            vec![
                ("url", "https://a.example/"),
                ("title", "Kept title"),
                ("doc_type", "novel"),
            ],
            "doc_type",
        ),
        (
            vec![
                ("url", "https://a.example/"),
                ("title", "Kept title"),
                ("doc_type", "how-to"),
                ("planes", "mars"),
            ],
            "planes",
        ),
        (
            vec![
                ("url", "https://a.example/"),
                ("title", "Kept\0title"),
                ("doc_type", "how-to"),
            ],
            "title",
        ),
        // Another doc's address.
        (
            vec![
                ("url", NEW_URL),
                ("title", "Kept title"),
                ("doc_type", "how-to"),
            ],
            "url",
        ),
    ];
    for (fields, field) in cases {
        let res = post(&app, "/admin/docs/new", &fields).await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            !html::texts(&doc, &format!("#{field}-error")).is_empty(),
            "no message beside {field}: {fields:?}"
        );
        let url = fields.iter().find(|(k, _)| *k == "url").unwrap().1;
        assert_eq!(html::attrs(&doc, "#url", "value"), vec![url]);
        assert_eq!(written(&app), before, "{fields:?} wrote something");
    }

    // The same on the edit form, and a damaged version.
    let id = doc_id(&app, NEW_URL);
    let path = format!("/admin/docs/{id}");
    let v = version(&app, &path, "#doc-form").await;
    let res = post(
        &app,
        &path,
        &[
            ("url", "nope"),
            ("title", "Typed"),
            ("doc_type", "tutorial"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::attrs(&doc, "#title", "value"), vec!["Typed"]);
    assert_eq!(html::text(&doc, "h1"), "Rotate node certificates");
    let res = post(
        &app,
        &path,
        &[
            ("url", NEW_URL),
            ("title", "Typed"),
            ("doc_type", "tutorial"),
            ("version", "x"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(written(&app), before);

    // Malformed ids are pages that do not exist.
    for bad in [
        "nope",
        &id.simple().to_string(),
        &id.to_string().to_uppercase(),
    ] {
        assert_eq!(
            app.get(&format!("/admin/docs/{bad}")).await.status(),
            404,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_stale_edit_or_retirement_answers_409_with_the_current_values_and_changes_nothing() {
    let app = admin_app().await;
    post(&app, "/admin/docs/new", &good_fields()).await;
    let id = doc_id(&app, NEW_URL);
    let path = format!("/admin/docs/{id}");
    let old = version(&app, &path, "#doc-form").await;
    // Another admin renames it meanwhile.
    app.exec(&format!(
        "UPDATE docs SET title = 'Renamed elsewhere' WHERE id = '{id}'"
    ));
    let before = written(&app);
    let res = post(
        &app,
        &path,
        &[
            ("url", NEW_URL),
            ("title", "Mine"),
            ("doc_type", "how-to"),
            ("version", &old),
        ],
    )
    .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(
        html::attrs(&doc, "#title", "value"),
        vec!["Renamed elsewhere"]
    );
    assert!(html::text(&doc, ".error-summary").contains("Another admin changed this doc"));
    let res = post(
        &app,
        &format!("{path}/active"),
        &[("active", "no"), ("version", &old)],
    )
    .await;
    assert_eq!(res.status(), 409);
    assert_eq!(written(&app), before);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM docs WHERE id = '{id}' AND is_active"
        )),
        1
    );
    assert_eq!(audit_of(&app, id).len(), 1);
}

#[tokio::test]
async fn the_list_filters_pages_by_title_and_runs_the_same_statements_whatever_its_length() {
    let app = admin_app().await;
    app.exec("DELETE FROM docs");
    let empty = page(&app, "/admin/docs").await;
    assert!(html::text(&empty, ".empty-state").contains("Add the first doc"));
    app.exec(
        "INSERT INTO docs (url, title, doc_type) VALUES ('https://a.example/x', 'Alpha', 'how-to')",
    );
    let few = app.statements_for("/admin/docs").await;
    assert!(few > 0);

    // 120 more, mixed case, two types, every third retired, every second
    // about EKS.
    app.exec(
        "INSERT INTO docs (url, title, doc_type, is_active) \
         SELECT 'https://d.example/' || i, \
                (CASE WHEN i % 2 = 0 THEN 'guide ' ELSE 'Guide ' END) || lpad(i::text, 3, '0'), \
                (CASE WHEN i % 2 = 0 THEN 'reference' ELSE 'tutorial' END)::doc_type, i % 3 <> 0 \
         FROM generate_series(1, 120) i",
    );
    app.exec(
        "INSERT INTO doc_planes (doc_id, plane_id) SELECT d.id, p.id FROM docs d, planes p \
         WHERE p.slug = 'eks' AND d.url LIKE 'https://d.example/%' \
           AND substring(d.url from 19)::int % 2 = 0",
    );
    let many = app.statements_for("/admin/docs").await;
    assert_eq!(few, many, "statements for 1 doc vs 121");
    // The session and its user, the planes, the page of rows, their planes.
    assert!(many <= 5, "/admin/docs ran {many} statements");
    let filtered = app
        .statements_for("/admin/docs?q=guide&doc_type=reference&plane=eks&active=yes&after=x")
        .await;
    assert!(
        filtered <= many,
        "a filtered list ran {filtered} statements"
    );

    // Walking the pages gives every doc once, by title ignoring case.
    let mut titles = Vec::new();
    let mut path = "/admin/docs".to_owned();
    let mut pages = 0;
    loop {
        let doc = page(&app, &path).await;
        titles.extend(html::texts(&doc, "tbody td:first-child a"));
        pages += 1;
        match html::attrs(&doc, "nav.pagination a", "href")
            .into_iter()
            .find(|h| h.contains("after="))
        {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(titles.len(), 121);
    let mut sorted = titles.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(titles, sorted);
    sorted.dedup();
    assert_eq!(sorted.len(), 121);

    // Filters, alone and together; the next page keeps them.
    let count = |doc: &scraper::Html| html::texts(doc, "tbody tr").len();
    assert_eq!(count(&page(&app, "/admin/docs?active=no").await), 40);
    assert_eq!(
        count(&page(&app, "/admin/docs?doc_type=reference&active=yes").await),
        40
    );
    assert_eq!(
        count(&page(&app, "/admin/docs?plane=eks&active=no").await),
        20
    );
    let doc = page(&app, "/admin/docs?q=GUIDE+01").await;
    assert_eq!(count(&doc), 10);
    assert_eq!(
        count(&page(&app, "/admin/docs?q=d.example%2F7").await),
        1 + 10
    );
    assert_eq!(count(&page(&app, "/admin/docs?q=%25").await), 0);
    let doc = page(&app, "/admin/docs?plane=eks").await;
    assert_eq!(count(&doc), 50);
    let next = html::attrs(&doc, "nav.pagination a", "href").remove(0);
    assert!(next.contains("plane=eks"), "{next}");
    assert_eq!(count(&page(&app, &next).await), 10);
    // Unknown filters are shown as such, not as a 500.
    for odd in [
        "/admin/docs?doc_type=novel",
        "/admin/docs?plane=mars",
        "/admin/docs?active=maybe",
        "/admin/docs?after=x",
    ] {
        let doc = page(&app, odd).await;
        assert!(html::text(&doc, ".flash-warning").contains("so"), "{odd}");
    }
}
