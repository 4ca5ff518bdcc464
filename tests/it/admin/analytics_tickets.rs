//! `/admin/analytics/tickets` and its CSV files, on a small hand-built
//! dataset (a customer of its own, in weeks of 2025 that no demo row
//! reaches) whose figures are worked out by hand below: created and
//! resolved per ISO week, p50/p90 of first response and resolution as
//! `percentile_cont` interpolates them, the backlog by age, the work per
//! agent and per plane; an empty range; bad parameters answered with a
//! notice; each CSV equal to its table on the page; and, on the demo data
//! plus ours, the page's figures equal to an independent computation over
//! the raw tables, also after the writes that move figures between weeks.

use diesel::prelude::*;
use scraper::{Html, Selector};
use supportdesk::db::queries::analytics_tickets;

use crate::helpers::{TestApp, html};

const PAGE: &str = "/admin/analytics/tickets";
const CSV: &str = "/admin/analytics/tickets.csv";

/// The hand-built customer's data; see the module doc and [`build`].
struct Dataset {
    customer: String,
    /// Issue ids by the names used in the expectations.
    i1: String,
    i2: String,
    i3: String,
    /// I2's first response, by agent 2.
    i2_first_response: String,
}

fn exec(conn: &mut PgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn one(conn: &mut PgConnection, sql: &str) -> String {
    #[derive(QueryableByName)]
    struct S {
        #[diesel(sql_type = diesel::sql_types::Text)]
        s: String,
    }
    diesel::sql_query(sql)
        .get_result::<S>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .s
}

/// An issue of the dataset's customer; `created` is an SQL timestamptz
/// expression, `resolved` one or NULL.
fn issue(
    conn: &mut PgConnection,
    customer: &str,
    plane: &str,
    created: &str,
    status: &str,
    resolved: &str,
    assignee: Option<&str>,
) -> String {
    let assignee = match assignee {
        Some(email) => format!("(SELECT id FROM users WHERE email = '{email}')"),
        None => "NULL".to_owned(),
    };
    one(
        conn,
        &format!(
            "INSERT INTO issues (customer_id, environment_id, created_by_id, assignee_id, \
               submitter_handle, primary_plane_id, title, description, status, \
               resolved_at, closed_at, created_at, updated_at) \
             SELECT '{customer}', e.id, (SELECT id FROM users WHERE email = 'admin@example.com'), \
               {assignee}, '', (SELECT id FROM planes WHERE slug = '{plane}'), 'Analytics case', \
               'A ticket of the analytics dataset', '{status}', ({resolved})::timestamptz, \
               CASE WHEN '{status}' = 'closed' THEN ({resolved})::timestamptz END, {created}, {created} \
             FROM environments e WHERE e.customer_id = '{customer}' \
             RETURNING id::text AS s"
        ),
    )
}

fn comment(conn: &mut PgConnection, issue: &str, author: &str, at: &str, internal: bool) -> String {
    one(
        conn,
        &format!(
            "INSERT INTO comments (issue_id, author_id, body, is_internal, created_at) \
             VALUES ('{issue}', (SELECT id FROM users WHERE email = '{author}'), 'A reply', \
                     {internal}, {at}) RETURNING id::text AS s"
        ),
    )
}

fn ts(at: &str) -> String {
    format!("'{at}+00'::timestamptz")
}

const AGENT1: &str = "agent1@example.com";
const AGENT2: &str = "agent2@example.com";
const BUYER: &str = "buyer@analytics.example";

/// Builds the dataset (times UTC):
///
/// | issue | plane    | created       | first staff reply      | resolved        | status      | assignee |
/// |-------|----------|---------------|------------------------|-----------------|-------------|----------|
/// | I1    | app-cicd | Mon 03-03 09h | +2 h (03-03 11h)       | +24 h (03-04)   | resolved    | agent1   |
/// | I2    | app-cicd | Tue 03-04 10h | +4 h (03-04 14h)       | +48 h (03-06)   | closed      | agent2   |
/// | I3    | eks      | Wed 03-05 12h | +10 h (03-05 22h)      | +144 h (03-11)  | resolved    | agent1   |
/// | I4    | eks      | Thu 03-06 08h | none                   |                 | open        | agent2   |
/// | I5    | app-cicd | Mon 03-10 08h | +1.5 h (03-10 09:30)   |                 | in_progress | agent1   |
/// | I6    | app-cicd | Tue 03-11 08h | +144 h (03-17 08h)     | +168 h (03-18)  | resolved    | nobody   |
/// | I7    | eks      | Mon 03-31 10h | +0.25 h (03-31 10:15)  |                 | open        | nobody   |
/// | O1–O4 | see below, filed 2 h, 30 h, 4 d and 10 d before now, open                             |
///
/// I1 also has a customer's public reply at +0.5 h and an agent's internal
/// note at +1 h before its first staff reply; I2 a second staff reply at
/// +5 h: none of them is a first response. 2025-W13 (03-24…03-30) is empty.
fn build(app: &TestApp) -> Dataset {
    let mut conn = app.db.conn();
    let conn = &mut conn;
    let customer = one(
        conn,
        "INSERT INTO customers (name) VALUES ('Analytics Test Co') RETURNING id::text AS s",
    );
    exec(
        conn,
        &format!(
            "INSERT INTO environments (customer_id, name, env_type) \
             VALUES ('{customer}', 'prod', 'production')"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO users (email, name, role, customer_id) \
             VALUES ('{BUYER}', 'Buyer', 'customer', '{customer}')"
        ),
    );
    let c = customer.as_str();
    let i1 = issue(
        conn,
        c,
        "app-cicd",
        &ts("2025-03-03 09:00"),
        "resolved",
        &ts("2025-03-04 09:00"),
        Some(AGENT1),
    );
    comment(conn, &i1, BUYER, &ts("2025-03-03 09:30"), false);
    comment(conn, &i1, AGENT1, &ts("2025-03-03 10:00"), true);
    comment(conn, &i1, AGENT1, &ts("2025-03-03 11:00"), false);
    let i2 = issue(
        conn,
        c,
        "app-cicd",
        &ts("2025-03-04 10:00"),
        "closed",
        &ts("2025-03-06 10:00"),
        Some(AGENT2),
    );
    let i2_first_response = comment(conn, &i2, AGENT2, &ts("2025-03-04 14:00"), false);
    comment(conn, &i2, AGENT1, &ts("2025-03-04 15:00"), false);
    let i3 = issue(
        conn,
        c,
        "eks",
        &ts("2025-03-05 12:00"),
        "resolved",
        &ts("2025-03-11 12:00"),
        Some(AGENT1),
    );
    comment(conn, &i3, AGENT1, &ts("2025-03-05 22:00"), false);
    issue(
        conn,
        c,
        "eks",
        &ts("2025-03-06 08:00"),
        "open",
        "NULL",
        Some(AGENT2),
    );
    let i5 = issue(
        conn,
        c,
        "app-cicd",
        &ts("2025-03-10 08:00"),
        "in_progress",
        "NULL",
        Some(AGENT1),
    );
    comment(conn, &i5, AGENT1, &ts("2025-03-10 09:30"), false);
    let i6 = issue(
        conn,
        c,
        "app-cicd",
        &ts("2025-03-11 08:00"),
        "resolved",
        &ts("2025-03-18 08:00"),
        None,
    );
    comment(conn, &i6, AGENT2, &ts("2025-03-17 08:00"), false);
    let i7 = issue(
        conn,
        c,
        "eks",
        &ts("2025-03-31 10:00"),
        "open",
        "NULL",
        None,
    );
    comment(conn, &i7, AGENT2, &ts("2025-03-31 10:15"), false);
    // The backlog's recent ages.
    issue(
        conn,
        c,
        "app-cicd",
        "now() - interval '2 hours'",
        "open",
        "NULL",
        None,
    );
    issue(
        conn,
        c,
        "app-cicd",
        "now() - interval '30 hours'",
        "in_progress",
        "NULL",
        Some(AGENT1),
    );
    issue(
        conn,
        c,
        "eks",
        "now() - interval '4 days'",
        "open",
        "NULL",
        None,
    );
    issue(
        conn,
        c,
        "eks",
        "now() - interval '10 days'",
        "open",
        "NULL",
        None,
    );
    Dataset {
        customer,
        i1,
        i2,
        i3,
        i2_first_response,
    }
}

fn refresh(app: &TestApp) {
    analytics_tickets::refresh(&mut app.db.conn()).expect("refresh");
}

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    app
}

async fn page(app: &TestApp, query: &str) -> Html {
    let res = app.get(&format!("{PAGE}?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    html::parse(&res.text().await.unwrap())
}

/// The body rows of table `#id`: header cell then data cells, as text.
fn table(doc: &Html, id: &str) -> Vec<Vec<String>> {
    let rows = Selector::parse(&format!("table#{id} tbody tr")).unwrap();
    let cells = Selector::parse("th, td").unwrap();
    doc.select(&rows)
        .map(|tr| {
            tr.select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect()
        })
        .collect()
}

async fn csv(app: &TestApp, query: &str) -> Vec<Vec<String>> {
    let res = app.get(&format!("{CSV}?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    body.lines()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

fn rows(expected: &[&[&str]]) -> Vec<Vec<String>> {
    expected
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The page writes "—" where the CSV leaves a cell empty.
fn as_csv(page_rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    page_rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| if c == "—" { String::new() } else { c })
                .collect()
        })
        .collect()
}

const WEEKS: &str = "from=2025-03-03&to=2025-04-06";

#[tokio::test]
async fn weekly_figures_are_the_hand_counted_ones() {
    let app = admin_app().await;
    let data = build(&app);
    refresh(&app);
    let query = format!("{WEEKS}&customer={}", data.customer);
    let doc = page(&app, &query).await;
    // W10: first responses 2, 4, 10 h → p50 4, p90 4 + 0.8 × 6 = 8.8;
    //      resolutions 24, 48 h → p50 36, p90 24 + 0.9 × 24 = 45.6.
    // W11: I3 resolved after 144 h; I5 answered after 1.5 h.
    // W12: I6 answered after 144 h and resolved after 168 h. W13: nothing.
    // W14: I7 answered after a quarter of an hour.
    let expected = rows(&[
        &["2025-W10", "4", "2", "4.00", "8.80", "36.00", "45.60"],
        &["2025-W11", "2", "1", "1.50", "1.50", "144.00", "144.00"],
        &["2025-W12", "0", "1", "144.00", "144.00", "168.00", "168.00"],
        &["2025-W13", "0", "0", "—", "—", "—", "—"],
        &["2025-W14", "1", "0", "0.25", "0.25", "—", "—"],
    ]);
    assert_eq!(table(&doc, "weekly"), expected);
    assert_eq!(html::text(&doc, "#total-created"), "7");
    assert_eq!(html::text(&doc, "#total-resolved"), "4");
    assert!(
        html::text(&doc, "#weeks-shown")
            .starts_with("Weeks 2025-W10 to 2025-W14 (3 Mar 2025 to 6 Apr 2025, UTC)")
    );
    // The chart plots the same weeks, and names the table.
    assert_eq!(
        html::texts(&doc, "#weekly-chart-caption + svg g.chart-line").len(),
        2
    );
    assert!(html::text(&doc, "svg desc#weekly-chart-desc").contains("Weekly figures"));

    // One plane: app-cicd's W10 has first responses 2 and 4 h → p50 3,
    // p90 2 + 0.9 × 2 = 3.8; its W14 has nothing.
    let doc = page(&app, &format!("{query}&plane=app-cicd")).await;
    assert_eq!(
        table(&doc, "weekly"),
        rows(&[
            &["2025-W10", "2", "2", "3.00", "3.80", "36.00", "45.60"],
            &["2025-W11", "2", "0", "1.50", "1.50", "—", "—"],
            &["2025-W12", "0", "1", "144.00", "144.00", "168.00", "168.00"],
            &["2025-W13", "0", "0", "—", "—", "—", "—"],
            &["2025-W14", "0", "0", "—", "—", "—", "—"],
        ])
    );

    // The CSV is the page's table, under the header DESIGN.md fixes.
    let file = csv(&app, &query).await;
    assert_eq!(
        file[0].join(","),
        "week,created,resolved,first_response_p50_h,first_response_p90_h,resolution_p50_h,resolution_p90_h"
    );
    assert_eq!(file[1..].to_vec(), as_csv(expected));
}

#[tokio::test]
async fn backlog_agents_and_planes_are_the_hand_counted_ones() {
    let app = admin_app().await;
    let data = build(&app);
    refresh(&app);
    let query = format!("{WEEKS}&customer={}", data.customer);
    let doc = page(&app, &query).await;
    // Open now: O1 (2 h), O2 (30 h), O3 (4 d), O4 (10 d); I4, I5, I7 (2025).
    assert_eq!(
        table(&doc, "backlog"),
        rows(&[
            &["< 1 d", "1"],
            &["1–3 d", "1"],
            &["3–7 d", "1"],
            &["7–30 d", "1"],
            &["> 30 d", "3"],
        ])
    );
    assert_eq!(html::text(&doc, "#total-open"), "7");
    assert_eq!(
        html::texts(&doc, "#backlog-chart-caption + svg rect").len(),
        5
    );
    // Open assigned: agent1 has I5 and O2, agent2 I4; nobody has I7, O1,
    // O3, O4. Resolved in the weeks: agent1 I1 and I3, agent2 I2, nobody I6.
    let name = |email: &str| {
        app.text(&format!(
            "SELECT name::text AS s FROM users WHERE email = '{email}'"
        ))
    };
    let (alex, sam) = (name(AGENT1), name(AGENT2));
    let agents = rows(&[
        &[&alex, "2", "2"],
        &[&sam, "1", "1"],
        &["Unassigned", "4", "1"],
    ]);
    assert_eq!(table(&doc, "agents"), agents);
    // Every plane; app-cicd has I1, I2, I5, I6 (I1, I2, I6 resolved), eks
    // I3, I4, I7 (I3 resolved).
    let planes = rows(&[
        &["App CI/CD", "4", "3"],
        &["EKS", "3", "1"],
        &["Observability", "0", "0"],
        &["Infrastructure CI/CD", "0", "0"],
    ]);
    assert_eq!(table(&doc, "planes"), planes);

    // Filtered to one plane, each table keeps to it.
    let doc = page(&app, &format!("{query}&plane=app-cicd")).await;
    assert_eq!(
        table(&doc, "backlog")
            .iter()
            .map(|r| r[1].as_str())
            .collect::<Vec<_>>(),
        ["1", "1", "0", "0", "1"]
    );
    assert_eq!(table(&doc, "planes"), rows(&[&["App CI/CD", "4", "3"]]));
    assert_eq!(
        table(&doc, "agents"),
        rows(&[
            &[&alex, "2", "1"],
            &[&sam, "0", "1"],
            &["Unassigned", "1", "1"]
        ])
    );

    // Each CSV is its table (the backlog's ages spelled out, as the page's
    // abbreviations are).
    let file = csv(&app, &format!("{query}&table=backlog")).await;
    assert_eq!(file[0].join(","), "age,open");
    let spelled: Vec<String> = {
        let doc = page(&app, &query).await;
        html::attrs(&doc, "table#backlog tbody abbr", "title")
    };
    assert_eq!(
        file[1..].iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        spelled
    );
    assert_eq!(
        file[1..].iter().map(|r| r[1].as_str()).collect::<Vec<_>>(),
        ["1", "1", "1", "1", "3"]
    );
    let file = csv(&app, &format!("{query}&table=agents")).await;
    assert_eq!(file[0].join(","), "agent,open_assigned,resolved");
    assert_eq!(file[1..].to_vec(), agents);
    let file = csv(&app, &format!("{query}&table=planes")).await;
    assert_eq!(file[0].join(","), "plane,created,resolved");
    assert_eq!(file[1..].to_vec(), planes);
}

#[tokio::test]
async fn kept_figures_give_way_to_renames_and_refreshes() {
    let app = admin_app().await;
    let data = build(&app);
    refresh(&app);
    let query = format!("{WEEKS}&customer={}", data.customer);
    let doc = page(&app, &query).await;
    assert_eq!(html::text(&doc, "#total-created"), "7");
    let names = |doc: &Html| -> Vec<String> {
        table(doc, "agents")
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    assert!(!names(&doc).contains(&"Renamed Agent".to_owned()));

    // A renamed agent shows at once.
    app.exec(&format!(
        "UPDATE users SET name = 'Renamed Agent' WHERE email = '{AGENT1}'"
    ));
    let doc = page(&app, &query).await;
    assert!(
        names(&doc).contains(&"Renamed Agent".to_owned()),
        "{:?}",
        names(&doc)
    );

    // A new issue in the weeks counts once the rollups are refreshed.
    issue(
        &mut app.db.conn(),
        &data.customer,
        "eks",
        &ts("2025-03-12 09:00"),
        "open",
        "NULL",
        None,
    );
    refresh(&app);
    let doc = page(&app, &query).await;
    assert_eq!(html::text(&doc, "#total-created"), "8");
}

#[tokio::test]
async fn csv_cells_cannot_run_as_formulas_and_name_their_range() {
    let app = admin_app().await;
    let data = build(&app);
    app.exec(&format!(
        "UPDATE users SET name = '=HYPERLINK(\"x\")' WHERE email = '{AGENT1}'"
    ));
    refresh(&app);
    let query = format!("{WEEKS}&customer={}&table=agents", data.customer);
    let res = app.get(&format!("{CSV}?{query}")).await;
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"tickets-agents-2025-03-03-to-2025-04-06.csv\""
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("\"'=HYPERLINK(\"\"x\"\")\",2,2\n"), "{body}");
    // The page shows the name as it is.
    let doc = page(&app, &query.replace("&table=agents", "")).await;
    assert_eq!(table(&doc, "agents")[0][0], "=HYPERLINK(\"x\")");
    // A table that does not exist downloads nothing: the page says why.
    let res = app.get(&format!("{CSV}?table=secrets")).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let doc = html::parse(&res.text().await.unwrap());
    let notices = html::texts(&doc, "main .flash-warning");
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("That table is unknown")),
        "{notices:?}"
    );
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("Nothing was downloaded")),
        "{notices:?}"
    );
}

#[tokio::test]
async fn an_empty_range_says_so_and_its_csv_is_the_header_only() {
    let app = admin_app().await;
    let data = build(&app);
    refresh(&app);
    let query = format!("from=2024-01-01&to=2024-01-31&customer={}", data.customer);
    let doc = page(&app, &query).await;
    assert!(table(&doc, "weekly").is_empty());
    assert!(html::text(&doc, "#weeks-shown").starts_with("No issue was created"));
    assert_eq!(html::text(&doc, "#total-created"), "0");
    assert!(html::text(&doc, "#weekly-chart-caption ~ p").contains("No figures"));
    // The backlog is now, whatever the range.
    assert_eq!(html::text(&doc, "#total-open"), "7");
    let file = csv(&app, &query).await;
    assert_eq!(file.len(), 1);
    // A range before any ticket at all, every customer.
    let doc = page(&app, "from=2000-01-01&to=2000-12-31").await;
    assert!(table(&doc, "weekly").is_empty());
}

#[tokio::test]
async fn bad_parameters_answer_the_page_with_a_notice() {
    let app = admin_app().await;
    let data = build(&app);
    refresh(&app);
    let today = chrono::Utc::now().date_naive();
    let default_from = (today - chrono::Days::new(29))
        .format("%Y-%m-%d")
        .to_string();
    for (query, notice) in [
        (
            "from=2025-05-02&to=2025-05-01",
            "The start date is after the end date",
        ),
        ("from=10000-01-01", "Dates run from year 0001 to 9999"),
        ("to=10000-12-31", "Dates run from year 0001 to 9999"),
        ("from=2025-02-30", "The start date is not a date"),
        ("from=%FF%FE", "The start date is not a date"),
        ("plane=no-such-plane", "That plane is unknown"),
        ("plane=%3Cscript%3E", "That plane is unknown"),
        ("customer=42", "That customer is unknown"),
        (
            "customer=00000000-0000-4000-8000-000000000000",
            "That customer is unknown",
        ),
    ] {
        let res = app.get(&format!("{PAGE}?{query}")).await;
        assert_eq!(res.status(), 200, "{query}");
        let doc = html::parse(&res.text().await.unwrap());
        let notices = html::texts(&doc, "main .flash-warning");
        assert!(
            notices.iter().any(|n| n.starts_with(notice)),
            "{query}: {notices:?}"
        );
        // The CSV downloads nothing then: the page says why.
        let res = app.get(&format!("{CSV}?{query}")).await;
        assert_eq!(res.status(), 200, "{query}");
        let csv_page = html::parse(&res.text().await.unwrap());
        let notices = html::texts(&csv_page, "main .flash-warning");
        assert!(
            notices.iter().any(|n| n.starts_with(notice))
                && notices
                    .iter()
                    .any(|n| n.starts_with("Nothing was downloaded")),
            "{query}: {notices:?}"
        );
        if query.contains("10000") || query.contains("2025-05-02") {
            assert_eq!(
                html::attrs(&doc, "input#from", "value"),
                std::slice::from_ref(&default_from),
                "{query}"
            );
        }
    }
    // A bad filter beside good ones leaves the good ones in effect.
    let doc = page(
        &app,
        &format!("{WEEKS}&customer={}&plane=nope", data.customer),
    )
    .await;
    assert_eq!(table(&doc, "weekly")[0][1], "4");
    assert_eq!(
        html::attrs(&doc, "select#customer option[selected]", "value"),
        std::slice::from_ref(&data.customer)
    );
}

/// The weekly CSV computed here, independently of the app: straight from
/// the raw tables, one `percentile_cont` per week and figure.
fn raw_weeks(app: &TestApp, first: &str, last: &str) -> Vec<Vec<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        line: String,
    }
    let sql = format!(
        "WITH firsts AS (
           SELECT DISTINCT ON (c.issue_id) c.issue_id, c.created_at
           FROM comments c JOIN users u ON u.id = c.author_id
           WHERE NOT c.is_internal AND u.role IN ('agent', 'admin')
           ORDER BY c.issue_id, c.created_at, c.id),
         fr AS (SELECT date_trunc('week', f.created_at AT TIME ZONE 'UTC') AS w,
                       extract(epoch FROM f.created_at - i.created_at) / 3600 AS h
                FROM firsts f JOIN issues i ON i.id = f.issue_id),
         res AS (SELECT date_trunc('week', resolved_at AT TIME ZONE 'UTC') AS w,
                        extract(epoch FROM resolved_at - created_at) / 3600 AS h
                 FROM issues WHERE resolved_at IS NOT NULL)
         SELECT concat_ws(',', to_char(g, 'IYYY-\"W\"IW'),
           (SELECT count(*) FROM issues
            WHERE date_trunc('week', created_at AT TIME ZONE 'UTC') = g)::text,
           (SELECT count(*) FROM res WHERE w = g)::text,
           coalesce((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FROM fr WHERE w = g)::text, ''),
           coalesce((SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY h) FROM fr WHERE w = g)::text, ''),
           coalesce((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FROM res WHERE w = g)::text, ''),
           coalesce((SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY h) FROM res WHERE w = g)::text, '')
         ) AS line
         FROM generate_series('{first}'::timestamp, '{last}'::timestamp, interval '7 days') g
         ORDER BY g"
    );
    diesel::sql_query(sql)
        .load::<Row>(&mut app.db.conn())
        .unwrap()
        .into_iter()
        .map(|r| r.line.split(',').map(str::to_owned).collect())
        .collect()
}

/// Two weekly tables agree: same weeks and counts, and hours within the
/// rounding to two decimals.
fn assert_same_weeks(page: &[Vec<String>], raw: &[Vec<String>]) {
    assert_eq!(page.len(), raw.len(), "weeks: {page:?}\nvs {raw:?}");
    for (p, r) in page.iter().zip(raw) {
        assert_eq!(p[..3], r[..3], "{p:?} vs {r:?}");
        for (a, b) in p[3..].iter().zip(&r[3..]) {
            match (a.is_empty(), b.is_empty()) {
                (true, true) => {}
                (false, false) => {
                    let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
                    assert!((a - b).abs() <= 0.005 + 1e-9, "{p:?} vs {r:?}");
                }
                _ => panic!("{p:?} vs {r:?}"),
            }
        }
    }
}

#[tokio::test]
async fn the_page_equals_the_raw_tables_also_after_changes_move_figures() {
    let app = admin_app().await;
    let data = build(&app);
    refresh(&app);
    let today = chrono::Utc::now().date_naive();
    let query = format!("from=2025-01-01&to={}", today.format("%Y-%m-%d"));
    let check = |app: &TestApp, file: Vec<Vec<String>>| {
        let first = format!("{}-1", file[1][0]);
        let first = chrono::NaiveDate::parse_from_str(&first, "%G-W%V-%u").unwrap();
        let last = format!("{}-1", file.last().unwrap()[0]);
        let last = chrono::NaiveDate::parse_from_str(&last, "%G-W%V-%u").unwrap();
        assert_same_weeks(
            &file[1..],
            &raw_weeks(app, &first.to_string(), &last.to_string()),
        );
    };
    let before = csv(&app, &query).await;
    check(&app, before.clone());
    // The page's table is the CSV.
    let doc = page(&app, &query).await;
    assert_eq!(as_csv(table(&doc, "weekly")), before[1..].to_vec());

    // Writes the app makes, and some it may one day: a reopen (I1's
    // resolution leaves 2025-W10), a deleted first response (I2's passes to
    // the next staff reply), a plane change, a customer who becomes staff
    // (their public reply on I1 becomes its first response), and a deleted
    // issue (I3, with its comments).
    let mut conn = app.db.conn();
    exec(
        &mut conn,
        &format!(
            "UPDATE issues SET status = 'open', resolved_at = NULL WHERE id = '{}'",
            data.i1
        ),
    );
    exec(
        &mut conn,
        &format!(
            "DELETE FROM comments WHERE id = '{}'",
            data.i2_first_response
        ),
    );
    exec(
        &mut conn,
        &format!(
            "UPDATE issues SET primary_plane_id = (SELECT id FROM planes WHERE slug = 'observability') WHERE id = '{}'",
            data.i2
        ),
    );
    exec(
        &mut conn,
        &format!("UPDATE users SET role = 'agent', customer_id = NULL WHERE email = '{BUYER}'"),
    );
    exec(
        &mut conn,
        &format!("DELETE FROM issues WHERE id = '{}'", data.i3),
    );
    refresh(&app);
    let after = csv(&app, &query).await;
    assert_ne!(after, before);
    check(&app, after.clone());
    let w10 = after.iter().find(|r| r[0] == "2025-W10").unwrap();
    // Created I1, I2, I4; resolved I2 (48 h); first responses I1 at 0.5 h
    // (the buyer is staff now) and I2 at 5 h.
    assert_eq!(w10.join(","), "2025-W10,3,1,2.75,4.55,48.00,48.00");
    // The plane filter sees the move.
    let obs = csv(
        &app,
        &format!(
            "from=2025-03-03&to=2025-03-09&customer={}&plane=observability",
            data.customer
        ),
    )
    .await;
    assert_eq!(obs[1].join(","), "2025-W10,1,1,5.00,5.00,48.00,48.00");
}

#[tokio::test]
async fn the_page_says_how_old_its_figures_are_and_reads_a_fixed_number_of_statements() {
    let app = admin_app().await;
    build(&app);
    refresh(&app);
    let doc = page(&app, "").await;
    let freshness = html::text(&doc, "#freshness");
    assert!(
        freshness.starts_with("Figures updated just now"),
        "{freshness}"
    );
    let at = html::attrs(&doc, "#freshness time", "datetime").remove(0);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&at).is_ok() && at.ends_with('Z') && !at.contains('.'),
        "{at}"
    );
    // Without JavaScript: the filters are a GET form to the page itself,
    // the charts inline SVG, the downloads plain links with the filters.
    let filtered = page(&app, "from=2025-03-03&to=2025-04-06&plane=eks").await;
    assert_eq!(
        html::attrs(&filtered, "main form.filters[method=get]", "action"),
        [PAGE]
    );
    assert!(html::texts(&filtered, "main script").is_empty());
    assert_eq!(
        html::texts(&filtered, "main figure.chart > svg[role=img]").len(),
        2
    );
    let downloads = html::attrs(
        &filtered,
        "main a[href^='/admin/analytics/tickets.csv?']",
        "href",
    );
    assert_eq!(downloads.len(), 4);
    for href in downloads {
        assert!(
            href.contains("from=2025-03-03&to=2025-04-06&plane=eks&table="),
            "{href}"
        );
    }
    // Whatever the range, computing the figures reads the same statements:
    // the rollups, never the tickets (each path is new to the page, the
    // warm-up another).
    let warm_up = format!("{PAGE}?plane=eks");
    let short = app
        .statements_after(&warm_up, &format!("{PAGE}?plane=observability"))
        .await;
    let long = app
        .statements_after(&warm_up, &format!("{PAGE}?from=0001-01-01&to=9999-12-31"))
        .await;
    assert_eq!(short, long);
    assert!(short <= 12, "{short}");
    // Seen again, the page uses the figures it kept: session, user,
    // planes, and the counters and refresh times.
    let again = app.statements_for(PAGE).await;
    assert!(
        again <= 4 && again < short,
        "kept {again}, computing {short}"
    );
}
