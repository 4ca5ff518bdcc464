//! The app shell: health endpoints, error pages, static files, headers, and
//! behaviour while the database is away.

use std::time::{Duration, Instant};

use crate::helpers::own_cluster::OwnCluster;
use crate::helpers::{TestApp, TestDb, html, logs};
use supportdesk::config::Settings;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn unknown_path_renders_the_404_page_with_a_request_id() {
    let app = TestApp::spawn().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::text(&doc, "h1"), "Page not found");
    assert_eq!(html::text(&doc, ".request-id code"), request_id);
    assert_eq!(html::attrs(&doc, "a.skip-link", "href"), vec!["#main"]);
}

#[tokio::test]
async fn a_panicking_handler_answers_the_500_page_and_logs_the_cause() {
    let app = TestApp::spawn().await;
    let res = app.get("/__test/panic").await;
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    let doc = html::parse(&body);
    assert_eq!(html::text(&doc, "h1"), "Something went wrong");
    assert!(
        !body.contains("7d1c"),
        "the panic message must not reach the page"
    );
    assert!(logs::captured().contains("deliberate test panic 7d1c"));
    // The worker survives: the next request is served.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_database_error_answers_the_500_page_without_details() {
    let app = TestApp::spawn().await;
    let res = app.get("/__test/db-error").await;
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    assert!(!body.contains("table_that_does_not_exist_5e2a"));
    assert_eq!(
        html::text(&html::parse(&body), "h1"),
        "Something went wrong"
    );
    assert!(logs::captured().contains("table_that_does_not_exist_5e2a"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/login", "/healthz", "/no/such/page", "/__test/panic"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS over plain http"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_base_url_is_https() {
    let db = TestDb::new();
    let mut settings = Settings::for_database(&db.url);
    settings.base_url = Some("https://support.example.com".into());
    let app = TestApp::spawn_with(db, settings).await;
    let res = app.get("/healthz").await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn static_files_are_served_with_long_caching_and_etags() {
    let app = TestApp::spawn().await;
    let page = app.get("/login").await.text().await.unwrap();
    let doc = html::parse(&page);
    let css = html::attrs(&doc, "link[rel=stylesheet]", "href").remove(0);
    assert!(css.starts_with("/static/css/app.css?v="), "{css}");
    let res = app.get(&css).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = res.headers()["etag"].clone();
    let again = app
        .client
        .get(app.url(&css))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(app.get("/static/nope.css").await.status(), 404);
}

/// Every page names its icon, and `/favicon.ico` (asked for by browsers and
/// tools regardless) leads to it instead of a 404 in the console.
#[tokio::test]
async fn the_favicon_is_served() {
    let app = TestApp::spawn().await;
    let doc = html::parse(&app.get("/login").await.text().await.unwrap());
    let icon = html::attrs(&doc, "link[rel=icon]", "href").remove(0);
    let res = app.get(&icon).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().starts_with("<svg"));
    let res = app.get("/favicon.ico").await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"].to_str().unwrap(), icon);
}

/// PostgreSQL stops under a running app: answers turn to a quick 503 page,
/// and the app recovers by itself when the database is back.
#[tokio::test]
async fn database_outage_answers_503_quickly_and_recovers() {
    let mut guard = OwnCluster::start("outage", true);
    let cluster = &mut guard.cluster;
    let url = cluster.url("supportdesk");
    {
        use diesel::Connection;
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        supportdesk::db::migrate(&mut conn).unwrap();
    }
    let mut settings = Settings::for_database(&url);
    settings.db_connect_timeout_ms = 1000;
    let app = TestApp::spawn_with(TestDb::new(), settings).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    // A signed-in browser: its requests need the session store first.
    {
        use diesel::Connection;
        use supportdesk::db::models::{enums::UserRole, users};
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        let hash =
            supportdesk::auth::password::hash_password(crate::helpers::DEMO_PASSWORD).unwrap();
        users::insert(
            &mut conn,
            &users::NewUser {
                email: "agent@outage.example",
                name: "Agent",
                role: UserRole::Agent,
                customer_id: None,
                chat_handle: None,
                password_hash: Some(&hash),
                email_verified_at: None,
                image_url: None,
            },
        )
        .unwrap();
    }
    let signed_in = app.other_browser();
    signed_in.sign_in("agent@outage.example").await;

    cluster.stop_now().unwrap();
    let visitors = [
        (&app, "/readyz"),
        (&app, "/__test/db-error"),
        (&signed_in, "/issues/new"),
    ];
    for (browser, path) in visitors {
        let started = Instant::now();
        let res = browser
            .client
            .get(app.url(path))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .unwrap();
        let waited = started.elapsed();
        // The session layer's failure too: the page, its headers, its log.
        assert_eq!(res.status(), 503, "{path}");
        assert!(waited < Duration::from_secs(2), "{path} took {waited:?}");
        assert!(res.headers().contains_key("retry-after"), "{path}");
        assert!(
            res.headers().contains_key("content-security-policy"),
            "{path}"
        );
        let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        let doc = html::parse(&res.text().await.unwrap());
        assert_eq!(html::text(&doc, "h1"), "Temporarily unavailable", "{path}");
        assert!(
            logs::captured()
                .lines()
                .any(|l| l.contains(&id) && l.contains("unavailable")),
            "{path}: nothing logged for request {id}"
        );
    }

    cluster.restart(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = app.get("/readyz").await.status();
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery, still {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `scripts/run` and `bench/run` start the binary cargo built, wherever a
/// `CARGO_TARGET_DIR` put it, not a hard-coded `./target/release`.
#[test]
fn the_start_scripts_find_the_binary_in_cargos_target_directory() {
    let root = env!("CARGO_MANIFEST_DIR");
    let elsewhere = std::env::temp_dir().join("supportdesk-elsewhere-target");
    let out = std::process::Command::new("bash")
        .args(["-c", ". scripts/lib.sh && release_dir"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &elsewhere)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        elsewhere.join("release").to_str().unwrap()
    );
    for script in ["scripts/run", "bench/run"] {
        let text = std::fs::read_to_string(format!("{root}/{script}")).unwrap();
        assert!(text.contains("$(release_dir)/supportdesk"), "{script}");
        assert!(!text.contains("target/release"), "{script}");
    }
}
