//! Every `/issues*` page: the list (`list`), the new-issue form and filing
//! (`new`, its view model in `new_view`), an issue's page (`show`) and the
//! changes posted from it (`update`: reply, close, reopen and the agent's
//! ticket form). The route table below lists them all, in match order.

pub mod list;
pub mod new;
mod new_view;
pub mod show;
pub mod update;

use actix_web::http::Method;
use actix_web::web;

use crate::error::AppError;
use crate::routes::add;

/// An issue number from the path: `42` or `#42`; anything else is no issue.
fn parse_number(raw: &str) -> Result<i64, AppError> {
    raw.trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/issues", list::list_issues);
    add(cfg, Method::POST, "/issues", new::create_issue);
    // `/issues/new` before `/issues/{number}`, which would claim it.
    add(cfg, Method::GET, "/issues/new", new::new_issue_form);
    add(
        cfg,
        Method::POST,
        "/issues/new/fields",
        new::update_issue_form,
    );
    add(
        cfg,
        Method::POST,
        "/issues/new/feedback",
        new::record_doc_feedback,
    );
    add(cfg, Method::GET, "/issues/{number}", show::show_issue);
    add(
        cfg,
        Method::POST,
        "/issues/{number}/comments",
        update::create_comment,
    );
    add(
        cfg,
        Method::POST,
        "/issues/{number}/close",
        update::close_issue,
    );
    add(
        cfg,
        Method::POST,
        "/issues/{number}/reopen",
        update::reopen_issue,
    );
    add(
        cfg,
        Method::POST,
        "/issues/{number}/update",
        update::update_ticket,
    );
}
