//! `GET /admin`: the admin's home — live counts of open work, people,
//! customers and docs (one statement), and a link to every admin page.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::extractors::RequireAdmin;
use crate::db::queries::admin_home::{self, HomeCounts};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;

/// One count on the page, linked to where its rows are listed.
struct Stat {
    value: String,
    label: &'static str,
    href: Option<&'static str>,
}

/// An admin page the home links to.
struct AdminLink {
    href: &'static str,
    label: &'static str,
    what: &'static str,
}

/// Every admin page that exists; a page is listed here once it is built.
const ADMIN_PAGES: &[AdminLink] = &[
    AdminLink {
        href: "/admin/users",
        label: "Users",
        what: "Find people, change their role, customer and chat handle, disable or re-enable them.",
    },
    AdminLink {
        href: "/admin/customers",
        label: "Customers",
        what: "Customers, the e-mail domains that place self-signed-up users with them, and their environments.",
    },
    AdminLink {
        href: "/admin/planes",
        label: "Planes",
        what: "The platform areas issues are filed under: labels, descriptions, and their context fields and options: add, edit, reorder, retire, restore.",
    },
    AdminLink {
        href: "/admin/docs",
        label: "Docs",
        what: "The doc catalog the issue form suggests from: add, edit, retire and restore docs.",
    },
    AdminLink {
        href: "/admin/docs/import",
        label: "Import docs",
        what: "Add and update many docs at once from a CSV file, with a report of every row.",
    },
    AdminLink {
        href: "/admin/analytics",
        label: "Analytics",
        what: "How the desk is doing: issues per week, response and resolution times, the open backlog and the work per agent.",
    },
    AdminLink {
        href: "/admin/analytics/docs",
        label: "Doc analytics",
        what: "Which docs prevent issues: deflection, each doc's helpful rate, by type, plane and context value, and what to write next.",
    },
    AdminLink {
        href: "/admin/invitations",
        label: "Invitations",
        what: "Invite people and hand out password-reset links.",
    },
    AdminLink {
        href: "/admin/audit",
        label: "Audit log",
        what: "Who changed what, when, with each field before and after.",
    },
];

#[derive(Template)]
#[template(path = "admin/home.html")]
struct AdminHomePage {
    layout: Layout,
    stats: Vec<Stat>,
    pages: &'static [AdminLink],
}

/// GET /admin — admin.
pub async fn show_admin_home(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    let counts = db::run(&pool, admin_home::home_counts).await?;
    page.render(&AdminHomePage {
        layout: page.layout("Admin"),
        stats: stats(&counts),
        pages: ADMIN_PAGES,
    })
}

fn stats(c: &HomeCounts) -> Vec<Stat> {
    let stat = |value: i64, label, href| Stat {
        value: grouped(value),
        label,
        href,
    };
    vec![
        stat(c.open_issues, "Open issues", Some("/queue?view=open")),
        stat(c.customers, "Customers", Some("/admin/customers")),
        stat(c.admins, "Admins", Some("/admin/users?role=admin")),
        stat(c.agents, "Agents", Some("/admin/users?role=agent")),
        stat(
            c.customer_users,
            "Customer users",
            Some("/admin/users?role=customer"),
        ),
        stat(c.disabled_users, "Disabled users", None),
        Stat {
            value: format!("{} of {}", grouped(c.active_docs), grouped(c.docs)),
            label: "Docs active",
            href: Some("/admin/docs?active=yes"),
        },
    ]
}

/// A count with thousands separated: "1,204,331".
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin", show_admin_home);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_204_331), "1,204,331");
        assert_eq!(grouped(-12_345), "-12,345");
    }
}
