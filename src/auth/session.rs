//! What the app keeps in a session, and signing in and out.

use actix_session::Session;
use uuid::Uuid;

use crate::auth::session_store::{STORE_UNAVAILABLE_KEY, USER_ID_KEY};
use crate::auth::tokens;

const CSRF_KEY: &str = "csrf";
/// When this session signed in (unix seconds).
const SIGNED_IN_AT_KEY: &str = "signed_in_at";

/// Starts a fresh session for the user: a new key (the pre-sign-in cookie
/// becomes worthless, no fixation) and a new CSRF token.
pub fn sign_in(session: &Session, user_id: Uuid) -> Result<(), actix_session::SessionInsertError> {
    session.clear();
    session.insert(USER_ID_KEY, user_id)?;
    session.insert(CSRF_KEY, tokens::random_token(32))?;
    session.insert(SIGNED_IN_AT_KEY, chrono::Utc::now().timestamp())?;
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

/// Whether this session signed in less than `window` ago: adding a way in
/// (a first password) needs that, so a session cookie alone is not enough.
pub fn signed_in_within(session: &Session, window: chrono::Duration) -> bool {
    session
        .get::<i64>(SIGNED_IN_AT_KEY)
        .ok()
        .flatten()
        .and_then(|at| chrono::DateTime::from_timestamp(at, 0))
        .is_some_and(|at| chrono::Utc::now() - at < window)
}

pub fn csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(CSRF_KEY).ok().flatten()
}

/// True when the session store could not load this request's session.
pub fn store_unavailable(session: &Session) -> bool {
    session.contains_key(STORE_UNAVAILABLE_KEY)
}
