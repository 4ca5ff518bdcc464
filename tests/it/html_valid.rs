//! Every page of every role, checked three ways in one pass over ONE list of
//! pages: the HTML as served passes the Nu HTML checker (vnu, run once over
//! all pages), axe-core finds no WCAG 2.1 A/AA violation, and nothing is
//! wider than a 375 px phone screen.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::browser::Browser;
use crate::helpers::{TestApp, html};

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

/// The page behind an e-mail's unsubscribe link (signed with the test
/// app's key).
fn unsubscribe_page(app: &TestApp) -> String {
    let customer_id =
        app.text("SELECT id::text AS s FROM users WHERE email = 'customer1@example.com'");
    let key = supportdesk::auth::unsubscribe::derive_key("test-secret-".repeat(8).as_bytes());
    format!(
        "/unsubscribe/{}",
        supportdesk::auth::unsubscribe::token(
            &key,
            uuid::Uuid::parse_str(&customer_id).unwrap(),
            supportdesk::db::models::enums::NotificationTopic::Replies,
        )
    )
}

/// The pages each role is shown with GET: empty states, error pages and
/// admin detail pages included. Answers to POSTs are in `forms_for`.
fn pages_for(app: &TestApp, role: &str, links: &Links) -> Vec<Page> {
    match role {
        "signed out" => vec![
            page("/login", 200),
            page(links.invitation.clone(), 200),
            page(links.reset.clone(), 200),
            page("/status", 200),
            page("/no-such-page", 404),
            page("/invitations/bogus", 404),
            page("/password-reset/bogus", 404),
            page(unsubscribe_page(app), 200),
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
                page("/admin/docs/import", 200),
                page(format!("/admin/docs/{a_doc}"), 200),
                page("/admin/invitations", 200),
                page("/admin/notifications", 200),
                page("/admin/planes", 200),
                page("/admin/planes/eks", 200),
                page(format!("/admin/planes/eks/fields/{a_field}"), 200),
                page("/admin/analytics", 200),
                page("/admin/analytics/tickets", 200),
                page("/admin/analytics/tickets?from=2026-13-01&plane=nope", 200),
                page("/admin/analytics/docs", 200),
                page(
                    "/admin/analytics/docs?sort=title&dir=asc&doc_type=how-to&plane=nope",
                    200,
                ),
                page("/queue?view=all", 200),
                page("/admin/customers/00000000-0000-0000-0000-000000000000", 404),
            ]
        }
    }
}

/// A form submitted as the role would, for the page it answers with (the
/// form with its errors, or a page that only a POST shows). Fields the
/// browser would refuse to send are sent anyway (`noValidate`): the
/// server's answer is what is checked.
struct FormStep {
    label: &'static str,
    path: String,
    form: &'static str,
    fills: Vec<(&'static str, String)>,
    /// The submit button's name and value, when it has them.
    button: Option<(&'static str, &'static str)>,
    status: u16,
    /// An element the answer shows.
    shows: &'static str,
}

fn forms_for(role: &str, links: &Links) -> Vec<FormStep> {
    match role {
        "signed out" => vec![
            FormStep {
                label: "POST /login (wrong password)",
                path: "/login".into(),
                form: "form[action='/login']",
                fills: vec![
                    ("#email", "customer1@example.com".into()),
                    ("#password", "not-the-password".into()),
                ],
                button: None,
                status: 401,
                shows: "#login-heading",
            },
            FormStep {
                label: "POST invitation link (errors)",
                path: links.invitation.clone(),
                form: "main form[method=post]",
                fills: Vec::new(),
                button: None,
                status: 422,
                shows: "#error-summary",
            },
        ],
        "customer" => vec![FormStep {
            label: "POST /issues (errors)",
            path: "/issues/new?primary_plane=eks".into(),
            form: "#issue-form",
            fills: Vec::new(),
            button: Some(("action", "submit")),
            status: 422,
            shows: "#error-summary",
        }],
        "admin" => vec![
            FormStep {
                label: "POST /admin/invitations (link created)",
                path: "/admin/invitations".into(),
                form: "form[action='/admin/invitations']",
                fills: vec![
                    ("#email", "new.person@example.com".into()),
                    ("select#role", "agent".into()),
                ],
                button: None,
                status: 200,
                shows: "#created-link",
            },
            FormStep {
                label: "POST /admin/invitations (errors)",
                path: "/admin/invitations".into(),
                form: "form[action='/admin/invitations']",
                fills: vec![("#email", String::new())],
                button: None,
                status: 422,
                shows: "#error-summary",
            },
            FormStep {
                label: "POST /admin/customers/new (errors)",
                path: "/admin/customers/new".into(),
                form: "form[action='/admin/customers/new']",
                fills: Vec::new(),
                button: None,
                status: 422,
                shows: "#error-summary",
            },
        ],
        _ => Vec::new(),
    }
}

/// One-time links made by the admin, for the signed-out pages they open.
struct Links {
    invitation: String,
    reset: String,
}

async fn make_links(app: &TestApp) -> Links {
    app.sign_in("admin@example.com").await;
    let mut links = Vec::new();
    for (path, fields) in [
        (
            "/admin/invitations",
            vec![("email", "invited@example.com"), ("role", "agent")],
        ),
        (
            "/admin/password-resets",
            vec![("email", "customer2@example.com")],
        ),
    ] {
        let token = app.form_token("/admin/invitations").await;
        let mut fields = fields;
        fields.push(("csrf_token", &token));
        let res = app.post_form(path, &fields).await;
        assert_eq!(res.status(), 200, "{path}");
        let doc = html::parse(&res.text().await.unwrap());
        let link = html::attrs(&doc, "#created-link", "value").remove(0);
        links.push(link.strip_prefix(&app.address).unwrap().to_owned());
    }
    let reset = links.pop().unwrap();
    let invitation = links.pop().unwrap();
    Links { invitation, reset }
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
    let links = make_links(&app).await;
    let mut served = Vec::new();
    let mut failures = Vec::new();
    for (role, email) in roles {
        let browser = Browser::start().await;
        if let Some(email) = email {
            browser.sign_in(&app.address, email).await;
        }
        for page in pages_for(&app, role, &links) {
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
        for step in forms_for(role, &links) {
            browser.goto(&app.url(&step.path)).await;
            browser.wait_for(step.form).await;
            for (css, value) in &step.fills {
                if css.starts_with("select") {
                    browser.select(css, value).await;
                } else {
                    browser.fill(css, value).await;
                }
            }
            let (name, value) = step.button.unwrap_or(("", ""));
            let (status, html) = browser.submit_with_fetch(step.form, name, value).await;
            if status != step.status {
                failures.push(format!(
                    "{role} {}: answered {status}, expected {}",
                    step.label, step.status
                ));
            }
            // The same answer in the browser, for axe and the width check.
            browser
                .execute(&format!(
                    "document.querySelector({:?}).noValidate = true; \
                     document.body.dataset.beforeSubmit = '1'; return true;",
                    step.form
                ))
                .await;
            let button = match step.button {
                Some((name, value)) => format!("{} button[name={name}][value={value}]", step.form),
                None => format!("{} button[type=submit]", step.form),
            };
            browser.click(&button).await;
            // The answer's page, not the one the form was on.
            browser
                .wait_for(&format!("body:not([data-before-submit]) {}", step.shows))
                .await;
            check_in_browser(&browser, role, step.label, &mut failures).await;
            served.push(Served {
                role: role.to_owned(),
                label: step.label.to_owned(),
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
    // One directory per call: the tests of this binary run at once, and a
    // directory per process let one call's pages overwrite another's.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sd-html-valid-{}-{call}", std::process::id()));
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

/// The checks above pass only because the pages are right: each one, given
/// a page with the fault it looks for, names it.
#[tokio::test]
async fn the_checks_name_the_faults_they_look_for() {
    let invalid = Served {
        role: "test".into(),
        label: "bad page".into(),
        html: "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body>\
               <time datetime=\"2026-11-30T12:00:00.123456Z\">now</time>\
               <select required><option value=\"a\">A</option></select></body></html>"
            .into(),
    };
    let errors = html_errors(&[invalid]);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with("test bad page: line 1:"))
    );

    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.goto(&app.url("/login")).await;
    browser.wait_for("main").await;
    assert_eq!(browser.overflow_at(375).await, Vec::<String>::new());
    browser
        .execute(
            "const d = document.createElement('div'); d.id = 'too-wide'; d.style.width = '600px'; \
             document.querySelector('main').append(d); \
             const w = document.createElement('div'); w.id = 'scroller'; w.style.overflowX = 'auto'; \
             const cell = w.appendChild(document.createElement('table')).insertRow().insertCell(); \
             cell.textContent = 'wide'; cell.style.minWidth = '900px'; \
             document.querySelector('main').append(w); return true;",
        )
        .await;
    // Styles set from script: the page's CSP refuses inline style attributes.
    let problems = browser.overflow_at(375).await.join("\n");
    assert!(problems.contains("page is 6"), "{problems}");
    assert!(problems.contains("div#too-wide reaches"), "{problems}");
    assert!(
        problems.contains("div#scroller scrolls a table sideways but is not a focusable"),
        "{problems}"
    );
    browser.close().await;
}
