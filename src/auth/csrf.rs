//! Cross-site request forgery protection for every state-changing request
//! (and, as the first middleware inside the session layer, the 503 page
//! when the session store could not load the session).
//!
//! Two checks, both required: the browser's own signals (`Sec-Fetch-Site`,
//! `Origin`) must not say cross-site, and the request must carry the token
//! of its session (form field `csrf_token` or header `X-CSRF-Token`). A
//! file upload (`multipart/form-data`) carries the field as its first
//! part, so the check reads only the head of the upload, never the file.
//! Signed-in sessions keep a random token in their server-side state, so a
//! token from before sign-in is worthless after it. Signed-out visitors (the
//! sign-in form) get a signed cookie instead, so no session row is written
//! for anonymous traffic.

use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, mime, web};
use futures_util::StreamExt;

use crate::auth::{client_address, session, tokens};
use crate::config::AppConfig;
use crate::error::AppError;

/// The token to embed in this request's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Largest form body the check reads, the largest any route takes (see
/// `routes::add_form`); larger bodies answer 413 before a byte is read
/// when they say their length, as browsers do.
pub const MAX_FORM_BYTES: usize = 512 * 1024;

fn anon_cookie_name(https: bool) -> &'static str {
    if https { "__Host-sd_csrf" } else { "sd_csrf" }
}

/// True when the browser says the request comes from another site.
fn cross_site(req: &HttpRequest, config: &AppConfig) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => false,
        Some(origin) => {
            let same_host = client_address::requested_host(&config.trusted_proxies, req)
                .is_some_and(|host| {
                    [format!("http://{host}"), format!("https://{host}")].contains(&origin.into())
                });
            !(origin == config.base_url || same_host)
        }
    }
}

/// Middleware (inside the session middleware): gives every request its
/// token and refuses unsafe requests without the right one.
pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let config = req
        .app_data::<web::Data<AppConfig>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("AppConfig missing".into()))?;
    let key = &config.cookie_key;
    let cookie_name = anon_cookie_name(config.https);

    if session::store_unavailable(&req.get_session()) {
        let cause = "the session store cannot reach the database".to_owned();
        return Ok(req.error_response(AppError::Unavailable(cause)));
    }
    let session_token = session::csrf_token(&req.get_session());
    let mut new_anon_cookie = None;
    let expected = match session_token {
        Some(token) => token,
        None => {
            let mut jar = CookieJar::new();
            if let Some(c) = req.cookie(cookie_name) {
                jar.add_original(c);
            }
            match jar.signed(key).get(cookie_name) {
                Some(c) => c.value().to_owned(),
                None => {
                    let token = tokens::random_token(32);
                    new_anon_cookie = Some(token.clone());
                    token
                }
            }
        }
    };
    req.extensions_mut().insert(CsrfToken(expected.clone()));

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        // Refusals become responses here, so the error-page middleware
        // outside renders them like any other.
        if cross_site(req.request(), &config) {
            return Ok(req.error_response(AppError::Csrf("cross-site request")));
        }
        if new_anon_cookie.is_some() {
            return Ok(req.error_response(AppError::Csrf("no token cookie")));
        }
        let provided = match req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
        {
            Some(token) => Some(token.to_owned()),
            None => match read_body_token(&mut req).await {
                Ok(token) => token,
                Err(e) => return Ok(req.error_response(e)),
            },
        };
        match provided {
            Some(token) if tokens::constant_eq(&token, &expected) => {}
            _ => return Ok(req.error_response(AppError::Csrf("missing or wrong token"))),
        }
    }

    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(token) = new_anon_cookie {
        let mut jar = CookieJar::new();
        jar.signed_mut(key).add(
            Cookie::build(cookie_name, token)
                .path("/")
                .http_only(true)
                .secure(config.https)
                .same_site(SameSite::Lax)
                .finish(),
        );
        for cookie in jar.delta() {
            res.response_mut().add_cookie(cookie)?;
        }
    }
    Ok(res)
}

/// The body's `csrf_token` field, for a form (urlencoded) or an upload
/// (multipart); the body stays readable for the handler.
async fn read_body_token(req: &mut ServiceRequest) -> Result<Option<String>, actix_web::Error> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return read_form_token(req).await;
    }
    match multipart_boundary(&content_type) {
        Some(boundary) => read_multipart_token(req, &boundary).await,
        None => Ok(None),
    }
}

/// Reads the `csrf_token` field from an urlencoded body and puts the body
/// back for the handler.
async fn read_form_token(req: &mut ServiceRequest) -> Result<Option<String>, actix_web::Error> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return Err(actix_web::error::ErrorPayloadTooLarge("form too large"));
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(actix_web::error::ErrorPayloadTooLarge("form too large"));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let token = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.into_owned());
    req.set_payload(Payload::from(body));
    Ok(token)
}

/// The most bytes of an upload read to find its first part: a token part
/// is about 150 bytes.
const MAX_TOKEN_PART_BYTES: usize = 4096;

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mime: mime::Mime = content_type.parse().ok()?;
    if mime.type_() != mime::MULTIPART || mime.subtype() != mime::FORM_DATA {
        return None;
    }
    let boundary = mime.get_param(mime::BOUNDARY)?.as_str();
    (!boundary.is_empty()).then(|| boundary.to_owned())
}

/// Reads the `csrf_token` field of an upload, which must be its first part
/// (browsers send fields in the form's order, and our upload forms put the
/// hidden token first), from at most [`MAX_TOKEN_PART_BYTES`]; then puts
/// what it read back before the rest of the body, which it never reads:
/// the file is the handler's to stream. A token in the URL instead would
/// end up in browser history and access logs.
async fn read_multipart_token(
    req: &mut ServiceRequest,
    boundary: &str,
) -> Result<Option<String>, actix_web::Error> {
    let mut payload = req.take_payload();
    let mut head = web::BytesMut::new();
    let token = loop {
        match first_part_token(&head, boundary) {
            FirstPart::Token(token) => break Some(token),
            FirstPart::Other => break None,
            FirstPart::Incomplete if head.len() >= MAX_TOKEN_PART_BYTES => break None,
            FirstPart::Incomplete => match payload.next().await {
                Some(chunk) => head.extend_from_slice(&chunk?),
                None => break None,
            },
        }
    };
    let head = head.freeze();
    let body = futures_util::stream::once(async move { Ok(head) }).chain(payload);
    let body: std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>> = Box::pin(body);
    req.set_payload(Payload::from(body));
    Ok(token)
}

/// What the head of an upload says about its first part.
#[derive(Debug, PartialEq, Eq)]
enum FirstPart {
    /// The part is the field `csrf_token`, with this value.
    Token(String),
    /// The body has not reached the end of the first part yet.
    Incomplete,
    /// The first part is something else (or the body is malformed).
    Other,
}

/// Reads the first part of a multipart body from its head: `--boundary`,
/// the part's headers, a blank line, the value, then `\r\n--boundary`.
fn first_part_token(head: &[u8], boundary: &str) -> FirstPart {
    let delimiter = format!("--{boundary}\r\n");
    let delimiter = delimiter.as_bytes();
    if head.len() < delimiter.len() {
        return match delimiter.starts_with(head) {
            true => FirstPart::Incomplete,
            false => FirstPart::Other,
        };
    }
    let Some(rest) = head.strip_prefix(delimiter) else {
        return FirstPart::Other;
    };
    let Some(headers_end) = find(rest, b"\r\n\r\n") else {
        return FirstPart::Incomplete;
    };
    let is_token_field = rest[..headers_end]
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|&b| b == b':')?;
            let (name, value) = line.split_at(colon);
            name.eq_ignore_ascii_case(b"content-disposition").then(|| {
                let value = header::HeaderValue::from_bytes(value[1..].trim_ascii()).ok()?;
                header::ContentDisposition::from_raw(&value).ok()
            })?
        })
        .any(|cd| {
            cd.is_form_data() && cd.get_name() == Some("csrf_token") && cd.get_filename().is_none()
        });
    if !is_token_field {
        return FirstPart::Other;
    }
    let value = &rest[headers_end + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(value, closing.as_bytes()) {
        Some(end) => match std::str::from_utf8(&value[..end]) {
            Ok(token) => FirstPart::Token(token.to_owned()),
            Err(_) => FirstPart::Other,
        },
        None => FirstPart::Incomplete,
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

impl FromRequest for CsrfToken {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<CsrfToken>()
                .cloned()
                .ok_or_else(|| AppError::Internal("csrf middleware not mounted".into())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "----x7";

    fn body(first_name: &str, value: &str) -> Vec<u8> {
        format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"{first_name}\"\r\n\r\n{value}\r\n--{B}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nurl\r\n--{B}--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn the_token_is_read_from_the_first_part_only() {
        let good = body("csrf_token", "t0k3n");
        assert_eq!(first_part_token(&good, B), FirstPart::Token("t0k3n".into()));
        // Every shorter head asks for more, none guesses.
        for cut in 0..good.len() {
            let got = first_part_token(&good[..cut], B);
            assert!(
                matches!(got, FirstPart::Incomplete | FirstPart::Token(_)),
                "{cut}: {got:?}"
            );
            if let FirstPart::Token(t) = got {
                assert_eq!(t, "t0k3n");
            }
        }
        assert_eq!(
            first_part_token(&body("other", "t0k3n"), B),
            FirstPart::Other
        );
        assert_eq!(
            first_part_token(&body("csrf_token", "x"), "----y"),
            FirstPart::Other
        );
        assert_eq!(first_part_token(b"garbage", B), FirstPart::Other);
        // A file part named csrf_token is not the field.
        let file = format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"csrf_token\"; filename=\"t\"\r\n\r\nv\r\n--{B}--"
        );
        assert_eq!(first_part_token(file.as_bytes(), B), FirstPart::Other);
    }

    #[test]
    fn only_form_data_uploads_have_a_boundary() {
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=abc"),
            Some("abc".into())
        );
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"a b\""),
            Some("a b".into())
        );
        assert_eq!(multipart_boundary("multipart/mixed; boundary=abc"), None);
        assert_eq!(multipart_boundary("multipart/form-data"), None);
        assert_eq!(multipart_boundary("text/plain"), None);
    }
}
