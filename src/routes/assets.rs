//! Static files, compiled into the binary so one file is the whole app. URLs
//! carry a content hash, so browsers may cache them for a year.

use std::sync::LazyLock;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use sha2::{Digest, Sha256};

use crate::routes::add;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const FILES: &[Asset] = &[
    Asset {
        path: "css/app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/css/app.css"),
    },
    Asset {
        path: "js/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/js/app.js"),
    },
];

/// (path, versioned URL, etag) per asset, computed once.
static VERSIONS: LazyLock<Vec<(&'static str, &'static str, String)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|a| {
            let digest = Sha256::digest(a.body);
            let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
            let url: &'static str =
                Box::leak(format!("/static/{}?v={hash}", a.path).into_boxed_str());
            (a.path, url, format!("\"{hash}\""))
        })
        .collect()
});

/// The cache-busting URL of an asset, e.g. `/static/css/app.css?v=1a2b3c`.
pub fn url(path: &str) -> &'static str {
    VERSIONS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, url, _)| *url)
        .unwrap_or("/static/missing")
}

/// GET /static/{path} — anyone.
pub async fn serve_asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    let Some((asset, (_, _, etag))) = FILES
        .iter()
        .zip(VERSIONS.iter())
        .find(|(a, _)| a.path == path)
    else {
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
        .insert_header((header::ETAG, etag.as_str()));
    if fresh {
        return response.finish();
    }
    response
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .body(asset.body)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/static/{path:.*}", serve_asset);
}
