//! Which user an OAuth identity signs in as. The rules, in order:
//! a linked identity signs in its user; otherwise a user with the same
//! e-mail is linked only when the provider says the e-mail is verified; a
//! new verified e-mail whose domain belongs to a customer signs up as that
//! customer's user; anything else is refused. Disabled users never get in.

use chrono::Utc;
use diesel::prelude::*;

use crate::auth::oauth::{Identity, ProviderConfig};
use crate::db::models::enums::UserRole;
use crate::db::models::{accounts, customers, users};
use crate::error::AppError;

/// Why an identity may not sign in, in words for the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

pub fn resolve(
    conn: &mut PgConnection,
    provider: &ProviderConfig,
    identity: &Identity,
) -> Result<Result<users::User, Refusal>, AppError> {
    let staff_refused = format!(
        "Agents and admins cannot sign in with {}: sign in with your password.",
        provider.display_name
    );
    let provider_name = provider.name.as_str();
    conn.transaction(|conn| {
        let refuse = |why: &str| Ok(Err(Refusal(why.to_owned())));
        if let Some(account) = accounts::find_by_provider(conn, provider_name, &identity.subject)? {
            let user = users::find(conn, account.user_id)?;
            if user.is_disabled() {
                return refuse("This account is disabled.");
            }
            if user.is_staff() && !provider.staff {
                return refuse(&staff_refused);
            }
            return Ok(Ok(user));
        }
        let Some(email) = identity.email.as_deref().filter(|e| e.contains('@')) else {
            return refuse("The provider did not share an e-mail address, so no account can be found.");
        };
        if !identity.email_verified {
            return refuse(
                "The provider has not verified this e-mail address, so it cannot be used to sign in. \
                 Verify it with the provider, or sign in with your password.",
            );
        }
        let link = |conn: &mut PgConnection, user_id| {
            accounts::insert(
                conn,
                &accounts::NewAccount {
                    user_id,
                    provider: provider_name,
                    provider_account_id: &identity.subject,
                },
            )
        };
        if let Some(user) = users::find_by_email(conn, email)? {
            if user.is_disabled() {
                return refuse("This account is disabled.");
            }
            if user.is_staff() && !provider.staff {
                return refuse(&staff_refused);
            }
            link(conn, user.id)?;
            return Ok(Ok(user));
        }
        let domain = email.rsplit('@').next().unwrap_or_default();
        let Some(customer) = customers::find_by_domain(conn, domain)? else {
            return Ok(Err(Refusal(format!(
                "There is no account for {email}, and {domain} belongs to no customer. \
                 Ask your support team for an invitation."
            ))));
        };
        let name = identity.name.clone().unwrap_or_default();
        let user = users::insert(
            conn,
            &users::NewUser {
                email,
                name: &name,
                role: UserRole::Customer,
                customer_id: Some(customer.id),
                chat_handle: None,
                password_hash: None,
                email_verified_at: Some(Utc::now()),
                image_url: None,
            },
        )?;
        link(conn, user.id)?;
        tracing::info!(user_id = %user.id, customer_id = %customer.id, "signed up through OAuth");
        Ok(Ok(user))
    })
}
