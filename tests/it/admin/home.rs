//! `/admin`: live counts in a fixed number of statements, a link to every
//! admin page that exists (and none to pages not built), and the header's
//! "Admin" link for admins only.

use std::collections::BTreeMap;

use crate::helpers::{TestApp, html};

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

/// The page's counts, label → value.
async fn counts(app: &TestApp) -> BTreeMap<String, String> {
    let res = app.get("/admin").await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    let labels = html::texts(&doc, ".stat .stat-label");
    let values = html::texts(&doc, ".stat .stat-value");
    assert_eq!(labels.len(), values.len());
    labels.into_iter().zip(values).collect()
}

fn expected(app: &TestApp) -> BTreeMap<String, String> {
    let n = |sql: &str| {
        app.count(&format!("SELECT count(*) AS n FROM {sql}"))
            .to_string()
    };
    BTreeMap::from([
        (
            "Open issues".to_owned(),
            n("issues WHERE status IN ('open', 'in_progress')"),
        ),
        ("Customers".to_owned(), n("customers")),
        (
            "Admins".to_owned(),
            n("users WHERE role = 'admin' AND disabled_at IS NULL"),
        ),
        (
            "Agents".to_owned(),
            n("users WHERE role = 'agent' AND disabled_at IS NULL"),
        ),
        (
            "Customer users".to_owned(),
            n("users WHERE role = 'customer' AND disabled_at IS NULL"),
        ),
        (
            "Disabled users".to_owned(),
            n("users WHERE disabled_at IS NOT NULL"),
        ),
        (
            "Docs active".to_owned(),
            format!("{} of {}", n("docs WHERE is_active"), n("docs")),
        ),
    ])
}

#[tokio::test]
async fn the_counts_are_live() {
    let app = admin_app().await;
    let first = counts(&app).await;
    assert_eq!(first, expected(&app));
    assert_ne!(first["Open issues"], "0", "the demo data has open work");

    // Change what is counted; the next load shows it.
    app.exec("UPDATE issues SET status = 'open' WHERE status = 'closed'");
    app.exec("UPDATE users SET disabled_at = now() WHERE email = 'customer2@example.com'");
    app.exec("UPDATE docs SET is_active = false WHERE id = (SELECT min(id::text)::uuid FROM docs WHERE is_active)");
    app.exec("INSERT INTO customers (name) VALUES ('Initech')");
    let second = counts(&app).await;
    assert_eq!(second, expected(&app));
    for label in [
        "Open issues",
        "Customers",
        "Customer users",
        "Disabled users",
        "Docs active",
    ] {
        assert_ne!(first[label], second[label], "{label} did not move");
    }
}

#[tokio::test]
async fn the_home_links_every_admin_page_and_no_page_not_built() {
    let app = admin_app().await;
    let doc = html::parse(&app.get("/admin").await.text().await.unwrap());
    let hrefs = html::attrs(&doc, "main a", "href");
    for page in [
        "/admin/users",
        "/admin/customers",
        "/admin/planes",
        "/admin/docs",
        "/admin/docs/import",
        "/admin/analytics/docs",
        "/admin/invitations",
        "/admin/audit",
        "/admin/analytics",
    ] {
        assert!(hrefs.iter().any(|h| h == page), "no link to {page}");
    }
    // Counts lead to their lists.
    assert!(hrefs.iter().any(|h| h == "/admin/users?role=agent"));
    assert!(hrefs.iter().any(|h| h == "/queue?view=open"));
    assert!(hrefs.iter().any(|h| h == "/admin/docs?active=yes"));
    // The pages built here answer.
    for page in [
        "/admin/planes",
        "/admin/invitations",
        "/admin/audit",
        "/admin/analytics",
        "/admin/docs?active=yes",
        "/admin/docs/import",
        "/queue?view=open",
    ] {
        assert_eq!(app.get(page).await.status(), 200, "{page}");
    }
}

#[tokio::test]
async fn the_home_runs_the_same_statements_whatever_the_rows() {
    let app = admin_app().await;
    let few = app.statements_for("/admin").await;
    app.exec("INSERT INTO customers (name) SELECT 'Bulk ' || g FROM generate_series(1, 300) g");
    app.exec(
        "INSERT INTO users (email, name, role, customer_id) \
         SELECT 'bulk' || g || '@bulk.example', 'Bulk ' || g, 'customer', \
                (SELECT id FROM customers WHERE name = 'Bulk 1') \
         FROM generate_series(1, 300) g",
    );
    let many = app.statements_for("/admin").await;
    assert_eq!(few, many, "statements grow with the rows");
    assert!(many >= 2, "counting works ({many})");
    assert!(many <= 3, "/admin ran {many} statements");
}

#[tokio::test]
async fn admins_find_the_admin_area_in_the_header_and_on_their_start_page() {
    let app = admin_app().await;
    for (path, current) in [
        ("/admin", "/admin"),
        ("/admin/audit", "/admin"),
        ("/admin/invitations", "/admin"),
        ("/queue", "/queue"),
    ] {
        let doc = html::parse(&app.get(path).await.text().await.unwrap());
        let nav = html::attrs(&doc, ".site-nav a", "href");
        assert!(nav.iter().any(|h| h == "/admin"), "{path}: {nav:?}");
        assert!(!nav.iter().any(|h| h == "/admin/invitations"), "{path}");
        assert_eq!(
            html::attrs(&doc, ".site-nav a[aria-current=page]", "href"),
            vec![current],
            "{path}"
        );
    }
    let doc = html::parse(&app.get("/").await.text().await.unwrap());
    assert!(html::attrs(&doc, "main a", "href").contains(&"/admin".to_owned()));

    for email in ["agent1@example.com", "customer1@example.com"] {
        let browser = app.other_browser();
        browser.sign_in(email).await;
        let doc = html::parse(&browser.get("/").await.text().await.unwrap());
        let nav = html::attrs(&doc, ".site-nav a", "href");
        assert!(
            !nav.iter().any(|h| h.starts_with("/admin")),
            "{email}: {nav:?}"
        );
        assert!(
            !html::attrs(&doc, "main a", "href")
                .iter()
                .any(|h| h.starts_with("/admin"))
        );
        assert_eq!(browser.get("/admin").await.status(), 403, "{email}");
    }
}
