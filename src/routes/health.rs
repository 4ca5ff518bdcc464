//! Liveness and readiness for load balancers and orchestrators.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};

use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;
use askama::Template;

/// GET /healthz — anyone: the process answers.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body("ok")
}

/// GET /readyz — anyone: the database answers too (503 otherwise).
pub async fn readyz(pool: web::Data<PgPool>) -> Result<HttpResponse, AppError> {
    db::run(&pool, db::ping).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body("ready"))
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    layout: Layout,
}

/// GET /status — anyone: a human-readable status page. It is also the load
/// benchmark's baseline: the full middleware stack, one pooled connection
/// running `SELECT 1`, and the base layout.
pub async fn show_status(page: Page, pool: web::Data<PgPool>) -> Result<HttpResponse, AppError> {
    db::run(&pool, db::ping).await?;
    page.render(&StatusPage {
        layout: page.layout("Status"),
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/status", show_status);
    add(cfg, Method::GET, "/healthz", healthz);
    add(cfg, Method::GET, "/readyz", readyz);
}
