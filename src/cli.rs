//! The command line: `serve` (default), `migrate`, `seed`, `create-admin`,
//! `db-url`, `stop-db` and `generate`. Every setting is a flag and an
//! environment variable.

use std::io::BufRead;
use std::path::Path;

use clap::{Parser, Subcommand};
use diesel::{Connection, PgConnection};

use crate::auth::{password, tokens};
use crate::config::Settings;
use crate::db::{self, models};
use crate::devdata::{generate, seed};
use crate::embedded_pg::{APP_DATABASE, ClusterOptions, EmbeddedCluster, write_private};
use crate::error::AppError;
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "supportdesk",
    version,
    about = "A self-hosted support desk for platform teams"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the web app (the default command).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data (users, planes, docs, issues); does nothing if present.
    Seed,
    /// Create an administrator (password from SUPPORTDESK_ADMIN_PASSWORD or stdin).
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Stop the embedded PostgreSQL cluster under the data dir if it is running.
    StopDb,
    /// Print the connection URL of the embedded cluster (e.g. for psql).
    DbUrl,
    /// Add generated load data on top of the demo data (scale testing):
    /// customers, issues with planes, contexts, comments and activity, and
    /// doc feedback. Refuses to run twice on one database. The demo data is
    /// added first on the embedded cluster, or with --demo.
    Generate {
        #[arg(long, default_value_t = 1_000_000)]
        issues: usize,
        #[arg(long, default_value_t = 1_000_000)]
        feedback: usize,
        #[arg(long, default_value_t = 300)]
        customers: usize,
        /// Issues (and feedback rows) per transaction.
        #[arg(long, default_value_t = 100_000)]
        batch: usize,
    },
}

/// Runs the chosen command; errors are for `main` to print.
pub fn run(cli: Cli) -> Result<(), String> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => with_database(&settings, |conn, _| {
            let applied = db::migrate(conn)?;
            println!("migrations applied: {applied}");
            Ok(())
        }),
        Command::Seed => with_database(&settings, |conn, _| {
            db::migrate(conn)?;
            let summary = seed::seed_demo(conn)?;
            println!("{summary:?}");
            Ok(())
        }),
        Command::CreateAdmin { email, name } => with_database(&settings, |conn, _| {
            db::migrate(conn)?;
            let password = read_admin_password()?;
            let hash = password::hash_password(&password)?;
            let email = email.trim().to_lowercase();
            let user = models::users::insert(
                conn,
                &models::users::NewUser {
                    email: &email,
                    name: &name,
                    role: models::enums::UserRole::Admin,
                    customer_id: None,
                    chat_handle: None,
                    password_hash: Some(&hash),
                    email_verified_at: None,
                    image_url: None,
                },
            )?;
            println!("admin created: {}", user.email);
            Ok(())
        }),
        Command::DbUrl => {
            let cluster = start_embedded(&settings)?;
            println!("{}", cluster.url(APP_DATABASE));
            Ok(())
        }
        Command::Generate {
            issues,
            feedback,
            customers,
            batch,
        } => with_database(&settings, |conn, embedded| {
            db::migrate(conn)?;
            // The demo accounts have a published password: an external
            // database gets them only when asked (--demo), as with serve.
            if embedded || settings.demo {
                seed::seed_demo(conn)?;
            }
            let options = generate::GenerateOptions {
                customers,
                issues,
                feedback,
                batch,
            };
            let summary = generate::generate(conn, &options, &mut |line| println!("{line}"))?;
            println!("{summary:?}");
            Ok(())
        }),
        Command::StopDb => {
            let cluster = start_embedded(&settings)?;
            cluster.stop_now().map_err(|e| e.to_string())?;
            println!("embedded PostgreSQL stopped");
            Ok(())
        }
    }
}

fn read_admin_password() -> Result<String, AppError> {
    let password = match std::env::var("SUPPORTDESK_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password for the new admin (one line on stdin):");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| AppError::Internal(format!("reading password: {e}")))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if password.chars().count() < 12 {
        return Err(AppError::BadRequest(
            "the password needs at least 12 characters".into(),
        ));
    }
    Ok(password)
}

fn start_embedded(settings: &Settings) -> Result<EmbeddedCluster, String> {
    let options = ClusterOptions {
        bindir: settings.pg_bindir.clone(),
        ephemeral: false,
    };
    EmbeddedCluster::start(&settings.data_dir, &options).map_err(|e| e.to_string())
}

/// Connects (starting the embedded cluster when no URL is set), runs `work`
/// and stops the cluster again if this command started it.
fn with_database(
    settings: &Settings,
    work: impl FnOnce(&mut PgConnection, bool) -> Result<(), AppError>,
) -> Result<(), String> {
    let cluster = match settings.database_url {
        Some(_) => None,
        None => Some(start_embedded(settings)?),
    };
    let url = cluster
        .as_ref()
        .map(|c| c.url(APP_DATABASE))
        .or_else(|| settings.database_url.clone())
        .unwrap_or_default();
    let outcome = PgConnection::establish(&url)
        .map_err(|e| format!("cannot connect to the database: {e}"))
        .and_then(|mut conn| work(&mut conn, cluster.is_some()).map_err(|e| e.to_string()));
    if let Some(cluster) = &cluster {
        cluster.stop().map_err(|e| e.to_string())?;
    }
    outcome
}

/// The secret from the settings, else one generated once and kept in the data dir.
fn secret_key(settings: &Settings) -> Result<Vec<u8>, String> {
    if let Some(key) = &settings.secret_key {
        if key.len() < 64 {
            return Err("SUPPORTDESK_SECRET_KEY must be at least 64 characters".into());
        }
        return Ok(key.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("secret-key");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 64
    {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|e| format!("creating {}: {e}", settings.data_dir.display()))?;
    let key = tokens::random_hex(64);
    write_private(Path::new(&path), &key).map_err(|e| e.to_string())?;
    Ok(key.into_bytes())
}

fn serve(mut settings: Settings) -> Result<(), String> {
    let cluster = match settings.database_url {
        Some(_) => None,
        None => {
            let cluster = start_embedded(&settings)?;
            tracing::info!(data_dir = %settings.data_dir.display(), "embedded PostgreSQL is running");
            settings.database_url = Some(cluster.url(APP_DATABASE));
            Some(cluster)
        }
    };
    let result = prepare_and_serve(&settings, cluster.is_some());
    if let Some(cluster) = &cluster {
        match cluster.stop() {
            Ok(()) => tracing::info!("embedded PostgreSQL stopped"),
            Err(e) => tracing::error!(error = %e, "stopping embedded PostgreSQL"),
        }
    }
    result
}

fn prepare_and_serve(settings: &Settings, embedded: bool) -> Result<(), String> {
    let url = settings.database_url.clone().unwrap_or_default();
    let mut conn = PgConnection::establish(&url)
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let applied = db::migrate(&mut conn).map_err(|e| e.to_string())?;
    tracing::info!(applied, "database migrated");
    // The demo accounts have a published password: they are loaded on their
    // own only into the embedded database of an app that listens on this
    // machine alone; anywhere else only when asked (--demo).
    let local = is_loopback_bind(&settings.bind);
    let demo = settings.demo || (embedded && local);
    if demo && seed::is_empty(&mut conn).map_err(|e| e.to_string())? {
        let summary = seed::seed_demo(&mut conn).map_err(|e| e.to_string())?;
        tracing::info!(?summary, "demo data loaded");
    }
    let open = seed::demo_accounts_open(&mut conn).map_err(|e| e.to_string())?;
    if !local && !settings.demo && !open.is_empty() {
        return Err(format!(
            "refusing to listen on {}: the demo accounts {} still have the public demo \
             password. Disable them or change their passwords (sign in on 127.0.0.1 \
             first), or start with --demo to show the demo on the network on purpose.",
            settings.bind,
            open.join(", ")
        ));
    }
    // The banner prints the demo password only while it opens the demo
    // admin (seeded now or earlier, not disabled, password unchanged).
    let banner = demo && open.contains(&seed::DEMO_ADMIN);
    drop(conn);

    let key = secret_key(settings)?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, key).map_err(|e| e.to_string())?;
        let host = settings
            .bind
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or("127.0.0.1");
        let url = match &settings.base_url {
            Some(base) => base.clone(),
            None => format!("http://{host}:{}", app.port()),
        };
        println!("supportdesk is running at {url}");
        if banner {
            println!(
                "demo sign-in: admin@example.com, agent1@example.com or customer1@example.com \
                 with password {} (public: it is in the README; demo data only)",
                seed::DEMO_PASSWORD
            );
        }
        println!("press Ctrl+C to stop");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

/// Whether `bind` (host:port) listens on this machine only.
fn is_loopback_bind(bind: &str) -> bool {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_bind;

    #[test]
    fn only_this_machines_addresses_are_loopback() {
        for bind in [
            "127.0.0.1:8080",
            "localhost:80",
            "[::1]:8080",
            "127.1.2.3:0",
        ] {
            assert!(is_loopback_bind(bind), "{bind}");
        }
        for bind in ["0.0.0.0:8080", "[::]:8080", "10.0.0.5:80", "example.com:80"] {
            assert!(!is_loopback_bind(bind), "{bind}");
        }
    }
}
