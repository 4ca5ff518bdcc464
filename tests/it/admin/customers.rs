//! `/admin/customers…`: the list (keyset pages, search, counts, the
//! "cannot file yet" mark, a fixed number of statements), creating and
//! editing a customer and its domains, adding and editing environments;
//! each change with its one audit row, each refusal with none, and stale
//! edits answered 409 with nothing overwritten.

use diesel::prelude::*;
use serde_json::json;
use supportdesk::db::models::admin_audit::AuditEntry;
use supportdesk::db::models::enums::AuditKind;
use supportdesk::db::schema::{admin_audit, customer_domains, customers, environments};
use uuid::Uuid;

use crate::helpers::{TestApp, html};

const NIL: &str = "00000000-0000-4000-8000-000000000000";

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

/// Posts `fields` with the session's CSRF token.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.form_token("/admin/customers").await;
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

fn customer_id(app: &TestApp, customer: &str) -> Uuid {
    customers::table
        .filter(customers::name.eq(customer))
        .select(customers::id)
        .first(&mut app.db.conn())
        .unwrap()
}

fn domains_of(app: &TestApp, id: Uuid) -> Vec<String> {
    customer_domains::table
        .filter(customer_domains::customer_id.eq(id))
        .order(customer_domains::domain.asc())
        .select(customer_domains::domain)
        .load(&mut app.db.conn())
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

/// Rows the customer pages can write, summed: a refused form changes none.
fn written(app: &TestApp) -> i64 {
    app.count(
        "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM customer_domains) \
         + (SELECT count(*) FROM environments) + (SELECT count(*) FROM admin_audit) AS n",
    )
}

/// The hidden `version` of the form `form` (a CSS selector) on `path`.
async fn version(app: &TestApp, path: &str, form: &str) -> String {
    let doc = page(app, path).await;
    html::attrs(&doc, &format!("{form} input[name=version]"), "value").remove(0)
}

fn textarea(doc: &scraper::Html, selector: &str) -> String {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_list_shows_counts_and_marks_customers_that_cannot_file() {
    let app = admin_app().await;
    app.exec("INSERT INTO customers (name) VALUES ('Zeta Without Environments')");
    let doc = page(&app, "/admin/customers").await;
    let rows = html::texts(&doc, "tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].starts_with("Acme Payments 2 4"), "{rows:?}");
    assert!(!rows[0].contains("Cannot file yet"));
    assert_eq!(rows[2], "Zeta Without Environments Cannot file yet 0 0");
    assert!(rows[2].contains("Cannot file yet"), "{rows:?}");
    let zeta = customer_id(&app, "Zeta Without Environments");
    assert!(html::attrs(&doc, "tbody a", "href").contains(&format!("/admin/customers/{zeta}")));

    // The page of a customer without environments says so too.
    let doc = page(&app, &format!("/admin/customers/{zeta}")).await;
    assert!(html::text(&doc, "#cannot-file").contains("Cannot file yet"));
    let acme = customer_id(&app, "Acme Payments");
    let doc = page(&app, &format!("/admin/customers/{acme}")).await;
    assert!(html::texts(&doc, "#cannot-file").is_empty());
    assert!(html::text(&doc, "#environments").contains("not deleted"));
}

#[tokio::test]
async fn the_list_pages_by_name_and_runs_the_same_statements_whatever_its_length() {
    let app = admin_app().await;
    let few = app.statements_for("/admin/customers").await;

    // 60 more, in mixed case, so a page boundary falls between names that
    // differ only in case or share a prefix.
    app.exec(
        "INSERT INTO customers (name) SELECT (CASE WHEN i % 2 = 0 THEN 'client ' ELSE 'Client ' END) \
         || lpad(i::text, 3, '0') FROM generate_series(1, 60) i",
    );
    app.exec(
        "INSERT INTO environments (customer_id, name, env_type) \
         SELECT id, 'prod', 'production' FROM customers WHERE name LIKE '%lient%'",
    );
    let many = app.statements_for("/admin/customers").await;
    assert_eq!(few, many, "statements for 2 customers vs 62");
    // The session and its user, the page of rows, all their counts.
    assert!(many <= 4, "/admin/customers ran {many} statements");
    let paged = app
        .statements_for("/admin/customers?q=client&after=x")
        .await;
    assert!(paged <= many, "a search ran {paged} statements");

    // Walking the pages gives every customer once, by name ignoring case.
    let mut names = Vec::new();
    let mut path = "/admin/customers".to_owned();
    let mut pages = 0;
    loop {
        let doc = page(&app, &path).await;
        names.extend(html::texts(&doc, "tbody td:first-child a"));
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
    assert_eq!(names.len(), 62);
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    sorted.dedup();
    assert_eq!(sorted.len(), 62);

    // Search: part of the name, any case; LIKE's wildcards are literal.
    let doc = page(&app, "/admin/customers?q=NT+05").await;
    let expected: Vec<String> = (50..60)
        .map(|i| match i % 2 {
            0 => format!("client {i:03}"),
            _ => format!("Client {i:03}"),
        })
        .collect();
    assert_eq!(html::texts(&doc, "tbody td:first-child a"), expected);
    let doc = page(&app, "/admin/customers?q=%25").await;
    assert!(html::texts(&doc, "tbody tr").is_empty());
    assert!(html::text(&doc, ".empty-state").contains("No customers match"));
    let doc = page(&app, "/admin/customers?q=a%00cme").await;
    assert!(html::texts(&doc, "tbody tr").is_empty());

    // A damaged page link shows the first page with a notice, never a 500.
    for after in ["x", "not-a-uuid.client", &format!("{NIL}.a%00b")] {
        let doc = page(&app, &format!("/admin/customers?after={after}")).await;
        assert!(
            html::text(&doc, ".flash-warning").contains("damaged"),
            "{after}"
        );
        assert_eq!(html::text(&doc, "tbody td:first-child a"), "Acme Payments");
    }
}

#[tokio::test]
async fn creating_a_customer_writes_it_its_domains_and_one_audit_row() {
    let app = admin_app().await;
    let doc = page(&app, "/admin/customers/new").await;
    assert_eq!(html::attrs(&doc, "#name", "name"), vec!["name"]);
    assert_eq!(html::attrs(&doc, "#domains", "name"), vec!["domains"]);

    let res = post(
        &app,
        "/admin/customers/new",
        &[
            ("name", "  Initech  "),
            (
                "domains",
                "Initech.example\r\n\r\ninitech.io\r\n initech.example \r\n",
            ),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let id = customer_id(&app, "Initech");
    assert_eq!(location(&res), format!("/admin/customers/{id}"));
    assert_eq!(domains_of(&app, id), vec!["initech.example", "initech.io"]);

    let audit = audit_of(&app, id);
    assert_eq!(audit.len(), 1);
    let row = &audit[0];
    assert_eq!(row.kind, AuditKind::Customer);
    assert_eq!(row.action, "created");
    assert_eq!(row.object_label, "Initech");
    assert_eq!(row.actor_name, "Ada Admin");
    assert_eq!(row.before, None);
    assert_eq!(
        row.after,
        Some(json!({"name": "Initech", "domains": ["initech.example", "initech.io"]}))
    );

    let doc = page(&app, &format!("/admin/customers/{id}")).await;
    assert!(html::text(&doc, ".flash-success").contains("Customer created"));
    assert_eq!(html::text(&doc, "h1"), "Initech");
    assert_eq!(textarea(&doc, "#domains"), "initech.example\ninitech.io");
    assert!(html::text(&doc, "#cannot-file").contains("Cannot file yet"));

    // The invitations page offers the new customer.
    let doc = page(&app, "/admin/invitations").await;
    assert!(html::texts(&doc, "#customer_id option").contains(&"Initech".to_owned()));
}

#[tokio::test]
async fn an_invalid_or_refused_new_customer_keeps_the_values_and_writes_nothing() {
    let app = admin_app().await;
    let before = written(&app);
    let long = "x".repeat(256);
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "",
            "initech.example",
            "#name-error",
            "Enter the customer's name",
        ),
        (
            "Initech",
            "initech.example\nnot a domain\nhttps://x.example",
            "#domains-error",
            "Line 2 (“not a domain”)",
        ),
        (
            "Initech",
            "initech.example\nhttps://x.example",
            "#domains-error",
            "Line 2 (“https://x.example”): write the domain alone",
        ),
        ("Ini\0tech", "", "#name-error", "control characters"),
        (&long, "", "#name-error", "at most 255 characters"),
        (
            "Initech",
            "a\0b.example",
            "#domains-error",
            "control characters",
        ),
        // Names are unique ignoring case, domains across customers.
        (
            "acme PAYMENTS",
            "",
            "#name-error",
            "Another customer has this name",
        ),
        (
            "Initech",
            "initech.example\nACME.example",
            "#domains-error",
            "Line 2 (acme.example) is already a domain of Acme Payments",
        ),
    ];
    for (name, domains, error, message) in cases {
        let res = post(
            &app,
            "/admin/customers/new",
            &[("name", name), ("domains", domains)],
        )
        .await;
        assert_eq!(res.status(), 422, "{name:?} {domains:?}");
        let doc = html::parse(&res.text().await.unwrap());
        let shown = html::text(&doc, error);
        assert!(shown.contains(message), "{name:?} {domains:?}: {shown:?}");
        assert!(!html::texts(&doc, "#error-summary").is_empty());
        if !name.contains('\0') {
            assert_eq!(html::attrs(&doc, "#name", "value"), vec![name.trim()]);
        }
        if !domains.contains('\0') {
            assert_eq!(textarea(&doc, "#domains").trim(), domains.trim());
        }
    }
    assert_eq!(written(&app), before);
}

#[tokio::test]
async fn editing_a_customer_renames_it_and_replaces_its_domains_with_one_audit_row() {
    let app = admin_app().await;
    let acme = customer_id(&app, "Acme Payments");
    let path = format!("/admin/customers/{acme}");
    let doc = page(&app, &path).await;
    assert_eq!(html::attrs(&doc, "#name", "value"), vec!["Acme Payments"]);
    assert_eq!(textarea(&doc, "#domains"), "acme.example");
    let v = version(&app, &path, "#customer-form").await;

    let res = post(
        &app,
        &path,
        &[
            ("name", "Acme Pay"),
            ("domains", "acme.example\nacmepay.example\nACMEPAY.example"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), path);
    assert_eq!(
        domains_of(&app, acme),
        vec!["acme.example", "acmepay.example"]
    );
    let audit = audit_of(&app, acme);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::Customer);
    assert_eq!(audit[0].action, "updated");
    assert_eq!(audit[0].object_label, "Acme Pay");
    assert_eq!(
        audit[0].before,
        Some(json!({"name": "Acme Payments", "domains": ["acme.example"]}))
    );
    assert_eq!(
        audit[0].after,
        Some(json!({"name": "Acme Pay", "domains": ["acme.example", "acmepay.example"]}))
    );
    let doc = page(&app, &path).await;
    assert!(html::text(&doc, ".flash-success").contains("Customer saved"));

    // Dropping every domain is a change too; the version moved.
    let v2 = version(&app, &path, "#customer-form").await;
    assert_ne!(v, v2);
    let res = post(
        &app,
        &path,
        &[("name", "Acme Pay"), ("domains", ""), ("version", &v2)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(domains_of(&app, acme).is_empty());
    let audit = audit_of(&app, acme);
    assert_eq!(audit.len(), 2);
    assert_eq!(
        audit[1].after,
        Some(json!({"name": "Acme Pay", "domains": []}))
    );

    // Saving what is there writes nothing, not even an audit row.
    let v3 = version(&app, &path, "#customer-form").await;
    let res = post(
        &app,
        &path,
        &[("name", "Acme Pay"), ("domains", ""), ("version", &v3)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_of(&app, acme).len(), 2);
    let doc = page(&app, &path).await;
    assert!(html::text(&doc, ".flash-info").contains("Nothing changed"));
    assert_eq!(version(&app, &path, "#customer-form").await, v3);

    // A taken domain or name, or a damaged version, is refused beside its field.
    let before = written(&app);
    for (name, domains, ver, error, message) in [
        (
            "Acme Pay",
            "acme.example\nglobex.example",
            v3.as_str(),
            "#domains-error",
            "Line 2 (globex.example) is already a domain of Globex Logistics",
        ),
        (
            "GLOBEX Logistics",
            "",
            v3.as_str(),
            "#name-error",
            "Another customer has this name",
        ),
        (
            "Acme Pay",
            "x.example",
            "not-a-version",
            "#error-summary",
            "damaged",
        ),
        ("Acme Pay", "x.example", "", "#error-summary", "damaged"),
    ] {
        let res = post(
            &app,
            &path,
            &[("name", name), ("domains", domains), ("version", ver)],
        )
        .await;
        assert_eq!(res.status(), 422, "{name} {domains} {ver}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            html::text(&doc, error).contains(message),
            "{}",
            html::text(&doc, error)
        );
        assert_eq!(html::attrs(&doc, "#name", "value"), vec![name]);
        assert_eq!(textarea(&doc, "#domains"), domains);
        // The heading keeps the stored name.
        assert_eq!(html::text(&doc, "h1"), "Acme Pay");
    }
    assert_eq!(written(&app), before);
}

#[tokio::test]
async fn a_stale_customer_edit_answers_409_with_the_current_values_and_overwrites_nothing() {
    let app = admin_app().await;
    let other = app.other_browser();
    other.sign_in("admin@example.com").await;
    let acme = customer_id(&app, "Acme Payments");
    let path = format!("/admin/customers/{acme}");
    let v = version(&app, &path, "#customer-form").await;

    // The other admin changes only the domains.
    let res = post(
        &other,
        &path,
        &[
            ("name", "Acme Payments"),
            ("domains", "acme.example\nacme.io"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);

    // The first admin's rename from the old page is refused.
    let res = post(
        &app,
        &path,
        &[
            ("name", "Acme Renamed"),
            ("domains", "acme.example"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("Another admin changed this customer"));
    assert_eq!(html::attrs(&doc, "#name", "value"), vec!["Acme Payments"]);
    assert_eq!(textarea(&doc, "#domains"), "acme.example\nacme.io");
    let fresh = html::attrs(&doc, "#customer-form input[name=version]", "value").remove(0);
    assert_ne!(fresh, v);

    let name: String = customers::table
        .find(acme)
        .select(customers::name)
        .first(&mut app.db.conn())
        .unwrap();
    assert_eq!(name, "Acme Payments");
    assert_eq!(domains_of(&app, acme), vec!["acme.example", "acme.io"]);
    assert_eq!(audit_of(&app, acme).len(), 1);

    // With the version the 409 page gave, the rename goes through.
    let res = post(
        &app,
        &path,
        &[
            ("name", "Acme Renamed"),
            ("domains", "acme.example\nacme.io"),
            ("version", &fresh),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_of(&app, acme).len(), 2);
}

#[tokio::test]
async fn environments_are_added_and_edited_with_their_audit_rows() {
    let app = admin_app().await;
    let acme = customer_id(&app, "Acme Payments");
    let path = format!("/admin/customers/{acme}");
    let doc = page(&app, &path).await;
    // The add form's type select starts empty, so it is a real choice.
    assert_eq!(
        html::attrs(&doc, "#new-env-env_type option", "value")[0],
        ""
    );
    let rows_before = html::texts(&doc, ".environment form").len();
    assert_eq!(rows_before, 4);

    let res = post(
        &app,
        &format!("{path}/environments"),
        &[("name", " acme-prod-eu "), ("env_type", "production")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{path}#environments"));
    let (env, env_type): (Uuid, String) = environments::table
        .filter(environments::customer_id.eq(acme))
        .filter(environments::name.eq("acme-prod-eu"))
        .select((
            environments::id,
            diesel::dsl::sql::<diesel::sql_types::Text>("env_type::text"),
        ))
        .first(&mut app.db.conn())
        .unwrap();
    assert_eq!(env_type, "production");
    let audit = audit_of(&app, env);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::Environment);
    assert_eq!(audit[0].action, "created");
    assert_eq!(audit[0].object_label, "Acme Payments / acme-prod-eu");
    assert_eq!(audit[0].before, None);
    assert_eq!(
        audit[0].after,
        Some(json!({"name": "acme-prod-eu", "env_type": "production"}))
    );

    // Its own form on the page, with its own ids.
    let doc = page(&app, &path).await;
    assert!(html::text(&doc, ".flash-success").contains("acme-prod-eu"));
    let form = format!("#env-{env}-form");
    assert_eq!(
        html::attrs(&doc, &format!("#env-{env}-name"), "value"),
        vec!["acme-prod-eu"]
    );
    let v = html::attrs(&doc, &format!("{form} input[name=version]"), "value").remove(0);
    let env_path = format!("{path}/environments/{env}");

    let res = post(
        &app,
        &env_path,
        &[
            ("name", "acme-stage-eu"),
            ("env_type", "staging"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let audit = audit_of(&app, env);
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].action, "updated");
    assert_eq!(audit[1].object_label, "Acme Payments / acme-stage-eu");
    assert_eq!(
        audit[1].before,
        Some(json!({"name": "acme-prod-eu", "env_type": "production"}))
    );
    assert_eq!(
        audit[1].after,
        Some(json!({"name": "acme-stage-eu", "env_type": "staging"}))
    );

    // Invalid or taken (ignoring case) names, unknown types: 422, nothing written.
    let before = written(&app);
    for (name, env_type, error, message) in [
        (
            "ACME-PROD-01",
            "production",
            "#new-env-name-error",
            "already has an environment with this name",
        ),
        (
            "",
            "dev",
            "#new-env-name-error",
            "Enter the environment's name",
        ),
        ("x\0y", "dev", "#new-env-name-error", "control characters"),
        (
            "acme-new",
            "live",
            "#new-env-env_type-error",
            "Choose a type",
        ),
        ("acme-new", "", "#new-env-env_type-error", "Choose a type"),
    ] {
        let res = post(
            &app,
            &format!("{path}/environments"),
            &[("name", name), ("env_type", env_type)],
        )
        .await;
        assert_eq!(res.status(), 422, "{name:?} {env_type}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            html::text(&doc, error).contains(message),
            "{name:?}: {}",
            html::text(&doc, error)
        );
        if !name.contains('\0') {
            assert_eq!(html::attrs(&doc, "#new-env-name", "value"), vec![name]);
        }
    }
    let v2 = version(&app, &path, &form).await;
    for (name, env_type, error, message) in [
        (
            "acme-dev-01",
            "staging",
            format!("#env-{env}-name-error"),
            "already has an environment with this name",
        ),
        (
            "",
            "staging",
            format!("#env-{env}-name-error"),
            "Enter the environment's name",
        ),
        (
            "acme-stage-eu",
            "nope",
            format!("#env-{env}-env_type-error"),
            "Choose a type",
        ),
    ] {
        let res = post(
            &app,
            &env_path,
            &[("name", name), ("env_type", env_type), ("version", &v2)],
        )
        .await;
        assert_eq!(res.status(), 422, "{name:?} {env_type}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            html::text(&doc, &error).contains(message),
            "{name:?}: {}",
            html::text(&doc, &error)
        );
        assert_eq!(
            html::attrs(&doc, &format!("#env-{env}-name"), "value"),
            vec![name]
        );
        // The summary links to this environment's field.
        assert!(
            html::attrs(&doc, "#error-summary a", "href")[0].starts_with(&format!("#env-{env}-"))
        );
    }
    assert_eq!(written(&app), before);

    // Saving what is there writes nothing.
    let res = post(
        &app,
        &env_path,
        &[
            ("name", "acme-stage-eu"),
            ("env_type", "staging"),
            ("version", &v2),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_of(&app, env).len(), 2);
}

#[tokio::test]
async fn a_stale_environment_edit_answers_409_and_overwrites_nothing() {
    let app = admin_app().await;
    let acme = customer_id(&app, "Acme Payments");
    let path = format!("/admin/customers/{acme}");
    let env: Uuid = environments::table
        .filter(environments::name.eq("acme-dev-01"))
        .select(environments::id)
        .first(&mut app.db.conn())
        .unwrap();
    let env_path = format!("{path}/environments/{env}");
    let form = format!("#env-{env}-form");
    let v = version(&app, &path, &form).await;

    let res = post(
        &app,
        &env_path,
        &[
            ("name", "acme-dev-02"),
            ("env_type", "dev"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(
        &app,
        &env_path,
        &[
            ("name", "acme-sandbox"),
            ("env_type", "qa"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("Another admin changed this environment"));
    assert_eq!(
        html::attrs(&doc, &format!("#env-{env}-name"), "value"),
        vec!["acme-dev-02"]
    );
    assert_eq!(
        html::attrs(
            &doc,
            &format!("#env-{env}-env_type option[selected]"),
            "value"
        ),
        vec!["dev"]
    );
    let name: String = environments::table
        .find(env)
        .select(environments::name)
        .first(&mut app.db.conn())
        .unwrap();
    assert_eq!(name, "acme-dev-02");
    assert_eq!(audit_of(&app, env).len(), 1);
}

#[tokio::test]
async fn unknown_foreign_and_malformed_ids_are_not_found() {
    let app = admin_app().await;
    let acme = customer_id(&app, "Acme Payments");
    let globex = customer_id(&app, "Globex Logistics");
    let globex_env: Uuid = environments::table
        .filter(environments::customer_id.eq(globex))
        .select(environments::id)
        .first(&mut app.db.conn())
        .unwrap();
    let upper = acme.to_string().to_uppercase();
    let simple = acme.simple().to_string();
    for path in [
        format!("/admin/customers/{NIL}"),
        format!("/admin/customers/{upper}"),
        format!("/admin/customers/{simple}"),
        "/admin/customers/not-an-id".to_owned(),
        "/admin/customers/%00".to_owned(),
    ] {
        assert_eq!(app.get(&path).await.status(), 404, "GET {path}");
    }
    let before = written(&app);
    let good = [
        ("name", "renamed"),
        ("env_type", "dev"),
        ("version", "1"),
        ("domains", ""),
    ];
    for path in [
        format!("/admin/customers/{NIL}"),
        format!("/admin/customers/{upper}"),
        format!("/admin/customers/{NIL}/environments"),
        format!("/admin/customers/{simple}/environments"),
        // Another customer's environment through this customer's page.
        format!("/admin/customers/{acme}/environments/{globex_env}"),
        format!("/admin/customers/{acme}/environments/{NIL}"),
        format!("/admin/customers/{acme}/environments/nope"),
    ] {
        let res = post(&app, &path, &good).await;
        assert_eq!(res.status(), 404, "POST {path}");
        // An invalid form for them is still 404, not a 422 page.
        let res = post(&app, &path, &[("name", "")]).await;
        assert_eq!(res.status(), 404, "POST {path} (invalid)");
    }
    assert_eq!(written(&app), before);
}

#[tokio::test]
async fn agents_and_customers_can_neither_see_nor_change_customers() {
    let app = TestApp::spawn().await;
    let acme = customer_id(&app, "Acme Payments");
    let before = written(&app);
    for email in ["agent1@example.com", "customer1@example.com"] {
        let user = app.other_browser();
        user.sign_in(email).await;
        let token = user.form_token("/account").await;
        for path in [
            "/admin/customers".to_owned(),
            format!("/admin/customers/{acme}"),
        ] {
            assert_eq!(user.get(&path).await.status(), 403, "{email} GET {path}");
        }
        for (path, fields) in [
            (
                "/admin/customers/new".to_owned(),
                vec![("name", "Evil"), ("domains", "evil.example")],
            ),
            (
                format!("/admin/customers/{acme}"),
                vec![("name", "Evil"), ("domains", ""), ("version", "1")],
            ),
            (
                format!("/admin/customers/{acme}/environments"),
                vec![("name", "evil"), ("env_type", "dev")],
            ),
        ] {
            let mut fields = fields;
            fields.push(("csrf_token", &token));
            assert_eq!(
                user.post_form(&path, &fields).await.status(),
                403,
                "{email} POST {path}"
            );
        }
    }
    assert_eq!(written(&app), before);
}

/// The customer page reads a fixed number of statements whatever the
/// number of environments and domains.
#[tokio::test]
async fn the_customer_page_runs_the_same_statements_whatever_it_holds() {
    let app = admin_app().await;
    let globex = customer_id(&app, "Globex Logistics");
    let path = format!("/admin/customers/{globex}");
    let few = app.statements_for(&path).await;
    app.exec(&format!(
        "INSERT INTO environments (customer_id, name, env_type) \
         SELECT '{globex}', 'extra-' || i, 'qa' FROM generate_series(1, 30) i"
    ));
    app.exec(&format!(
        "INSERT INTO customer_domains (domain, customer_id) \
         SELECT 'd' || i || '.globex.example', '{globex}' FROM generate_series(1, 30) i"
    ));
    let many = app.statements_for(&path).await;
    assert_eq!(few, many);
    // The session and its user, the customer, its domains, its environments.
    assert!(many <= 5, "{path} ran {many} statements");
    assert!(app.statements_for("/admin/customers/new").await <= 3);
}
