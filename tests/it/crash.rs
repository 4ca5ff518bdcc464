//! The database crashes under load (its postmaster killed with SIGKILL,
//! not stopped): customers filing issues meanwhile get the 503 page or
//! their issue, never a bare 500 or a dropped connection; the app files
//! again within 2 s of the database's return; no acknowledged filing is
//! lost. Ten crashes in a row, as an outside drill found the app degraded
//! in 2 of 12 runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::Connection;
use supportdesk::config::Settings;

use crate::helpers::own_cluster::OwnCluster;
use crate::helpers::{TestApp, TestDb, html};

const CUSTOMERS: [&str; 4] = [
    "customer1@example.com",
    "customer2@example.com",
    "customer3@example.com",
    "customer1@example.com",
];
const CRASHES: usize = 10;

/// What one filing attempt came to.
#[derive(Debug)]
enum Attempt {
    /// 303 to the new issue: the customer was told it is filed.
    Filed { title: String, at: Instant },
    /// The 503 page: try again.
    Unavailable,
    /// Anything else: a 5xx other than 503, another status, no answer
    /// (read by the failure message).
    #[allow(dead_code)]
    Wrong(String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_crash_loses_no_filing_and_the_app_recovers_within_2_s() {
    // Durable settings: the suite's fast clusters acknowledge commits
    // before their WAL leaves shared memory, which a crash loses.
    let mut guard = OwnCluster::start("crash", false);
    let url = guard.cluster.url("supportdesk");
    {
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        supportdesk::db::migrate(&mut conn).unwrap();
        supportdesk::devdata::seed::seed_demo(&mut conn).unwrap();
    }
    // The drill files far more issues per customer than a person would.
    let settings = Settings {
        issues_per_hour: 100_000,
        ..Settings::for_database(&url)
    };
    let app = TestApp::spawn_with(TestDb::new(), settings).await;
    let mut browsers = Vec::new();
    for email in CUSTOMERS {
        let browser = app.other_browser();
        browser.sign_in(email).await;
        browsers.push(Arc::new(browser));
    }

    let mut acknowledged = Vec::new();
    for crash in 0..CRASHES {
        let stop = Arc::new(AtomicBool::new(false));
        let attempts = Arc::new(Mutex::new(Vec::new()));
        let loops: Vec<_> = browsers
            .iter()
            .enumerate()
            .map(|(i, browser)| {
                let (browser, stop, attempts) = (browser.clone(), stop.clone(), attempts.clone());
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let title = format!("Drill {crash}-{i}-{n}");
                        let attempt = file_once(&browser, &title).await;
                        if matches!(attempt, Attempt::Unavailable) {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        attempts.lock().unwrap().push(attempt);
                    }
                })
            })
            .collect();

        tokio::time::sleep(Duration::from_millis(1500)).await;
        tokio::task::block_in_place(|| guard.kill_postmaster());
        tokio::time::sleep(Duration::from_millis(1500)).await;
        tokio::task::block_in_place(|| guard.start_again());
        let back = Instant::now();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        stop.store(true, Ordering::Relaxed);
        for l in loops {
            l.await.unwrap();
        }

        let attempts = std::mem::take(&mut *attempts.lock().unwrap());
        let wrong: Vec<_> = attempts
            .iter()
            .filter(|a| matches!(a, Attempt::Wrong(_)))
            .collect();
        assert!(
            wrong.is_empty(),
            "crash {crash}: {} wrong answers of {}, first: {:?}",
            wrong.len(),
            attempts.len(),
            &wrong[..wrong.len().min(3)]
        );
        let first_after = attempts
            .iter()
            .filter_map(|a| match a {
                Attempt::Filed { at, .. } if *at >= back => Some(*at - back),
                _ => None,
            })
            .min()
            .unwrap_or_else(|| panic!("crash {crash}: nothing filed after the database returned"));
        assert!(
            first_after <= Duration::from_secs(2),
            "crash {crash}: first filing {first_after:?} after the database returned"
        );
        acknowledged.extend(attempts.into_iter().filter_map(|a| match a {
            Attempt::Filed { title, .. } => Some(title),
            _ => None,
        }));
    }

    // Every filing a customer was told about is there, once.
    let mut conn = diesel::PgConnection::establish(&url).unwrap();
    let stored = crate::helpers::count(
        &mut conn,
        "SELECT count(DISTINCT title) AS n FROM issues WHERE title LIKE 'Drill %'",
    );
    let titles: std::collections::HashSet<_> = acknowledged.iter().collect();
    assert_eq!(
        titles.len(),
        acknowledged.len(),
        "a title acknowledged twice"
    );
    for title in &acknowledged {
        let n = crate::helpers::count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM issues WHERE title = '{title}'"),
        );
        assert_eq!(n, 1, "{title} was acknowledged but is stored {n} times");
    }
    assert!(stored >= acknowledged.len() as i64);
    assert!(acknowledged.len() > CRASHES * 4, "too few filings to judge");
}

/// Opens a fresh form and files one EKS issue titled `title`.
async fn file_once(browser: &TestApp, title: &str) -> Attempt {
    let page = match get(browser, "/issues/new").await {
        Ok((200, body)) => body,
        Ok((503, _)) => return Attempt::Unavailable,
        Ok((status, _)) => return Attempt::Wrong(format!("GET /issues/new: {status}")),
        Err(e) => return Attempt::Wrong(format!("GET /issues/new: {e}")),
    };
    let fields = {
        let doc = html::parse(&page);
        let hidden = |name: &str| {
            html::attrs(&doc, &format!("#issue-form input[name={name}]"), "value")
                .pop()
                .unwrap_or_default()
        };
        let Some(env) = html::attrs(&doc, "#environment_id option", "value")
            .into_iter()
            .find(|v| !v.is_empty())
        else {
            return Attempt::Wrong("the form offers no environment".into());
        };
        let mut fields: Vec<(String, String)> = [
            ("csrf_token", hidden("csrf_token")),
            ("form_session_id", hidden("form_session_id")),
            ("submit_token", hidden("submit_token")),
            ("environment_id", env),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (k, v) in [
            ("primary_plane", "eks"),
            ("title", title),
            ("description", "Filed during a database crash drill."),
            ("pipeline_url", "https://ci.example.com/drill/1"),
            ("submitter_handle", "@drill"),
            ("category", "technical_issue"),
            ("ctx.eks.addons", "karpenter"),
            ("ctx.eks.cluster_version", "1.31"),
            ("ctx.eks.node_group", "spot"),
            ("ctx.eks.namespace", "payments"),
        ] {
            fields.push((k.into(), v.into()));
        }
        fields
    };
    let res = browser
        .client
        .post(browser.url("/issues"))
        .form(&fields)
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    match res {
        Ok(res) if res.status() == 303 => Attempt::Filed {
            title: title.to_owned(),
            at: Instant::now(),
        },
        Ok(res) if res.status() == 503 && res.headers().contains_key("retry-after") => {
            Attempt::Unavailable
        }
        Ok(res) => {
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            let doc = html::parse(&body);
            let why = html::texts(&doc, ".field-error, .error-summary li").join("; ");
            Attempt::Wrong(format!("POST /issues: {status} {why}"))
        }
        Err(e) => Attempt::Wrong(format!("POST /issues: {e}")),
    }
}

async fn get(browser: &TestApp, path: &str) -> Result<(u16, String), reqwest::Error> {
    let res = browser
        .client
        .get(browser.url(path))
        .timeout(Duration::from_secs(10))
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

/// The drill's cluster is killed and started again.
impl OwnCluster {
    /// SIGKILL to the postmaster: a crash, not a shutdown.
    fn kill_postmaster(&self) {
        let pid_file = self.root.join("postgres/postmaster.pid");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let pid = pid.lines().next().unwrap().trim().to_owned();
        let status = std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .unwrap();
        assert!(status.success(), "kill -KILL {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.cluster.is_running() {
            assert!(Instant::now() < deadline, "the postmaster outlived SIGKILL");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `pg_ctl start` after crash recovery; retried while the killed
    /// server's backends still hold its shared memory.
    fn start_again(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.cluster.restart(false) {
                Ok(()) => return,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("the database did not start again: {e}"),
            }
        }
    }
}
