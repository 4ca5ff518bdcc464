//! Test harness: one PostgreSQL cluster per test run (the app's own embedded
//! cluster code), a template database migrated and seeded once, one cloned
//! database per test, and the real app spawned on port 0.

pub mod browser;
pub mod doc_analytics;
pub mod html;
pub mod issue_form;
pub mod logs;
pub mod oauth_provider;
pub mod own_cluster;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::prelude::*;
use diesel::sql_types::Text;
use supportdesk::config::Settings;
use supportdesk::db::{self, PgPool};
use supportdesk::embedded_pg::{ClusterOptions, EmbeddedCluster};
use supportdesk::startup::Application;

pub const DEMO_PASSWORD: &str = "supportdesk-demo";

struct Harness {
    cluster: EmbeddedCluster,
    template: String,
}

static HARNESS: OnceLock<Harness> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Where the test cluster lives: reused across runs (started if stopped) and
/// shared by concurrent runs, whose databases carry their process id.
/// Short, because the Unix socket path inside must stay under ~100 bytes.
pub fn cluster_root() -> PathBuf {
    std::env::temp_dir().join("supportdesk-it")
}

fn harness() -> &'static Harness {
    HARNESS.get_or_init(|| {
        logs::install();
        let options = ClusterOptions {
            bindir: None,
            ephemeral: true,
        };
        let cluster = EmbeddedCluster::start(&cluster_root(), &options)
            .unwrap_or_else(|e| panic!("test cluster: {e}"));
        let mut admin =
            PgConnection::establish(&cluster.url("postgres")).expect("connect to test cluster");
        sweep_leftovers(&mut admin);
        let template = format!("sd_tpl_{}", std::process::id());
        diesel::sql_query(format!("CREATE DATABASE {template}"))
            .execute(&mut admin)
            .expect("create template database");
        {
            let mut conn =
                PgConnection::establish(&cluster.url(&template)).expect("connect to template");
            db::migrate(&mut conn).expect("migrate template");
            diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                .execute(&mut conn)
                .expect("pg_stat_statements (the test cluster preloads it)");
            supportdesk::devdata::seed::seed_demo(&mut conn).expect("seed template");
        }
        Harness { cluster, template }
    })
}

#[derive(QueryableByName)]
struct DbName {
    #[diesel(sql_type = Text)]
    datname: String,
}

/// Drops databases left by earlier runs whose process is gone.
fn sweep_leftovers(admin: &mut PgConnection) {
    let names: Vec<DbName> = diesel::sql_query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'sd\\_tpl\\_%' OR datname LIKE 'sd\\_t\\_%'",
    )
    .load(admin)
    .expect("list databases");
    for DbName { datname } in names {
        let pid = datname.split('_').nth(2).unwrap_or_default();
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
                .execute(admin);
        }
    }
}

/// A database of one's own, dropped at the end of the test.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// A clone of the migrated, seeded template.
    pub fn new() -> Self {
        let h = harness();
        Self::create(&format!("TEMPLATE {}", h.template))
    }

    /// An empty database (no migrations), for migration tests.
    pub fn empty() -> Self {
        Self::create("TEMPLATE template0")
    }

    fn create(template_clause: &str) -> Self {
        let h = harness();
        let name = format!(
            "sd_t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin =
            PgConnection::establish(&h.cluster.url("postgres")).expect("connect to test cluster");
        diesel::sql_query(format!("CREATE DATABASE {name} {template_clause}"))
            .execute(&mut admin)
            .expect("create test database");
        let url = h.cluster.url(&name);
        Self { name, url }
    }

    pub fn conn(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&harness().cluster.url("postgres")) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// The real app on a free port, with a cookie-keeping client that does not
/// follow redirects (tests look at them).
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
    pub db: std::sync::Arc<TestDb>,
}

/// Routes only tests mount: a handler that panics, one whose query fails.
fn failing_routes(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::{HttpResponse, web};
    use supportdesk::error::AppError;
    async fn panics() -> HttpResponse {
        panic!("deliberate test panic 7d1c");
    }
    async fn bad_query(pool: web::Data<PgPool>) -> Result<HttpResponse, AppError> {
        db::run(&pool, |conn| {
            diesel::sql_query("SELECT * FROM table_that_does_not_exist_5e2a").execute(conn)
        })
        .await?;
        Ok(HttpResponse::Ok().finish())
    }
    use supportdesk::routes::CatchPanics;
    cfg.route("/__test/panic", web::get().to(CatchPanics(panics)))
        .route("/__test/db-error", web::get().to(CatchPanics(bad_query)));
}

/// An app's settings without the notification fan-out: its polling would
/// count in the statement-count tests. The notification tests turn it on.
pub fn quiet_settings(database_url: &str) -> Settings {
    let mut settings = Settings::for_database(database_url);
    settings.mail_tuning.fan_out = None;
    settings
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_on(TestDb::new()).await
    }

    pub async fn spawn_on(db: TestDb) -> Self {
        let settings = quiet_settings(&db.url);
        Self::spawn_with(db, settings).await
    }

    pub async fn spawn_with(db: TestDb, settings: Settings) -> Self {
        let key = settings.secret_key.clone().unwrap_or_default().into_bytes();
        let app =
            Application::build_with_routes(&settings, key, failing_routes).expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let pool = app.pool();
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            client: client(),
            pool,
            db: std::sync::Arc::new(db),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    /// The CSRF token embedded in a page's forms.
    pub async fn form_token(&self, path: &str) -> String {
        let body = self.get(path).await.text().await.expect("page body");
        html::attrs(&html::parse(&body), "input[name=csrf_token]", "value")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no csrf_token on {path}"))
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in with the demo password; panics unless it succeeds.
    pub async fn sign_in(&self, email: &str) {
        let res = self.try_sign_in(email, DEMO_PASSWORD).await;
        assert_eq!(res.status(), 303, "sign-in as {email} failed");
    }

    pub async fn try_sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        let token = self.form_token("/login").await;
        self.post_form(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await
    }

    /// Another instance of the app on the same database (as behind a load
    /// balancer, or after a restart), with its own browser.
    pub async fn another_instance(&self) -> Self {
        let settings = quiet_settings(&self.db.url);
        let key = settings.secret_key.clone().unwrap_or_default().into_bytes();
        let app =
            Application::build_with_routes(&settings, key, failing_routes).expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let pool = app.pool();
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            client: client(),
            pool,
            db: self.db.clone(),
        }
    }

    /// A number from the test database (the query names it `n`).
    pub fn count(&self, sql: &str) -> i64 {
        count(&mut self.db.conn(), sql)
    }

    /// A text from the test database (the query names it `s`).
    pub fn text(&self, sql: &str) -> String {
        #[derive(QueryableByName)]
        struct S {
            #[diesel(sql_type = Text)]
            s: String,
        }
        diesel::sql_query(sql)
            .get_result::<S>(&mut self.db.conn())
            .expect(sql)
            .s
    }

    /// Runs a statement on the test database (test set-up).
    pub fn exec(&self, sql: &str) {
        diesel::sql_query(sql)
            .execute(&mut self.db.conn())
            .expect(sql);
    }

    /// How many SQL statements the app ran for one GET of `path` (counted
    /// by pg_stat_statements in this test's own database), after a first
    /// GET of the same path.
    pub async fn statements_for(&self, path: &str) -> i64 {
        self.statements_after(path, path).await
    }

    /// How many SQL statements the app ran for one GET of `path`, after a
    /// GET of `warm_up` (another path, for a page that keeps what it
    /// computed for its path).
    pub async fn statements_after(&self, warm_up: &str, path: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Calls {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            calls: i64,
        }
        let mut conn = self.db.conn();
        let mut read = || -> i64 {
            diesel::sql_query(
                "SELECT coalesce(sum(calls), 0)::bigint AS calls FROM pg_stat_statements \
                 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 AND query NOT ILIKE 'SET %' AND query NOT LIKE '%FROM \"pg_type\"%' \
                 AND query NOT LIKE 'SELECT % FROM ONLY %FOR KEY SHARE OF x'",
            )
            .get_result::<Calls>(&mut conn)
            .expect("read pg_stat_statements")
            .calls
        };
        // Warm up. What a new pool connection does once (its SETs, diesel's
        // lookup of enum type ids) is not counted, nor PostgreSQL's own
        // foreign-key checks of a write (one per row, not the app's).
        let _ = self.get(warm_up).await.text().await;
        let before = read();
        let res = self.get(path).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let _ = res.text().await;
        let after = read();
        // The first reading is itself one statement, counted in `after`.
        after - before - 1
    }

    /// A second, independent browser on the same app.
    pub fn other_browser(&self) -> Self {
        Self {
            address: self.address.clone(),
            client: client(),
            pool: self.pool.clone(),
            db: self.db.clone(),
        }
    }
}

/// A number from a database (the query names it `n`).
pub fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<N>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}
