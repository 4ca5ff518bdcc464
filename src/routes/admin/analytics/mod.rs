//! `/admin/analytics…`: the admin's analytics pages. This module holds what
//! they share: reading the analytics query parameters into a [`Scope`]
//! (filters checked against the planes and customers that exist, a notice
//! for each one dropped, and the filter form's choices), links and CSV file
//! names that carry the same filters. Each page is its own module.

pub mod docs;
mod docs_view;
pub mod index;
pub mod tickets;

use actix_web::http::Method;
use actix_web::{HttpRequest, web};
use chrono::Utc;
use uuid::Uuid;

use crate::db::cache::{Caches, Stamps};
use crate::db::models::enums::DocType;
use crate::db::models::planes;
use crate::db::{self, PgPool};
use crate::domain::analytics::{Filters, Notice};
use crate::domain::form_errors::FormErrors;
use crate::domain::form_pairs;
use crate::error::AppError;
use crate::routes::add;

/// One option of a filter select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The filter form as `templates/admin/analytics/_filters.html` draws it:
/// the values in effect and the choices.
#[derive(Debug, Clone)]
pub struct FilterForm {
    /// Where the form is sent (the page itself).
    pub action: &'static str,
    pub from: String,
    pub to: String,
    pub planes: Vec<Choice>,
    pub customers: Vec<Choice>,
    /// Empty on pages that have no doc type filter.
    pub doc_types: Vec<Choice>,
    /// Always empty: the form macros take one; a bad value is a notice.
    pub errors: FormErrors,
}

/// What an analytics page is about, as read from its query string.
#[derive(Debug, Clone)]
pub struct Scope {
    pub filters: Filters,
    /// The plane filter's id, when there is one.
    pub plane_id: Option<Uuid>,
    /// The customer filter's name, when there is one.
    pub customer_name: Option<String>,
    /// Sentences for the parameters that were dropped.
    pub notices: Vec<&'static str>,
    pub form: FilterForm,
    /// What the figures are computed from, as of this request.
    pub stamps: Stamps,
}

/// Reads the query string of `req` (a page at `action`) into a [`Scope`].
/// Unreadable parameters are notices, unknown planes and customers too;
/// nothing here fails but the database. Pages without a doc type filter
/// pass `with_doc_type = false`: the parameter is then ignored.
pub async fn read_scope(
    req: &HttpRequest,
    pool: &PgPool,
    caches: &web::Data<Caches>,
    action: &'static str,
    with_doc_type: bool,
) -> Result<Scope, AppError> {
    let (pairs, _invalid_utf8) = form_pairs::decode(req.query_string().as_bytes());
    let (mut filters, mut notices) = Filters::parse(&pairs, Utc::now().date_naive());
    if !with_doc_type {
        filters.doc_type = None;
        notices.retain(|n| *n != Notice::BadDocType);
    }
    let caches = caches.clone();
    let (planes, customers, stamps) = db::run(pool, move |conn| {
        let planes = planes::list_all(conn)?;
        let stamps = Stamps::read(conn)?;
        let directory = caches.directory(conn, stamps.markers, std::iter::empty())?;
        let customers: Vec<(Uuid, String)> = directory
            .customers
            .iter()
            .map(|c| (c.id, c.name.clone()))
            .collect();
        Ok::<_, diesel::result::Error>((planes, customers, stamps))
    })
    .await?;

    let plane = filters
        .plane
        .as_deref()
        .and_then(|slug| planes.iter().find(|p| p.slug == slug));
    if filters.plane.is_some() && plane.is_none() {
        notices.push(Notice::UnknownPlane);
        filters.plane = None;
    }
    let customer = filters
        .customer
        .and_then(|id| customers.iter().find(|(c, _)| *c == id));
    if filters.customer.is_some() && customer.is_none() {
        notices.push(Notice::UnknownCustomer);
        filters.customer = None;
    }
    let plane_id = plane.map(|p| p.id);
    let customer_name = customer.map(|(_, name)| name.clone());

    let form = FilterForm {
        action,
        from: filters.from.format("%Y-%m-%d").to_string(),
        to: filters.to.format("%Y-%m-%d").to_string(),
        planes: planes
            .iter()
            .map(|p| Choice {
                value: p.slug.clone(),
                label: if p.is_active {
                    p.name.clone()
                } else {
                    format!("{} (inactive)", p.name)
                },
                selected: Some(p.id) == plane_id,
            })
            .collect(),
        customers: customers
            .iter()
            .map(|(id, name)| Choice {
                value: id.hyphenated().to_string(),
                label: name.clone(),
                selected: Some(*id) == filters.customer,
            })
            .collect(),
        doc_types: if with_doc_type {
            DocType::ALL
                .iter()
                .map(|t| Choice {
                    value: t.as_str().to_owned(),
                    label: t.label().to_owned(),
                    selected: Some(*t) == filters.doc_type,
                })
                .collect()
        } else {
            Vec::new()
        },
        errors: FormErrors::default(),
    };
    let mut sentences: Vec<&'static str> = Vec::new();
    for n in notices {
        if !sentences.contains(&n.sentence()) {
            sentences.push(n.sentence());
        }
    }
    Ok(Scope {
        filters,
        plane_id,
        customer_name,
        notices: sentences,
        form,
        stamps,
    })
}

/// `path` with the filters and `extra` pairs as its query.
pub fn link(path: &str, filters: &Filters, extra: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters.pairs() {
        query.append_pair(name, &value);
    }
    for (name, value) in extra {
        query.append_pair(name, value);
    }
    format!("{path}?{}", query.finish())
}

/// A download's file name: `<stem>-<from>-to-<to>.csv` (ASCII; the stem is
/// the app's own word, never user input).
pub fn csv_filename(stem: &str, filters: &Filters) -> String {
    format!(
        "{stem}-{}-to-{}.csv",
        filters.from.format("%Y-%m-%d"),
        filters.to.format("%Y-%m-%d")
    )
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/analytics", index::show_index);
    add(
        cfg,
        Method::GET,
        "/admin/analytics/tickets",
        tickets::show_tickets,
    );
    add(
        cfg,
        Method::GET,
        "/admin/analytics/tickets.csv",
        tickets::download_tickets,
    );
    docs::configure(cfg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn links_and_file_names_carry_the_filters() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let mut filters = Filters::defaults(today);
        filters.plane = Some("eks".into());
        assert_eq!(
            link(
                "/admin/analytics/tickets.csv",
                &filters,
                &[("table", "backlog")]
            ),
            "/admin/analytics/tickets.csv?from=2026-11-01&to=2026-11-30&plane=eks&table=backlog"
        );
        assert_eq!(
            csv_filename("tickets", &filters),
            "tickets-2026-11-01-to-2026-11-30.csv"
        );
    }

    #[derive(askama::Template)]
    #[template(
        source = "{% include \"admin/analytics/_filters.html\" %}",
        ext = "html"
    )]
    struct Drawn {
        filter_form: FilterForm,
    }

    #[test]
    fn the_filter_form_keeps_the_values_in_effect() {
        use askama::Template;
        let choice = |value: &str, selected| Choice {
            value: value.into(),
            label: format!("{value} <name>"),
            selected,
        };
        let mut form = FilterForm {
            action: "/admin/analytics/tickets",
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            planes: vec![choice("eks", false), choice("app-cicd", true)],
            customers: vec![choice("c1", false)],
            doc_types: Vec::new(),
            errors: FormErrors::default(),
        };
        let html = Drawn {
            filter_form: form.clone(),
        }
        .render()
        .unwrap();
        assert!(html.contains(r#"action="/admin/analytics/tickets""#));
        assert!(html.contains(r#"type="date" id="from" name="from" value="2026-11-01""#));
        assert!(html.contains(r#"<option value="app-cicd" selected>"#));
        assert!(!html.contains("<name>") && !html.contains(r#"name="doc_type""#));
        form.doc_types = vec![choice("how-to", true)];
        let html = Drawn { filter_form: form }.render().unwrap();
        assert!(html.contains(r#"name="doc_type""#));
    }
}
