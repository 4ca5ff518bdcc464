//! `/admin/analytics/docs` and its rollups: the daily rollups equal what
//! the raw tables say after each kind of change (new sessions, clicks,
//! filing, a session of an earlier day filed later) and after a rebuild.

use diesel::prelude::*;
use supportdesk::db::queries::doc_rollups::{self, Refreshed, Wait};

use crate::helpers::doc_analytics::assert_rollups_equal_raw;
use crate::helpers::issue_form::{Fields, fresh_form, post, set};
use crate::helpers::{TestApp, html};

fn field(fields: &Fields, name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The doc ids a form page suggests, best first.
fn suggested(body: &str) -> Vec<String> {
    html::attrs(&html::parse(body), "#suggestions li.suggestion", "id")
        .into_iter()
        .map(|id| id.trim_start_matches("doc-").to_owned())
        .collect()
}

fn refresh(app: &TestApp) -> Refreshed {
    doc_rollups::refresh(&mut app.db.conn(), Wait::Yes).unwrap()
}

/// One form session through the real form: EKS with a title, docs shown;
/// a click on the first doc (`helpful` or `dismissed`) when asked; filed
/// when asked. Returns its form session id.
async fn session(app: &TestApp, title: &str, click: Option<&str>, file: bool) -> String {
    let mut fields = fresh_form(app).await;
    set(&mut fields, "primary_plane", "eks");
    set(&mut fields, "title", title);
    set(
        &mut fields,
        "description",
        "Pods stay Pending after the node group change",
    );
    set(&mut fields, "ctx.eks.cluster_version", "1.31");
    let res = post(app, "/issues/new/fields", &fields).await;
    assert_eq!(res.status(), 200);
    let docs = suggested(&res.text().await.unwrap());
    assert!(!docs.is_empty(), "docs suggested for {title}");
    if let Some(verdict) = click {
        let mut with = fields.clone();
        with.push(("feedback".into(), format!("{verdict}:{}", docs[0])));
        assert_eq!(post(app, "/issues/new/feedback", &with).await.status(), 200);
    }
    if file {
        set(&mut fields, "submitter_handle", "@casey");
        assert_eq!(post(app, "/issues", &fields).await.status(), 303);
    }
    field(&fields, "form_session_id")
}

/// Moves a session (and what it showed and clicked) `days` into the past.
fn age(app: &TestApp, session: &str, days: i32) {
    app.exec(&format!(
        "UPDATE form_sessions SET started_at = started_at - interval '{days} days',
             updated_at = updated_at - interval '{days} days' WHERE id = '{session}'"
    ));
    app.exec(&format!(
        "UPDATE doc_impressions SET first_shown_at = first_shown_at - interval '{days} days'
         WHERE form_session_id = '{session}'"
    ));
    app.exec(&format!(
        "UPDATE doc_feedback SET created_at = created_at - interval '{days} days'
         WHERE form_session_id = '{session}'"
    ));
}

#[tokio::test]
async fn the_rollups_equal_the_raw_tables_after_every_kind_of_change() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    // History: sessions of earlier days, written as if then.
    let deflected = session(
        &app,
        "Pods pending after scale down",
        Some("helpful"),
        false,
    )
    .await;
    let dismissed = session(&app, "Node group upgrade fails", Some("dismissed"), true).await;
    let open = session(&app, "Cluster upgrade stuck", None, false).await;
    age(&app, &deflected, 3);
    age(&app, &dismissed, 3);
    age(&app, &open, 2);
    // Written in the past: the next refresh must rebuild, as the load
    // generator and the demo seed make it.
    doc_rollups::invalidate(&mut app.db.conn()).unwrap();
    assert_eq!(refresh(&app), Refreshed::Rebuilt);
    assert_rollups_equal_raw(&mut app.db.conn(), "after a rebuild");

    // Today's sessions: only today is recomputed.
    session(&app, "Pods evicted", Some("helpful"), true).await;
    session(&app, "Ingress timeouts", None, false).await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(refresh(&app), Refreshed::Days(vec![today]));
    assert_rollups_equal_raw(&mut app.db.conn(), "after today's sessions");

    // The session from two days ago comes back and is filed today: its
    // day is recomputed (the figures stay under the day it started).
    let mut conn = app.db.conn();
    let (customer, user): (uuid::Uuid, uuid::Uuid) = {
        use supportdesk::db::schema::form_sessions as s;
        s::table
            .find(uuid::Uuid::parse_str(&open).unwrap())
            .select((s::customer_id, s::user_id.assume_not_null()))
            .first(&mut conn)
            .unwrap()
    };
    let issue: uuid::Uuid = {
        use supportdesk::db::schema::issues as i;
        i::table
            .filter(i::customer_id.eq(customer))
            .select(i::id)
            .first(&mut conn)
            .unwrap()
    };
    let eks = app.text("SELECT id::text AS s FROM planes WHERE slug = 'eks'");
    supportdesk::db::models::doc_impressions::mark_filed(
        &mut conn,
        uuid::Uuid::parse_str(&open).unwrap(),
        user,
        customer,
        issue,
        uuid::Uuid::parse_str(&eks).unwrap(),
    )
    .unwrap();
    // Today's sessions changed minutes ago, so their day is looked at
    // again (a refresh looks back past the previous one); the day of the
    // other old sessions is not.
    let two_days_ago = today - chrono::Days::new(2);
    assert_eq!(refresh(&app), Refreshed::Days(vec![two_days_ago, today]));
    assert_rollups_equal_raw(&mut app.db.conn(), "after an old session was filed");
    // A second refresher does not wait for the first.
    let mut holder = app.db.conn();
    holder
        .transaction(|conn| {
            supportdesk::db::lock::xact_lock(conn, "supportdesk:doc-rollups")?;
            assert_eq!(
                doc_rollups::refresh(&mut app.db.conn(), Wait::No).unwrap(),
                Refreshed::Busy
            );
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------
// The page on a small hand-built desk

/// The catalog of the hand-built desk: the demo's docs retired, four of
/// our own (url path, title, type, plane).
const CATALOG: &[(&str, &str, &str, &str)] = &[
    ("x", "Xylophone alpha", "how-to", "eks"),
    ("y", "Yodel bravo", "reference", "eks"),
    ("z", "Zither charlie", "tutorial", "observability"),
    ("w", "Walrus delta", "explanation", "infra-cicd"),
];

fn doc_url(key: &str) -> String {
    format!("https://docs.example.test/{key}")
}

/// Only our catalog is suggested, and no earlier session counts.
fn hand_built_catalog(app: &TestApp) {
    app.exec("UPDATE docs SET is_active = false");
    app.exec("DELETE FROM form_sessions");
    for (key, title, doc_type, plane) in CATALOG {
        app.exec(&format!(
            "WITH d AS (INSERT INTO docs (url, title, doc_type) VALUES ('{}', '{title}', '{doc_type}') RETURNING id)
             INSERT INTO doc_planes (doc_id, plane_id) SELECT d.id, p.id FROM d, planes p WHERE p.slug = '{plane}'",
            doc_url(key)
        ));
    }
}

fn doc_id(app: &TestApp, key: &str) -> String {
    app.text(&format!(
        "SELECT id::text AS s FROM docs WHERE url = '{}'",
        doc_url(key)
    ))
}

/// One form session through the form: `plane` (none: the form is only
/// rendered), the docs it must show (by key, in any order), clicks
/// (`helpful`/`dismissed` on a doc key), `refreshes` more refreshes, and
/// filed with `cluster_version` when given (EKS).
struct Visit<'a> {
    plane: Option<&'a str>,
    expect_shown: &'a [&'a str],
    clicks: &'a [(&'a str, &'a str)],
    refreshes: usize,
    cluster_version: Option<&'a str>,
    file: bool,
}

async fn visit(app: &TestApp, v: Visit<'_>) -> String {
    let mut fields = fresh_form(app).await;
    let session = field(&fields, "form_session_id");
    let Some(plane) = v.plane else {
        return session;
    };
    set(&mut fields, "primary_plane", plane);
    set(&mut fields, "title", "Something is not right");
    set(
        &mut fields,
        "description",
        "It stopped working this morning",
    );
    if let Some(version) = v.cluster_version {
        set(&mut fields, "ctx.eks.cluster_version", version);
    }
    let mut shown = Vec::new();
    for _ in 0..=v.refreshes {
        let res = post(app, "/issues/new/fields", &fields).await;
        assert_eq!(res.status(), 200);
        shown = suggested(&res.text().await.unwrap());
    }
    let mut expected: Vec<String> = v.expect_shown.iter().map(|k| doc_id(app, k)).collect();
    expected.sort();
    shown.sort();
    assert_eq!(shown, expected, "docs shown on {plane}");
    for (verdict, key) in v.clicks {
        let mut with = fields.clone();
        with.push(("feedback".into(), format!("{verdict}:{}", doc_id(app, key))));
        assert_eq!(post(app, "/issues/new/feedback", &with).await.status(), 200);
    }
    if v.file {
        set(&mut fields, "submitter_handle", "@casey");
        let res = post(app, "/issues", &fields).await;
        assert_eq!(res.status(), 303, "filed");
    }
    session
}

/// The desk of the tests below (all today):
/// - S1 customer1, EKS: shown X, Y; X solved it; nothing filed (deflected).
/// - S2 customer1, EKS 1.30: shown X, Y; X not relevant, Y solved it; filed anyway.
/// - S3 customer1, EKS 1.31: eleven refreshes, shown X, Y; no click; filed.
/// - S4 customer3, Observability: shown Z; Z not relevant; left.
/// - S5 customer1: the form rendered, no area chosen; left.
/// - S6 customer3, Infrastructure CI/CD: shown W; no click; left.
async fn hand_built_desk() -> TestApp {
    let app = TestApp::spawn().await;
    hand_built_catalog(&app);
    app.sign_in("customer1@example.com").await;
    let none: &[(&str, &str)] = &[];
    let eks = |clicks, refreshes, version, file| Visit {
        plane: Some("eks"),
        expect_shown: &["x", "y"],
        clicks,
        refreshes,
        cluster_version: version,
        file,
    };
    visit(&app, eks(&[("helpful", "x")], 0, Some("1.31"), false)).await;
    visit(
        &app,
        eks(
            &[("dismissed", "x"), ("helpful", "y")],
            0,
            Some("1.30"),
            true,
        ),
    )
    .await;
    let s3 = visit(&app, eks(none, 10, Some("1.31"), true)).await;
    visit(
        &app,
        Visit {
            plane: None,
            expect_shown: &[],
            clicks: none,
            refreshes: 0,
            cluster_version: None,
            file: false,
        },
    )
    .await;
    let other = app.other_browser();
    other.sign_in("customer3@example.com").await;
    visit(
        &other,
        Visit {
            plane: Some("observability"),
            expect_shown: &["z"],
            clicks: &[("dismissed", "z")],
            refreshes: 0,
            cluster_version: None,
            file: false,
        },
    )
    .await;
    visit(
        &other,
        Visit {
            plane: Some("infra-cicd"),
            expect_shown: &["w"],
            clicks: none,
            refreshes: 0,
            cluster_version: None,
            file: false,
        },
    )
    .await;
    // Eleven refreshes: still one session, each doc shown once.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM doc_impressions WHERE form_session_id = '{s3}'"
        )),
        2
    );
    let admin = app.other_browser();
    admin.sign_in("admin@example.com").await;
    admin
}

fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

async fn analytics(app: &TestApp, query: &str) -> scraper::Html {
    let res = app.get(&format!("/admin/analytics/docs?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    html::parse(&res.text().await.unwrap())
}

/// The rows of the page's table `id`: the row heading's first line (a
/// doc's title, without its address) and the cells.
fn table(doc: &scraper::Html, id: &str) -> Vec<Vec<String>> {
    let rows = scraper::Selector::parse(&format!("#{id} tbody tr")).unwrap();
    let heading = scraper::Selector::parse("th").unwrap();
    let first_link = scraper::Selector::parse("th a").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    let words = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    doc.select(&rows)
        .map(|row| {
            let label = match row.select(&first_link).next() {
                Some(a) => a.text().collect::<String>(),
                None => row
                    .select(&heading)
                    .next()
                    .map(|h| h.text().next().unwrap_or_default().to_owned())
                    .unwrap_or_default(),
            };
            let mut out = vec![words(label)];
            out.extend(row.select(&cell).map(|c| words(c.text().collect())));
            out
        })
        .collect()
}

fn stats(doc: &scraper::Html) -> Vec<String> {
    html::texts(doc, ".stat-value")
}

fn v(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[tokio::test]
async fn the_hand_built_desk_reads_as_counted_by_hand() {
    let app = hand_built_desk().await;
    let today = today();
    let range = format!("from={today}&to={today}");

    // The first view computes the figures itself (they were never computed).
    let page = analytics(&app, &range).await;
    assert!(
        html::text(&page, "time").contains("UTC"),
        "figures are dated"
    );
    // Sessions 6; shown a doc 5 (not S5); deflected 1 (S1): 1 of 5; filed 2.
    assert_eq!(stats(&page), v(&["6", "5", "1", "20.0 %", "2"]));
    // Per doc, most shown first, then by title.
    assert_eq!(
        table(&page, "docs"),
        vec![
            v(&[
                "Xylophone alpha",
                "How-to guide",
                "3",
                "1",
                "1",
                "33.3 %",
                "0"
            ]),
            v(&["Yodel bravo", "Reference", "3", "1", "0", "33.3 %", "1"]),
            // Shown, never clicked.
            v(&["Walrus delta", "Explanation", "1", "0", "0", "0.0 %", "0"]),
            v(&["Zither charlie", "Tutorial", "1", "0", "1", "0.0 %", "0"]),
        ]
    );
    assert_eq!(
        table(&page, "types"),
        vec![
            v(&["How-to guide", "3", "1", "1", "33.3 %", "0"]),
            v(&["Explanation", "1", "0", "0", "0.0 %", "0"]),
            v(&["Reference", "3", "1", "0", "33.3 %", "1"]),
            v(&["Tutorial", "1", "0", "1", "0.0 %", "0"]),
        ]
    );
    assert_eq!(
        table(&page, "planes"),
        vec![
            v(&["EKS", "6", "2", "1", "33.3 %", "1"]),
            v(&["Observability", "1", "0", "1", "0.0 %", "0"]),
            // A plane with no feedback.
            v(&["Infrastructure CI/CD", "1", "0", "0", "0.0 %", "0"]),
        ]
    );
    // Kubernetes version 1.31: S1 deflected, S3 filed with no helpful doc;
    // 1.30: S2 filed, helped by Y.
    assert_eq!(
        table(&page, "contexts"),
        vec![
            v(&["1.31", "1", "1", "50.0 %"]),
            v(&["1.30", "0", "1", "0.0 %"]),
        ]
    );
    assert_eq!(table(&page, "gaps"), vec![v(&["1.31", "1", "1"])]);
    assert!(html::text(&page, "#gaps").contains("Kubernetes version"));
    // One week: 5 sessions shown a doc, 1 deflected; 8 docs shown, 2 helpful.
    let week = table(&page, "weeks");
    assert_eq!(week.len(), 1);
    assert_eq!(week[0][1..], v(&["5", "1", "20.0 %", "8", "2", "25.0 %"]));
    assert!(html::text(&page, "#least-heading + p").contains("No doc was shown at least 10"));

    // By plane: EKS has S1–S3.
    let eks = analytics(&app, &format!("{range}&plane=eks")).await;
    assert_eq!(stats(&eks), v(&["3", "3", "1", "33.3 %", "2"]));
    assert_eq!(table(&eks, "docs").len(), 2);
    // The plane with no feedback: shown, nothing helpful, nothing deflected.
    let infra = analytics(&app, &format!("{range}&plane=infra-cicd")).await;
    assert_eq!(stats(&infra), v(&["1", "1", "0", "0.0 %", "0"]));
    assert_eq!(
        table(&infra, "docs"),
        vec![v(&[
            "Walrus delta",
            "Explanation",
            "1",
            "0",
            "0",
            "0.0 %",
            "0"
        ])]
    );
    assert!(table(&infra, "contexts").is_empty() && table(&infra, "gaps").is_empty());
    // A plane nobody chose: nothing, and no rate without a denominator.
    let app_cicd = analytics(&app, &format!("{range}&plane=app-cicd")).await;
    assert_eq!(stats(&app_cicd), v(&["0", "0", "0", "—", "0"]));
    assert!(table(&app_cicd, "docs").is_empty());
    // By customer: customer3 has S4 and S6.
    let customer3 =
        app.text("SELECT customer_id::text AS s FROM users WHERE email = 'customer3@example.com'");
    let theirs = analytics(&app, &format!("{range}&customer={customer3}")).await;
    assert_eq!(stats(&theirs), v(&["2", "2", "0", "0.0 %", "0"]));
    assert_eq!(table(&theirs, "docs").len(), 2);
    // By type: the doc tables only.
    let reference = analytics(&app, &format!("{range}&doc_type=reference")).await;
    assert_eq!(stats(&reference), stats(&page));
    assert_eq!(
        table(&reference, "docs"),
        vec![v(&[
            "Yodel bravo",
            "Reference",
            "3",
            "1",
            "0",
            "33.3 %",
            "1"
        ])]
    );
    assert!(html::text(&reference, "main").contains("applies to the doc tables"));

    // An empty range: zeros, no rates, empty tables that say so.
    let empty = analytics(&app, "from=2020-01-01&to=2020-01-31").await;
    assert_eq!(stats(&empty), v(&["0", "0", "0", "—", "0"]));
    for id in ["docs", "planes", "contexts", "gaps", "weeks"] {
        assert!(table(&empty, id).is_empty(), "{id}");
    }
    assert!(html::text(&empty, "main").contains("No doc was shown in this range"));
    assert!(html::text(&empty, ".chart").contains("No figures for this range"));
}

/// A figure of the page ("33.3 %", "—", "12") as the CSV writes it
/// ("0.3333", "", "12"), to compare the two.
fn as_csv(page_cell: &str) -> Option<f64> {
    match page_cell.strip_suffix(" %") {
        Some(percent) => percent.parse::<f64>().ok().map(|p| p / 100.0),
        None if page_cell == "—" => None,
        None => page_cell.parse().ok(),
    }
}

fn close(csv: &str, page: &str) -> bool {
    let csv = if csv.is_empty() {
        None
    } else {
        csv.parse::<f64>().ok()
    };
    match (csv, as_csv(page)) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() < 0.0005,
        _ => false,
    }
}

async fn download(app: &TestApp, query: &str) -> (String, Vec<Vec<String>>) {
    let res = app.get(&format!("/admin/analytics/docs.csv?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = res.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (disposition, rows)
}

#[tokio::test]
async fn every_table_downloads_as_on_the_page() {
    let app = hand_built_desk().await;
    let today = today();
    let range = format!("from={today}&to={today}");
    for query in [
        range.clone(),
        format!("{range}&plane=eks&sort=title&dir=asc"),
    ] {
        let page = analytics(&app, &query).await;
        // The docs table: DESIGN.md's header, the page's rows and order.
        let (disposition, rows) = download(&app, &query).await;
        assert!(
            disposition.contains(&format!("docs-docs-{today}-to-{today}.csv")),
            "{disposition}"
        );
        assert_eq!(
            rows[0].join(","),
            "doc_url,title,doc_type,shown,helpful,dismissed,helpful_rate,filed_after_helpful"
        );
        let on_page = table(&page, "docs");
        assert_eq!(rows.len() - 1, on_page.len(), "{query}");
        for (csv_row, page_row) in rows[1..].iter().zip(&on_page) {
            assert_eq!(csv_row[1], page_row[0], "title");
            let key = CATALOG.iter().find(|c| c.1 == csv_row[1]).unwrap();
            assert_eq!(csv_row[0], doc_url(key.0));
            assert_eq!(csv_row[2], key.2);
            for (c, p) in csv_row[3..].iter().zip(&page_row[2..]) {
                assert!(close(c, p), "{query}: {csv_row:?} vs {page_row:?}");
            }
        }
        // The other tables: same rows, same figures.
        for (name, id, labels) in [
            ("types", "types", 1),
            ("planes", "planes", 1),
            ("contexts", "contexts", 3),
            ("gaps", "gaps", 3),
            ("weeks", "weeks", 1),
        ] {
            let (_, rows) = download(&app, &format!("{query}&table={name}")).await;
            let on_page = table(&page, id);
            assert_eq!(rows.len() - 1, on_page.len(), "{name}");
            for (csv_row, page_row) in rows[1..].iter().zip(&on_page) {
                assert_eq!(csv_row.len() - labels, page_row.len() - 1, "{name}");
                for (c, p) in csv_row[labels..].iter().zip(&page_row[1..]) {
                    assert!(close(c, p), "{name}: {csv_row:?} vs {page_row:?}");
                }
            }
            if name == "weeks" {
                assert_eq!(rows[1][0], on_page[0][0], "the ISO week");
            }
        }
        let (_, rows) = download(&app, &format!("{query}&table=summary")).await;
        assert_eq!(
            rows[0].join(","),
            "form_sessions,shown_a_doc,deflected,deflection_rate,issues_filed"
        );
        for (c, p) in rows[1].iter().zip(stats(&page)) {
            assert!(close(c, &p), "summary {c} vs {p}");
        }
    }
    // The context table names plane, field and value as stored.
    let (_, rows) = download(&app, &format!("{range}&table=gaps")).await;
    assert_eq!(rows[1][..3], v(&["eks", "cluster_version", "1.31"]));
}

#[tokio::test]
async fn the_docs_table_sorts_and_finds_the_least_helpful() {
    let app = hand_built_desk().await;
    let today = today();
    let range = format!("from={today}&to={today}");
    let titles = |doc: &scraper::Html| -> Vec<String> {
        table(doc, "docs")
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    let page = analytics(&app, &format!("{range}&sort=title&dir=asc")).await;
    assert_eq!(
        titles(&page),
        v(&[
            "Walrus delta",
            "Xylophone alpha",
            "Yodel bravo",
            "Zither charlie"
        ])
    );
    assert_eq!(
        html::attrs(&page, "#docs th[aria-sort]", "aria-sort"),
        v(&["ascending"])
    );
    // The heading sorted by reverses; the others sort by themselves.
    let links = html::attrs(&page, "#docs thead a", "href");
    // (Highest first is the default direction, left out of links.)
    assert!(links[0].contains("sort=title") && !links[0].contains("dir="));
    assert!(links[4].contains("sort=helpful_rate") && !links[4].contains("dir="));
    let page = analytics(&app, &format!("{range}&sort=dismissed&dir=desc")).await;
    assert_eq!(
        titles(&page),
        v(&[
            "Xylophone alpha",
            "Zither charlie",
            "Walrus delta",
            "Yodel bravo"
        ])
    );
    let page = analytics(
        &app,
        &format!("{range}&sort=helpful_rate&dir=asc&min_shown=2"),
    )
    .await;
    assert_eq!(titles(&page), v(&["Xylophone alpha", "Yodel bravo"]));

    // Ten more EKS sessions that click nothing: X and Y shown 13 times.
    let customer = app.other_browser();
    customer.sign_in("customer2@example.com").await;
    for _ in 0..10 {
        visit(
            &customer,
            Visit {
                plane: Some("eks"),
                expect_shown: &["x", "y"],
                clicks: &[],
                refreshes: 0,
                cluster_version: None,
                file: false,
            },
        )
        .await;
    }
    // The figures are a minute old: the page brings them up to date.
    app.exec("UPDATE doc_rollup_state SET refreshed_at = now() - interval '61 seconds'");
    let page = analytics(&app, &range).await;
    assert_eq!(stats(&page)[0], "16");
    assert_eq!(
        table(&page, "least-helpful"),
        vec![
            v(&[
                "Xylophone alpha",
                "How-to guide",
                "13",
                "1",
                "1",
                "7.7 %",
                "0"
            ]),
            v(&["Yodel bravo", "Reference", "13", "1", "0", "7.7 %", "1"]),
        ]
    );
    let all_in_order = html::attrs(&page, "#least-heading ~ p a", "href");
    assert!(all_in_order[0].contains("sort=helpful_rate&dir=asc&min_shown=10"));
}

#[tokio::test]
async fn bad_parameters_answer_the_page_with_a_notice() {
    let app = hand_built_desk().await;
    for (query, notice) in [
        (
            "from=2026-05-02&to=2026-05-01",
            "start date is after the end date",
        ),
        ("from=10000-01-01", "year 0001 to 9999"),
        ("to=31/12/2026", "not a date written YYYY-MM-DD"),
        ("plane=nope", "plane is unknown"),
        ("plane=EKS%27%3B--", "plane is unknown"),
        ("customer=42", "customer is unknown"),
        (
            "customer=00000000-0000-4000-8000-000000000000",
            "customer is unknown",
        ),
        ("doc_type=novel", "doc type is unknown"),
        ("sort=bogus", "sort order is unknown"),
        ("dir=sideways", "direction is unknown"),
        ("min_shown=-3", "minimum of times shown"),
        ("min_shown=1e9", "minimum of times shown"),
    ] {
        let page = analytics(&app, query).await;
        let notices = html::texts(&page, ".flash-warning").join(" ");
        assert!(notices.contains(notice), "{query}: {notices}");
        // The same link as a download: the page and why, no file.
        let res = app.get(&format!("/admin/analytics/docs.csv?{query}")).await;
        assert_eq!(res.status(), 200, "{query}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let page = html::parse(&res.text().await.unwrap());
        let notices = html::texts(&page, ".flash-warning").join(" ");
        assert!(
            notices.contains(notice) && notices.contains("Nothing was downloaded"),
            "{query}: {notices}"
        );
    }
    let res = app.get("/admin/analytics/docs.csv?table=../../etc").await;
    let page = html::parse(&res.text().await.unwrap());
    assert!(html::text(&page, ".flash-warning").contains("table is unknown"));
}

#[tokio::test]
async fn the_page_reads_a_fixed_number_of_statements() {
    let app = hand_built_desk().await;
    // The first view refreshes; the measured one, a moment later, reads.
    for query in ["", "?plane=eks&doc_type=how-to&sort=title"] {
        let path = format!("/admin/analytics/docs{query}");
        // Computed: session and user, planes and the change counters and
        // rollups' age, then in one snapshot the figures' age and the six
        // reads, with its BEGIN and COMMIT.
        let n = app
            .statements_after("/admin/analytics/docs?plane=observability", &path)
            .await;
        assert!(n <= 13, "{query}: {n} statements computing");
        // Seen again: the kept figures, after the first four.
        let kept = app.statements_for(&path).await;
        assert!(kept <= 4, "{query}: {kept} statements kept");
        assert!(
            n > kept,
            "{query}: computing ({n}) reads more than kept ({kept})"
        );
    }
}

#[tokio::test]
async fn kept_figures_give_way_to_renames_and_refreshes() {
    let app = hand_built_desk().await;
    let range = format!("from={0}&to={0}", today());
    let page = analytics(&app, &range).await;
    assert_eq!(stats(&page), v(&["6", "5", "1", "20.0 %", "2"]));
    let titles = |page: &scraper::Html| -> Vec<String> {
        table(page, "docs")
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    assert!(titles(&page).contains(&"Xylophone alpha".to_owned()));

    // A renamed doc, then a renamed plane, show at once.
    app.exec(&format!(
        "UPDATE docs SET title = 'Xylophone renamed' WHERE url = '{}'",
        doc_url("x")
    ));
    let page = analytics(&app, &range).await;
    assert!(titles(&page).contains(&"Xylophone renamed".to_owned()));
    app.exec("UPDATE planes SET name = 'Kubernetes' WHERE slug = 'eks'");
    let page = analytics(&app, &range).await;
    assert_eq!(table(&page, "planes")[0][0], "Kubernetes");
    assert_eq!(stats(&page), v(&["6", "5", "1", "20.0 %", "2"]));

    // A new deflected session counts once the rollups are refreshed.
    let customer = app.other_browser();
    customer.sign_in("customer1@example.com").await;
    visit(
        &customer,
        Visit {
            plane: Some("eks"),
            expect_shown: &["x", "y"],
            clicks: &[("helpful", "y")],
            refreshes: 0,
            cluster_version: None,
            file: false,
        },
    )
    .await;
    refresh(&app);
    let page = analytics(&app, &range).await;
    assert_eq!(stats(&page), v(&["7", "6", "2", "33.3 %", "2"]));
}

#[tokio::test]
async fn agents_and_customers_get_nothing() {
    let app = TestApp::spawn().await;
    for (email, status) in [("agent1@example.com", 403), ("customer1@example.com", 403)] {
        let browser = app.other_browser();
        browser.sign_in(email).await;
        for path in [
            "/admin/analytics/docs",
            "/admin/analytics/docs.csv",
            "/admin/analytics/docs.csv?table=gaps",
        ] {
            assert_eq!(browser.get(path).await.status(), status, "{email} {path}");
        }
    }
    let res = app.get("/admin/analytics/docs.csv").await;
    assert_eq!(res.status(), 303, "signed out: to sign in");
}
