//! Builds the HTTP application: state, middleware, routes; binds the
//! listener so tests can ask for port 0 and read the port back.

use std::net::TcpListener;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpServer, web};
use tracing::Instrument;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Key, SameSite};

use crate::auth::oauth;
use crate::auth::session_store::{IDLE_TIMEOUT, PgSessionStore};
use crate::auth::unsubscribe;
use crate::config::{AppConfig, MailTuning, RequestId, Settings, TrustedProxies, WriteLimits};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::notify::mailer::Mailer;
use crate::notify::message::Composer;
use crate::notify::{fan_out, worker};
use crate::routes;
use crate::routes::page::render_error_page;

pub struct Application {
    port: u16,
    server: Server,
    pool: PgPool,
    /// The e-mail delivery worker's parts; `None` when e-mail is off.
    mail: Option<(Mailer, Composer, MailTuning)>,
    /// How often the fan-out looks for events; `None`: it does not run here.
    fan_out: Option<std::time::Duration>,
}

impl Application {
    /// Binds the listener and prepares the server; nothing runs until
    /// [`run_until_stopped`](Self::run_until_stopped).
    pub fn build(settings: &Settings, secret_key: Vec<u8>) -> Result<Self, AppError> {
        Self::build_with_routes(settings, secret_key, |_| {})
    }

    /// As [`build`](Self::build), with extra routes mounted (tests add
    /// routes that fail on purpose).
    pub fn build_with_routes(
        settings: &Settings,
        secret_key: Vec<u8>,
        extra_routes: fn(&mut web::ServiceConfig),
    ) -> Result<Self, AppError> {
        let database_url = settings
            .database_url
            .as_deref()
            .ok_or_else(|| AppError::Internal("no database URL".into()))?;
        let pool = db::build_pool(
            database_url,
            settings.db_pool_size,
            settings.db_connect_timeout(),
            settings.db_statement_timeout(),
        );
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| AppError::Internal(format!("cannot listen on {}: {e}", settings.bind)))?;
        let local = listener
            .local_addr()
            .map_err(|e| AppError::Internal(format!("listener address: {e}")))?;
        let port = local.port();
        // Without a public URL, the address actually bound (port 0 resolved).
        let base_url = settings
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"))
            .trim_end_matches('/')
            .to_owned();
        let mailer = Mailer::from_settings(settings).map_err(AppError::Internal)?;
        let config = AppConfig {
            https: settings.is_https(),
            cookie_key: Key::derive_from(&secret_key),
            trusted_proxies: TrustedProxies::parse(&settings.trusted_proxies)
                .map_err(AppError::Internal)?,
            mail_enabled: mailer.is_some(),
            unsubscribe_key: unsubscribe::derive_key(&secret_key),
            write_limits: WriteLimits {
                issues: settings.issues_per_hour,
                replies: settings.replies_per_hour,
                feedback: settings.feedback_per_hour,
            },
            base_url,
        };
        let mail = mailer.map(|mailer| {
            let composer = Composer {
                base_url: config.base_url.clone(),
                unsubscribe_key: config.unsubscribe_key,
                from: mailer.from.clone(),
                domain: mailer.domain().to_owned(),
            };
            (mailer, composer, settings.mail_tuning.clone())
        });
        let provider_configs = settings
            .oauth
            .iter()
            .filter(|spec| !spec.trim().is_empty())
            .map(|spec| oauth::parse_provider(spec))
            .collect::<Result<Vec<_>, _>>()
            .map_err(AppError::Internal)?;
        let providers = oauth::Providers::build(&provider_configs, &config.base_url)
            .map_err(AppError::Internal)?;
        let server = serve(
            listener,
            pool.clone(),
            config,
            providers,
            settings.workers,
            extra_routes,
        )?;
        Ok(Self {
            port,
            server,
            pool,
            mail,
            fan_out: settings.mail_tuning.fan_out,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> PgPool {
        self.pool.clone()
    }

    /// Stops the server from elsewhere (tests stop an instance this way).
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests. The
    /// notification fan-out runs beside the server, and with e-mail on the
    /// delivery worker; both stop after it (the fan-out's batch commits or
    /// stays for later; the worker finishes its send in progress and gives
    /// back the rest).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let sweeper = tokio::spawn(crate::auth::sweeper::sweep_forever(self.pool.clone()));
        let ticket_stats = tokio::spawn(crate::db::queries::analytics_tickets::refresh_forever(
            self.pool.clone(),
        ));
        let fan_out = self
            .fan_out
            .map(|poll| fan_out::spawn(self.pool.clone(), poll));
        let worker = match self.mail {
            Some((mailer, composer, tuning)) => {
                Some(worker::spawn(self.pool.clone(), mailer, composer, tuning))
            }
            None => {
                tracing::info!(
                    "e-mail is off: set SUPPORTDESK_SMTP_URL and SUPPORTDESK_MAIL_FROM to send notifications"
                );
                None
            }
        };
        let outcome = self.server.await;
        sweeper.abort();
        ticket_stats.abort();
        if let Some(fan_out) = fan_out {
            fan_out.stop().await;
        }
        if let Some(worker) = worker {
            worker.stop().await;
        }
        outcome
    }
}

fn serve(
    listener: TcpListener,
    pool: PgPool,
    config: AppConfig,
    providers: oauth::Providers,
    workers: Option<usize>,
    extra_routes: fn(&mut web::ServiceConfig),
) -> Result<Server, AppError> {
    let https = config.https;
    let store = PgSessionStore::new(pool.clone());
    let cookie_key = config.cookie_key.clone();
    let pool = web::Data::new(pool);
    let config = web::Data::new(config);
    let providers = web::Data::new(providers);
    let caches = web::Data::new(crate::db::cache::Caches::default());
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .app_data(config.clone())
            .app_data(providers.clone())
            .app_data(caches.clone())
            .app_data(web::FormConfig::default().limit(routes::BODY_LIMIT))
            .app_data(web::PayloadConfig::default().limit(routes::BODY_LIMIT))
            .wrap(from_fn(crate::auth::csrf::protect))
            .wrap(session_middleware(store.clone(), cookie_key.clone(), https))
            .wrap(ErrorHandlers::new().default_handler(render_error_page))
            .wrap(from_fn(request_context))
            .wrap(security_headers(https))
            .configure(routes::configure)
            .configure(extra_routes)
            .default_service(web::to(routes::not_found))
    })
    .shutdown_timeout(10)
    .listen(listener)
    .map_err(|e| AppError::Internal(format!("cannot serve: {e}")))?;
    if let Some(workers) = workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.run())
}

/// Server-side sessions: the cookie holds only a random key (encrypted),
/// `__Host-` prefixed and `Secure` under https.
fn session_middleware(
    store: PgSessionStore,
    key: Key,
    https: bool,
) -> SessionMiddleware<PgSessionStore> {
    let name = if https {
        "__Host-sd_session"
    } else {
        "sd_session"
    };
    SessionMiddleware::builder(store, key)
        .cookie_name(name.to_owned())
        .cookie_secure(https)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_path("/".to_owned())
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(
            BrowserSession::default()
                .state_ttl(CookieDuration::seconds(IDLE_TIMEOUT.num_seconds())),
        )
        .build()
}

/// Headers on every response. The CSP allows no inline script or style.
fn security_headers(https: bool) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
             object-src 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    if https {
        headers = headers.add((
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        ));
    }
    headers
}

/// Gives each request an id and a log span, logs its outcome and adds the
/// id to the response.
async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    // The route's pattern, not the path: paths can carry one-time tokens
    // (invitation and reset links) that must not reach the log.
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(no route)".to_owned());
    let span = tracing::info_span!("request", id = %id, method = %req.method(), route = %route);
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    span.in_scope(|| {
        tracing::info!(
            status = res.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "served"
        )
    });
    Ok(res)
}
