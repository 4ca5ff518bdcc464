//! `GET /admin/planes`: every plane in display order with its number of
//! active context fields, each leading to its page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::extractors::RequireAdmin;
use crate::db::queries::admin_planes::{self, ListRow};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/planes/list.html")]
struct PlanesPage {
    layout: Layout,
    rows: Vec<ListRow>,
}

/// GET /admin/planes — admin.
pub async fn list_planes(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    let rows = db::run(&pool, admin_planes::list).await?;
    page.render(&PlanesPage {
        layout: page.layout("Planes"),
        rows,
    })
}
