//! `/admin/docs…`: the admin's doc catalog, where the issue form's
//! suggestions come from. `list` is the list with its search and filters,
//! `new` adds a doc, `show` is one doc's page: its form and a button to
//! retire it (no longer suggested) or restore it, and `import` reads a
//! CSV file of docs. Docs are never deleted: feedback rows point at them.

pub mod import;
pub mod list;
pub mod new;
pub mod show;

use actix_web::http::Method;
use actix_web::web;

use crate::db::models::planes::Plane;
use crate::db::queries::admin_docs::Refusal;
use crate::domain::admin_docs::{DOC_SUMMARY, DOC_TITLE, DOC_URL_MAX, DocFields};
use crate::domain::form_errors::FormErrors;
use crate::domain::form_pairs;
use crate::routes::{add, add_form, body_limit_for_text};

/// A doc's form: its address, title and summary at their longest.
const DOC_FORM_BODY: usize =
    body_limit_for_text(DOC_URL_MAX + DOC_TITLE.max_chars + DOC_SUMMARY.max_chars);

/// The doc form as typed (new and edit alike), read from the body by hand
/// because the planes are checkboxes sharing one name.
#[derive(Debug, Clone, Default)]
pub struct DocForm {
    fields: DocFields,
    /// Present when editing: the row's `updated_at` as loaded.
    version: String,
    /// `active` of the retire/restore form: `yes` or `no`.
    active: String,
}

impl DocForm {
    /// The body's fields; a field whose bytes were not UTF-8 gets its
    /// message (the value is kept with replacement characters).
    fn read(body: &[u8]) -> (Self, FormErrors) {
        let (pairs, invalid) = form_pairs::decode(body);
        let mut form = DocForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "url" => form.fields.url = value,
                "title" => form.fields.title = value,
                "doc_type" => form.fields.doc_type = value,
                "summary" => form.fields.summary = value,
                // Bounded: the checkboxes are the planes, a few.
                "planes" if form.fields.planes.len() < 100 => form.fields.planes.push(value),
                "version" => form.version = value,
                "active" => form.active = value,
                _ => {}
            }
        }
        let mut errors = FormErrors::default();
        for name in invalid {
            if ["url", "title", "summary"].contains(&name.as_str()) {
                errors.add(
                    name,
                    "This field holds characters that are not text; retype it.",
                );
            }
        }
        (form, errors)
    }
}

/// One plane checkbox of the form.
pub struct PlaneChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn plane_choices(planes: &[Plane], ticked: &[String]) -> Vec<PlaneChoice> {
    planes
        .iter()
        .map(|p| PlaneChoice {
            value: p.slug.clone(),
            label: if p.is_active {
                p.name.clone()
            } else {
                format!("{} (inactive)", p.name)
            },
            selected: ticked.iter().any(|t| t.trim() == p.slug),
        })
        .collect()
}

/// What a refused save says, beside the field it is about.
fn refusal_errors(refusal: Refusal) -> FormErrors {
    match refusal {
        Refusal::UrlTaken => FormErrors::field("url", "Another doc has this address."),
    }
}

use super::path_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/docs", list::list_docs);
    // Before `{id}`, which would otherwise claim "new" and "import".
    add(cfg, Method::GET, "/admin/docs/new", new::new_doc_form);
    add_form(
        cfg,
        Method::POST,
        "/admin/docs/new",
        DOC_FORM_BODY,
        new::create_doc,
    );
    add(cfg, Method::GET, "/admin/docs/import", import::import_form);
    add(cfg, Method::POST, "/admin/docs/import", import::import_docs);
    add(cfg, Method::GET, "/admin/docs/{id}", show::show_doc);
    add_form(
        cfg,
        Method::POST,
        "/admin/docs/{id}",
        DOC_FORM_BODY,
        show::update_doc,
    );
    add(
        cfg,
        Method::POST,
        "/admin/docs/{id}/active",
        show::set_active,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_keeps_every_ticked_plane_and_flags_bad_bytes() {
        let (form, errors) =
            DocForm::read(b"url=https%3A%2F%2Fa.example%2F&planes=data&planes=control&title=%FF");
        assert_eq!(form.fields.url, "https://a.example/");
        assert_eq!(form.fields.planes, vec!["data", "control"]);
        assert!(errors.get("title").is_some());
    }
}
