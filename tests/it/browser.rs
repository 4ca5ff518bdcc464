//! The app in a real headless Chromium: pages render, forms submit, the
//! session cookie survives redirects. Screenshots land in target/screenshots/.

use std::path::PathBuf;

use crate::helpers::TestApp;
use crate::helpers::browser::Browser;

fn screenshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/screenshots")
        .join(format!("{name}.png"))
}

#[tokio::test]
async fn a_customer_signs_in_and_out_in_a_real_browser() {
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;

    browser.goto(&app.url("/login")).await;
    browser.wait_for("#login-heading").await;
    browser.screenshot(screenshot_path("login")).await;

    browser.sign_in(&app.address, "customer1@example.com").await;
    assert_eq!(browser.current_url().await.path(), "/");
    let badge = browser.find(".user-menu .role-badge").await;
    assert_eq!(badge.text().await.unwrap().trim(), "Customer");

    browser.goto(&app.url("/no-such-page")).await;
    let heading = browser.wait_for("#error-heading").await;
    assert!(!heading.text().await.unwrap().is_empty());
    browser.screenshot(screenshot_path("not-found")).await;

    browser.goto(&app.url("/account")).await;
    browser.wait_for(".ticket-meta").await;
    browser.screenshot(screenshot_path("account")).await;

    browser
        .click(".user-menu form[action='/logout'] button[type=submit]")
        .await;
    browser.wait_for("#login-heading").await;
    assert_eq!(browser.current_url().await.path(), "/login");
    browser.close().await;
}

/// The issue form with JavaScript: the plane's fields appear without a
/// reload, doc feedback is recorded in place, and the issue is filed.
#[tokio::test]
async fn a_customer_files_an_issue_with_live_fields_and_doc_feedback() {
    use diesel::prelude::*;
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.sign_in(&app.address, "customer1@example.com").await;
    browser.goto(&app.url("/issues/new")).await;
    browser.wait_for("#issue-form").await;
    // Marks this page load: a reload would forget it.
    browser
        .execute("window.__sameLoad = true; return true;")
        .await;

    let env = browser
        .execute("return document.querySelector('#environment_id optgroup option').value;")
        .await;
    browser
        .select("#environment_id", env.as_str().unwrap())
        .await;
    browser.select("#primary_plane", "eks").await;
    browser.wait_for("#ctx-eks-cluster_version").await;
    assert_eq!(
        browser.execute("return window.__sameLoad === true;").await,
        serde_json::json!(true)
    );
    assert_eq!(browser.current_url().await.path(), "/issues/new");

    browser.select("#ctx-eks-cluster_version", "1.31").await;
    browser
        .click("input[name='ctx.eks.addons'][value=karpenter]")
        .await;
    browser.fill("#title", "Pods stuck in Pending").await;
    browser
        .fill(
            "#description",
            "Karpenter does not add nodes; pods stay pending",
        )
        .await;
    browser.screenshot(screenshot_path("new-issue")).await;

    browser
        .wait_for("#suggestions button[value^='helpful:']")
        .await;
    let doc_title = browser
        .find("#suggestions .suggestion h3")
        .await
        .text()
        .await
        .unwrap();
    browser
        .click("#suggestions button[value^='helpful:']")
        .await;
    browser
        .wait_for("#suggestions .suggestion.is-helpful")
        .await;
    assert_eq!(
        browser.execute("return window.__sameLoad === true;").await,
        serde_json::json!(true)
    );
    // The fields chosen before the feedback are still chosen.
    let version = browser
        .execute("return document.getElementById('ctx-eks-cluster_version').value;")
        .await;
    assert_eq!(version, serde_json::json!("1.31"));

    browser.click("#issue-form button[value=submit]").await;
    browser.wait_for(".ticket-meta").await;
    let path = browser.current_url().await.path().to_owned();
    assert!(path.starts_with("/issues/"), "{path}");
    let details = browser.find(".ticket-meta").await.text().await.unwrap();
    assert!(
        details.contains("1.31") && details.contains("Karpenter"),
        "{details}"
    );
    browser.screenshot(screenshot_path("issue")).await;

    let number: i64 = path.trim_start_matches("/issues/").parse().unwrap();
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        title: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        snapshot: String,
    }
    let row: Row = diesel::sql_query(
        "SELECT d.title, f.issue_context::text AS snapshot FROM doc_feedback f \
         JOIN docs d ON d.id = f.doc_id JOIN issues i ON i.id = f.issue_id \
         WHERE i.number = $1 AND f.marked_helpful",
    )
    .bind::<diesel::sql_types::BigInt, _>(number)
    .get_result(&mut app.db.conn())
    .unwrap();
    assert_eq!(row.title.trim(), doc_title.trim());
    let snapshot: serde_json::Value = serde_json::from_str(&row.snapshot).unwrap();
    assert_eq!(snapshot["planes"], serde_json::json!(["eks"]));
    assert_eq!(
        snapshot["contexts"]["eks.cluster_version"],
        serde_json::json!("1.31")
    );
    assert_eq!(
        snapshot["title"],
        serde_json::json!("Pods stuck in Pending")
    );
    browser.close().await;
}

/// Screenshots of the agent's pages, for people to look at.
#[tokio::test]
async fn an_agent_sees_the_queue_and_a_ticket() {
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.sign_in(&app.address, "agent1@example.com").await;
    browser.goto(&app.url("/queue?view=all")).await;
    browser.wait_for("table.table").await;
    let first = browser.find("tbody td.num a").await.text().await.unwrap();
    assert!(first.starts_with('#'));
    browser.screenshot(screenshot_path("queue")).await;
    browser.click("tbody td.num a").await;
    browser.wait_for("#ticket-form").await;
    browser.screenshot(screenshot_path("ticket")).await;
    browser.close().await;
}

/// Every main page passes axe-core's WCAG 2.1 A/AA rules, including the
/// issue form showing its errors.
#[tokio::test]
async fn main_pages_pass_the_accessibility_checks() {
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    let mut failures = Vec::new();
    let mut check = |page: &str, violations: Vec<String>| {
        for v in violations {
            failures.push(format!("{page}: {v}"));
        }
    };
    browser.goto(&app.url("/login")).await;
    check("/login", browser.accessibility_violations().await);
    browser.sign_in(&app.address, "customer1@example.com").await;
    for path in ["/", "/issues", "/issues/new?primary_plane=eks", "/account"] {
        browser.goto(&app.url(path)).await;
        browser.wait_for("main").await;
        check(path, browser.accessibility_violations().await);
    }
    // The form after a failed submit: error summary and messages.
    browser
        .goto(&app.url("/issues/new?primary_plane=eks"))
        .await;
    browser.click("#issue-form button[value=submit]").await;
    browser.wait_for("#error-summary").await;
    check("/issues (errors)", browser.accessibility_violations().await);
    browser.goto(&app.url("/issues/1001")).await;
    browser.wait_for("main").await;
    check("/issues/1001", browser.accessibility_violations().await);

    let agent = Browser::start().await;
    agent.sign_in(&app.address, "agent1@example.com").await;
    for path in ["/queue?view=all", "/issues/1001"] {
        agent.goto(&app.url(path)).await;
        agent.wait_for("main").await;
        check(path, agent.accessibility_violations().await);
    }

    // The admin pages (the users pages have their own check beside them).
    let admin = Browser::start().await;
    admin.sign_in(&app.address, "admin@example.com").await;
    let acme = app.text("SELECT id::text AS s FROM customers WHERE name = 'Acme Payments'");
    let customer_page = format!("/admin/customers/{acme}");
    let a_doc = app.text("SELECT id::text AS s FROM docs ORDER BY title LIMIT 1");
    let doc_page = format!("/admin/docs/{a_doc}");
    let a_field = app.text(
        "SELECT c.id::text AS s FROM plane_contexts c JOIN planes p ON p.id = c.plane_id \
         WHERE p.slug = 'eks' AND c.context_key = 'node_group'",
    );
    let field_page = format!("/admin/planes/eks/fields/{a_field}");
    for path in [
        "/admin",
        "/admin/audit",
        "/admin/customers",
        "/admin/customers/new",
        customer_page.as_str(),
        "/admin/docs",
        "/admin/docs/new",
        "/admin/docs/import",
        doc_page.as_str(),
        "/admin/invitations",
        "/admin/planes",
        "/admin/planes/eks",
        field_page.as_str(),
        "/admin/analytics",
        "/admin/analytics/tickets",
        "/admin/analytics/tickets?from=2026-13-01&plane=nope",
        "/admin/analytics/docs",
        "/admin/analytics/docs?sort=title&dir=asc&doc_type=how-to&plane=nope",
    ] {
        admin.goto(&app.url(path)).await;
        admin.wait_for("main").await;
        check(path, admin.accessibility_violations().await);
    }
    // The doc import's report, after an upload from the browser itself
    // (Chromium sends the token part first, which the CSRF check reads):
    // a refused row imports nothing, the fixed file imports.
    let csv = std::env::temp_dir().join(format!("sd-import-{}.csv", std::process::id()));
    let header = "url,title,doc_type,planes,summary\n";
    let good_row = "https://browser.example/a,From the browser,how-to,eks,\n";
    for (file, heading) in [
        (
            format!("{header}{good_row}not-a-url,Bad,how-to,,\n"),
            "Nothing imported",
        ),
        (format!("{header}{good_row}"), "Imported"),
    ] {
        std::fs::write(&csv, file).expect("write the CSV file");
        admin.goto(&app.url("/admin/docs/import")).await;
        admin
            .find("#file")
            .await
            .send_keys(&csv.to_string_lossy())
            .await
            .expect("choose the file");
        admin.click("#import-form button[type=submit]").await;
        let report = admin.wait_for("#report-heading").await;
        let text = report.text().await.expect("report heading");
        assert!(text.starts_with(heading), "{text}");
        check(
            "/admin/docs/import (report)",
            admin.accessibility_violations().await,
        );
    }
    let _ = std::fs::remove_file(&csv);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM docs WHERE url = 'https://browser.example/a'"),
        1
    );
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
    browser.close().await;
    agent.close().await;
    admin.close().await;
}
