//! `verification_tokens`: hashed, single-use, expiring tokens for e-mail
//! verification, invitations and password resets.

use chrono::{DateTime, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::enums::{TokenPurpose, UserRole};
use crate::db::schema::verification_tokens;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = verification_tokens, check_for_backend(diesel::pg::Pg))]
pub struct VerificationToken {
    pub id: Uuid,
    pub token_hash: Vec<u8>,
    pub purpose: TokenPurpose,
    pub email: String,
    pub user_id: Option<Uuid>,
    pub role: Option<UserRole>,
    pub customer_id: Option<Uuid>,
    pub created_by_id: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = verification_tokens)]
pub struct NewVerificationToken<'a> {
    pub token_hash: &'a [u8],
    pub purpose: TokenPurpose,
    pub email: &'a str,
    pub user_id: Option<Uuid>,
    pub role: Option<UserRole>,
    pub customer_id: Option<Uuid>,
    pub created_by_id: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

pub fn insert(
    conn: &mut PgConnection,
    new: &NewVerificationToken,
) -> QueryResult<VerificationToken> {
    diesel::insert_into(verification_tokens::table)
        .values(new)
        .returning(VerificationToken::as_returning())
        .get_result(conn)
}

/// A token that is unused, unexpired and issued for this purpose (a reset
/// link cannot be redeemed as an invitation).
pub fn find_valid_by_hash(
    conn: &mut PgConnection,
    token_hash: &[u8],
    purpose: TokenPurpose,
) -> QueryResult<Option<VerificationToken>> {
    verification_tokens::table
        .filter(verification_tokens::token_hash.eq(token_hash))
        .filter(verification_tokens::purpose.eq(purpose))
        .filter(verification_tokens::used_at.is_null())
        .filter(verification_tokens::expires_at.gt(now))
        .select(VerificationToken::as_select())
        .first(conn)
        .optional()
}

/// Marks a token used. Returns false when it was already used, so two
/// concurrent redemptions cannot both succeed.
pub fn mark_used(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
    diesel::update(
        verification_tokens::table
            .filter(verification_tokens::id.eq(id))
            .filter(verification_tokens::used_at.is_null()),
    )
    .set(verification_tokens::used_at.eq(now))
    .execute(conn)
    .map(|rows| rows == 1)
}

/// Ends every unused password-reset link of a user: a newer link or a
/// changed password makes the older ones worthless.
pub fn revoke_resets(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        verification_tokens::table
            .filter(verification_tokens::user_id.eq(user_id))
            .filter(verification_tokens::purpose.eq(TokenPurpose::PasswordReset))
            .filter(verification_tokens::used_at.is_null()),
    )
    .set(verification_tokens::used_at.eq(now))
    .execute(conn)
}
