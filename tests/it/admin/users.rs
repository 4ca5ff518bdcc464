//! `/admin/users`: the list (search, role filter, keyset pages, a fixed
//! number of statements), one user's edits with their audit rows, stale
//! and invalid edits that write nothing, disabling (the user's open
//! browser is signed out, password and OAuth sign-in refused) and the
//! rules that keep the desk with an admin.

use crate::helpers::oauth_provider::{FakeIdentity, FakeProvider};
use crate::helpers::{TestApp, TestDb, html};
use supportdesk::config::Settings;

const ADMIN: &str = "admin@example.com";

fn id_of(app: &TestApp, email: &str) -> String {
    app.text(&format!(
        "SELECT id::text AS s FROM users WHERE email = '{email}'"
    ))
}

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in(ADMIN).await;
    app
}

/// The e-mails the list page at `path` shows, in order.
async fn listed(app: &TestApp, path: &str) -> (Vec<String>, scraper::Html) {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let doc = html::parse(&res.text().await.unwrap());
    (html::texts(&doc, "#users tbody td:nth-child(2)"), doc)
}

/// The page of user `id` with its CSRF token and version.
async fn open(app: &TestApp, id: &str) -> (String, String) {
    let body = app
        .get(&format!("/admin/users/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let doc = html::parse(&body);
    let token = html::attrs(&doc, "#user-form input[name=csrf_token]", "value").remove(0);
    let version = html::attrs(&doc, "#user-form input[name=version]", "value").remove(0);
    (token, version)
}

/// Form fields as posted.
type Fields<'a> = Vec<(&'a str, &'a str)>;

fn audit_rows(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM admin_audit")
}

/// The one audit row of user `id`'s last change: action, before, after.
fn last_audit(app: &TestApp, id: &str) -> (String, serde_json::Value, serde_json::Value) {
    let row = app.text(&format!(
        "SELECT json_build_array(action, actor_name, object_label, before, after)::text AS s \
         FROM admin_audit WHERE kind = 'user' AND object_id = '{id}' \
         ORDER BY created_at DESC LIMIT 1"
    ));
    let row: serde_json::Value = serde_json::from_str(&row).unwrap();
    assert!(
        row[1].as_str().unwrap().starts_with("Ada A"),
        "actor {}",
        row[1]
    );
    assert_eq!(
        row[2],
        app.text(&format!("SELECT email AS s FROM users WHERE id = '{id}'"))
    );
    (
        row[0].as_str().unwrap().to_owned(),
        row[3].clone(),
        row[4].clone(),
    )
}

#[tokio::test]
async fn the_list_searches_e_mail_and_name_and_filters_by_role() {
    let app = admin_app().await;
    let (all, doc) = listed(&app, "/admin/users").await;
    assert_eq!(
        all,
        [
            "admin@example.com",
            "agent1@example.com",
            "agent2@example.com",
            "customer1@example.com",
            "customer2@example.com",
            "customer3@example.com",
        ]
    );
    let row = html::texts(&doc, "#users tbody tr")
        .into_iter()
        .find(|r| r.contains("customer3@example.com"))
        .unwrap();
    assert!(
        row.contains("Jordan Lee") && row.contains("Globex Logistics"),
        "{row}"
    );
    assert!(row.contains("Active"), "{row}");

    // The start of an e-mail or a name, whatever its case.
    let (found, _) = listed(&app, "/admin/users?q=CUSTOMER").await;
    assert_eq!(found.len(), 3);
    let (found, _) = listed(&app, "/admin/users?q=priya").await;
    assert_eq!(found, ["customer2@example.com"]);
    let (found, _) = listed(&app, "/admin/users?q=sam+su").await;
    assert_eq!(found, ["agent2@example.com"]);
    // LIKE's wildcards are plain characters in a search.
    for q in ["%25", "_", "a%25", "%5C"] {
        let (found, _) = listed(&app, &format!("/admin/users?q={q}")).await;
        assert!(found.is_empty(), "q={q}: {found:?}");
    }
    let (found, _) = listed(&app, "/admin/users?role=agent").await;
    assert_eq!(found, ["agent1@example.com", "agent2@example.com"]);
    let (found, doc) = listed(&app, "/admin/users?role=customer&q=customer3").await;
    assert_eq!(found, ["customer3@example.com"]);
    assert_eq!(html::attrs(&doc, "#q", "value"), ["customer3"]);
    assert_eq!(
        html::attrs(&doc, "#role option[selected]", "value"),
        ["customer"]
    );

    // Unknown filters and damaged links show a notice, never an error.
    let (found, doc) = listed(&app, "/admin/users?role=root").await;
    assert_eq!(found.len(), 6);
    assert!(html::text(&doc, ".flash-warning").contains("role filter is unknown"));
    let (found, doc) = listed(&app, "/admin/users?after=%00x").await;
    assert_eq!(found.len(), 6);
    assert!(html::text(&doc, ".flash-warning").contains("damaged"));
    let long = "x".repeat(5000);
    let (found, _) = listed(&app, &format!("/admin/users?q=a%00b{long}&after={long}")).await;
    assert!(found.is_empty());
}

/// Pages by e-mail cover every user once, and each page runs the same
/// few statements however many users there are.
#[tokio::test]
async fn the_list_pages_by_keyset_with_a_fixed_number_of_statements() {
    let app = admin_app().await;
    let paths = [
        "/admin/users",
        "/admin/users?role=customer",
        "/admin/users?q=bulk",
        "/admin/users?q=bulk&role=customer&after=bulk0100%40x.example",
    ];
    let mut few = Vec::new();
    for path in paths {
        few.push(app.statements_for(path).await);
    }
    app.exec(
        "INSERT INTO users (email, name, role, customer_id) \
         SELECT 'bulk' || lpad(i::text, 4, '0') || '@x.example', 'Bulk ' || i, 'customer', \
                (SELECT id FROM customers ORDER BY name LIMIT 1) \
         FROM generate_series(1, 230) AS i",
    );
    for (path, before) in paths.iter().zip(few) {
        let n = app.statements_for(path).await;
        assert_eq!(
            n, before,
            "{path}: {n} statements with many users, {before} with few"
        );
        assert!(n <= 3, "{path} ran {n} statements");
    }

    // A user's page: the sign-in's statements, the user and the customers.
    let casey = id_of(&app, "customer1@example.com");
    let n = app.statements_for(&format!("/admin/users/{casey}")).await;
    assert!(n <= 4, "/admin/users/{{id}} ran {n} statements");

    let mut seen = Vec::new();
    let mut next = Some("/admin/users?role=customer".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let (emails, doc) = listed(&app, &path).await;
        assert!(emails.len() <= 50);
        seen.extend(emails);
        next = html::attrs(&doc, "nav.pagination a", "href")
            .into_iter()
            .find(|href| href.contains("after="));
        if pages > 0 {
            assert!(html::texts(&doc, "nav.pagination a").contains(&"First page".to_owned()));
        }
        pages += 1;
    }
    assert_eq!(pages, 5);
    let mut expected: Vec<String> = (1..=230)
        .map(|i| format!("bulk{i:04}@x.example"))
        .chain((1..=3).map(|i| format!("customer{i}@example.com")))
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn an_edit_is_saved_with_its_audit_row() {
    let app = admin_app().await;
    let id = id_of(&app, "agent2@example.com");
    let (token, version) = open(&app, &id).await;
    let res = app
        .post_form(
            &format!("/admin/users/{id}"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("name", "  Sam Sorter "),
                ("role", "admin"),
                ("customer_id", ""),
                ("chat_handle", "@sam"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("/admin/users/{id}"));
    let page = app
        .get(&format!("/admin/users/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let doc = html::parse(&page);
    assert!(html::text(&doc, ".flash-success").contains("agent2@example.com"));
    assert_eq!(html::attrs(&doc, "#name", "value"), ["Sam Sorter"]);
    assert_eq!(
        app.text(&format!(
            "SELECT name || '|' || role || '|' || chat_handle AS s FROM users WHERE id = '{id}'"
        )),
        "Sam Sorter|admin|@sam"
    );
    let (action, before, after) = last_audit(&app, &id);
    assert_eq!(action, "updated");
    assert_eq!(
        before,
        serde_json::json!({"name": "Sam Support", "role": "agent", "customer_id": null,
                           "chat_handle": "@sam.support", "disabled": false})
    );
    assert_eq!(
        after,
        serde_json::json!({"name": "Sam Sorter", "role": "admin", "customer_id": null,
                           "chat_handle": "@sam", "disabled": false})
    );
    assert_eq!(audit_rows(&app), 1);

    // The same values again change nothing and log nothing.
    let (token, version) = open(&app, &id).await;
    let res = app
        .post_form(
            &format!("/admin/users/{id}"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("name", "Sam Sorter"),
                ("role", "admin"),
                ("customer_id", ""),
                ("chat_handle", "@sam"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_rows(&app), 1);

    // A customer user moves to a staff role only without their customer,
    // and back with one; each move is one audit row.
    let casey = id_of(&app, "customer1@example.com");
    let globex = app.text("SELECT id::text AS s FROM customers WHERE name = 'Globex Logistics'");
    let (token, version) = open(&app, &casey).await;
    let res = app
        .post_form(
            &format!("/admin/users/{casey}"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("name", "Casey Chen"),
                ("role", "customer"),
                ("customer_id", &globex),
                ("chat_handle", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, before, after) = last_audit(&app, &casey);
    assert_eq!(after["customer_id"], globex.as_str());
    assert_ne!(before["customer_id"], after["customer_id"]);
    assert_eq!(after["chat_handle"], serde_json::Value::Null);
    assert_eq!(audit_rows(&app), 2);
}

#[tokio::test]
async fn an_invalid_edit_answers_422_with_the_values_kept_and_writes_nothing() {
    let app = admin_app().await;
    let id = id_of(&app, "agent1@example.com");
    let (token, version) = open(&app, &id).await;
    let before = app.text(&format!(
        "SELECT row_to_json(u)::text AS s FROM users u WHERE id = '{id}'"
    ));
    let long_handle = "h".repeat(101);
    let acme = app.text("SELECT id::text AS s FROM customers WHERE name = 'Acme Payments'");
    let unknown = "00000000-0000-0000-0000-000000000000";
    // (fields besides the token and version, the field in error, its message)
    let cases: Vec<(Fields, &str, &str)> = vec![
        (
            vec![("name", "Al\0ex"), ("role", "agent"), ("chat_handle", "")],
            "name",
            "control characters",
        ),
        (
            vec![
                ("name", "Alex"),
                ("role", "agent"),
                ("chat_handle", &long_handle),
            ],
            "chat_handle",
            "at most 100",
        ),
        (
            vec![("name", "Alex"), ("role", "customer"), ("customer_id", "")],
            "customer_id",
            "Choose the customer",
        ),
        (
            vec![("name", "Alex"), ("role", "agent"), ("customer_id", &acme)],
            "customer_id",
            "belong to no customer",
        ),
        (
            vec![
                ("name", "Alex"),
                ("role", "customer"),
                ("customer_id", unknown),
            ],
            "customer_id",
            "Choose a customer from the list",
        ),
        (
            vec![
                ("name", "Alex"),
                ("role", "customer"),
                ("customer_id", "acme"),
            ],
            "customer_id",
            "Choose a customer from the list",
        ),
        (
            vec![("name", "Alex"), ("role", "root")],
            "role",
            "Choose a role",
        ),
    ];
    for (fields, field, message) in cases {
        let mut form = vec![
            ("csrf_token", token.as_str()),
            ("version", version.as_str()),
        ];
        form.extend(fields.iter().copied());
        let res = app.post_form(&format!("/admin/users/{id}"), &form).await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let body = res.text().await.unwrap();
        assert!(!body.contains('\0'), "a NUL is not allowed in HTML");
        let doc = html::parse(&body);
        let error = html::text(&doc, &format!("#{field}-error"));
        assert!(error.contains(message), "{field}: {error:?}");
        assert_eq!(
            html::attrs(&doc, &format!("#{field}"), "aria-invalid"),
            ["true"]
        );
        assert!(!html::text(&doc, "#error-summary").is_empty());
        // What was typed comes back.
        // (A NUL cannot be in HTML: it comes back as U+FFFD.)
        let name = fields.iter().find(|(k, _)| *k == "name").unwrap().1;
        assert_eq!(
            html::attrs(&doc, "#name", "value"),
            [name.replace('\0', "\u{fffd}")]
        );
        let role = fields.iter().find(|(k, _)| *k == "role").unwrap().1;
        let selected = html::attrs(&doc, "#role option[selected]", "value");
        if role != "root" {
            assert_eq!(selected, [role]);
        }
    }
    let after = app.text(&format!(
        "SELECT row_to_json(u)::text AS s FROM users u WHERE id = '{id}'"
    ));
    assert_eq!(before, after);
    assert_eq!(audit_rows(&app), 0);

    // A form without its version is damaged (400); an unknown or malformed
    // user is not found whatever the form holds.
    let res = app
        .post_form(
            &format!("/admin/users/{id}"),
            &[("csrf_token", &token), ("name", "Alex"), ("role", "agent")],
        )
        .await;
    assert_eq!(res.status(), 400);
    for path in [
        format!("/admin/users/{unknown}"),
        "/admin/users/not-an-id".to_owned(),
        format!("/admin/users/{}", id.replace('-', "")),
        format!("/admin/users/{{{id}}}"),
    ] {
        assert_eq!(app.get(&path).await.status(), 404, "GET {path}");
        for suffix in ["", "/disable", "/enable"] {
            let res = app
                .post_form(
                    &format!("{path}{suffix}"),
                    &[("csrf_token", &token), ("version", &version)],
                )
                .await;
            assert_eq!(res.status(), 404, "POST {path}{suffix}");
        }
    }
    assert_eq!(audit_rows(&app), 0);
}

#[tokio::test]
async fn a_stale_edit_answers_409_with_the_current_values_and_overwrites_nothing() {
    let app = admin_app().await;
    let other = app.other_browser();
    other.sign_in(ADMIN).await;
    let id = id_of(&app, "customer2@example.com");
    let (token, version) = open(&app, &id).await;
    let (other_token, other_version) = open(&other, &id).await;
    assert_eq!(version, other_version);
    let res = other
        .post_form(
            &format!("/admin/users/{id}"),
            &[
                ("csrf_token", &other_token),
                ("version", &other_version),
                ("name", "Priya P."),
                ("role", "customer"),
                (
                    "customer_id",
                    &app.text(&format!(
                        "SELECT customer_id::text AS s FROM users WHERE id = '{id}'"
                    )),
                ),
                ("chat_handle", "@priya"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    let res = app
        .post_form(
            &format!("/admin/users/{id}"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("name", "Priya Old"),
                ("role", "customer"),
                (
                    "customer_id",
                    &app.text(&format!(
                        "SELECT customer_id::text AS s FROM users WHERE id = '{id}'"
                    )),
                ),
                ("chat_handle", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("nothing was saved"));
    assert_eq!(html::attrs(&doc, "#name", "value"), ["Priya P."]);
    assert_eq!(html::attrs(&doc, "#chat_handle", "value"), ["@priya"]);
    // The page carries the current version, so sending it again works.
    let fresh = html::attrs(&doc, "#user-form input[name=version]", "value").remove(0);
    assert_ne!(fresh, version);
    assert_eq!(
        app.text(&format!("SELECT name AS s FROM users WHERE id = '{id}'")),
        "Priya P."
    );
    assert_eq!(audit_rows(&app), 1);

    // Disabling from the old page is stale too.
    let res = app
        .post_form(
            &format!("/admin/users/{id}/disable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#access-summary").contains("nothing was saved"));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM users WHERE id = '{id}' AND disabled_at IS NOT NULL"
        )),
        0
    );
    assert_eq!(audit_rows(&app), 1);
}

/// Disabling deletes the user's sessions in the same transaction: their
/// open browser is signed out on its next request, and they cannot sign
/// in again until enabled.
#[tokio::test]
async fn disabling_signs_the_user_out_at_once_and_enabling_lets_them_back() {
    let app = admin_app().await;
    let agent = app.other_browser();
    agent.sign_in("agent2@example.com").await;
    assert_eq!(agent.get("/queue").await.status(), 200);
    let id = id_of(&app, "agent2@example.com");
    let (token, version) = open(&app, &id).await;
    let res = app
        .post_form(
            &format!("/admin/users/{id}/disable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 303);

    let res = agent.get("/queue").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fqueue");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM sessions WHERE user_id = '{id}'"
        )),
        0
    );
    let (action, before, after) = last_audit(&app, &id);
    assert_eq!(action, "disabled");
    assert_eq!(
        (before["disabled"].clone(), after["disabled"].clone()),
        (false.into(), true.into())
    );
    assert_eq!(after["name"], "Sam Support");

    let res = agent
        .try_sign_in("agent2@example.com", crate::helpers::DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), 401);
    // Still on the list, marked.
    let (_, doc) = listed(&app, "/admin/users?q=agent2").await;
    assert!(html::text(&doc, "#users tbody tr").contains("Disabled"));
    // Disabling twice is a notice, not a second audit row.
    let (token, version) = open(&app, &id).await;
    let res = app
        .post_form(
            &format!("/admin/users/{id}/disable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_rows(&app), 1);

    let res = app
        .post_form(
            &format!("/admin/users/{id}/enable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (action, before, after) = last_audit(&app, &id);
    assert_eq!(action, "enabled");
    assert_eq!(
        (before["disabled"].clone(), after["disabled"].clone()),
        (true.into(), false.into())
    );
    assert_eq!(audit_rows(&app), 2);
    agent.sign_in("agent2@example.com").await;
    assert_eq!(agent.get("/queue").await.status(), 200);
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_with_a_provider() {
    let provider = FakeProvider::start().await;
    let db = TestDb::new();
    let mut settings = Settings::for_database(&db.url);
    settings.oauth = vec![provider.setting()];
    let app = TestApp::spawn_with(db, settings).await;
    app.sign_in(ADMIN).await;
    let id = id_of(&app, "customer1@example.com");
    let (token, version) = open(&app, &id).await;
    let res = app
        .post_form(
            &format!("/admin/users/{id}/disable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 303);

    provider.set_identity(FakeIdentity {
        sub: "sub-casey".into(),
        email: "customer1@example.com".into(),
        email_verified: true,
        name: "Casey Chen".into(),
        verified_only_in_id_token: false,
    });
    let visitor = app.other_browser();
    let token = visitor.form_token("/login").await;
    let res = visitor
        .post_form(
            "/auth/testid/start",
            &[("csrf_token", &token), ("next", "/")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let authorize = res.headers()["location"].to_str().unwrap().to_owned();
    let res = visitor.client.get(&authorize).send().await.unwrap();
    let callback = res.headers()["location"].to_str().unwrap().to_owned();
    let res = visitor.client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(visitor.get("/account").await.status(), 303);
    // Nothing was linked to the disabled account either.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM accounts WHERE user_id = '{id}'"
        )),
        0
    );
}

#[tokio::test]
async fn an_admin_cannot_demote_or_disable_themself_nor_remove_the_last_admin() {
    let app = admin_app().await;
    let me = id_of(&app, ADMIN);
    let (token, version) = open(&app, &me).await;
    let page = app
        .get(&format!("/admin/users/{me}"))
        .await
        .text()
        .await
        .unwrap();
    let doc = html::parse(&page);
    assert!(html::attrs(&doc, "form[action$='/disable']", "action").is_empty());

    let demote = |version: String| {
        let token = token.clone();
        let app = &app;
        let me = me.clone();
        async move {
            app.post_form(
                &format!("/admin/users/{me}"),
                &[
                    ("csrf_token", &token),
                    ("version", &version),
                    ("name", "Ada Admin"),
                    ("role", "agent"),
                    ("customer_id", ""),
                    ("chat_handle", "@ada.admin"),
                ],
            )
            .await
        }
    };
    // The only admin: the last one stays.
    let res = demote(version.clone()).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#role-error").contains("last active admin"));
    assert_eq!(
        html::attrs(&doc, "#role option[selected]", "value"),
        ["agent"]
    );
    let res = app
        .post_form(
            &format!("/admin/users/{me}/disable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#access-summary").contains("last active admin"));

    // With a second admin, it is one's own role and account that stay.
    app.exec("UPDATE users SET role = 'admin' WHERE email = 'agent1@example.com'");
    let res = demote(version.clone()).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#role-error").contains("your own role"));
    let res = app
        .post_form(
            &format!("/admin/users/{me}/disable"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#access-summary").contains("your own account"));
    assert_eq!(
        app.text(&format!(
            "SELECT role || '|' || (disabled_at IS NULL) AS s FROM users WHERE id = '{me}'"
        )),
        "admin|true"
    );
    assert_eq!(audit_rows(&app), 0);

    // One's own name is one's to change.
    let res = app
        .post_form(
            &format!("/admin/users/{me}"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("name", "Ada A."),
                ("role", "admin"),
                ("customer_id", ""),
                ("chat_handle", "@ada.admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_rows(&app), 1);

    // The other admin may be demoted: someone is left.
    let alex = id_of(&app, "agent1@example.com");
    let (token, version) = open(&app, &alex).await;
    let res = app
        .post_form(
            &format!("/admin/users/{alex}"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("name", "Alex Agent"),
                ("role", "agent"),
                ("customer_id", ""),
                ("chat_handle", "@alex.agent"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (action, before, after) = last_audit(&app, &alex);
    assert_eq!(action, "updated");
    assert_eq!(
        (before["role"].clone(), after["role"].clone()),
        ("admin".into(), "agent".into())
    );
}

/// Two admins disabling each other at the same moment: the active admins
/// are locked while the change is judged, so at most one succeeds and the
/// desk keeps an admin.
#[tokio::test]
async fn two_admins_removing_each_other_at_once_leave_one_admin() {
    let app = TestApp::spawn().await;
    app.exec("UPDATE users SET role = 'admin' WHERE email = 'agent1@example.com'");
    for _ in 0..5 {
        app.exec("UPDATE users SET disabled_at = NULL WHERE role = 'admin'");
        app.exec("DELETE FROM admin_audit");
        let ada = app.other_browser();
        ada.sign_in(ADMIN).await;
        let alex = app.other_browser();
        alex.sign_in("agent1@example.com").await;
        let ada_id = id_of(&app, ADMIN);
        let alex_id = id_of(&app, "agent1@example.com");
        let (ada_token, alex_version) = open(&ada, &alex_id).await;
        let (alex_token, ada_version) = open(&alex, &ada_id).await;
        let (ada_path, alex_path) = (
            format!("/admin/users/{alex_id}/disable"),
            format!("/admin/users/{ada_id}/disable"),
        );
        let ada_form = [
            ("csrf_token", ada_token.as_str()),
            ("version", &alex_version),
        ];
        let alex_form = [
            ("csrf_token", alex_token.as_str()),
            ("version", &ada_version),
        ];
        let (a, b) = tokio::join!(
            ada.post_form(&ada_path, &ada_form),
            alex.post_form(&alex_path, &alex_form),
        );
        let statuses = [a.status().as_u16(), b.status().as_u16()];
        // The loser is refused (422) or, signed out by the winner first,
        // sent to sign in (303 to /login); never both succeed.
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL"
            ),
            1,
            "{statuses:?}"
        );
        assert_eq!(audit_rows(&app), 1, "{statuses:?}");
    }
}

/// The list and a user's page, fresh and with a refused edit, pass
/// axe-core's WCAG 2.1 A/AA rules in Chromium.
#[tokio::test]
async fn the_user_pages_pass_the_accessibility_checks() {
    use crate::helpers::browser::Browser;
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.sign_in(&app.address, ADMIN).await;
    let casey = id_of(&app, "customer1@example.com");
    let me = id_of(&app, ADMIN);
    let mut failures = Vec::new();
    for path in [
        "/admin/users".to_owned(),
        "/admin/users?q=cust&role=customer".to_owned(),
        format!("/admin/users/{casey}"),
        format!("/admin/users/{me}"),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.wait_for("main h1").await;
        failures.extend(
            browser
                .accessibility_violations()
                .await
                .into_iter()
                .map(|v| format!("{path}: {v}")),
        );
    }
    // A customer user without a customer: the refused form with its errors.
    browser
        .goto(&app.url(&format!("/admin/users/{casey}")))
        .await;
    browser.select("#customer_id", "").await;
    browser.click("#user-form button[type=submit]").await;
    browser.wait_for("#error-summary").await;
    browser
        .screenshot(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/screenshots/admin-user-errors.png"),
        )
        .await;
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
