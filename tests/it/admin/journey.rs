//! The desk set up from an empty database (no demo data), as a new
//! install does it: the real `supportdesk create-admin` command migrates
//! and creates the first admin, who signs in, creates a customer with an
//! e-mail domain and an environment, adds a required single-choice field
//! with two options to the EKS plane and invites a customer user; the
//! user sets a password through the invitation link and files an issue
//! that must answer the new field; then the admin retires the chosen
//! option, which leaves the issue form and stays on the filed issue.
//! Once over plain HTTP, once clicking through the pages in Chromium.

use std::process::Command;

use crate::helpers::browser::Browser;
use crate::helpers::{TestApp, TestDb, html};

const ADMIN: &str = "owner@corp.example";
const ADMIN_PASSWORD: &str = "first admin's long password";
const CUSTOMER: &str = "dana@globex.example";
const CUSTOMER_PASSWORD: &str = "dana's own long password";

/// A migrated database with nothing but the first admin, made by the real
/// binary as the README tells an operator to.
fn fresh_install() -> TestDb {
    let db = TestDb::empty();
    let out = Command::new(env!("CARGO_BIN_EXE_supportdesk"))
        .args(["create-admin", "--email", ADMIN, "--name", "Olu Owner"])
        .env("DATABASE_URL", &db.url)
        .env("SUPPORTDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env_remove("SUPPORTDESK_DEMO")
        .output()
        .expect("run supportdesk create-admin");
    assert!(
        out.status.success(),
        "create-admin failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(ADMIN));
    db
}

/// Nothing but the admin and the migration's planes: no demo data.
fn assert_empty_desk(app: &TestApp) {
    for table in [
        "customers",
        "environments",
        "plane_contexts",
        "plane_context_options",
        "docs",
        "issues",
    ] {
        let n = app.count(&format!("SELECT count(*) AS n FROM {table}"));
        assert_eq!(n, 0, "{table} is not empty on a fresh install");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM users"), 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM planes"), 4);
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Posts `fields` with a CSRF token of `browser`'s session.
async fn post(browser: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = browser.form_token("/account").await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    browser.post_form(path, &all).await
}

async fn get_doc(browser: &TestApp, path: &str) -> scraper::Html {
    let res = browser.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    html::parse(&res.text().await.unwrap())
}

/// The issue form's fields for the EKS plane, with what the page carries
/// (session, submit token, the only environment) and what is typed.
async fn issue_fields(customer: &TestApp) -> Vec<(String, String)> {
    let doc = get_doc(customer, "/issues/new?primary_plane=eks").await;
    let hidden = |name: &str| {
        html::attrs(&doc, &format!("#issue-form input[name={name}]"), "value").remove(0)
    };
    let envs: Vec<String> = html::attrs(&doc, "#environment_id option", "value")
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(envs.len(), 1, "the customer's one environment");
    [
        ("csrf_token", hidden("csrf_token")),
        ("form_session_id", hidden("form_session_id")),
        ("submit_token", hidden("submit_token")),
        ("environment_id", envs[0].clone()),
        ("primary_plane", "eks".into()),
        ("title", "Nodes never join the new cluster".into()),
        ("description", "The node group stays at zero nodes.".into()),
        ("submitter_handle", "@dana".into()),
        ("category", "technical_issue".into()),
        ("action", "submit".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[tokio::test]
async fn from_an_empty_database_to_the_first_filed_issue_over_http() {
    let app = TestApp::spawn_on(fresh_install()).await;
    assert_empty_desk(&app);
    let res = app.try_sign_in(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 303, "the first admin signs in");

    // A customer with a domain and an environment.
    let res = post(
        &app,
        "/admin/customers/new",
        &[("name", "Globex"), ("domains", "globex.example")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let customer_page = location(&res);
    let customer_id = customer_page
        .trim_start_matches("/admin/customers/")
        .to_owned();
    let doc = get_doc(&app, &customer_page).await;
    assert!(!html::text(&doc, "#cannot-file").is_empty());
    let res = post(
        &app,
        &format!("{customer_page}/environments"),
        &[("name", "globex-prod"), ("env_type", "production")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let doc = get_doc(&app, &customer_page).await;
    assert!(html::texts(&doc, "#cannot-file").is_empty());

    // A required single choice on EKS with two options, then asked.
    let res = post(
        &app,
        "/admin/planes/eks/fields",
        &[
            ("label", "Cluster region"),
            ("context_key", "cluster_region"),
            ("field_type", "single_select"),
            ("is_required", "true"),
            ("help_text", "Where the cluster runs."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let field_page = location(&res).trim_end_matches("#options").to_owned();
    for (value, label) in [("eu-west-1", "Europe (Ireland)"), ("us-east-1", "US East")] {
        let doc = get_doc(&app, &field_page).await;
        let version = html::attrs(&doc, "#new-option-form input[name=version]", "value").remove(0);
        let res = post(
            &app,
            &format!("{field_page}/options"),
            &[("value", value), ("label", label), ("version", &version)],
        )
        .await;
        assert_eq!(res.status(), 303, "{value}");
    }
    let doc = get_doc(&app, &field_page).await;
    assert_eq!(
        html::texts(&doc, "li.option-row strong"),
        ["Europe (Ireland)", "US East"]
    );
    let version = html::attrs(&doc, "#field-state-form input[name=version]", "value").remove(0);
    let res = post(
        &app,
        &format!("{field_page}/restore"),
        &[("version", &version)],
    )
    .await;
    assert_eq!(res.status(), 303);

    // The customer user is invited and sets a password through the link.
    let res = post(
        &app,
        "/admin/invitations",
        &[
            ("email", CUSTOMER),
            ("role", "customer"),
            ("customer_id", &customer_id),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    let link = html::attrs(&doc, "#created-link", "value").remove(0);
    let link_path = &link[link.find("/invitations/").expect("an invitation link")..];
    let customer = app.other_browser();
    let token = customer.form_token(link_path).await;
    let res = customer
        .post_form(
            link_path,
            &[
                ("name", "Dana Scully"),
                ("password", CUSTOMER_PASSWORD),
                ("confirm_password", CUSTOMER_PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "the invitation is accepted");
    // Signed out and in again with the new password, as on another day.
    let token = customer.form_token("/account").await;
    customer
        .post_form("/logout", &[("csrf_token", &token)])
        .await;
    let res = customer.try_sign_in(CUSTOMER, CUSTOMER_PASSWORD).await;
    assert_eq!(res.status(), 303, "the customer signs in");

    // The issue must answer the new field: refused without it, filed with it.
    let doc = get_doc(&customer, "/issues/new?primary_plane=eks").await;
    assert!(html::text(&doc, "label[for=ctx-eks-cluster_region]").contains("(required)"));
    let mut fields = issue_fields(&customer).await;
    let res = customer
        .client
        .post(customer.url("/issues"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(
        html::text(&doc, "#ctx-eks-cluster_region-error").contains("Cluster region"),
        "the refusal names the field"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM issues"), 0);
    fields.push(("ctx.eks.cluster_region".into(), "eu-west-1".into()));
    let res = customer
        .client
        .post(customer.url("/issues"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the issue is filed");
    let issue = location(&res);
    let doc = get_doc(&customer, &issue).await;
    assert!(html::texts(&doc, ".ticket-meta dd").contains(&"Europe (Ireland)".to_owned()));

    // The admin retires the chosen option: gone from the form, still on the issue.
    let doc = get_doc(&app, &field_page).await;
    let version = html::attrs(&doc, "#field-form input[name=version]", "value").remove(0);
    let retire = html::attrs(&doc, "form[action$='/retire']", "action")
        .into_iter()
        .find(|a| a.contains("/options/"))
        .expect("a Retire button per option");
    let res = post(&app, &retire, &[("version", &version)]).await;
    assert_eq!(res.status(), 303);
    let doc = get_doc(&customer, "/issues/new?primary_plane=eks").await;
    assert_eq!(
        html::attrs(&doc, "#ctx-eks-cluster_region option", "value"),
        ["", "us-east-1"]
    );
    let doc = get_doc(&customer, &issue).await;
    assert!(html::texts(&doc, ".ticket-meta dd").contains(&"Europe (Ireland)".to_owned()));
    let doc = get_doc(&app, &issue).await;
    assert!(html::texts(&doc, ".ticket-meta dd").contains(&"Europe (Ireland)".to_owned()));
    // Every admin change of the journey is in the audit log.
    let kinds: Vec<String> = {
        use diesel::prelude::*;
        use supportdesk::db::schema::admin_audit as a;
        a::table
            .order(a::created_at.asc())
            .select(a::kind)
            .load::<supportdesk::db::models::enums::AuditKind>(&mut app.db.conn())
            .unwrap()
            .into_iter()
            .map(|k| k.as_str().to_owned())
            .collect()
    };
    assert_eq!(
        kinds,
        [
            "customer",
            "environment",
            "field",
            "option",
            "option",
            "field",
            "user",
            "option"
        ]
    );
}

/// Signs in through the login form with `password`.
async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/login")).await;
    browser
        .fill("form[action='/login'] input[name=email]", email)
        .await;
    browser
        .fill("form[action='/login'] input[name=password]", password)
        .await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for(".user-menu .role-badge").await;
}

/// Waits (up to ten seconds) for the page after a saved form to show a
/// flash saying `text`: the page before it may still be on screen.
async fn flash(browser: &Browser, text: &str) {
    let script =
        "return [...document.querySelectorAll('.flash')].map(e => e.textContent).join(' ');";
    let mut shown = String::new();
    for _ in 0..100 {
        shown = browser
            .execute(script)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if shown.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no flash saying {text:?}; the page shows {shown:?}");
}

#[tokio::test]
async fn from_an_empty_database_to_the_first_filed_issue_in_chromium() {
    let app = TestApp::spawn_on(fresh_install()).await;
    assert_empty_desk(&app);
    let admin = Browser::start().await;
    sign_in(&admin, &app, ADMIN, ADMIN_PASSWORD).await;

    // The admin home links to the pages of the journey.
    admin.goto(&app.url("/admin")).await;
    admin.click("main a[href='/admin/customers']").await;
    admin.wait_for("main a[href='/admin/customers/new']").await;
    admin.click("main a[href='/admin/customers/new']").await;
    admin.wait_for("#domains").await;
    admin.fill("#name", "Globex").await;
    admin.fill("#domains", "globex.example").await;
    admin.click("main form button[type=submit]").await;
    admin.wait_for("#new-env-form").await;
    admin.fill("#new-env-name", "globex-prod").await;
    admin.select("#new-env-env_type", "production").await;
    admin.click("#new-env-form button[type=submit]").await;
    flash(&admin, "globex-prod").await;

    admin.goto(&app.url("/admin")).await;
    admin.click("main a[href='/admin/planes']").await;
    admin.wait_for("main a[href='/admin/planes/eks']").await;
    admin.click("main a[href='/admin/planes/eks']").await;
    admin.wait_for("#new-field-form").await;
    admin.fill("#new-field-label", "Cluster region").await;
    admin.fill("#new-field-context_key", "cluster_region").await;
    admin.select("#new-field-field_type", "single_select").await;
    admin.click("#new-field-is_required").await;
    admin.click("#new-field-form button[type=submit]").await;
    admin.wait_for("#new-option-form").await;
    for (value, label) in [("eu-west-1", "Europe (Ireland)"), ("us-east-1", "US East")] {
        admin.fill("#new-option-value", value).await;
        admin.fill("#new-option-label", label).await;
        admin.click("#new-option-form button[type=submit]").await;
        flash(&admin, label).await;
    }
    admin.click("#field-state-form button[type=submit]").await;
    flash(&admin, "Field restored").await;

    admin.goto(&app.url("/admin")).await;
    admin.click("main a[href='/admin/invitations']").await;
    admin.wait_for("form[action='/admin/invitations']").await;
    admin.fill("#email", CUSTOMER).await;
    admin.select("#role", "customer").await;
    let customer_id = app.text("SELECT id::text AS s FROM customers WHERE name = 'Globex'");
    admin.select("#customer_id", &customer_id).await;
    admin
        .click("form[action='/admin/invitations'] button[type=submit]")
        .await;
    admin.wait_for("#created-link").await;
    let link = admin
        .execute("return document.getElementById('created-link').value;")
        .await;
    let link = link.as_str().expect("the link").to_owned();
    let link_path = &link[link.find("/invitations/").expect("an invitation link")..];

    let customer = Browser::start().await;
    customer.goto(&app.url(link_path)).await;
    customer.wait_for("#confirm_password").await;
    customer.fill("#name", "Dana Scully").await;
    customer.fill("#password", CUSTOMER_PASSWORD).await;
    customer.fill("#confirm_password", CUSTOMER_PASSWORD).await;
    customer.click("main form button[type=submit]").await;
    customer.wait_for(".user-menu .role-badge").await;

    // The form's script brings the EKS fields when the plane is chosen.
    customer.goto(&app.url("/issues/new")).await;
    customer.wait_for("#primary_plane").await;
    let env = app.text("SELECT id::text AS s FROM environments WHERE name = 'globex-prod'");
    customer.select("#environment_id", &env).await;
    customer.select("#primary_plane", "eks").await;
    customer.wait_for("#ctx-eks-cluster_region").await;
    customer
        .fill("#title", "Nodes never join the new cluster")
        .await;
    customer
        .fill("#description", "The node group stays at zero nodes.")
        .await;
    customer.fill("#submitter_handle", "@dana").await;
    customer.click("#issue-form button[value=submit]").await;
    let error = customer.wait_for("#ctx-eks-cluster_region-error").await;
    assert!(error.text().await.unwrap().contains("Cluster region"));
    assert_eq!(app.count("SELECT count(*) AS n FROM issues"), 0);
    customer
        .select("#ctx-eks-cluster_region", "eu-west-1")
        .await;
    customer.click("#issue-form button[value=submit]").await;
    flash(&customer, "filed").await;
    let issue = customer.current_url().await;
    let meta = customer.find(".ticket-meta").await.text().await.unwrap();
    assert!(meta.contains("Europe (Ireland)"), "{meta}");

    // Retired by the admin: gone from the form, still on the issue.
    let field =
        app.text("SELECT id::text AS s FROM plane_contexts WHERE context_key = 'cluster_region'");
    let option =
        app.text("SELECT id::text AS s FROM plane_context_options WHERE value = 'eu-west-1'");
    admin
        .goto(&app.url(&format!("/admin/planes/eks/fields/{field}")))
        .await;
    admin.wait_for("#options").await;
    admin
        .click(&format!("form[action$='/options/{option}/retire'] button"))
        .await;
    flash(&admin, "Option retired").await;
    customer
        .goto(&app.url("/issues/new?primary_plane=eks"))
        .await;
    customer.wait_for("#ctx-eks-cluster_region").await;
    let offered = customer
        .execute(
            "return [...document.querySelectorAll('#ctx-eks-cluster_region option')]\
             .map(o => o.value);",
        )
        .await;
    assert_eq!(offered, serde_json::json!(["", "us-east-1"]));
    customer.goto(issue.as_str()).await;
    let meta = customer
        .wait_for(".ticket-meta")
        .await
        .text()
        .await
        .unwrap();
    assert!(meta.contains("Europe (Ireland)"), "{meta}");
    admin.close().await;
    customer.close().await;
}
