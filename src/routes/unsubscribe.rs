//! `/unsubscribe/{token}`: the link at the foot of every notification
//! e-mail. It works without signing in, names one person and one topic
//! (signed, see `auth::unsubscribe`), and does nothing else than turn that
//! topic off: the page asks, the button (a POST, so a mail scanner that
//! follows links changes nothing) does it.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use askama::Template;

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

/// The person and topic a token names, if it holds and they exist.
async fn resolve(
    pool: &PgPool,
    config: &AppConfig,
    token: &str,
) -> Result<(users::User, NotificationTopic), AppError> {
    let (user_id, topic) =
        unsubscribe::verify(&config.unsubscribe_key, token).ok_or(AppError::NotFound)?;
    let user = db::run(pool, move |conn| users::find(conn, user_id)).await?;
    Ok((user, topic))
}

/// GET /unsubscribe/{token} — anyone with the link.
pub async fn show_unsubscribe(
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (user, topic) = resolve(&pool, &config, &token).await?;
    let user_id = user.id;
    let choices = db::run(&pool, move |conn| {
        notification_preferences::choices(conn, user_id)
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
    let (user, topic) = resolve(&pool, &config, &token).await?;
    let user_id = user.id;
    db::run(&pool, move |conn| {
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
