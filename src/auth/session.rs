//! What the app keeps in a session, and signing in and out.

use actix_session::Session;
use uuid::Uuid;

use crate::auth::session_store::USER_ID_KEY;
use crate::auth::tokens;

pub const CSRF_KEY: &str = "csrf";

/// Starts a fresh session for the user: a new key (the pre-sign-in cookie
/// becomes worthless, no fixation) and a new CSRF token.
pub fn sign_in(session: &Session, user_id: Uuid) -> Result<(), actix_session::SessionInsertError> {
    session.clear();
    session.insert(USER_ID_KEY, user_id)?;
    session.insert(CSRF_KEY, tokens::random_token(32))?;
    session.renew();
    Ok(())
}

/// Ends the session: its row is deleted and the cookie removed.
pub fn sign_out(session: &Session) {
    session.purge();
}

pub fn user_id(session: &Session) -> Option<Uuid> {
    session.get::<Uuid>(USER_ID_KEY).ok().flatten()
}

pub fn csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(CSRF_KEY).ok().flatten()
}

/// Stores a value in a signed-in session (e.g. OAuth state).
pub fn put(
    session: &Session,
    key: &str,
    value: &str,
) -> Result<(), actix_session::SessionInsertError> {
    session.insert(key, value)
}

/// Takes a value out of the session: it can be used once.
pub fn take(session: &Session, key: &str) -> Option<String> {
    session.remove_as::<String>(key).and_then(Result::ok)
}
