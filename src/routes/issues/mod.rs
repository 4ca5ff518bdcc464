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

use crate::domain::issue_form::{self, PAIRS_MAX};
use crate::domain::text;
use crate::error::AppError;
use crate::routes::{add, add_form, body_limit_for_text};

/// The issue form's body: its long texts and a short value per other pair.
const ISSUE_FORM_BODY: usize =
    body_limit_for_text(issue_form::DESCRIPTION_MAX + issue_form::TITLE_MAX + issue_form::URL_MAX)
        + PAIRS_MAX * 256;
const REPLY_BODY: usize = body_limit_for_text(text::REPLY.max_chars);
/// The agent's ticket form, with its resolution notes.
const TICKET_FORM_BODY: usize = body_limit_for_text(text::RESOLUTION_NOTES.max_chars);

/// An issue number from the path: `42` or `#42`; anything else is no issue.
fn parse_number(raw: &str) -> Result<i64, AppError> {
    raw.trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/issues", list::list_issues);
    add_form(
        cfg,
        Method::POST,
        "/issues",
        ISSUE_FORM_BODY,
        new::create_issue,
    );
    // `/issues/new` before `/issues/{number}`, which would claim it.
    add(cfg, Method::GET, "/issues/new", new::new_issue_form);
    add_form(
        cfg,
        Method::POST,
        "/issues/new/fields",
        ISSUE_FORM_BODY,
        new::update_issue_form,
    );
    add_form(
        cfg,
        Method::POST,
        "/issues/new/feedback",
        ISSUE_FORM_BODY,
        new::record_doc_feedback,
    );
    add(cfg, Method::GET, "/issues/{number}", show::show_issue);
    add_form(
        cfg,
        Method::POST,
        "/issues/{number}/comments",
        REPLY_BODY,
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
    add_form(
        cfg,
        Method::POST,
        "/issues/{number}/update",
        TICKET_FORM_BODY,
        update::update_ticket,
    );
}
