//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1, the OWASP
//! minimum). Hashing takes tens of milliseconds of CPU: callers run it on
//! the blocking pool, never on the async executor.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for a password.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    hasher()?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing password: {e}")))
}

/// True when the password matches the stored hash; a malformed hash is a mismatch.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), stored_hash).is_ok())
}

/// A hash to verify against when the account does not exist, so that an
/// unknown e-mail takes as long as a wrong password (no account enumeration).
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// [`hash_password`] on the blocking pool, for handlers.
pub async fn hash_off_executor(password: String) -> Result<String, AppError> {
    actix_web::web::block(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))?
}

/// [`verify_password`] on the blocking pool, for handlers. With no stored
/// hash (an unknown account) it checks against [`dummy_hash`], so the
/// answer takes as long as for a real account, and is false.
pub async fn verify_off_executor(
    password: String,
    stored_hash: Option<String>,
) -> Result<bool, AppError> {
    actix_web::web::block(move || match stored_hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(format!("password check: {e}")))
}

/// Shortest password accepted.
pub const MIN_CHARS: usize = 12;
/// Longest password accepted (argon2 time grows with length).
pub const MAX_CHARS: usize = 1000;

/// Checks a new password and its confirmation; returns the messages for
/// the two fields (both `None` when fine).
pub fn check_new(password: &str, confirm: &str) -> (Option<String>, Option<&'static str>) {
    let chars = password.chars().count();
    let new = if chars < MIN_CHARS {
        Some(format!(
            "Use at least {MIN_CHARS} characters (you typed {chars})."
        ))
    } else if chars > MAX_CHARS {
        Some(format!("Use at most {MAX_CHARS} characters."))
    } else {
        None
    };
    let confirm = (password != confirm).then_some("The two passwords differ.");
    (new, confirm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_and_verifies() {
        let hash = hash_password("correct horse").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
