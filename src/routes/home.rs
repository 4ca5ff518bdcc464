//! The start page: signed-out visitors go to sign in; signed-in users see
//! where to go next for their role.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db::models::enums::UserRole;
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    role: UserRole,
}

/// GET / — anyone (signed-out visitors are sent to /login).
pub async fn show_home(page: Page) -> Result<HttpResponse, AppError> {
    let Some(user) = page.user.as_ref() else {
        return Err(AppError::Unauthenticated { next: "/".into() });
    };
    page.render(&HomePage {
        layout: page.layout("Home"),
        name: user.display_name(),
        role: user.role,
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/", show_home);
}
