//! `GET /admin/users`: every user by e-mail, searched by the start of the
//! e-mail or name (`q`) and filtered by `role`, in keyset pages (`after`:
//! the previous page's last e-mail). One statement per page besides the
//! sign-in's.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extractors::RequireAdmin;
use crate::db::models::enums::UserRole;
use crate::db::queries::admin_users::{self, ListFilter, ListRow};
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/users/list.html")]
struct UsersPage {
    layout: Layout,
    rows: Vec<ListRow>,
    roles: &'static [UserRole],
    /// The filters as the form shows them.
    q: String,
    role: String,
    /// The filter form has nothing to be wrong: every value is read.
    errors: FormErrors,
    /// Set on every page but the first.
    first_page: Option<String>,
    next_page: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    after: Option<String>,
}

/// `/admin/users` with these filters, after `after`.
fn page_link(q: &str, role: Option<UserRole>, after: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if let Some(role) = role {
        query.append_pair("role", role.as_str());
    }
    if let Some(after) = after {
        query.append_pair("after", after);
    }
    match query.finish() {
        query if query.is_empty() => "/admin/users".to_owned(),
        query => format!("/admin/users?{query}"),
    }
}

/// GET /admin/users — admin.
pub async fn list_users(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notice = None;
    let role = match query.role.as_deref().unwrap_or_default() {
        "" => None,
        r => UserRole::parse(r).or_else(|| {
            notice = Some("That role filter is unknown, so every role is shown.");
            None
        }),
    };
    let after = match query.after.as_deref() {
        None | Some("") => None,
        Some(after)
            if after.chars().count() <= text::EMAIL_MAX && !text::has_control(after, false) =>
        {
            Some(after.to_owned())
        }
        Some(_) => {
            notice = Some("That page link is damaged, so the first page is shown.");
            None
        }
    };
    let q = text::search_words(query.q.as_deref().unwrap_or_default());
    let filter = ListFilter {
        q: Some(q.to_lowercase()).filter(|q| !q.is_empty()),
        role,
        after: after.clone(),
    };
    let (rows, more) = db::run(&pool, move |conn| {
        admin_users::list(conn, &filter, PER_PAGE)
    })
    .await?;
    let next_page = match rows.last() {
        Some(last) if more => Some(page_link(&q, role, Some(&last.email))),
        _ => None,
    };
    let first_page = after.is_some().then(|| page_link(&q, role, None));
    page.render(&UsersPage {
        layout: page.layout("Users"),
        rows,
        roles: UserRole::ALL,
        q,
        role: role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        errors: FormErrors::default(),
        first_page,
        next_page,
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_carry_the_filters() {
        assert_eq!(page_link("", None, None), "/admin/users");
        assert_eq!(
            page_link("ada l", Some(UserRole::Agent), Some("a&b@x.example")),
            "/admin/users?q=ada+l&role=agent&after=a%26b%40x.example"
        );
    }
}
