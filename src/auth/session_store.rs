//! actix-session's `SessionStore` on the `sessions` table, so sessions
//! survive restarts and are shared by every instance. The key in the cookie
//! is stored only as its SHA-256 hash. A session expires when idle for
//! [`IDLE_TIMEOUT`] or [`ABSOLUTE_TIMEOUT`] after sign-in, whichever is first.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use chrono::{Duration, Utc};

use crate::auth::tokens;
use crate::db::models::sessions::{self as rows, NewSession};
use crate::db::{self, PgPool};

/// Idle time after which a session ends.
pub const IDLE_TIMEOUT: Duration = Duration::hours(8);
/// Longest life of a session, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(7);

/// The state key holding the signed-in user's id (also kept in a column so
/// all of a user's sessions can be ended at once).
pub const USER_ID_KEY: &str = "user_id";

/// The state key a failed load leaves in the request's session: actix-
/// session answers a store error with a bare 500 outside every other
/// middleware (no page, headers or log), so the store reports the failure
/// as this marker instead and the CSRF middleware, the first to look,
/// answers the 503 page. An unchanged session is never written back.
pub const STORE_UNAVAILABLE_KEY: &str = "store_unavailable";

type State = HashMap<String, String>;

#[derive(Clone)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

fn user_id_of(state: &State) -> Option<uuid::Uuid> {
    // actix-session keeps each value JSON-encoded.
    state
        .get(USER_ID_KEY)
        .and_then(|v| serde_json::from_str::<uuid::Uuid>(v).ok())
}

fn to_json(state: &State) -> serde_json::Value {
    serde_json::Value::Object(
        state
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

fn from_json(value: serde_json::Value) -> Option<State> {
    match value {
        serde_json::Value::Object(map) => Some(
            map.into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                .collect(),
        ),
        _ => None,
    }
}

fn idle_ttl(ttl: &CookieDuration) -> Duration {
    Duration::seconds(ttl.whole_seconds()).min(IDLE_TIMEOUT)
}

impl SessionStore for PgSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let hash = tokens::hash_token(key.as_ref());
        let found = db::run(&self.pool, move |conn| {
            let Some(row) = rows::find_by_hash(conn, &hash)? else {
                return Ok::<_, crate::error::AppError>(None);
            };
            // Extend the idle deadline at most every few minutes, not on
            // every request: a write per page view would be wasteful.
            let now = Utc::now();
            if row.idle_expires_at - now < IDLE_TIMEOUT - Duration::minutes(5) {
                let next = (now + IDLE_TIMEOUT).min(row.absolute_expires_at);
                rows::touch(conn, &hash, next)?;
            }
            Ok(Some(row.state))
        })
        .await;
        match found {
            Ok(found) => Ok(found.and_then(from_json)),
            Err(e) => {
                tracing::warn!(cause = %e, "session store unavailable");
                Ok(Some(State::from([(
                    STORE_UNAVAILABLE_KEY.to_owned(),
                    "true".to_owned(),
                )])))
            }
        }
    }

    async fn save(&self, state: State, ttl: &CookieDuration) -> Result<SessionKey, SaveError> {
        let key = tokens::random_token(32);
        let session_key = SessionKey::try_from(key.clone())
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let hash = tokens::hash_token(&key);
        let now = Utc::now();
        let idle = idle_ttl(ttl);
        let user_id = user_id_of(&state);
        let json = to_json(&state);
        db::run(&self.pool, move |conn| {
            rows::insert(
                conn,
                &NewSession {
                    key_hash: &hash,
                    user_id,
                    state: &json,
                    idle_expires_at: now + idle,
                    absolute_expires_at: now + ABSOLUTE_TIMEOUT,
                },
            )
        })
        .await
        .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        Ok(session_key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let hash = tokens::hash_token(key.as_ref());
        let user_id = user_id_of(&state);
        let json = to_json(&state);
        let idle = idle_ttl(ttl);
        let updated = db::run(&self.pool, move |conn| {
            rows::update_state(conn, &hash, user_id, &json, Utc::now() + idle)
        })
        .await
        .map_err(|e| UpdateError::Other(anyhow::anyhow!("{e}")))?;
        if updated == 0 {
            // Deleted meanwhile (signed out everywhere, password reset) or
            // expired: carry on as a new, empty session, so nothing of the
            // sign-in (user, CSRF token, sign-in time) comes back.
            return self.save(State::new(), ttl).await.map_err(|e| match e {
                SaveError::Serialization(e) => UpdateError::Serialization(e),
                SaveError::Other(e) => UpdateError::Other(e),
            });
        }
        Ok(key)
    }

    async fn update_ttl(
        &self,
        key: &SessionKey,
        ttl: &CookieDuration,
    ) -> Result<(), anyhow::Error> {
        let hash = tokens::hash_token(key.as_ref());
        let idle = idle_ttl(ttl);
        db::run(&self.pool, move |conn| {
            rows::touch(conn, &hash, Utc::now() + idle)
        })
        .await
        .map(|_| ())
        .map_err(|e| anyhow::anyhow!("{e}"))
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        let hash = tokens::hash_token(key.as_ref());
        db::run(&self.pool, move |conn| rows::delete_by_hash(conn, &hash))
            .await
            .map(|_| ())
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
}
