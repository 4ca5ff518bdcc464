//! Liveness and readiness for load balancers and orchestrators.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};

use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::add;

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

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/healthz", healthz);
    add(cfg, Method::GET, "/readyz", readyz);
}
