//! Serves the static files that `views::assets` holds, with the long
//! cache lifetime their hashed URLs allow.

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, http::header, web};

use crate::routes::add;
use crate::views::assets;

/// GET /static/{path} — anyone.
pub async fn serve_asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    let Some((asset, etag)) = assets::find(&path) else {
        return HttpResponse::NotFound().finish();
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::ETAG, etag));
    if fresh {
        return response.finish();
    }
    response
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .body(asset.body)
}

/// GET /favicon.ico — anyone. Browsers and tools ask for it without
/// reading the page's `<link rel="icon">`; send them to the SVG icon.
pub async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, assets::url("img/favicon.svg")))
        .finish()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/static/{path:.*}", serve_asset);
    add(cfg, Method::GET, "/favicon.ico", favicon);
}
