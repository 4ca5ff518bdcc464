//! `/admin/docs/import`: a CSV file of docs uploaded as a browser does
//! (multipart, the CSRF token as the first part). Good rows are added,
//! rows with a known address update their doc, and a file with any
//! refused row imports nothing and lists the refused rows with their line
//! and reason; whole-file problems (header, encoding, size, no file) answer
//! 422/413 with a message; a forged token and the other roles get nothing
//! written. A 10,000-row file imports in a fixed number of statements.

use std::time::Instant;

use diesel::prelude::*;
use serde_json::json;
use supportdesk::db::models::admin_audit::AuditEntry;
use supportdesk::db::models::enums::AuditKind;
use supportdesk::db::schema::admin_audit;

use crate::helpers::{TestApp, html};

const PATH: &str = "/admin/docs/import";
const BOUNDARY: &str = "----supportdesk-test-7f3a";
const HEADER: &str = "url,title,doc_type,planes,summary\n";

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

/// A multipart body as a browser builds it from the import form: the
/// token part first (when given), then the file part (when given).
fn multipart(token: Option<&str>, file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(token) = token {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn send(app: &TestApp, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(PATH))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("POST import")
}

/// Uploads `bytes` as the file `name` with the session's token.
async fn import(app: &TestApp, name: &str, bytes: &[u8]) -> reqwest::Response {
    let token = app.form_token(PATH).await;
    send(app, multipart(Some(&token), Some((name, bytes)))).await
}

async fn page_of(res: reqwest::Response) -> scraper::Html {
    html::parse(&res.text().await.unwrap())
}

/// Rows an import can write, summed, with the docs' last change: a
/// refused import changes none of it.
fn written(app: &TestApp) -> String {
    app.text(
        "SELECT (SELECT count(*) FROM docs) || ' ' || (SELECT count(*) FROM doc_planes) \
         || ' ' || (SELECT count(*) FROM admin_audit) || ' ' \
         || coalesce((SELECT max(updated_at)::text FROM docs), '') AS s",
    )
}

fn audit(app: &TestApp, kind: AuditKind) -> Vec<AuditEntry> {
    admin_audit::table
        .filter(admin_audit::kind.eq(kind))
        .order(admin_audit::created_at.asc())
        .select(AuditEntry::as_select())
        .load(&mut app.db.conn())
        .unwrap()
}

fn planes_of(app: &TestApp, url: &str) -> String {
    app.text(&format!(
        "SELECT coalesce(string_agg(p.slug, ';' ORDER BY p.slug), '') AS s \
         FROM docs d JOIN doc_planes dp ON dp.doc_id = d.id JOIN planes p ON p.id = dp.plane_id \
         WHERE d.url = '{url}'"
    ))
}

/// The message beside the file field.
fn file_error(doc: &scraper::Html) -> String {
    html::text(doc, "#file-error")
}

#[tokio::test]
async fn good_rows_are_added_with_their_planes_and_audited() {
    let app = admin_app().await;
    let file = format!(
        "{HEADER}https://import.example/a,Alpha guide,how-to,eks;observability,\"Steps, in order\"\n\
         https://import.example/b,Beta reference,reference,,\n\
         https://import.example/c,\"Gamma \"\"tutorial\"\"\",tutorial,app-cicd,\"Line one\nline two\"\n"
    );
    let res = import(&app, "catalog.csv", file.as_bytes()).await;
    assert_eq!(res.status(), 200);
    let doc = page_of(res).await;
    assert_eq!(html::text(&doc, "#count-rows"), "3");
    assert_eq!(html::text(&doc, "#count-added"), "3");
    assert_eq!(html::text(&doc, "#count-updated"), "0");
    assert!(html::text(&doc, "#report-heading").contains("catalog.csv"));
    assert_eq!(html::texts(&doc, "#report-rows tbody tr").len(), 3);

    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM docs WHERE url LIKE 'https://import.example/%' AND is_active"
        ),
        3
    );
    assert_eq!(
        planes_of(&app, "https://import.example/a"),
        "eks;observability"
    );
    assert_eq!(planes_of(&app, "https://import.example/b"), "");
    assert_eq!(
        app.text(
            "SELECT title || '|' || summary AS s FROM docs WHERE url = 'https://import.example/c'"
        ),
        "Gamma \"tutorial\"|Line one\nline two"
    );

    let imports = audit(&app, AuditKind::Import);
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].action, "imported");
    assert_eq!(imports[0].object_label, "catalog.csv");
    assert_eq!(
        imports[0].after,
        Some(json!({"file": "catalog.csv", "rows": 3, "added": 3, "updated": 0, "unchanged": 0}))
    );
    let per_doc: Vec<AuditEntry> = audit(&app, AuditKind::Doc)
        .into_iter()
        .filter(|a| a.action == "imported")
        .collect();
    assert_eq!(per_doc.len(), 3);
    let alpha = per_doc
        .iter()
        .find(|a| a.object_label == "Alpha guide")
        .unwrap();
    assert_eq!(alpha.before, None);
    assert_eq!(
        alpha.after,
        Some(json!({
            "url": "https://import.example/a", "title": "Alpha guide", "doc_type": "how-to",
            "planes": ["eks", "observability"], "summary": "Steps, in order", "active": true,
        }))
    );
    // The audit log page shows the import.
    let log = page_of(app.get("/admin/audit?kind=import").await).await;
    assert!(html::text(&log, "main").contains("catalog.csv"));
}

#[tokio::test]
async fn a_known_address_updates_its_doc_and_the_same_file_again_changes_nothing() {
    let app = admin_app().await;
    let first = format!(
        "{HEADER}https://import.example/u,Old title,how-to,eks,Old summary\n\
         https://import.example/keep,Kept,reference,,\n"
    );
    assert_eq!(
        import(&app, "one.csv", first.as_bytes()).await.status(),
        200
    );
    // Retired meanwhile: an import keeps it retired.
    app.exec("UPDATE docs SET is_active = false WHERE url = 'https://import.example/u'");
    let id = app.text("SELECT id::text AS s FROM docs WHERE url = 'https://import.example/u'");
    let version_before =
        app.text("SELECT updated_at::text AS s FROM docs WHERE url = 'https://import.example/u'");

    let second = format!(
        "{HEADER}https://import.example/u,New title,explanation,observability;app-cicd,New summary\n\
         https://import.example/keep,Kept,reference,,\n\
         https://import.example/new,Brand new,tutorial,,\n"
    );
    let res = import(&app, "two.csv", second.as_bytes()).await;
    assert_eq!(res.status(), 200);
    let doc = page_of(res).await;
    assert_eq!(html::text(&doc, "#count-added"), "1");
    assert_eq!(html::text(&doc, "#count-updated"), "1");
    assert_eq!(html::text(&doc, "#count-unchanged"), "1");
    let outcomes = html::texts(&doc, "#report-rows tbody tr td:nth-child(3)");
    assert_eq!(outcomes, vec!["Updated", "Added"]);

    assert_eq!(
        app.text(
            "SELECT title || '|' || doc_type::text || '|' || summary || '|' || is_active::text \
             || '|' || id::text AS s FROM docs WHERE url = 'https://import.example/u'"
        ),
        format!("New title|explanation|New summary|false|{id}")
    );
    assert_eq!(
        planes_of(&app, "https://import.example/u"),
        "app-cicd;observability"
    );
    let version_after =
        app.text("SELECT updated_at::text AS s FROM docs WHERE url = 'https://import.example/u'");
    assert_ne!(version_before, version_after, "open edit forms turn stale");
    let updated: Vec<AuditEntry> = audit(&app, AuditKind::Doc)
        .into_iter()
        .filter(|a| a.object_label == "New title")
        .collect();
    assert_eq!(updated.len(), 1);
    let (before, after) = (
        updated[0].before.clone().unwrap(),
        updated[0].after.clone().unwrap(),
    );
    assert_eq!(before["title"], "Old title");
    assert_eq!(before["planes"], json!(["eks"]));
    assert_eq!(after["title"], "New title");
    assert_eq!(after["planes"], json!(["app-cicd", "observability"]));
    assert_eq!(after["active"], false);

    // The same file again: every row unchanged, no doc written, one
    // import row saying so.
    let before = app.count("SELECT count(*) AS n FROM admin_audit WHERE kind = 'doc'");
    let res = import(&app, "two.csv", second.as_bytes()).await;
    assert_eq!(res.status(), 200);
    let doc = page_of(res).await;
    assert_eq!(html::text(&doc, "#count-unchanged"), "3");
    assert!(html::texts(&doc, "#report-rows").is_empty());
    assert_eq!(
        app.count("SELECT count(*) AS n FROM admin_audit WHERE kind = 'doc'"),
        before
    );
    assert_eq!(audit(&app, AuditKind::Import).len(), 3);
    // A seeded doc's address updates that doc, not a copy.
    let seeded = app.text("SELECT url AS s FROM docs WHERE url NOT LIKE 'https://import.example/%' ORDER BY url LIMIT 1");
    let docs = app.count("SELECT count(*) AS n FROM docs");
    let file = format!("{HEADER}{seeded},Seeded doc renamed,reference,eks,\n");
    assert_eq!(
        import(&app, "seed.csv", file.as_bytes()).await.status(),
        200
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM docs"), docs);
    assert_eq!(
        app.text(&format!(
            "SELECT title AS s FROM docs WHERE url = '{seeded}'"
        )),
        "Seeded doc renamed"
    );
}

#[tokio::test]
async fn a_file_with_refused_rows_imports_nothing_and_lists_each_with_its_reason() {
    let app = admin_app().await;
    let before = written(&app);
    let file = format!(
        "{HEADER}https://import.example/ok,Good row,how-to,eks,\n\
         ftp://import.example/bad,Bad address,how-to,,\n\
         https://import.example/type,Bad type,novel,,\n\
         https://import.example/plane,Bad plane,how-to,eks;mars,\n\
         https://import.example/notitle,,how-to,,\n\
         https://import.example/cols,Too few columns,how-to\n\
         https://import.example/long,{},how-to,,\n\
         https://import.example/ok,Good row again,how-to,,\n\
         https://import.example/also-ok,Another good row,reference,,\n",
        "t".repeat(301)
    );
    let res = import(&app, "broken.csv", file.as_bytes()).await;
    assert_eq!(res.status(), 422);
    let doc = page_of(res).await;
    assert_eq!(written(&app), before, "nothing written");
    assert!(
        file_error(&doc).contains("Nothing was imported: 7 of the 9 rows are refused"),
        "{}",
        file_error(&doc)
    );
    assert_eq!(html::text(&doc, "#count-rows"), "9");
    assert_eq!(html::text(&doc, "#count-refused"), "7");
    assert!(html::text(&doc, "#report-heading").contains("Nothing imported from broken.csv"));
    let lines = html::texts(&doc, "#report-rows tbody tr td:first-child");
    assert_eq!(lines, vec!["3", "4", "5", "6", "7", "8", "9"]);
    let reasons = html::texts(&doc, "#report-rows tbody tr td:nth-child(4)");
    assert!(reasons[0].contains("http"), "{reasons:?}");
    assert!(reasons[1].contains("“novel” is not a type"), "{reasons:?}");
    assert_eq!(reasons[2], "No plane has the slug “mars”.");
    assert_eq!(reasons[3], "The title is missing.");
    assert_eq!(reasons[4], "It has 3 columns; the header has 5.");
    assert!(reasons[5].contains("300 characters"), "{reasons:?}");
    assert_eq!(
        reasons[6],
        "The same address is on line 2; each doc comes once."
    );
    let urls = html::texts(&doc, "#report-rows tbody tr td:nth-child(2)");
    assert_eq!(urls[0], "ftp://import.example/bad");
    // The page says the policy and offers the form again.
    assert!(html::text(&doc, "main").contains("All or nothing"));
    assert_eq!(
        html::attrs(&doc, "#import-form input[type=file]", "name"),
        ["file"]
    );
}

#[tokio::test]
async fn whole_file_problems_answer_422_or_413_with_a_message_and_write_nothing() {
    let app = admin_app().await;
    let before = written(&app);
    let mut too_many = HEADER.to_owned();
    for i in 0..10_001 {
        too_many.push_str(&format!("https://import.example/{i},T,how-to,,\n"));
    }
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "wrong header",
            b"url,title,type,planes,summary\nhttps://import.example/a,A,how-to,,\n".to_vec(),
            422,
            "url,title,doc_type,planes,summary",
        ),
        (
            "not UTF-8",
            [
                HEADER.as_bytes(),
                b"https://import.example/a,Caf\xe9,how-to,,\n",
            ]
            .concat(),
            422,
            "Line 2 is not UTF-8",
        ),
        ("empty", Vec::new(), 422, "The file is empty."),
        (
            "header only",
            HEADER.as_bytes().to_vec(),
            422,
            "no docs under it",
        ),
        (
            "too many rows",
            too_many.into_bytes(),
            413,
            "more than 10,000 docs",
        ),
    ];
    for (what, bytes, status, message) in cases {
        let res = import(&app, "f.csv", &bytes).await;
        assert_eq!(res.status(), status, "{what}");
        let doc = page_of(res).await;
        assert!(
            file_error(&doc).contains(message),
            "{what}: {}",
            file_error(&doc)
        );
        assert!(html::texts(&doc, "#report").is_empty(), "{what}");
    }

    // No file chosen: the browser sends an empty, unnamed file part.
    let token = app.form_token(PATH).await;
    let res = send(&app, multipart(Some(&token), Some(("", b"")))).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        file_error(&page_of(res).await),
        "Choose a CSV file to import."
    );
    let res = send(&app, multipart(Some(&token), None)).await;
    assert_eq!(res.status(), 422);
    // A plain form post is no upload.
    let res = app.post_form(PATH, &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        file_error(&page_of(res).await),
        "Choose a CSV file to import."
    );
    // A body cut off in the middle of the file.
    let mut cut = multipart(Some(&token), Some(("f.csv", HEADER.as_bytes())));
    cut.truncate(cut.len() - 20);
    let res = send(&app, cut).await;
    assert_eq!(res.status(), 422);
    assert!(file_error(&page_of(res).await).contains("cut off or damaged"));

    // Larger than 5 MiB: refused by its declared size, before reading it…
    let big = vec![b'a'; 6 * 1024 * 1024];
    let res = import(&app, "big.csv", &[HEADER.as_bytes(), &big].concat()).await;
    assert_eq!(res.status(), 413);
    assert!(file_error(&page_of(res).await).contains("larger than 5 MiB"));
    // …and, sent without a length (chunked), once 5 MiB have been read.
    let body = multipart(
        Some(&token),
        Some(("big.csv", &[HEADER.as_bytes(), &big].concat())),
    );
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let res = app
        .client
        .post(app.url(PATH))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .expect("chunked POST");
    assert_eq!(res.status(), 413);
    assert!(file_error(&page_of(res).await).contains("larger than 5 MiB"));

    assert_eq!(written(&app), before, "nothing written");
}

#[tokio::test]
async fn a_forged_or_missing_token_and_other_roles_write_nothing() {
    let app = admin_app().await;
    let before = written(&app);
    let file = format!("{HEADER}https://import.example/x,X,how-to,,\n");
    // A wrong token.
    let res = send(
        &app,
        multipart(Some("forged"), Some(("f.csv", file.as_bytes()))),
    )
    .await;
    assert_eq!(res.status(), 403);
    // The right token, but not first: the check reads only the first part.
    let token = app.form_token(PATH).await;
    let mut reordered = multipart(None, Some(("f.csv", file.as_bytes())));
    let tail = format!("--{BOUNDARY}--\r\n");
    reordered.truncate(reordered.len() - tail.len());
    reordered.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n{tail}"
        )
        .as_bytes(),
    );
    assert_eq!(send(&app, reordered).await.status(), 403);
    // No token at all.
    let res = send(&app, multipart(None, Some(("f.csv", file.as_bytes())))).await;
    assert_eq!(res.status(), 403);
    // Another site's form, with the right token.
    let res = app
        .client
        .post(app.url(PATH))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("origin", "https://evil.example")
        .body(multipart(Some(&token), Some(("f.csv", file.as_bytes()))))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(written(&app), before);

    // Agents and customers: the page and the upload are refused.
    for email in ["agent1@example.com", "customer1@example.com"] {
        let other = app.other_browser();
        other.sign_in(email).await;
        assert_eq!(other.get(PATH).await.status(), 403, "{email}");
        let token = other.form_token("/account").await;
        let res = send(
            &other,
            multipart(Some(&token), Some(("f.csv", file.as_bytes()))),
        )
        .await;
        assert_eq!(res.status(), 403, "{email}");
    }
    assert_eq!(written(&app), before);
    // Signed out: sent to sign in.
    let anonymous = app.other_browser();
    let res = anonymous.get(PATH).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn the_page_explains_the_format_and_is_linked_from_the_docs_list() {
    let app = admin_app().await;
    let res = app.get(PATH).await;
    assert_eq!(res.status(), 200);
    let doc = page_of(res).await;
    assert_eq!(
        html::text(&doc, "#import-header"),
        "url,title,doc_type,planes,summary"
    );
    let form = html::attrs(&doc, "#import-form", "enctype");
    assert_eq!(form, ["multipart/form-data"]);
    // The token comes first: the CSRF check reads only the first part.
    let names = html::attrs(&doc, "#import-form input", "name");
    assert_eq!(names, ["csrf_token", "file"]);
    let text = html::text(&doc, "main");
    for needle in ["All or nothing", "eks", "how-to", "10,000 rows", "5 MiB"] {
        assert!(text.contains(needle), "{needle}");
    }
    let list = page_of(app.get("/admin/docs").await).await;
    assert!(html::attrs(&list, "a", "href").iter().any(|h| h == PATH));
}

/// `calls` summed over the statements the app sent to this test database
/// so far: top-level ones only, as the cluster also counts those run by
/// triggers (a foreign-key check per inserted row), which are no round
/// trips.
fn statements(app: &TestApp) -> i64 {
    app.count(
        "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements \
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND toplevel \
         AND query NOT ILIKE 'SET %' AND query NOT LIKE '%FROM \"pg_type\"%'",
    )
}

/// A file of `n` good rows at `https://bulk.example/{prefix}/…`, titled
/// `{title} doc {i}`.
fn rows(prefix: &str, n: usize, title: &str) -> String {
    let mut file = HEADER.to_owned();
    for i in 0..n {
        file.push_str(&format!(
            "https://bulk.example/{prefix}/{i},{title} doc {i},how-to,eks;observability,\
             A summary of doc {i} long enough to look like one.\n"
        ));
    }
    file
}

/// Entries pg_stat_statements has evicted so far (cluster-wide): the
/// least-called ones go when it is full, as it is under the whole
/// suite, and an evicted entry takes its calls out of the sum.
fn evictions(app: &TestApp) -> i64 {
    app.count("SELECT dealloc AS n FROM pg_stat_statements_info")
}

/// Statements the app ran for one import of `file(attempt)` (the token's
/// page load apart). Measured again, with the next attempt's file, when
/// entries were evicted meanwhile.
async fn statements_for_import(app: &TestApp, file: impl Fn(usize) -> String) -> i64 {
    for attempt in 0..8 {
        let file = file(attempt);
        let token = app.form_token(PATH).await;
        let evicted = evictions(app);
        let before = statements(app);
        let res = send(
            app,
            multipart(Some(&token), Some(("bulk.csv", file.as_bytes()))),
        )
        .await;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert_eq!(
            status,
            200,
            "{}",
            html::text(&html::parse(&body), "#file-error")
        );
        // The reading itself is one statement.
        let ran = statements(app) - before - 1;
        if evictions(app) == evicted {
            return ran;
        }
    }
    panic!("pg_stat_statements evicted entries during every measurement");
}

#[tokio::test]
async fn an_import_runs_as_many_statements_for_3_rows_as_for_10_000() {
    let app = admin_app().await;
    // Warm up: a new pool connection's one-off statements are not counted.
    let _ = statements_for_import(&app, |a| rows(&format!("warm{a}"), 2, "Bulk")).await;
    let add_3 = statements_for_import(&app, |a| rows(&format!("small{a}"), 3, "Bulk")).await;
    let add_10k = statements_for_import(&app, |a| rows(&format!("large{a}"), 10_000, "Bulk")).await;
    assert_eq!(add_3, add_10k, "statements to add 3 docs and 10,000");
    // Updating (new titles each attempt) too; `small0`/`large0` exist.
    let update_3 = statements_for_import(&app, |a| rows("small0", 3, &format!("Renamed{a}"))).await;
    let update_10k =
        statements_for_import(&app, |a| rows("large0", 10_000, &format!("Renamed{a}"))).await;
    assert_eq!(
        update_3, update_10k,
        "statements to update 3 docs and 10,000"
    );
    assert!(
        add_3 <= 12 && update_3 <= 14,
        "{add_3} to add, {update_3} to update"
    );
}

#[tokio::test]
async fn ten_thousand_rows_import_at_once() {
    let app = admin_app().await;
    let file = rows("large", 10_000, "Bulk");
    assert!(file.len() > 1_000_000, "{} bytes", file.len());
    let started = Instant::now();
    let res = import(&app, "bulk.csv", file.as_bytes()).await;
    let status = res.status();
    let doc = page_of(res).await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(html::text(&doc, "#count-added"), "10000");
    // The report lists the first 1,000 and counts the rest.
    assert_eq!(html::texts(&doc, "#report-rows tbody tr").len(), 1_000);
    assert!(html::text(&doc, "#unlisted").starts_with("9000 more"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM docs WHERE url LIKE 'https://bulk.example/large/%'"),
        10_000
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM doc_planes dp JOIN docs d ON d.id = dp.doc_id \
             WHERE d.url LIKE 'https://bulk.example/large/%'"
        ),
        20_000
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM admin_audit WHERE kind = 'doc' AND action = 'imported'"
        ),
        10_000
    );
    let imports = audit(&app, AuditKind::Import);
    assert_eq!(imports[0].after.as_ref().unwrap()["added"], 10_000);
    eprintln!(
        "10,000-row import ({} bytes; test build and cluster): {took:?}",
        file.len()
    );
}
