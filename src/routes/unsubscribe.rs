//! `/unsubscribe/{token}`: the link at the foot of every notification
//! e-mail. It works without signing in, names one person and one topic
//! (signed, see `auth::unsubscribe`), and does nothing else than turn that
//! topic off: the page asks, the button (a POST, so a mail scanner that
//! follows links changes nothing) does it.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::auth::flash::FlashKind;
use crate::auth::unsubscribe;
use crate::config::AppConfig;
use crate::db::models::enums::NotificationTopic;
use crate::db::models::{notification_preferences, users};
use crate::db::{self, PgPool};
use crate::domain::notifications;
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    action: String,
    email: String,
    topic: &'static str,
    /// The topic is still on: the page offers to turn it off.
    on: bool,
}

/// The person's id and topic a token names, if it holds (whether the
/// person exists is asked with the page's own statement).
fn resolve(config: &AppConfig, token: &str) -> Result<(Uuid, NotificationTopic), AppError> {
    unsubscribe::verify(&config.unsubscribe_key, token).ok_or(AppError::NotFound)
}

/// GET /unsubscribe/{token} — anyone with the link.
pub async fn show_unsubscribe(
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (user_id, topic) = resolve(&config, &token)?;
    let (user, choices) = db::run(&pool, move |conn| {
        let user = users::find(conn, user_id)?;
        Ok::<_, diesel::result::Error>((user, notification_preferences::choices(conn, user_id)?))
    })
    .await?;
    page.render(&UnsubscribePage {
        layout: page.layout("Stop e-mails"),
        action: format!("/unsubscribe/{}", token.as_str()),
        email: user.email,
        topic: topic.label(),
        on: notifications::wants(&choices, topic),
    })
}

/// POST /unsubscribe/{token} — anyone with the link: turns its topic off.
pub async fn unsubscribe(
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (user_id, topic) = resolve(&config, &token)?;
    db::run(&pool, move |conn| {
        users::find(conn, user_id)?;
        notification_preferences::set(conn, user_id, &[(topic, false)])
    })
    .await?;
    tracing::info!(%user_id, topic = %topic, "unsubscribed by link");
    Ok(page.redirect_with(
        &format!("/unsubscribe/{}", token.as_str()),
        FlashKind::Success,
        "Done: you will not get these e-mails any more.",
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/unsubscribe/{token}", show_unsubscribe);
    add(cfg, Method::POST, "/unsubscribe/{token}", unsubscribe);
}
