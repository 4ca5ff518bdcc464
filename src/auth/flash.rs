//! One-time messages shown on the page after a redirect ("Issue #1042
//! filed"). They travel in a signed cookie, so no session row is needed
//! and nobody can plant a message of their own.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::AppConfig;

/// How a message is styled (the template reads [`FlashKind::css`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Info,
    Warning,
    Error,
}

impl FlashKind {
    pub fn css(&self) -> &'static str {
        match self {
            FlashKind::Success => "flash-success",
            FlashKind::Info => "flash-info",
            FlashKind::Warning => "flash-warning",
            FlashKind::Error => "flash-error",
        }
    }
}

/// One message as the layout shows it.
#[derive(Debug, Clone)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

/// The signing key, and under https the `__Host-` name and Secure flag.
struct Jar {
    key: Key,
    https: bool,
}

impl Jar {
    fn of(req: &HttpRequest) -> Option<Self> {
        req.app_data::<web::Data<AppConfig>>().map(|c| Self {
            key: c.cookie_key.clone(),
            https: c.https,
        })
    }

    fn name(&self) -> &'static str {
        if self.https {
            "__Host-sd_flash"
        } else {
            "sd_flash"
        }
    }
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
    let Some(flash) = Jar::of(req) else { return };
    let mut jar = CookieJar::new();
    jar.signed_mut(&flash.key).add(
        Cookie::build(
            flash.name(),
            format!("{}{}", encode(kind), URL_SAFE_NO_PAD.encode(message)),
        )
        .path("/")
        .http_only(true)
        .secure(flash.https)
        .same_site(SameSite::Lax)
        .finish(),
    );
    for cookie in jar.delta() {
        let _ = response.add_cookie(cookie);
    }
}

/// The message waiting for this request, if any (verified).
pub fn read(req: &HttpRequest) -> Vec<Flash> {
    let Some(flash) = Jar::of(req) else {
        return Vec::new();
    };
    let Some(cookie) = req.cookie(flash.name()) else {
        return Vec::new();
    };
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let Some(verified) = jar.signed(&flash.key).get(flash.name()) else {
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
    let Some(flash) = Jar::of(req) else { return };
    if req.cookie(flash.name()).is_some() {
        let mut removal = Cookie::build(flash.name(), "")
            .path("/")
            .secure(flash.https)
            .finish();
        removal.make_removal();
        let _ = response.add_cookie(&removal);
    }
}
