//! The pages behind one-time links: accepting an invitation (choose a name
//! and password, then signed in) and resetting a password.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::flash::FlashKind;
use crate::auth::invitations::{self, LINK_INVALID};
use crate::auth::{password, session};
use crate::db::models::enums::TokenPurpose;
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::error::AppError;
use crate::routes::add;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::{self, Layout};

#[derive(Template)]
#[template(path = "auth/set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    heading: &'static str,
    action: String,
    /// Invitations also ask for a name.
    ask_name: bool,
    email: String,
    name: String,
    /// Fields `name`, `password`, `confirm_password`; the form's message
    /// says the link does not work, and the form is then not shown.
    errors: FormErrors,
}

impl SetPasswordPage {
    /// The link is unknown, used or expired: nothing to fill in.
    fn link_invalid(mut self) -> Self {
        self.errors = FormErrors::form_message(LINK_INVALID);
        self
    }

    /// The form is shown unless the link does not work.
    fn shows_form(&self) -> bool {
        self.errors.form().is_none()
    }

    fn password_hint(&self) -> String {
        format!("At least {} characters.", password::MIN_CHARS)
    }
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Where a link of `purpose` carrying `token` opens, within the app.
pub fn path(purpose: TokenPurpose, token: &str) -> String {
    match purpose {
        TokenPurpose::Invitation => format!("/invitations/{token}"),
        _ => format!("/password-reset/{token}"),
    }
}

/// The whole link of `purpose` carrying `token`, as it is handed out.
pub fn url(base_url: &str, purpose: TokenPurpose, token: &str) -> String {
    format!("{base_url}{}", path(purpose, token))
}

fn blank(page: &Page, purpose: TokenPurpose, token: &str, email: String) -> SetPasswordPage {
    let (heading, ask_name) = match purpose {
        TokenPurpose::Invitation => ("Accept your invitation", true),
        _ => ("Choose a new password", false),
    };
    let action = path(purpose, token);
    SetPasswordPage {
        layout: page.layout(heading),
        heading,
        action,
        ask_name,
        email,
        name: String::new(),
        errors: FormErrors::default(),
    }
}

async fn show(
    page: Page,
    pool: &PgPool,
    token: String,
    purpose: TokenPurpose,
) -> Result<HttpResponse, AppError> {
    let lookup = token.clone();
    let found = db::run(pool, move |conn| invitations::find(conn, &lookup, purpose)).await?;
    match found {
        Some(link) => page.render(&blank(&page, purpose, &token, link.email)),
        None => {
            let view = blank(&page, purpose, &token, String::new()).link_invalid();
            page.render_status(StatusCode::NOT_FOUND, &view)
        }
    }
}

/// GET /invitations/{token} — anyone holding the link.
pub async fn show_invitation(
    page: Page,
    pool: web::Data<PgPool>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show(page, &pool, token.into_inner(), TokenPurpose::Invitation).await
}

/// GET /password-reset/{token} — anyone holding the link.
pub async fn show_reset(
    page: Page,
    pool: web::Data<PgPool>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show(page, &pool, token.into_inner(), TokenPurpose::PasswordReset).await
}

async fn redeem(
    page: Page,
    session: Session,
    pool: &PgPool,
    token: String,
    purpose: TokenPurpose,
    form: SetPasswordForm,
) -> Result<HttpResponse, AppError> {
    let lookup = token.clone();
    let Some(link) = db::run(pool, move |conn| invitations::find(conn, &lookup, purpose)).await?
    else {
        let view = blank(&page, purpose, &token, String::new()).link_invalid();
        return page.render_status(StatusCode::NOT_FOUND, &view);
    };
    let mut view = blank(&page, purpose, &token, link.email);
    let mut name = form.name.trim().to_owned();
    if purpose == TokenPurpose::Invitation {
        match text::check(&form.name, &text::PERSON_NAME) {
            Ok(checked) => name = checked,
            Err(message) => view.errors.add("name", message),
        }
    }
    let (new, confirm) = password::check_new(&form.password, &form.confirm_password);
    if let Some(message) = new {
        view.errors.add("password", message);
    }
    if let Some(message) = confirm {
        view.errors.add("confirm_password", message);
    }
    view.name = name.clone();
    if !view.errors.is_empty() {
        return page.render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let new_password = form.password;
    let hash = password::hash_off_executor(new_password).await?;
    let user = db::run(pool, move |conn| match purpose {
        TokenPurpose::Invitation => invitations::accept(conn, &token, &name, &hash),
        _ => invitations::reset(conn, &token, &hash),
    })
    .await?;
    let Some(user) = user else {
        return page.render_status(StatusCode::NOT_FOUND, &view.link_invalid());
    };
    if purpose == TokenPurpose::Invitation {
        session::sign_in(&session, user.id)
            .map_err(|e| AppError::Internal(format!("session: {e}")))?;
        tracing::info!(user_id = %user.id, "invitation accepted");
        Ok(views::see_other("/"))
    } else {
        tracing::info!(user_id = %user.id, "password reset");
        Ok(page.redirect_with(
            "/login",
            FlashKind::Success,
            "Your password is set. Sign in with it now.",
        ))
    }
}

/// POST /invitations/{token} — anyone holding the link.
pub async fn accept_invitation(
    page: Page,
    session: Session,
    pool: web::Data<PgPool>,
    token: web::Path<String>,
    form: Form<SetPasswordForm>,
) -> Result<HttpResponse, AppError> {
    redeem(
        page,
        session,
        &pool,
        token.into_inner(),
        TokenPurpose::Invitation,
        form.into_inner(),
    )
    .await
}

/// POST /password-reset/{token} — anyone holding the link.
pub async fn reset_password(
    page: Page,
    session: Session,
    pool: web::Data<PgPool>,
    token: web::Path<String>,
    form: Form<SetPasswordForm>,
) -> Result<HttpResponse, AppError> {
    redeem(
        page,
        session,
        &pool,
        token.into_inner(),
        TokenPurpose::PasswordReset,
        form.into_inner(),
    )
    .await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/invitations/{token}", show_invitation);
    add(cfg, Method::POST, "/invitations/{token}", accept_invitation);
    add(cfg, Method::GET, "/password-reset/{token}", show_reset);
    add(cfg, Method::POST, "/password-reset/{token}", reset_password);
}
