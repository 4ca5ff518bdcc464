//! Invitations and password resets: one-time links backed by
//! `verification_tokens` (only the token's hash is stored). Until e-mail
//! delivery exists, the admin who creates a link is shown it to pass on.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::auth::tokens;
use crate::db::models::admin_audit::{self, Change};
use crate::db::models::customers::Customer;
use crate::db::models::enums::{AuditKind, TokenPurpose, UserRole};
use crate::db::models::verification_tokens::{self, NewVerificationToken, VerificationToken};
use crate::db::models::{sessions, users};
use crate::error::AppError;

pub const INVITATION_LIFETIME: Duration = Duration::days(7);
pub const RESET_LIFETIME: Duration = Duration::hours(2);

/// Why a link cannot be used, in words for the page.
pub const LINK_INVALID: &str =
    "This link has expired or has already been used. Ask your administrator for a new one.";

/// Creates an invitation for an e-mail with a role (and customer, for
/// customer users); returns the token for the link. Refuses e-mails that
/// already have an account and roles that do not match the customer.
///
/// The invitation is the admin's change that makes the account (the
/// invitee only sets a name and password), so it is audited here, as kind
/// user, action `invited`, in the transaction that stores the token. The
/// user does not exist yet: the row names the e-mail, with no object id.
pub fn invite(
    conn: &mut PgConnection,
    admin: &users::User,
    email: &str,
    role: UserRole,
    customer: Option<&Customer>,
) -> Result<Result<String, &'static str>, AppError> {
    let email = email.trim().to_lowercase();
    if (role == UserRole::Customer) != customer.is_some() {
        return Ok(Err(
            "Customer users need a customer; agents and admins have none.",
        ));
    }
    conn.transaction(|conn| {
        if users::find_by_email(conn, &email)?.is_some() {
            return Ok(Err("There is already an account with this e-mail."));
        }
        let token = tokens::random_token(32);
        verification_tokens::insert(
            conn,
            &NewVerificationToken {
                token_hash: &tokens::hash_token(&token),
                purpose: TokenPurpose::Invitation,
                email: &email,
                user_id: None,
                role: Some(role),
                customer_id: customer.map(|c| c.id),
                created_by_id: Some(admin.id),
                expires_at: Utc::now() + INVITATION_LIFETIME,
            },
        )?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::User,
                action: "invited",
                object_id: None,
                object_label: &email,
                before: None,
                after: Some(json!({
                    "email": email,
                    "role": role.as_str(),
                    "customer_id": customer.map(|c| c.id),
                    "customer": customer.map(|c| c.name.as_str()),
                })),
            },
        )?;
        Ok(Ok(token))
    })
}

/// Creates a password-reset link for a user, ending the links made
/// before it; returns the token.
pub fn reset_link(
    conn: &mut PgConnection,
    created_by: Option<Uuid>,
    user: &users::User,
) -> Result<String, AppError> {
    let token = tokens::random_token(32);
    conn.transaction(|conn| {
        verification_tokens::revoke_resets(conn, user.id)?;
        verification_tokens::insert(
            conn,
            &NewVerificationToken {
                token_hash: &tokens::hash_token(&token),
                purpose: TokenPurpose::PasswordReset,
                email: &user.email,
                user_id: Some(user.id),
                role: None,
                customer_id: None,
                created_by_id: created_by,
                expires_at: Utc::now() + RESET_LIFETIME,
            },
        )
    })?;
    Ok(token)
}

/// The unused, unexpired token behind a link, if any.
pub fn find(
    conn: &mut PgConnection,
    token: &str,
    purpose: TokenPurpose,
) -> Result<Option<VerificationToken>, AppError> {
    Ok(verification_tokens::find_valid_by_hash(
        conn,
        &tokens::hash_token(token),
        purpose,
    )?)
}

/// Accepts an invitation: creates the user with a password, in one
/// transaction with using up the token. `None` when the link is no good.
pub fn accept(
    conn: &mut PgConnection,
    token: &str,
    name: &str,
    password_hash: &str,
) -> Result<Option<users::User>, AppError> {
    conn.transaction(|conn| {
        let Some(invite) = find(conn, token, TokenPurpose::Invitation)? else {
            return Ok(None);
        };
        if !verification_tokens::mark_used(conn, invite.id)? {
            return Ok(None);
        }
        // The e-mail got an account meanwhile (another invitation, OAuth):
        // the link is used up and creates nothing.
        if users::find_by_email(conn, &invite.email)?.is_some() {
            return Ok(None);
        }
        let role = invite.role.unwrap_or(UserRole::Customer);
        let user = users::insert(
            conn,
            &users::NewUser {
                email: &invite.email,
                name,
                role,
                customer_id: invite.customer_id,
                chat_handle: None,
                password_hash: Some(password_hash),
                email_verified_at: Some(Utc::now()),
                image_url: None,
            },
        )?;
        Ok(Some(user))
    })
}

/// Sets a new password through a reset link and ends the user's sessions
/// and any other reset link.
pub fn reset(
    conn: &mut PgConnection,
    token: &str,
    password_hash: &str,
) -> Result<Option<users::User>, AppError> {
    conn.transaction(|conn| {
        let Some(link) = find(conn, token, TokenPurpose::PasswordReset)? else {
            return Ok(None);
        };
        let Some(user_id) = link.user_id else {
            return Ok(None);
        };
        if !verification_tokens::mark_used(conn, link.id)? {
            return Ok(None);
        }
        let user = users::update(
            conn,
            user_id,
            &users::UserChangeset {
                password_hash: Some(Some(password_hash)),
                ..Default::default()
            },
        )?;
        sessions::delete_for_user(conn, user_id)?;
        verification_tokens::revoke_resets(conn, user_id)?;
        Ok(Some(user))
    })
}
