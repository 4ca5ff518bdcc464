//! The ground floor: settings from environment variables and command-line
//! flags (each variable has an equal flag), parsed once in `main` and passed
//! explicitly; what handlers read of them at run time ([`AppConfig`], with
//! the parsed [`TrustedProxies`]); and the request-scoped [`RequestId`].
//! Every floor above may use these, so this module names nothing of the crate.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use actix_web::cookie::Key;
use clap::Args;

/// Everything `serve` (and the other commands that touch the database) needs.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// PostgreSQL URL. Unset: a private cluster under the data dir is started
    /// with the PostgreSQL server binaries installed on this machine.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Address and port to listen on.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_BIND",
        default_value = "127.0.0.1:8080"
    )]
    pub bind: String,

    /// Directory for the embedded cluster and generated secrets.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,

    /// Public URL of the app (e.g. https://support.example.com); https turns on
    /// secure cookies and HSTS. Default: http://<bind>.
    #[arg(long, global = true, env = "SUPPORTDESK_BASE_URL")]
    pub base_url: Option<String>,

    /// Secret for signing cookies and tokens (at least 64 characters).
    /// Unset: generated once and kept in the data dir.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_SECRET_KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,

    /// Directory with the PostgreSQL server binaries (initdb, pg_ctl) for the
    /// embedded cluster. Default: `pg_config --bindir`, then the newest
    /// /usr/lib/postgresql/<version>/bin.
    #[arg(long, global = true, env = "SUPPORTDESK_PG_BINDIR")]
    pub pg_bindir: Option<PathBuf>,

    /// Database connections in the pool.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_DB_POOL_SIZE",
        default_value_t = 10
    )]
    pub db_pool_size: u32,

    /// How long a request waits for a database connection before answering 503.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_DB_CONNECT_TIMEOUT_MS",
        default_value_t = 1500
    )]
    pub db_connect_timeout_ms: u64,

    /// Longest time one SQL statement may run.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_DB_STATEMENT_TIMEOUT_MS",
        default_value_t = 5000
    )]
    pub db_statement_timeout_ms: u64,

    /// HTTP worker threads (default: one per core).
    #[arg(long, global = true, env = "SUPPORTDESK_WORKERS")]
    pub workers: Option<usize>,

    /// OAuth/OpenID Connect providers, separated by `;`, each a comma-separated
    /// list of key=value: `name=google,client_id=…,client_secret=…` (presets:
    /// google, github, microsoft; `preset=oidc` with auth_url, token_url,
    /// userinfo_url, jwks_url and issuer for any other OpenID provider;
    /// display_name and scopes are optional).
    #[arg(
        long = "oauth",
        global = true,
        env = "SUPPORTDESK_OAUTH",
        value_delimiter = ';',
        hide_env_values = true
    )]
    pub oauth: Vec<String>,

    /// Reverse proxies or load balancers in front of the app, as addresses or
    /// networks (`10.0.0.0/8`), comma-separated. X-Forwarded-For is believed
    /// only from these, to tell clients apart for the sign-in limit per
    /// address; without them every client behind a proxy shares one limit.
    #[arg(
        long = "trusted-proxy",
        global = true,
        env = "SUPPORTDESK_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,

    /// Seed demo data into an empty database even when DATABASE_URL is set
    /// (the embedded default always gets demo data when empty).
    #[arg(long, global = true, env = "SUPPORTDESK_DEMO", default_value_t = false)]
    pub demo: bool,

    /// SMTP server for e-mail notifications: `smtp://host:25` (plain, for a
    /// relay on this machine or network), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS). With
    /// SUPPORTDESK_MAIL_FROM it turns e-mail on; unset, nothing is sent.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// The sender of e-mails, e.g. `Support <support@example.com>`.
    #[arg(long, global = true, env = "SUPPORTDESK_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Issues one user may file per hour; past it, 429 until the hour ends.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_ISSUES_PER_HOUR",
        default_value_t = WriteLimits::DEFAULT.issues
    )]
    pub issues_per_hour: u32,

    /// Replies and internal notes one user may post per hour.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_REPLIES_PER_HOUR",
        default_value_t = WriteLimits::DEFAULT.replies
    )]
    pub replies_per_hour: u32,

    /// Doc feedback clicks ("solved my problem", "not relevant") one user
    /// may make per hour.
    #[arg(
        long,
        global = true,
        env = "SUPPORTDESK_FEEDBACK_PER_HOUR",
        default_value_t = WriteLimits::DEFAULT.feedback
    )]
    pub feedback_per_hour: u32,

    /// How the e-mail delivery worker paces itself: no flag (tests shorten it).
    #[arg(skip)]
    pub mail_tuning: MailTuning,
}

/// The pace of the e-mail delivery worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTuning {
    /// How often it looks for due messages.
    pub poll: Duration,
    /// How often this instance's fan-out looks for events to turn into
    /// messages (it runs with e-mail off too, so the outbox shows who is
    /// waiting for what); `None`: it leaves them to other instances (a test
    /// counting a request's own statements).
    pub fan_out: Option<Duration>,
    /// How long a claim holds; after it, another instance may send the
    /// message (its holder is taken for dead). Much longer than a send.
    pub claim_hold: Duration,
    /// The longest one SMTP conversation may take.
    pub send_timeout: Duration,
    /// Messages claimed at once.
    pub batch: i64,
    /// The wait after the first failed attempt; it doubles each time.
    pub retry_base: Duration,
    /// The longest wait between attempts.
    pub retry_max: Duration,
    /// Attempts before a message is failed for good.
    pub max_attempts: i32,
}

impl Default for MailTuning {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(2),
            fan_out: Some(Duration::from_millis(500)),
            claim_hold: Duration::from_secs(300),
            send_timeout: Duration::from_secs(30),
            batch: 20,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 8,
        }
    }
}

impl Settings {
    /// Settings for a test or a tool: everything default except the database.
    pub fn for_database(database_url: &str) -> Self {
        Self {
            database_url: Some(database_url.to_owned()),
            bind: "127.0.0.1:0".into(),
            data_dir: PathBuf::from("./data"),
            base_url: None,
            secret_key: Some("test-secret-".repeat(8)),
            pg_bindir: None,
            db_pool_size: 4,
            db_connect_timeout_ms: 1500,
            db_statement_timeout_ms: 5000,
            workers: Some(1),
            oauth: Vec::new(),
            trusted_proxies: Vec::new(),
            demo: false,
            smtp_url: None,
            mail_from: None,
            issues_per_hour: WriteLimits::DEFAULT.issues,
            replies_per_hour: WriteLimits::DEFAULT.replies,
            feedback_per_hour: WriteLimits::DEFAULT.feedback,
            mail_tuning: MailTuning::default(),
        }
    }

    pub fn db_connect_timeout(&self) -> Duration {
        Duration::from_millis(self.db_connect_timeout_ms.max(100))
    }

    pub fn db_statement_timeout(&self) -> Duration {
        Duration::from_millis(self.db_statement_timeout_ms.max(100))
    }

    /// True when the public URL is https: cookies get `Secure`, responses HSTS.
    pub fn is_https(&self) -> bool {
        self.base_url
            .as_deref()
            .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

/// What handlers need besides the pool (no Debug: it holds the secrets).
#[derive(Clone)]
pub struct AppConfig {
    pub https: bool,
    pub base_url: String,
    /// Signs and encrypts cookies; derived from the secret key once.
    pub cookie_key: Key,
    pub trusted_proxies: TrustedProxies,
    /// SMTP is configured: e-mails are sent (the admin home says so).
    pub mail_enabled: bool,
    /// Signs the unsubscribe links in e-mails.
    pub unsubscribe_key: [u8; 32],
    pub write_limits: WriteLimits,
}

/// Writes one user may make per hour, by kind (`auth::write_limits`).
#[derive(Debug, Clone, Copy)]
pub struct WriteLimits {
    pub issues: u32,
    pub replies: u32,
    pub feedback: u32,
}

impl WriteLimits {
    /// The settings' defaults.
    pub const DEFAULT: WriteLimits = WriteLimits {
        issues: 30,
        replies: 200,
        feedback: 300,
    };
}

/// A unique id per request: in the log, the `X-Request-Id` header and error pages.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Addresses and networks (CIDR) of the operator's proxies
/// (`--trusted-proxy`); `auth::client_address` reads the client's address
/// through them.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.7`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(specs: &[String]) -> Result<Self, String> {
        specs
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|spec| {
                let bad = || format!("--trusted-proxy: “{spec}” is not an IP address or network");
                let (addr, bits) = match spec.split_once('/') {
                    Some((addr, bits)) => (addr, Some(bits)),
                    None => (spec, None),
                };
                let addr: IpAddr = addr.parse().map_err(|_| bad())?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let bits = match bits {
                    Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(bad)?,
                    None => max,
                };
                // `::ffff:10.0.0.0/104` is the IPv4 network 10.0.0.0/8.
                Ok(match canonical_ip(addr) {
                    v4 @ IpAddr::V4(_) if addr.is_ipv6() => (v4, bits.saturating_sub(96)),
                    same => (same, bits),
                })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical_ip(ip);
        self.0.iter().any(|(net, bits)| in_network(ip, *net, *bits))
    }
}

/// IPv4 addresses written as IPv6 (`::ffff:10.0.0.1`) compare as IPv4.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let mask = |width: u32| {
        if bits == 0 {
            0
        } else {
            u128::MAX << (width - u32::from(bits))
        }
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let m = mask(32) as u32;
            u32::from(a) & m == u32::from(b) & m
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let m = mask(128);
            u128::from(a) & m == u128::from(b) & m
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(specs: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&specs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_match_their_addresses_only() {
        let p = proxies(&["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
        assert!(p.contains(ip("10.200.3.4")));
        assert!(p.contains(ip("::ffff:10.0.0.1")));
        assert!(p.contains(ip("192.168.1.7")));
        assert!(!p.contains(ip("192.168.1.8")));
        assert!(!p.contains(ip("11.0.0.1")));
        assert!(p.contains(ip("fd12::1")));
        assert!(!p.contains(ip("fe80::1")));
        assert!(proxies(&["0.0.0.0/0"]).contains(ip("8.8.8.8")));
        let mapped = proxies(&["::ffff:10.0.0.0/104"]);
        assert!(mapped.contains(ip("10.1.2.3")));
        assert!(!mapped.contains(ip("11.1.2.3")));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0.1/x", "::1/129"] {
            assert!(TrustedProxies::parse(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }
}
