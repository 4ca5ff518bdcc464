//! `/admin/customers…`: the admin's customer pages. `list` is the list
//! with its search, `new` creates a customer, `show` is one customer's
//! page: its name and e-mail domains, and its environments (added and
//! edited there, never deleted: issues refer to them).

pub mod list;
pub mod new;
pub mod show;

use actix_web::http::Method;
use actix_web::web;
use serde::Deserialize;

use crate::db::queries::admin_customers::Refusal;
use crate::domain::admin_customers::CustomerDraft;
use crate::domain::form_errors::FormErrors;
use crate::routes::add;

/// The customer form as typed (new and edit alike): fields `name`,
/// `domains` (one per line) and, when editing, `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    version: String,
}

/// What a refused customer save says, beside the field it is about.
fn refusal_errors(refusal: &Refusal, draft: &CustomerDraft) -> FormErrors {
    match refusal {
        Refusal::NameTaken => FormErrors::field("name", "Another customer has this name."),
        Refusal::DomainsTaken(taken) if taken.is_empty() => FormErrors::field(
            "domains",
            "A domain was just given to another customer; check the list and save again.",
        ),
        Refusal::DomainsTaken(taken) => {
            let lines: Vec<String> = taken
                .iter()
                .map(|(domain, owner)| {
                    let line = draft
                        .domains
                        .iter()
                        .find(|d| &d.domain == domain)
                        .map_or(0, |d| d.line);
                    format!("Line {line} ({domain}) is already a domain of {owner}.")
                })
                .collect();
            FormErrors::field("domains", lines.join(" "))
        }
    }
}

use super::path_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/customers", list::list_customers);
    // Before `{id}`, which would otherwise claim "new".
    add(
        cfg,
        Method::GET,
        "/admin/customers/new",
        new::new_customer_form,
    );
    add(
        cfg,
        Method::POST,
        "/admin/customers/new",
        new::create_customer,
    );
    add(
        cfg,
        Method::GET,
        "/admin/customers/{id}",
        show::show_customer,
    );
    add(
        cfg,
        Method::POST,
        "/admin/customers/{id}",
        show::update_customer,
    );
    add(
        cfg,
        Method::POST,
        "/admin/customers/{id}/environments",
        show::create_environment,
    );
    add(
        cfg,
        Method::POST,
        "/admin/customers/{id}/environments/{env_id}",
        show::update_environment,
    );
}
