//! Static files, compiled into the binary so one file is the whole app, and
//! their cache-busting URLs. URLs carry a content hash, so browsers may
//! cache them for a year; `routes::assets` serves the bytes.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One file under `static/`.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
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
    Asset {
        path: "img/favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../static/img/favicon.svg"),
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

/// The asset at `path` (as in `css/app.css`) and its etag, if there is one.
pub fn find(path: &str) -> Option<(&'static Asset, &'static str)> {
    FILES
        .iter()
        .zip(VERSIONS.iter())
        .find(|(a, _)| a.path == path)
        .map(|(asset, (_, _, etag))| (asset, etag.as_str()))
}
