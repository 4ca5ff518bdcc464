//! The signed-in user's own account: profile, sign-in methods, password,
//! which e-mails they get, and signing out everywhere.

use actix_session::Session;
use actix_web::http::Method;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extractors::CurrentUser;
use crate::auth::flash::FlashKind;
use crate::auth::{password, session};
use crate::config::AppConfig;
use crate::db::models::accounts::{self, Account};
use crate::db::models::enums::NotificationTopic;
use crate::db::models::{notification_preferences, sessions, users, verification_tokens};
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::{form_pairs, notifications};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    role: &'static str,
    chat_handle: String,
    has_password: bool,
    linked: Vec<Account>,
    /// The e-mails this person may get, each on or off.
    topics: Vec<TopicChoice>,
    /// SMTP is set up: choices take effect now, not once it is.
    mail_enabled: bool,
    /// The e-mail form has no errors; its macros want a `FormErrors`.
    no_errors: FormErrors,
    /// The password form's fields: `current_password`, `new_password`,
    /// `confirm_password`; the form's message asks for a fresh sign-in.
    errors: FormErrors,
}

impl AccountPage {
    fn new_password_hint(&self) -> String {
        format!("At least {} characters.", password::MIN_CHARS)
    }
}

/// One e-mail topic on the account page (the checkbox macro's shape).
struct TopicChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// How recent a sign-in must be to set a first password.
const RECENT_SIGN_IN_MINUTES: i64 = 10;

async fn account_page(
    page: &Page,
    pool: &PgPool,
    status: StatusCode,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let user = page.user.clone().ok_or(AppError::Forbidden)?;
    let (linked, choices) = db::run(pool, move |conn| {
        let linked = accounts::list_for_user(conn, user.id)?;
        let choices = notification_preferences::choices(conn, user.id)?;
        Ok::<_, diesel::result::Error>((linked, choices))
    })
    .await?;
    let user = page.user.as_ref().ok_or(AppError::Forbidden)?;
    let topics = notifications::topics_for(user.role)
        .iter()
        .map(|&topic| TopicChoice {
            value: topic.as_str(),
            label: topic.label(),
            selected: notifications::wants(&choices, topic),
        })
        .collect();
    let mail_enabled = page
        .request()
        .app_data::<web::Data<AppConfig>>()
        .is_some_and(|c| c.mail_enabled);
    page.render_status(
        status,
        &AccountPage {
            layout: page.layout("Your account"),
            name: user.name.clone(),
            email: user.email.clone(),
            role: user.role.label(),
            chat_handle: user.chat_handle.clone().unwrap_or_default(),
            has_password: user.password_hash.is_some(),
            linked,
            topics,
            mail_enabled,
            no_errors: FormErrors::default(),
            errors,
        },
    )
}

/// GET /account — any signed-in user.
pub async fn show_account(
    _user: CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    account_page(&page, &pool, StatusCode::OK, FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// POST /account/password — any signed-in user. Ends every other session
/// and every outstanding password-reset link.
pub async fn update_password(
    CurrentUser(user): CurrentUser,
    page: Page,
    session: Session,
    pool: web::Data<PgPool>,
    form: Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let stored = user.password_hash.clone();
    let current = form.current_password.clone();
    match stored {
        // Users who sign in with a provider set a first password only
        // shortly after signing in: a stolen session cookie must not be
        // turned into a lasting password.
        None => {
            let recent = session::signed_in_within(
                &session,
                chrono::Duration::minutes(RECENT_SIGN_IN_MINUTES),
            );
            if !recent {
                errors.add_form(format!(
                    "Setting a first password needs a recent sign-in. Sign out, sign in \
                     again with your provider, then set it within \
                     {RECENT_SIGN_IN_MINUTES} minutes."
                ));
            }
        }
        Some(hash) => {
            if !password::verify_off_executor(current, Some(hash)).await? {
                errors.add("current_password", "Your current password is not correct.");
            }
        }
    }
    let (new, confirm) = password::check_new(&form.new_password, &form.confirm_password);
    if let Some(message) = new {
        errors.add("new_password", message);
    }
    if let Some(message) = confirm {
        errors.add("confirm_password", message);
    }
    if !errors.is_empty() {
        return account_page(&page, &pool, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let new_password = form.new_password;
    let hash = password::hash_off_executor(new_password).await?;
    let user_id = user.id;
    db::run(&pool, move |conn| {
        conn.build_transaction().run(|conn| {
            users::update(
                conn,
                user_id,
                &users::UserChangeset {
                    password_hash: Some(Some(&hash)),
                    ..Default::default()
                },
            )?;
            verification_tokens::revoke_resets(conn, user_id)?;
            sessions::delete_for_user(conn, user_id)
        })
    })
    .await?;
    // This browser keeps a fresh session; every other one is signed out.
    session::sign_in(&session, user_id).map_err(|e| AppError::Internal(format!("session: {e}")))?;
    tracing::info!(%user_id, "password changed");
    Ok(page.redirect_with(
        "/account",
        FlashKind::Success,
        "Password changed. Other devices have been signed out.",
    ))
}

/// POST /account/notifications — any signed-in user: each topic of their
/// role is on when its box was ticked (`topics`, repeated), off otherwise.
pub async fn update_notifications(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (pairs, _invalid) = form_pairs::decode(&body);
    let ticked: Vec<NotificationTopic> = pairs
        .iter()
        .filter(|(name, _)| name == "topics")
        .filter_map(|(_, value)| NotificationTopic::parse(value))
        .collect();
    let choices: Vec<(NotificationTopic, bool)> = notifications::topics_for(user.role)
        .iter()
        .map(|&topic| (topic, ticked.contains(&topic)))
        .collect();
    let user_id = user.id;
    db::run(&pool, move |conn| {
        notification_preferences::set(conn, user_id, &choices)
    })
    .await?;
    Ok(page.redirect_with(
        "/account#notifications-heading",
        FlashKind::Success,
        "Your e-mail choices are saved.",
    ))
}

/// POST /account/sign-out-everywhere — any signed-in user.
pub async fn sign_out_everywhere(
    CurrentUser(user): CurrentUser,
    page: Page,
    session: Session,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    let user_id = user.id;
    db::run(&pool, move |conn| sessions::delete_for_user(conn, user_id)).await?;
    session::sign_out(&session);
    Ok(page.redirect_with(
        "/login",
        FlashKind::Info,
        "You are signed out on every device.",
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/account", show_account);
    add(cfg, Method::POST, "/account/password", update_password);
    add(
        cfg,
        Method::POST,
        "/account/notifications",
        update_notifications,
    );
    add(
        cfg,
        Method::POST,
        "/account/sign-out-everywhere",
        sign_out_everywhere,
    );
}
