//! Every page of every role, checked three ways in one pass over ONE list of
//! pages: the HTML as served passes the Nu HTML checker (vnu, run once over
//! all pages), axe-core finds no WCAG 2.1 A/AA violation, and nothing is
//! wider than a 375 px phone screen.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::TestApp;
use crate::helpers::browser::Browser;

/// One page as a role sees it. `path` is visited with GET; the label names
/// it in failure messages.
struct Page {
    label: String,
    path: String,
    status: u16,
}

fn page(path: impl Into<String>, status: u16) -> Page {
    let path = path.into();
    Page {
        label: path.clone(),
        path,
        status,
    }
}

/// The pages each role is shown. Empty states, error pages and admin
/// detail pages included; the issue form with errors is added by the test
/// (it is the answer to a POST).
fn pages_for(app: &TestApp, role: &str) -> Vec<Page> {
    match role {
        "signed out" => vec![
            page("/login", 200),
            page("/status", 200),
            page("/no-such-page", 404),
            page("/invitations/bogus", 404),
            page("/password-reset/bogus", 404),
        ],
        "customer" => vec![
            page("/", 200),
            page("/issues", 200),
            // Empty search results.
            page("/issues?q=zzzz-matches-nothing", 200),
            page("/issues/new", 200),
            page("/issues/new?primary_plane=eks", 200),
            page(format!("/issues/{}", own_issue(app)), 200),
            page("/account", 200),
            page("/no-such-page", 404),
            page("/issues/999999", 404),
            page("/queue", 403),
        ],
        "customer without issues" => vec![page("/", 200), page("/issues", 200)],
        "agent" => vec![
            page("/queue?view=all", 200),
            page("/queue", 200),
            // Empty search results: an empty queue.
            page("/queue?view=all&q=zzzz-matches-nothing", 200),
            page("/issues/1001", 200),
            page("/issues/new", 200),
            page("/account", 200),
            page("/admin", 403),
        ],
        _ => {
            let acme = app.text("SELECT id::text AS s FROM customers WHERE name = 'Acme Payments'");
            let a_doc = app.text("SELECT id::text AS s FROM docs ORDER BY title LIMIT 1");
            let a_field = app.text(
                "SELECT c.id::text AS s FROM plane_contexts c JOIN planes p ON p.id = c.plane_id \
                 WHERE p.slug = 'eks' AND c.context_key = 'node_group'",
            );
            let a_user =
                app.text("SELECT id::text AS s FROM users WHERE email = 'agent1@example.com'");
            vec![
                page("/admin", 200),
                page("/admin/audit", 200),
                page("/admin/users", 200),
                page("/admin/users?q=zzzz-matches-nothing", 200),
                page(format!("/admin/users/{a_user}"), 200),
                page("/admin/customers", 200),
                page("/admin/customers?q=zzzz-matches-nothing", 200),
                page("/admin/customers/new", 200),
                page(format!("/admin/customers/{acme}"), 200),
                page("/admin/docs", 200),
                page("/admin/docs/new", 200),
                page(format!("/admin/docs/{a_doc}"), 200),
                page("/admin/invitations", 200),
                page("/admin/planes", 200),
                page("/admin/planes/eks", 200),
                page(format!("/admin/planes/eks/fields/{a_field}"), 200),
                page("/admin/analytics", 200),
                page("/admin/analytics/tickets", 200),
                page("/admin/analytics/tickets?from=2026-13-01&plane=nope", 200),
                page("/queue?view=all", 200),
                page("/admin/customers/00000000-0000-0000-0000-000000000000", 404),
            ]
        }
    }
}

fn own_issue(app: &TestApp) -> String {
    app.text(
        "SELECT i.number::text AS s FROM issues i JOIN users u ON u.customer_id = i.customer_id \
         WHERE u.email = 'customer1@example.com' ORDER BY i.number LIMIT 1",
    )
}

/// A page's served HTML, kept for the checker.
struct Served {
    role: String,
    label: String,
    html: String,
}

#[tokio::test]
async fn every_page_is_valid_html_accessible_and_fits_a_phone() {
    let app = TestApp::spawn().await;
    // A customer whose company has no issues yet: the empty states.
    let empty_co =
        app.text("INSERT INTO customers (name) VALUES ('Empty Co') RETURNING id::text AS s");
    let without_issues = app.text(
        "SELECT email AS s FROM users WHERE role = 'customer' AND disabled_at IS NULL \
         AND password_hash IS NOT NULL AND email <> 'customer1@example.com' ORDER BY email LIMIT 1",
    );
    app.exec(&format!(
        "UPDATE users SET customer_id = '{empty_co}' WHERE email = '{without_issues}'"
    ));
    let roles = [
        ("signed out", None),
        ("customer", Some("customer1@example.com")),
        ("customer without issues", Some(without_issues.as_str())),
        ("agent", Some("agent1@example.com")),
        ("admin", Some("admin@example.com")),
    ];
    let mut served = Vec::new();
    let mut failures = Vec::new();
    for (role, email) in roles {
        let browser = Browser::start().await;
        if let Some(email) = email {
            browser.sign_in(&app.address, email).await;
        }
        for page in pages_for(&app, role) {
            browser.goto(&app.url(&page.path)).await;
            browser.wait_for("main").await;
            let (status, html) = browser.fetch_current().await;
            if status != page.status {
                failures.push(format!(
                    "{role} {}: answered {status}, expected {}",
                    page.label, page.status
                ));
            }
            check_in_browser(&browser, role, &page.label, &mut failures).await;
            served.push(Served {
                role: role.to_owned(),
                label: page.label,
                html,
            });
        }
        if role == "customer" {
            // The issue form after a failed submit: the 422 answer itself.
            browser
                .goto(&app.url("/issues/new?primary_plane=eks"))
                .await;
            browser.wait_for("#issue-form").await;
            let (status, html) = browser
                .submit_with_fetch("#issue-form", "action", "submit")
                .await;
            if status != 422 {
                failures.push(format!("{role} issue form with errors: answered {status}"));
            }
            browser.click("#issue-form button[value=submit]").await;
            browser.wait_for("#error-summary").await;
            let label = "POST /issues (errors)";
            check_in_browser(&browser, role, label, &mut failures).await;
            served.push(Served {
                role: role.to_owned(),
                label: label.to_owned(),
                html,
            });
        }
        browser.close().await;
    }
    failures.extend(html_errors(&served));
    assert!(
        failures.is_empty(),
        "{} problems on {} pages:\n{}",
        failures.len(),
        served.len(),
        failures.join("\n")
    );
}

/// axe-core at the desktop size, then the width check at 375 px.
async fn check_in_browser(browser: &Browser, role: &str, label: &str, failures: &mut Vec<String>) {
    for v in browser.accessibility_violations().await {
        failures.push(format!("{role} {label}: axe: {v}"));
    }
    for o in browser.overflow_at(375).await {
        failures.push(format!("{role} {label}: wider than 375 px: {o}"));
    }
}

/// Writes every page to a file and runs the Nu HTML checker once over all
/// of them; returns one line per error naming the page and line.
fn html_errors(served: &[Served]) -> Vec<String> {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.exists(),
        "{} missing: run `npm ci --ignore-scripts` (scripts/test does)",
        jar.display()
    );
    let dir = std::env::temp_dir().join(format!("sd-html-valid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create html dir");
    let files: Vec<PathBuf> = served
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let file = dir.join(format!("page-{i:03}.html"));
            std::fs::write(&file, &page.html).expect("write page");
            file
        })
        .collect();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| {
            panic!("run java: {e} (the HTML check needs `apt-get install default-jre-headless`)")
        });
    let _ = std::fs::remove_dir_all(&dir);
    // vnu writes its JSON report to stderr.
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu gave no JSON report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let page = files
                .iter()
                .position(|f| url.ends_with(&*f.file_name().unwrap().to_string_lossy()))
                .map(|i| format!("{} {}", served[i].role, served[i].label))
                .unwrap_or_else(|| url.to_owned());
            format!(
                "{page}: line {}: {} [{}]",
                m["lastLine"],
                m["message"].as_str().unwrap_or_default(),
                m["extract"].as_str().unwrap_or_default().trim()
            )
        })
        .collect()
}
