//! Admins invite people and create password-reset links. With e-mail on,
//! the link can be e-mailed to the person (queued in the outbox in the
//! transaction that creates it) instead of shown here to pass on.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::Connection;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::extractors::RequireAdmin;
use crate::auth::invitations;
use crate::config::AppConfig;
use crate::db::models::customers::{self, Customer};
use crate::db::models::enums::{NotificationEvent, TokenPurpose, UserRole};
use crate::db::models::users;
use crate::db::queries::notifications::enqueue_link;
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::error::AppError;
use crate::routes::add;
use crate::routes::form::Form;
use crate::routes::links;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/invitations.html")]
struct InvitationsPage {
    layout: Layout,
    customers: Vec<Customer>,
    roles: &'static [UserRole],
    form: InviteForm,
    /// The invitation form: fields `email`, `role`, `customer_id`, and the
    /// form's message when the invitation itself is refused.
    errors: FormErrors,
    reset_email: String,
    /// The reset-link form: field `email`.
    reset_errors: FormErrors,
    /// The link just created, with what it is for.
    created: Option<(String, String)>,
    /// The address a link was just e-mailed to (then it is not shown).
    sent_to: Option<String>,
    /// SMTP is set: the forms offer to e-mail the link.
    mail_enabled: bool,
    /// The e-mail boxes of the two forms, ticked unless unticked.
    invite_delivery: Vec<DeliveryChoice>,
    reset_delivery: Vec<DeliveryChoice>,
}

/// The "e-mail the link" box (the checkbox macro's shape).
struct DeliveryChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

fn delivery(selected: bool) -> Vec<DeliveryChoice> {
    vec![DeliveryChoice {
        value: "yes",
        label: "E-mail the link to the person instead of showing it here",
        selected,
    }]
}

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    customer_id: String,
    /// "yes": e-mail the link (with e-mail on).
    #[serde(default)]
    send_email: String,
}

const NO_SUCH_CUSTOMER: &str = "Choose a customer from the list.";

/// What the page shows; the default is a blank page answering 200.
#[derive(Default)]
struct Outcome {
    status: StatusCode,
    form: InviteForm,
    errors: FormErrors,
    reset_email: String,
    reset_errors: FormErrors,
    created: Option<(String, String)>,
    sent_to: Option<String>,
    /// The reset form's box was unticked.
    reset_unticked: bool,
}

async fn render(page: &Page, pool: &PgPool, outcome: Outcome) -> Result<HttpResponse, AppError> {
    let customers = db::run(pool, customers::list).await?;
    let mail_enabled = page
        .request()
        .app_data::<web::Data<AppConfig>>()
        .is_some_and(|c| c.mail_enabled);
    // A form sent back keeps its box as it was; a fresh one has it ticked.
    let invite_ticked = outcome.form.email.is_empty() || outcome.form.send_email == "yes";
    page.render_status(
        outcome.status,
        &InvitationsPage {
            layout: page.layout("Invite people"),
            customers,
            roles: UserRole::ALL,
            form: outcome.form,
            errors: outcome.errors,
            reset_email: outcome.reset_email,
            reset_errors: outcome.reset_errors,
            created: outcome.created,
            sent_to: outcome.sent_to,
            mail_enabled,
            invite_delivery: delivery(invite_ticked),
            reset_delivery: delivery(!outcome.reset_unticked),
        },
    )
}

/// The box was ticked and e-mail is on.
fn wants_email(config: &AppConfig, send_email: &str) -> bool {
    config.mail_enabled && send_email == "yes"
}

/// GET /admin/invitations — admin.
pub async fn show_invitations(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    render(&page, &pool, Outcome::default()).await
}

/// POST /admin/invitations — admin.
pub async fn create_invitation(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    form: Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let invalid = |form, errors| Outcome {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        form,
        errors,
        ..Outcome::default()
    };
    let mut errors = FormErrors::default();
    let email = text::email(&form.email);
    if email.is_none() {
        errors.add("email", "Enter an e-mail address like name@example.com.");
    }
    let role = UserRole::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role.");
    }
    let customer_id = match form.customer_id.as_str() {
        "" => None,
        id => Uuid::parse_str(id).map(Some).unwrap_or_else(|_| {
            errors.add("customer_id", NO_SUCH_CUSTOMER);
            None
        }),
    };
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return render(&page, &pool, invalid(form, errors)).await;
    };
    let inviter = admin.clone();
    let invite_email = email.clone();
    let send = wants_email(&config, &form.send_email);
    let base_url = config.base_url.clone();
    let created = db::run(&pool, move |conn| {
        conn.transaction(|conn| {
            let customer = customer_id
                .map(|id| customers::find(conn, id))
                .transpose()?;
            let created =
                invitations::invite(conn, &inviter, &invite_email, role, customer.as_ref())?;
            if let (Ok(token), true) = (&created, send) {
                let link = links::url(&base_url, TokenPurpose::Invitation, token);
                let from = inviter.display_name();
                enqueue_link(
                    conn,
                    NotificationEvent::Invitation,
                    None,
                    &invite_email,
                    &from,
                    &link,
                )?;
            }
            Ok::<_, AppError>(created)
        })
    })
    .await;
    let created = match created {
        Err(AppError::NotFound) => {
            let errors = FormErrors::field("customer_id", NO_SUCH_CUSTOMER);
            return render(&page, &pool, invalid(form, errors)).await;
        }
        other => other?,
    };
    match created {
        Err(why) => render(&page, &pool, invalid(form, FormErrors::form_message(why))).await,
        Ok(token) => {
            tracing::info!(admin_id = %admin.id, role = %role, e_mailed = send, "invitation created");
            let outcome = if send {
                Outcome {
                    sent_to: Some(format!("Invitation for {email} ({})", role.label())),
                    ..Outcome::default()
                }
            } else {
                let link = links::url(&config.base_url, TokenPurpose::Invitation, &token);
                Outcome {
                    created: Some((format!("Invitation for {email} ({})", role.label()), link)),
                    ..Outcome::default()
                }
            };
            render(&page, &pool, outcome).await
        }
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    email: String,
    /// "yes": e-mail the link (with e-mail on).
    #[serde(default)]
    send_email: String,
}

/// POST /admin/password-resets — admin.
pub async fn create_reset_link(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    form: Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let Some(email) = text::email(&form.email) else {
        let outcome = Outcome {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            reset_errors: FormErrors::field(
                "email",
                "Enter an e-mail address like name@example.com.",
            ),
            reset_email: form.email.trim().to_owned(),
            reset_unticked: form.send_email != "yes",
            ..Outcome::default()
        };
        return render(&page, &pool, outcome).await;
    };
    let lookup = email.clone();
    let send = wants_email(&config, &form.send_email);
    let base_url = config.base_url.clone();
    let token = db::run(&pool, move |conn| {
        conn.transaction(|conn| {
            let Some(user) = users::find_by_email(conn, &lookup)? else {
                return Ok(None);
            };
            let token = invitations::reset_link(conn, Some(admin.id), &user)?;
            if send {
                let link = links::url(&base_url, TokenPurpose::PasswordReset, &token);
                let from = admin.display_name();
                enqueue_link(
                    conn,
                    NotificationEvent::PasswordReset,
                    Some(user.id),
                    &user.email,
                    &from,
                    &link,
                )?;
            }
            Ok::<_, AppError>(Some(token))
        })
    })
    .await?;
    let outcome = match token {
        None => Outcome {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            reset_errors: FormErrors::field("email", "There is no account with this e-mail."),
            reset_email: email,
            reset_unticked: form.send_email != "yes",
            ..Outcome::default()
        },
        Some(_) if send => Outcome {
            sent_to: Some(format!("Password reset for {email}")),
            ..Outcome::default()
        },
        Some(token) => Outcome {
            created: Some((
                format!("Password reset for {email}"),
                links::url(&config.base_url, TokenPurpose::PasswordReset, &token),
            )),
            ..Outcome::default()
        },
    };
    render(&page, &pool, outcome).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/invitations", show_invitations);
    add(cfg, Method::POST, "/admin/invitations", create_invitation);
    add(
        cfg,
        Method::POST,
        "/admin/password-resets",
        create_reset_link,
    );
}
