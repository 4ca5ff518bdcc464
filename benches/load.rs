//! Load benchmark for a running supportdesk on generated data; see
//! `bench/README.md`. For each route it measures the highest throughput
//! (closed loop, fixed concurrency) and then the latency at half of that
//! rate (open loop, requests sent on schedule, so queueing counts), and
//! reports each as a ratio to the baseline measured in the same run. With
//! `BENCH_DATABASE_URL` it also prints the plans of the queue's queries.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::Client;
use tokio::sync::Mutex;

struct Config {
    base: String,
    seconds: u64,
    concurrency: usize,
    database_url: Option<String>,
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(256)
        .build()
        .expect("http client")
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    body.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

async fn sign_in(base: &str, email: &str) -> Client {
    let c = client();
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    let token = hidden(&page, "csrf_token");
    let res = c
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", "supportdesk-demo"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 303, "sign-in as {email} failed");
    c
}

/// Paths taken in turn, round and round, by every worker together.
#[derive(Clone)]
struct Turns {
    paths: Arc<Vec<String>>,
    next: Arc<AtomicUsize>,
}

impl Turns {
    fn of(paths: Vec<String>) -> Self {
        Turns {
            paths: Arc::new(paths),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn take(&self) -> &str {
        &self.paths[self.next.fetch_add(1, Ordering::Relaxed) % self.paths.len()]
    }
}

#[derive(Clone)]
enum Request {
    Get(String),
    /// A GET of each path in turn: with more paths than the server keeps
    /// figures for, every analytics view computes its figures.
    Rotate(Turns),
    /// A new issue each time: the form's fields with a fresh submit token;
    /// `alerts`: every agent and admin hears of new issues meanwhile.
    Submit {
        fields: Vec<(String, String)>,
        alerts: bool,
    },
    /// A form post answered by a redirect (a reply on a ticket), to each
    /// path in turn.
    Post {
        to: Turns,
        fields: Vec<(String, String)>,
    },
}

impl Request {
    /// Whether it writes to the database (and what it wrote is removed).
    fn writes(&self) -> bool {
        matches!(self, Request::Submit { .. } | Request::Post { .. })
    }
}

async fn send(c: &Client, base: &str, req: &Request) -> bool {
    let res = match req {
        Request::Get(path) => c.get(format!("{base}{path}")).send().await,
        Request::Rotate(turns) => c.get(format!("{base}{}", turns.take())).send().await,
        Request::Submit { fields, .. } => {
            let mut fields = fields.clone();
            fields.push(("submit_token".into(), uuid::Uuid::new_v4().to_string()));
            c.post(format!("{base}/issues")).form(&fields).send().await
        }
        Request::Post { to, fields } => {
            c.post(format!("{base}{}", to.take()))
                .form(fields)
                .send()
                .await
        }
    };
    match res {
        Ok(r) => {
            // A page is a 200; a filed issue redirects to its page. A
            // redirect to the sign-in page, or anything else, is a failure.
            let ok = match req {
                Request::Get(_) | Request::Rotate(_) => r.status() == 200,
                Request::Submit { .. } => {
                    r.status() == 303
                        && r.headers()
                            .get("location")
                            .and_then(|l| l.to_str().ok())
                            .and_then(|l| l.strip_prefix("/issues/"))
                            .is_some_and(|n| n.parse::<i64>().is_ok())
                }
                Request::Post { .. } => r.status() == 303,
            };
            let _ = r.bytes().await;
            ok
        }
        Err(_) => false,
    }
}

/// Highest throughput: `concurrency` workers back to back for `seconds`.
async fn closed_loop(c: &Client, cfg: &Config, req: &Request) -> (f64, usize) {
    let deadline = Instant::now() + Duration::from_secs(cfg.seconds);
    let done = Arc::new(Mutex::new((0usize, 0usize)));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..cfg.concurrency {
        let (c, base, req, done) = (c.clone(), cfg.base.clone(), req.clone(), done.clone());
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let ok = send(&c, &base, &req).await;
                let mut d = done.lock().await;
                if ok { d.0 += 1 } else { d.1 += 1 }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let (ok, failed) = *done.lock().await;
    (ok as f64 / started.elapsed().as_secs_f64(), failed)
}

/// Latencies at a fixed rate: each request leaves at its scheduled time and
/// is timed from then, so waiting behind slow ones is counted.
async fn open_loop(c: &Client, cfg: &Config, req: &Request, rate: f64) -> Vec<Duration> {
    let total = (rate * cfg.seconds as f64).max(1.0) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.1));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled.into()).await;
        let (c, base, req) = (c.clone(), cfg.base.clone(), req.clone());
        tasks.push(tokio::spawn(async move {
            send(&c, &base, &req).await;
            scheduled.elapsed()
        }));
    }
    let mut out = Vec::with_capacity(total);
    for t in tasks {
        if let Ok(d) = t.await {
            out.push(d);
        }
    }
    out.sort();
    out
}

fn pct(v: &[Duration], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

fn explain_plans(url: &str) {
    use diesel::Connection;
    use supportdesk::db::queries::cursor::Cursor;
    use supportdesk::db::queries::queue::{self, QueueFilter, Sort, View};
    let mut conn = diesel::PgConnection::establish(url).expect("connect for EXPLAIN");
    let me: uuid::Uuid = {
        use diesel::prelude::*;
        use supportdesk::db::schema::users::dsl::*;
        users
            .filter(email.eq("agent1@example.com"))
            .select(id)
            .first(&mut conn)
            .expect("agent1")
    };
    let deep = deep_cursor();
    let cases = [
        (
            "queue first page",
            QueueFilter {
                view: View::All,
                ..QueueFilter::default()
            },
        ),
        (
            "queue deep page",
            QueueFilter {
                view: View::All,
                after: Cursor::decode(&deep),
                ..QueueFilter::default()
            },
        ),
        (
            "queue open view",
            QueueFilter {
                view: View::Open,
                ..QueueFilter::default()
            },
        ),
        (
            "queue unassigned",
            QueueFilter {
                view: View::Unassigned,
                ..QueueFilter::default()
            },
        ),
        (
            "queue by priority",
            QueueFilter {
                view: View::All,
                sort: Sort::Priority,
                ..QueueFilter::default()
            },
        ),
        (
            "queue filtered",
            QueueFilter {
                view: View::All,
                status: Some(supportdesk::db::models::enums::IssueStatus::Open),
                priority: Some(supportdesk::db::models::enums::IssuePriority::High),
                ..QueueFilter::default()
            },
        ),
        (
            "queue searched",
            QueueFilter {
                view: View::All,
                q: Some("timeout".into()),
                ..QueueFilter::default()
            },
        ),
    ];
    println!("\n## Query plans\n");
    explain_ticket_analytics(&mut conn);
    for (name, filter) in cases {
        let plan = queue::explain(&mut conn, me, &filter, 50).expect("explain");
        let seq: Vec<&String> = plan
            .iter()
            .filter(|l| {
                ["issues", "comments", "issue_activities", "doc_feedback"]
                    .iter()
                    .any(|t| l.contains(&format!("Seq Scan on {t} ")))
            })
            .collect();
        println!(
            "### {name}: {}\n",
            if seq.is_empty() {
                "no sequential scan on big tables"
            } else {
                "SEQUENTIAL SCAN"
            }
        );
        println!("```");
        for line in &plan {
            println!("{line}");
        }
        println!("```\n");
    }
}

/// Brings the tickets analytics' rollups up to date before measuring (after
/// `generate`, the server's first refresh recomputes every week): waits
/// for a refresh in progress, then does what is left.
fn refresh_ticket_analytics(url: &str) {
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(url).expect("connect to refresh");
    let started = Instant::now();
    let done = supportdesk::db::queries::analytics_tickets::refresh(&mut conn)
        .expect("refresh the tickets analytics");
    eprintln!(
        "tickets analytics up to date ({} weeks recomputed here, {:.1} s)",
        done.weeks,
        started.elapsed().as_secs_f64()
    );
}

/// The plans of the tickets analytics page's reads (every plane and
/// customer), for the default 30 days and for the whole range.
fn explain_ticket_analytics(conn: &mut diesel::PgConnection) {
    use supportdesk::db::queries::analytics_tickets::{Slice, explain_page};
    use supportdesk::domain::analytics::week_start;
    let today = chrono::Utc::now().date_naive();
    let this_week = week_start(today);
    let ranges = [
        ("30 days", week_start(today - chrono::Days::new(29))),
        (
            "whole range",
            week_start(today - chrono::Days::new(3 * 365)),
        ),
    ];
    for (range, first) in ranges {
        let plans = explain_page(conn, Slice::of(None, None), first, this_week)
            .expect("explain the tickets analytics");
        for (query, plan) in plans {
            println!("### tickets analytics, {range}: {query}\n");
            println!("```");
            for line in &plan {
                println!("{line}");
            }
            println!("```\n");
        }
    }
}

/// The plans of the doc analytics' reads, for the default 30 days and for
/// every day since 2000 (what the two measured pages ask for).
fn explain_doc_analytics(url: &str) {
    use diesel::Connection;
    use supportdesk::db::queries::analytics_docs::{self, Read, Scope};
    let mut conn = diesel::PgConnection::establish(url).expect("connect for EXPLAIN");
    let today = chrono::Utc::now().date_naive();
    let tomorrow = today + chrono::Days::new(1);
    let ranges = [
        ("30 days", today - chrono::Days::new(29)),
        (
            "whole range",
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"),
        ),
    ];
    for (range, from) in ranges {
        let scope = Scope {
            from,
            to_exclusive: tomorrow,
            customer: None,
            plane: None,
            doc_type: None,
        };
        for read in Read::ALL {
            let plan = analytics_docs::explain(&mut conn, read, &scope).expect("explain");
            println!("### doc analytics, {range}: {read:?}\n");
            println!("```");
            for line in &plan {
                println!("{line}");
            }
            println!("```\n");
        }
    }
}

/// Brings the data back to the same state before a route that writes, so
/// that routes compared with each other start alike, whichever runs first:
/// waits for the app's fan-out to write the notifications of what earlier
/// routes did, removes what they wrote, and vacuums the tables they wrote
/// to. (Each reply updates its ticket twice, and the queue's indexes get
/// an entry per version: thousands of replies on 16 tickets leave a route
/// that runs after them walking dead versions, which autovacuum on a
/// million issues takes long to reach.)
fn settle(url: &str) {
    use diesel::prelude::*;
    let mut conn = diesel::PgConnection::establish(url).expect("connect to settle");
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let waiting = diesel::sql_query("SELECT count(*) AS n FROM notification_events")
            .get_result::<Count>(&mut conn)
            .expect("count waiting events");
        if waiting.n == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    remove_submitted(url);
    remove_replies(url);
    diesel::sql_query(
        "VACUUM (ANALYZE) issues, comments, issue_activities, notification_outbox, \
         notification_events",
    )
    .execute(&mut conn)
    .expect("vacuum");
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The issue-submit route files real issues; they are removed before and
/// after a run so that every run measures the data as generated.
const SUBMITTED_TITLE: &str = "Benchmark: logs missing from the dashboard";

fn remove_submitted(url: &str) {
    use diesel::prelude::*;
    use supportdesk::db::schema::issues::dsl::*;
    let mut conn = diesel::PgConnection::establish(url).expect("connect to clean up");
    let removed = diesel::delete(
        issues
            .filter(title.eq(SUBMITTED_TITLE))
            .filter(submitter_handle.eq("@bench")),
    )
    .execute(&mut conn)
    .expect("remove submitted issues");
    if removed > 0 {
        eprintln!("removed {removed} issues filed by a benchmark run");
    }
}

/// The replies the reply routes post; they, their activity rows and the
/// e-mails they queued are removed before and after a run.
const REPLY_BODY: &str = "Benchmark: a reply on the ticket.";

fn remove_replies(url: &str) {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    let mut conn = diesel::PgConnection::establish(url).expect("connect to clean up");
    let run = |conn: &mut diesel::PgConnection, sql: &str| {
        diesel::sql_query(sql)
            .bind::<Text, _>(REPLY_BODY)
            .execute(conn)
            .expect(sql)
    };
    run(
        &mut conn,
        "DELETE FROM notification_events WHERE detail = $1",
    );
    run(
        &mut conn,
        "DELETE FROM notification_outbox WHERE detail = $1",
    );
    // A reply and its activity row are written at the same time.
    run(
        &mut conn,
        "DELETE FROM issue_activities a USING comments c WHERE c.body = $1 \
         AND a.issue_id = c.issue_id AND a.created_at = c.created_at \
         AND a.action IN ('commented', 'internal_note')",
    );
    let removed = run(&mut conn, "DELETE FROM comments WHERE body = $1");
    if removed > 0 {
        eprintln!("removed {removed} replies posted by a benchmark run");
    }
}

/// Whether every agent and admin chose to hear of new issues (the
/// `unassigned` topic, off by default).
fn set_new_issue_alerts(url: &str, on: bool) {
    use diesel::prelude::*;
    use diesel::sql_types::Bool;
    let mut conn = diesel::PgConnection::establish(url).expect("connect to set preferences");
    diesel::sql_query(
        "INSERT INTO notification_preferences (user_id, topic, enabled) \
         SELECT id, 'unassigned', $1 FROM users WHERE role IN ('agent', 'admin') \
         ON CONFLICT (user_id, topic) DO UPDATE SET enabled = EXCLUDED.enabled",
    )
    .bind::<Bool, _>(on)
    .execute(&mut conn)
    .expect("set new-issue alerts");
}

/// A cursor about 18 months back in the newest-first order: a deep page.
fn deep_cursor() -> String {
    let at = chrono::Utc::now() - chrono::Duration::days(540);
    format!(
        "low.{}.ffffffff-ffff-ffff-ffff-ffffffffffff",
        at.timestamp_micros()
    )
}

/// A reply by the signed-in agent on each of the tickets `numbers` in turn.
async fn reply(c: &Client, base: &str, numbers: &[String], internal: bool) -> Request {
    let page = c
        .get(format!("{base}/issues/{}", numbers[0]))
        .send()
        .await
        .expect("ticket page")
        .text()
        .await
        .expect("body");
    let internal = if internal { "true" } else { "" };
    Request::Post {
        to: Turns::of(
            numbers
                .iter()
                .map(|n| format!("/issues/{n}/comments"))
                .collect(),
        ),
        fields: vec![
            ("csrf_token".into(), hidden(&page, "csrf_token")),
            ("body".into(), REPLY_BODY.into()),
            ("internal".into(), internal.into()),
        ],
    }
}

/// `prefix` followed by each of `ids`, taken in turn.
fn rotate(ids: &[String], prefix: &str) -> Request {
    Request::Rotate(Turns::of(
        ids.iter().map(|id| format!("{prefix}{id}")).collect(),
    ))
}

/// The customers the analytics filter offers (their ids), as the page
/// lists them: ids it knows, so no request falls back to every customer.
async fn customer_ids(admin: &Client, base: &str) -> Vec<String> {
    let page = admin
        .get(format!("{base}/admin/analytics/tickets"))
        .send()
        .await
        .expect("analytics page")
        .text()
        .await
        .expect("body");
    let select = page
        .split("name=\"customer\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .unwrap_or_default();
    let ids: Vec<String> = select
        .split("value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(!ids.is_empty(), "customers in the analytics filter");
    ids
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cfg = Config {
        base: env("BENCH_URL", "http://127.0.0.1:8080"),
        seconds: env("BENCH_SECONDS", "10").parse().unwrap_or(10),
        concurrency: env("BENCH_CONCURRENCY", "16").parse().unwrap_or(16),
        database_url: std::env::var("BENCH_DATABASE_URL").ok(),
    };
    if let Some(url) = &cfg.database_url {
        remove_submitted(url);
        remove_replies(url);
        set_new_issue_alerts(url, false);
        refresh_ticket_analytics(url);
    }
    let agent = sign_in(&cfg.base, "agent1@example.com").await;
    let customer = sign_in(&cfg.base, "customer1@example.com").await;
    let admin = sign_in(&cfg.base, "admin@example.com").await;
    let customers = customer_ids(&admin, &cfg.base).await;

    // A ticket to open, and a complete issue form for the submit route.
    let queue = agent
        .get(format!("{}/queue?view=all", cfg.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The tickets of the first page (it also links to /issues/new). The
    // reply routes each take 16 of them in turn, as replies by many agents
    // land on many tickets: replies to one ticket take turns on its row
    // (each updates the ticket), which measures a queue, not the route.
    let mut tickets: Vec<String> = Vec::new();
    for n in queue
        .split("href=\"/issues/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|n| n.parse::<i64>().is_ok())
    {
        if !tickets.iter().any(|t| t == n) {
            tickets.push(n.to_owned());
        }
    }
    assert!(tickets.len() >= 32, "32 tickets on the queue's first page");
    let number = tickets[0].clone();
    let (notes_on, replies_on) = (&tickets[..16], &tickets[16..32]);
    let form = customer
        .get(format!("{}/issues/new", cfg.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let environment = form
        .split("<optgroup")
        .nth(1)
        .and_then(|s| s.split("value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let fields: Vec<(String, String)> = [
        ("csrf_token", hidden(&form, "csrf_token")),
        ("environment_id", environment),
        ("primary_plane", "observability".into()),
        ("ctx.observability.signal_type", "logs".into()),
        ("title", SUBMITTED_TITLE.into()),
        ("description", "Submitted by the load benchmark.".into()),
        ("submitter_handle", "@bench".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();

    let routes: Vec<(&str, &Client, Request)> = vec![
        ("baseline (/status)", &agent, Request::Get("/status".into())),
        (
            "queue first page",
            &agent,
            Request::Get("/queue?view=all".into()),
        ),
        (
            "queue deep page",
            &agent,
            Request::Get(format!("/queue?view=all&after={}", deep_cursor())),
        ),
        (
            "queue filtered",
            &agent,
            Request::Get("/queue?view=all&status=open&priority=high".into()),
        ),
        (
            "queue searched",
            &agent,
            Request::Get("/queue?view=all&q=timeout".into()),
        ),
        (
            "ticket detail",
            &agent,
            Request::Get(format!("/issues/{number}")),
        ),
        // Filing without and with e-mail: nobody, then every agent and
        // admin, hears of new issues. The filing writes one event either
        // way; the server's fan-out makes it one outbox row per agent.
        (
            "issue submit, no agent hears of new issues",
            &customer,
            Request::Submit {
                fields: fields.clone(),
                alerts: false,
            },
        ),
        (
            "issue submit, every agent hears of new issues",
            &customer,
            Request::Submit {
                fields,
                alerts: true,
            },
        ),
        (
            "tickets analytics 30 days",
            &admin,
            Request::Get("/admin/analytics/tickets".into()),
        ),
        (
            "tickets analytics whole range",
            &admin,
            Request::Get("/admin/analytics/tickets?from=2000-01-01".into()),
        ),
        (
            "doc analytics 30 days",
            &admin,
            Request::Get("/admin/analytics/docs".into()),
        ),
        (
            "doc analytics whole range",
            &admin,
            Request::Get(format!(
                "/admin/analytics/docs?from=2000-01-01&to={}",
                chrono::Utc::now().date_naive().format("%Y-%m-%d")
            )),
        ),
        // The same pages, each request for another customer: the figures
        // are computed each time (300 customers, 64 kept per page).
        (
            "tickets analytics 30 days, another customer each time",
            &admin,
            rotate(&customers, "/admin/analytics/tickets?customer="),
        ),
        (
            "doc analytics whole range, another customer each time",
            &admin,
            rotate(
                &customers,
                &format!(
                    "/admin/analytics/docs?from=2000-01-01&to={}&customer=",
                    chrono::Utc::now().date_naive().format("%Y-%m-%d")
                ),
            ),
        ),
        // The same reply route without and with e-mail: an internal note
        // notifies nobody, a public reply writes one event in its
        // transaction, which the server's fan-out makes one outbox row per
        // follower (sending is the worker's, off here).
        (
            "reply without notifications (internal note)",
            &agent,
            reply(&agent, &cfg.base, notes_on, true).await,
        ),
        (
            "reply with notifications (public)",
            &agent,
            reply(&agent, &cfg.base, replies_on, false).await,
        ),
    ];

    println!("# supportdesk load benchmark\n");
    println!(
        "{} s per measurement, {} concurrent connections for the maximum rate, latency at half of it.\n",
        cfg.seconds, cfg.concurrency
    );
    println!("| route | max req/s | × baseline | p50 ms @ ½ max | p99 ms @ ½ max | failed |");
    println!("|---|---:|---:|---:|---:|---:|");
    // BENCH_ONLY=queue measures the routes whose names contain it (and the
    // baseline); BENCH_ROUNDS=3 measures them three times in turn, so that
    // routes compared with each other see the same moments of the machine.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let rounds: usize = env("BENCH_ROUNDS", "1").parse().unwrap_or(1).max(1);
    // The baseline (the first route) and the routes asked for, measured
    // again each round against that round's baseline, on the data as
    // generated (what earlier rounds wrote is removed first).
    let chosen: Vec<_> = routes
        .iter()
        .enumerate()
        .filter(|(i, (name, ..))| *i == 0 || name.contains(only.as_str()))
        .map(|(_, route)| route)
        .collect();
    for round in 0..rounds {
        let mut baseline = None;
        for (name, c, req) in &chosen {
            let name = if rounds > 1 {
                format!("{name} (round {})", round + 1)
            } else {
                (*name).to_owned()
            };
            if let (Some(url), true) = (&cfg.database_url, req.writes()) {
                settle(url);
            }
            if let (Some(url), Request::Submit { alerts, .. }) = (&cfg.database_url, req) {
                set_new_issue_alerts(url, *alerts);
            }
            // A route that does not answer as it should measures nothing.
            assert!(
                send(c, &cfg.base, req).await,
                "{name}: a single request failed"
            );
            let (rate, failed) = closed_loop(c, &cfg, req).await;
            let base = *baseline.get_or_insert(rate);
            let lat = open_loop(c, &cfg, req, rate / 2.0).await;
            println!(
                "| {name} | {rate:.0} | {:.2} | {:.1} | {:.1} | {failed} |",
                rate / base,
                pct(&lat, 0.50),
                pct(&lat, 0.99)
            );
        }
    }
    if let Some(url) = &cfg.database_url {
        // Plans of the data the routes were measured on.
        remove_submitted(url);
        remove_replies(url);
        set_new_issue_alerts(url, false);
        explain_plans(url);
        explain_doc_analytics(url);
    }
}
