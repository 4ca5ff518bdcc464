//! One-time messages shown on the page after a redirect ("Issue #1042
//! filed"). They travel in a signed cookie, so no session row is needed
//! and nobody can plant a message of their own.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::startup::AppConfig;
use crate::views::{Flash, FlashKind};

const COOKIE: &str = "sd_flash";

fn key(req: &HttpRequest) -> Option<Key> {
    req.app_data::<web::Data<AppConfig>>()
        .map(|c| crate::auth::csrf::cookie_key(c))
}

fn encode(kind: FlashKind) -> char {
    match kind {
        FlashKind::Success => 's',
        FlashKind::Info => 'i',
        FlashKind::Warning => 'w',
        FlashKind::Error => 'e',
    }
}

/// Adds a message to a (redirect) response.
pub fn set(req: &HttpRequest, response: &mut HttpResponse, kind: FlashKind, message: &str) {
    let Some(key) = key(req) else { return };
    let mut jar = CookieJar::new();
    jar.signed_mut(&key).add(
        Cookie::build(
            COOKIE,
            format!("{}{}", encode(kind), URL_SAFE_NO_PAD.encode(message)),
        )
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish(),
    );
    for cookie in jar.delta() {
        let _ = response.add_cookie(cookie);
    }
}

/// The message waiting for this request, if any (verified).
pub fn read(req: &HttpRequest) -> Vec<Flash> {
    let (Some(key), Some(cookie)) = (key(req), req.cookie(COOKIE)) else {
        return Vec::new();
    };
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let Some(verified) = jar.signed(&key).get(COOKIE) else {
        return Vec::new();
    };
    let value = verified.value();
    let kind = match value.chars().next() {
        Some('s') => FlashKind::Success,
        Some('w') => FlashKind::Warning,
        Some('e') => FlashKind::Error,
        _ => FlashKind::Info,
    };
    let Some(message) = value
        .get(1..)
        .and_then(|m| URL_SAFE_NO_PAD.decode(m).ok())
        .and_then(|m| String::from_utf8(m).ok())
    else {
        return Vec::new();
    };
    vec![Flash { kind, message }]
}

/// Removes the cookie once its message has been shown.
pub fn clear(req: &HttpRequest, response: &mut HttpResponse) {
    if req.cookie(COOKIE).is_some() {
        let mut removal = Cookie::build(COOKIE, "").path("/").finish();
        removal.make_removal();
        let _ = response.add_cookie(&removal);
    }
}
