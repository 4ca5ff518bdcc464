//! The hostile-input sweep (issue 13): every form field and query parameter
//! of every route, sent by the role that may use it with the other fields
//! valid (so the value really reaches validation), as: empty, at its
//! longest, one character too long, NUL, another control character,
//! invalid UTF-8, the field repeated; and once per route an unknown field
//! and a 1 MB value. Each answer is the exact status the design gives, never
//! a 5xx, and a refused request changes nothing in the database.

use std::cell::{Cell, RefCell};

use diesel::prelude::*;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use supportdesk::auth::password;
use supportdesk::domain::{
    admin_customers as customers, admin_docs as docs, admin_planes as planes,
    admin_planes::fields as plane_fields, admin_users as users, issue_form, text,
};

use crate::helpers::{TestApp, html};

/// What a field holds, which decides the values tried.
#[derive(Clone, Copy)]
enum Kind {
    /// Free text of at most `max` characters, each as `shape` says.
    Text {
        max: usize,
        required: bool,
        shape: Shape,
    },
    /// A choice, an id, a number or a token: no length of its own; a
    /// long value stands for "one too many".
    Choice,
    /// A choice that repeats (checkboxes): sent twice, it is two choices.
    Many,
}

/// How a longest valid value is spelled.
#[derive(Clone, Copy)]
enum Shape {
    /// Any letters (multi-byte ones, so characters, not bytes, count).
    Words,
    /// Plain ASCII (keys, passwords), so other rules do not refuse it.
    Ascii,
    Email,
    Url,
    /// Domain names, one per line.
    Domains,
}

/// What a field does with a value it cannot use.
#[derive(Clone, Copy)]
enum Bad {
    /// Refuses the request with the route's answer; nothing is written.
    Refused,
    /// Refuses it with this answer; nothing is written.
    RefusedWith(u16),
    /// Ignores the value (a checkbox not ticked, a link not followed): the
    /// request goes on as if the field were absent.
    Ignored,
    /// Says what is wrong with the route's answer, and the request still
    /// does its work (a doc feedback click inside an unfinished form).
    Noted,
}

#[derive(Clone, Copy)]
struct Field {
    name: &'static str,
    kind: Kind,
    bad: Bad,
    /// The answer to a longest (or empty optional) value when it differs
    /// from the route's (e.g. a password that is not the account's).
    ok: u16,
}

const fn text(name: &'static str, rule: &text::TextRule<'static>) -> Field {
    words(name, rule.max_chars, rule.required)
}

const fn words(name: &'static str, max: usize, required: bool) -> Field {
    shaped(name, max, required, Shape::Words)
}

const fn shaped(name: &'static str, max: usize, required: bool, shape: Shape) -> Field {
    Field {
        name,
        kind: Kind::Text {
            max,
            required,
            shape,
        },
        bad: Bad::Refused,
        ok: 0,
    }
}

const fn choice(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Choice,
        bad: Bad::Refused,
        ok: 0,
    }
}

const fn many(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Many,
        bad: Bad::Refused,
        ok: 0,
    }
}

impl Field {
    const fn refused(mut self, status: u16) -> Self {
        self.bad = Bad::RefusedWith(status);
        self
    }
    const fn ignored(mut self) -> Self {
        self.bad = Bad::Ignored;
        self
    }
    const fn noted(mut self) -> Self {
        self.bad = Bad::Noted;
        self
    }
    const fn ok(mut self, status: u16) -> Self {
        self.ok = status;
        self
    }
}

/// The answers a route gives.
#[derive(Clone, Copy)]
struct Answers {
    /// A valid request (a longest value, an optional field left empty).
    ok: u16,
    /// A refused value: too long, NUL, control characters, empty required.
    refused: u16,
    /// Bytes that are not UTF-8.
    damaged: u16,
    /// A single-value field sent twice.
    repeated: u16,
    /// A field the form does not have.
    unknown: u16,
    /// Text too long, or empty when required.
    length: u16,
    /// An unknown field is said, and the request still does its work.
    records: bool,
    /// A 1 MB value.
    huge: u16,
}

const fn answers(ok: u16, refused: u16, damaged: u16, repeated: u16, huge: u16) -> Answers {
    Answers {
        ok,
        refused,
        damaged,
        repeated,
        unknown: ok,
        length: refused,
        records: false,
        huge,
    }
}

impl Answers {
    const fn ok(mut self, status: u16) -> Self {
        self.ok = status;
        self.unknown = status;
        self
    }
    const fn unknown(mut self, status: u16) -> Self {
        self.unknown = status;
        self
    }
    const fn records(mut self) -> Self {
        self.records = true;
        self
    }
    const fn length(mut self, status: u16) -> Self {
        self.length = status;
        self
    }
}

struct Route {
    method: &'static str,
    /// The path; `{name}` parts are filled in per request (see `Ctx::value`).
    path: &'static str,
    /// Who sends it (None: signed out).
    role: Option<&'static str>,
    /// The page holding the form, for `{form:…}` values.
    page: &'static str,
    valid: &'static [(&'static str, &'static str)],
    fields: &'static [Field],
    answers: Answers,
}

const CUSTOMER: Option<&str> = Some("customer1@example.com");
const AGENT: Option<&str> = Some("agent1@example.com");
const ADMIN: Option<&str> = Some("admin@example.com");

const EMAIL_MAX: usize = text::EMAIL_MAX;
const PASSWORD_MAX: usize = password::MAX_CHARS;

/// Forms answer 303 when saved and 422 with the page when refused; the
/// ones read by hand (`form_pairs`) name a field that is not UTF-8 (422)
/// and take the last of a repeated one.
const FORM: Answers = answers(303, 422, 422, 303, 413);
/// Forms read by serde (`routes::form::Form`): a body that is not UTF-8
/// or a repeated field is a 400.
const SERDE_FORM: Answers = answers(303, 422, 400, 400, 413);
/// Lists read by hand: a parameter that cannot be read is ignored (with a
/// notice where the page has one) and the page shown.
const LIST: Answers = answers(200, 200, 200, 200, CLOSED);
/// Lists read by serde (`web::Query`): a repeated parameter is a 400.
const SERDE_LIST: Answers = answers(200, 200, 200, 400, CLOSED);
/// Analytics pages: an unreadable parameter is a notice on the page.
const ANALYTICS: Answers = LIST;

const ISSUE_FIELDS: &[Field] = &[
    choice("environment_id"),
    choice("primary_plane"),
    // Secondary planes repeat, but not the same one twice.
    choice("planes"),
    shaped("title", issue_form::TITLE_MAX, true, Shape::Words),
    shaped(
        "description",
        issue_form::DESCRIPTION_MAX,
        true,
        Shape::Words,
    ),
    shaped("pipeline_url", issue_form::URL_MAX, false, Shape::Url),
    // Required of a customer who has no chat handle on their account.
    shaped(
        "submitter_handle",
        issue_form::HANDLE_MAX,
        true,
        Shape::Ascii,
    ),
    choice("category"),
    words("ctx.eks.namespace", issue_form::CONTEXT_TEXT_MAX, false),
    choice("ctx.eks.cluster_version"),
    choice("form_session_id"),
    choice("submit_token"),
];

const ISSUE_VALID: &[(&str, &str)] = &[
    ("form_session_id", "{form:form_session_id}"),
    ("submit_token", "{form:submit_token}"),
    ("environment_id", "{env_prod}"),
    ("primary_plane", "eks"),
    ("planes", "app-cicd"),
    ("title", "Pods stuck in Pending"),
    ("description", "Since this morning pods stay Pending."),
    ("submitter_handle", "@casey"),
    ("category", "technical_issue"),
    ("ctx.app-cicd.pipeline_stage", "deploy"),
    ("ctx.eks.cluster_version", "1.31"),
    ("ctx.eks.node_group", "spot"),
    ("ctx.eks.namespace", "payments"),
];

const ROUTES: &[Route] = &[
    // Signed out.
    Route {
        method: "GET",
        path: "/login",
        role: None,
        page: "/login",
        valid: &[],
        fields: &[choice("next")],
        answers: SERDE_LIST,
    },
    Route {
        method: "POST",
        path: "/login",
        role: None,
        page: "/login",
        valid: &[
            ("email", "customer2@example.com"),
            ("password", "supportdesk-demo"),
        ],
        // Wrong credentials, whatever is wrong with them, are a 401; a
        // `next` that is not a path here is not followed.
        fields: &[
            shaped("email", EMAIL_MAX, true, Shape::Email).ok(401),
            shaped("password", PASSWORD_MAX, true, Shape::Ascii).ok(401),
            choice("next").ignored(),
        ],
        answers: answers(303, 401, 400, 400, 413),
    },
    Route {
        method: "POST",
        path: "/invitations/{invite}",
        role: None,
        page: "/login",
        valid: &[
            ("name", "New Agent"),
            ("password", "a long enough password"),
            ("confirm_password", "a long enough password"),
        ],
        fields: &[
            text("name", &text::PERSON_NAME),
            shaped("password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
            shaped("confirm_password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/password-reset/{reset}",
        role: None,
        page: "/login",
        valid: &[
            ("password", "a long enough password"),
            ("confirm_password", "a long enough password"),
        ],
        fields: &[
            shaped("password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
            shaped("confirm_password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
        ],
        answers: SERDE_FORM,
    },
    // Any signed-in user.
    Route {
        method: "POST",
        path: "/account/password",
        role: Some("agent2@example.com"),
        page: "/account",
        valid: &[
            ("current_password", "supportdesk-demo"),
            ("new_password", "supportdesk-demo"),
            ("confirm_password", "supportdesk-demo"),
        ],
        fields: &[
            shaped("current_password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
            shaped("new_password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
            shaped("confirm_password", PASSWORD_MAX, true, Shape::Ascii).ok(422),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/account/notifications",
        role: Some("customer2@example.com"),
        page: "/account",
        valid: &[("topics", "{form:topics}")],
        // A box that is not one of the topics is not ticked.
        fields: &[many("topics").ignored()],
        answers: answers(303, 303, 303, 303, 413),
    },
    // Customers: issues.
    Route {
        method: "GET",
        path: "/issues",
        role: CUSTOMER,
        page: "/issues",
        valid: &[],
        fields: &[choice("status"), choice("q"), choice("before")],
        answers: SERDE_LIST,
    },
    Route {
        method: "GET",
        path: "/issues/new",
        role: CUSTOMER,
        page: "/issues/new",
        valid: &[("primary_plane", "eks")],
        fields: &[
            choice("environment_id"),
            choice("primary_plane"),
            many("planes"),
            choice("title"),
            choice("description"),
            choice("pipeline_url"),
            choice("submitter_handle"),
            choice("category"),
            choice("ctx.eks.namespace"),
            choice("ctx.eks.cluster_version"),
        ],
        answers: LIST,
    },
    Route {
        method: "POST",
        path: "/issues",
        role: CUSTOMER,
        page: "/issues/new",
        valid: ISSUE_VALID,
        fields: ISSUE_FIELDS,
        // Unknown fields are refused: the form knows every name it sends.
        answers: answers(303, 422, 422, 422, 413).unknown(422),
    },
    Route {
        method: "POST",
        path: "/issues/new/fields",
        role: CUSTOMER,
        page: "/issues/new",
        valid: ISSUE_VALID,
        // While the form is being filled in, lengths and repeated context
        // values are for the submit to judge; damaged values are said now.
        fields: &[
            choice("environment_id"),
            choice("primary_plane"),
            shaped("title", issue_form::TITLE_MAX, true, Shape::Words),
            shaped(
                "description",
                issue_form::DESCRIPTION_MAX,
                true,
                Shape::Words,
            ),
            many("ctx.eks.namespace"),
            choice("form_session_id"),
        ],
        answers: answers(200, 422, 422, 422, 413).unknown(422).length(200),
    },
    Route {
        method: "POST",
        path: "/issues/new/feedback",
        role: CUSTOMER,
        page: "/issues/new",
        valid: &[
            ("form_session_id", "{form:form_session_id}"),
            ("environment_id", "{env_prod}"),
            ("primary_plane", "eks"),
            ("title", "Pods stuck in Pending"),
            ("feedback", "helpful:{doc}"),
        ],
        // The click is recorded and the form shown again, saying what is
        // wrong with it (a damaged form session is replaced by a new one);
        // a click that names no doc is a 400.
        fields: &[
            many("feedback").refused(400),
            choice("form_session_id").noted(),
            shaped("title", issue_form::TITLE_MAX, true, Shape::Words).noted(),
        ],
        answers: answers(200, 422, 422, 422, 413)
            .unknown(422)
            .length(200)
            .records(),
    },
    Route {
        method: "POST",
        path: "/issues/{issue}/comments",
        role: AGENT,
        page: "/issues/{issue}",
        valid: &[("body", "Looking into it.")],
        // Only "true" makes an internal note.
        fields: &[text("body", &text::REPLY), choice("internal").ignored()],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/issues/{resolved}/reopen",
        role: CUSTOMER,
        page: "/issues/{resolved}",
        valid: &[("version", "{form:version}"), ("reason", "It is back.")],
        fields: &[
            choice("version").refused(400),
            text("reason", &text::REOPEN_REASON),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/issues/{issue}/close",
        role: CUSTOMER,
        page: "/issues/{issue}",
        valid: &[("version", "{form:version}")],
        fields: &[choice("version").refused(400)],
        answers: SERDE_FORM,
    },
    // Agents.
    Route {
        method: "POST",
        path: "/issues/{issue}/update",
        role: AGENT,
        page: "/issues/{issue}",
        valid: &[
            ("version", "{form:version}"),
            ("loaded_at", "{form:loaded_at}"),
            ("status", "in_progress"),
            ("priority", "high"),
            ("category", "billing"),
            ("assignee_id", "{agent}"),
        ],
        // `loaded_at` only lists what changed since; a damaged one lists
        // nothing.
        fields: &[
            choice("version").refused(400),
            choice("loaded_at").ignored(),
            choice("assignee_id"),
            choice("status"),
            choice("priority"),
            choice("category"),
            text("resolution_notes", &text::RESOLUTION_NOTES),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "GET",
        path: "/queue",
        role: AGENT,
        page: "/queue",
        valid: &[],
        fields: &[
            choice("q"),
            choice("view"),
            choice("status"),
            choice("priority"),
            choice("category"),
            choice("plane"),
            choice("any_plane"),
            choice("customer"),
            choice("env_type"),
            choice("assignee"),
            choice("from"),
            choice("to"),
            choice("sort"),
            choice("after"),
        ],
        answers: LIST,
    },
    Route {
        method: "POST",
        path: "/queue/bulk",
        role: AGENT,
        page: "/queue",
        valid: &[
            ("action", "priority"),
            ("priority", "high"),
            ("issue", "{issue_ref}"),
            ("return_to", "/queue"),
        ],
        fields: &[
            choice("action"),
            choice("priority"),
            many("issue"),
            choice("return_to").ignored(),
        ],
        // Back to the queue with a flash saying what was wrong.
        answers: answers(303, 303, 303, 303, 413),
    },
    // Admins.
    Route {
        method: "POST",
        path: "/admin/invitations",
        role: ADMIN,
        page: "/admin/invitations",
        valid: &[("email", "invitee{uniq}@example.com"), ("role", "agent")],
        fields: &[
            shaped("email", EMAIL_MAX, true, Shape::Email),
            choice("role"),
            choice("customer_id"),
            choice("send_email").ignored(),
        ],
        // The link is shown once, on the page itself.
        answers: SERDE_FORM.ok(200),
    },
    Route {
        method: "POST",
        path: "/admin/password-resets",
        role: ADMIN,
        page: "/admin/invitations",
        valid: &[("email", "customer3@example.com")],
        // A longest address has no account.
        fields: &[
            shaped("email", EMAIL_MAX, true, Shape::Email).ok(422),
            choice("send_email").ignored(),
        ],
        answers: SERDE_FORM.ok(200),
    },
    Route {
        method: "GET",
        path: "/admin/users",
        role: ADMIN,
        page: "/admin/users",
        valid: &[],
        fields: &[choice("q"), choice("role"), choice("after")],
        answers: SERDE_LIST,
    },
    Route {
        method: "POST",
        path: "/admin/users/{user}",
        role: ADMIN,
        page: "/admin/users/{user}",
        valid: &[
            ("name", "Agent Two"),
            ("role", "agent"),
            ("version", "{form:version}"),
        ],
        fields: &[
            text("name", &users::NAME),
            choice("role"),
            choice("customer_id"),
            text("chat_handle", &users::CHAT_HANDLE),
            choice("version").refused(400),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/users/{user}/disable",
        role: ADMIN,
        page: "/admin/users/{user}",
        valid: &[("version", "{form:version}")],
        fields: &[choice("version").refused(400)],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/users/{user}/enable",
        role: ADMIN,
        page: "/admin/users/{user}",
        valid: &[("version", "{form:version}")],
        fields: &[choice("version").refused(400)],
        answers: SERDE_FORM,
    },
    Route {
        method: "GET",
        path: "/admin/customers",
        role: ADMIN,
        page: "/admin/customers",
        valid: &[],
        fields: &[choice("q"), choice("after")],
        answers: SERDE_LIST,
    },
    Route {
        method: "POST",
        path: "/admin/customers/new",
        role: ADMIN,
        page: "/admin/customers/new",
        valid: &[("name", "Sweep {uniq}"), ("domains", "sweep{uniq}.example")],
        fields: &[
            text("name", &customers::CUSTOMER_NAME),
            shaped(
                "domains",
                customers::DOMAINS_TEXT_MAX,
                false,
                Shape::Domains,
            ),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/customers/{customer}",
        role: ADMIN,
        page: "/admin/customers/{customer}",
        valid: &[("name", "Acme {uniq}"), ("version", "{form:version}")],
        fields: &[
            text("name", &customers::CUSTOMER_NAME),
            shaped(
                "domains",
                customers::DOMAINS_TEXT_MAX,
                false,
                Shape::Domains,
            ),
            choice("version"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/customers/{customer}/environments",
        role: ADMIN,
        page: "/admin/customers/{customer}",
        valid: &[("name", "sweep-{uniq}"), ("env_type", "qa")],
        fields: &[
            text("name", &customers::ENVIRONMENT_NAME),
            choice("env_type"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/customers/{customer}/environments/{env}",
        role: ADMIN,
        page: "/admin/customers/{customer}",
        valid: &[
            ("name", "renamed-{uniq}"),
            ("env_type", "qa"),
            ("version", "{form:version}"),
        ],
        fields: &[
            text("name", &customers::ENVIRONMENT_NAME),
            choice("env_type"),
            choice("version"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "GET",
        path: "/admin/docs",
        role: ADMIN,
        page: "/admin/docs",
        valid: &[],
        fields: &[
            choice("q"),
            choice("doc_type"),
            choice("plane"),
            choice("active"),
            choice("after"),
        ],
        answers: SERDE_LIST,
    },
    Route {
        method: "POST",
        path: "/admin/docs/new",
        role: ADMIN,
        page: "/admin/docs/new",
        valid: &[
            ("url", "https://docs.example.com/sweep/{uniq}"),
            ("title", "Sweep doc"),
            ("doc_type", "how-to"),
            ("planes", "eks"),
            ("summary", "A summary."),
        ],
        fields: &[
            shaped("url", docs::DOC_URL_MAX, true, Shape::Url),
            text("title", &docs::DOC_TITLE),
            choice("doc_type"),
            many("planes"),
            text("summary", &docs::DOC_SUMMARY),
        ],
        answers: FORM,
    },
    Route {
        method: "POST",
        path: "/admin/docs/{doc}",
        role: ADMIN,
        page: "/admin/docs/{doc}",
        valid: &[
            ("url", "https://docs.example.com/sweep/{uniq}"),
            ("title", "Sweep doc"),
            ("doc_type", "how-to"),
            ("planes", "eks"),
            ("summary", "A summary."),
            ("version", "{form:version}"),
        ],
        fields: &[
            shaped("url", docs::DOC_URL_MAX, true, Shape::Url),
            text("title", &docs::DOC_TITLE),
            choice("doc_type"),
            many("planes"),
            text("summary", &docs::DOC_SUMMARY),
            choice("version"),
        ],
        answers: FORM,
    },
    Route {
        method: "POST",
        path: "/admin/docs/{doc}/active",
        role: ADMIN,
        page: "/admin/docs/{doc}",
        valid: &[("active", "no"), ("version", "{form:version}")],
        fields: &[choice("active"), choice("version")],
        answers: FORM,
    },
    Route {
        method: "POST",
        path: "/admin/planes/app-cicd",
        role: ADMIN,
        page: "/admin/planes/app-cicd",
        valid: &[
            ("name", "App CI/CD"),
            ("description", "Pipelines."),
            ("version", "{form:version}"),
        ],
        fields: &[
            text("name", &planes::PLANE_NAME),
            text("description", &planes::PLANE_DESCRIPTION),
            choice("version"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/planes/app-cicd/fields",
        role: ADMIN,
        page: "/admin/planes/app-cicd",
        valid: &[
            ("label", "Sweep field"),
            ("context_key", "sweep_{uniq}"),
            ("field_type", "text"),
        ],
        fields: &[
            text("label", &plane_fields::FIELD_LABEL),
            shaped("context_key", planes::CONTEXT_KEY_MAX, true, Shape::Ascii),
            choice("field_type"),
            // A ticked box: any value.
            choice("is_required").ignored(),
            text("help_text", &plane_fields::FIELD_HELP),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/planes/app-cicd/fields/{field}",
        role: ADMIN,
        page: "/admin/planes/app-cicd/fields/{field}",
        valid: &[
            ("label", "Sweep field"),
            ("context_key", "sweep_{uniq}"),
            ("field_type", "text"),
            ("version", "{form:version}"),
        ],
        fields: &[
            text("label", &plane_fields::FIELD_LABEL),
            shaped("context_key", planes::CONTEXT_KEY_MAX, true, Shape::Ascii),
            choice("field_type"),
            // A ticked box: any value.
            choice("is_required").ignored(),
            text("help_text", &plane_fields::FIELD_HELP),
            choice("version"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/planes/app-cicd/fields/{select}/options",
        role: ADMIN,
        page: "/admin/planes/app-cicd/fields/{select}",
        valid: &[
            ("value", "sweep-{uniq}"),
            ("label", "Sweep"),
            ("version", "{form:version}"),
        ],
        fields: &[
            text("value", &plane_fields::OPTION_VALUE),
            text("label", &plane_fields::OPTION_LABEL),
            choice("version"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/planes/app-cicd/fields/{select}/options/{option}",
        role: ADMIN,
        page: "/admin/planes/app-cicd/fields/{select}",
        valid: &[
            ("value", "sweep-{uniq}"),
            ("label", "Sweep"),
            ("version", "{form:version}"),
        ],
        fields: &[
            text("value", &plane_fields::OPTION_VALUE),
            text("label", &plane_fields::OPTION_LABEL),
            choice("version"),
        ],
        answers: SERDE_FORM,
    },
    Route {
        method: "POST",
        path: "/admin/planes/app-cicd/fields/{field}/up",
        role: ADMIN,
        page: "/admin/planes/app-cicd",
        valid: &[("version", "{form:version}")],
        // A damaged version is as stale as an old one.
        fields: &[choice("version").refused(409)],
        answers: SERDE_FORM,
    },
    Route {
        method: "GET",
        path: "/admin/audit",
        role: ADMIN,
        page: "/admin/audit",
        valid: &[],
        fields: &[choice("kind"), choice("actor"), choice("before")],
        answers: SERDE_LIST,
    },
    Route {
        method: "GET",
        path: "/admin/notifications",
        role: ADMIN,
        page: "/admin/notifications",
        valid: &[],
        fields: &[choice("status"), choice("event"), choice("before")],
        answers: SERDE_LIST,
    },
    Route {
        method: "GET",
        path: "/admin/analytics",
        role: ADMIN,
        page: "/admin/analytics",
        valid: &[],
        fields: ANALYTICS_PARAMS,
        answers: ANALYTICS,
    },
    Route {
        method: "GET",
        path: "/admin/analytics/docs",
        role: ADMIN,
        page: "/admin/analytics/docs",
        valid: &[],
        fields: DOCS_ANALYTICS_PARAMS,
        answers: ANALYTICS,
    },
    Route {
        method: "GET",
        path: "/admin/analytics/docs.csv",
        role: ADMIN,
        page: "/admin/analytics/docs",
        valid: &[],
        fields: DOCS_ANALYTICS_PARAMS,
        answers: ANALYTICS,
    },
    Route {
        method: "GET",
        path: "/admin/analytics/tickets",
        role: ADMIN,
        page: "/admin/analytics/tickets",
        valid: &[("table", "weekly")],
        fields: TICKETS_ANALYTICS_PARAMS,
        answers: ANALYTICS,
    },
    Route {
        method: "GET",
        path: "/admin/analytics/tickets.csv",
        role: ADMIN,
        page: "/admin/analytics/tickets",
        valid: &[("table", "weekly")],
        // A table the page does not have has no download.
        fields: &[
            choice("from"),
            choice("to"),
            choice("plane"),
            choice("customer"),
            choice("table").refused(404),
        ],
        answers: ANALYTICS,
    },
];

const ANALYTICS_PARAMS: &[Field] = &[
    choice("from"),
    choice("to"),
    choice("plane"),
    choice("customer"),
    choice("doc_type"),
];
const DOCS_ANALYTICS_PARAMS: &[Field] = &[
    choice("from"),
    choice("to"),
    choice("plane"),
    choice("customer"),
    choice("doc_type"),
    choice("sort"),
    choice("dir"),
    choice("min_shown"),
];
const TICKETS_ANALYTICS_PARAMS: &[Field] = &[
    choice("from"),
    choice("to"),
    choice("plane"),
    choice("customer"),
    choice("table"),
];

/// One value tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Valid,
    Empty,
    Longest,
    TooLong,
    Nul,
    Control,
    NotUtf8,
    Repeated,
    Unknown,
    Huge,
}

/// No answer at all: a request line longer than actix-http reads (128 KiB)
/// is refused by closing the connection, before any handler.
const CLOSED: u16 = 0;

/// Answers that differ from the design today: (route, field or "*" for
/// every field, variant, answer today). Each is a bug to fix; the sweep
/// still insists on no 5xx for them.
const KNOWN: &[(&str, &str, Variant, u16)] = &[
    // src/routes/issues/update.rs still reads its forms with `web::Form`,
    // which reads bytes that are not UTF-8 as U+FFFD: free text is saved
    // mangled (303), choices are refused as unknown values (422), where
    // `routes::form::Form` answers 400 as for the other forms.
    ("/issues/{issue}/comments", "*", Variant::NotUtf8, 303),
    ("/issues/{resolved}/reopen", "*", Variant::NotUtf8, 303),
    ("/issues/{issue}/update", "*", Variant::NotUtf8, 303),
    ("/issues/{issue}/update", "*", Variant::NotUtf8, 422),
];

/// Whether an answer is one of the known bugs.
fn known(o: &Outcome) -> bool {
    KNOWN.iter().any(|&(route, field, variant, today)| {
        o.route == route
            && (field == "*" || o.field == field)
            && o.variant == variant
            && o.got == today
    })
}

/// A value as sent: text to encode, or bytes already percent-encoded.
enum Value {
    Text(String),
    Encoded(&'static str),
}

fn encode(pairs: &[(String, Value)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let k = utf8_percent_encode(k, NON_ALPHANUMERIC);
            match v {
                Value::Text(v) => format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)),
                Value::Encoded(v) => format!("{k}={v}"),
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The longest valid value of a field, different each time (`n`) so that
/// names that must be unique stay so.
fn longest(max: usize, shape: Shape, n: u32) -> String {
    let pad = |prefix: String, c: char, len: usize| {
        let have = prefix.chars().count();
        prefix + &c.to_string().repeat(len - have)
    };
    match shape {
        Shape::Words => pad(format!("{n} "), 'ü', max),
        Shape::Ascii => pad(format!("k{n}"), 'k', max),
        Shape::Email => pad(format!("a{n}"), 'a', max - "@example.com".len()) + "@example.com",
        Shape::Url => pad(format!("https://docs.example.com/{n}/"), 'p', max),
        // As many domains as allowed, each as long as allowed (labels of
        // at most 63 characters), one per line.
        Shape::Domains => (0..customers::DOMAINS_MAX)
            .map(|i| {
                let first = format!("d{n}x{i}");
                let first = first.clone() + &"a".repeat(63 - first.len());
                let last = "c".repeat(customers::DOMAIN_MAX - 3 * 64);
                format!("{first}.{}.{}.{last}", "a".repeat(63), "b".repeat(63))
            })
            .collect::<Vec<_>>()
            .join("\r\n"),
    }
}

/// Fills `{name}` parts of paths and values, per request, since earlier
/// requests close issues, reopen them and move versions.
struct Ctx {
    /// One connection for every look-up (a new one per query is slow).
    conn: RefCell<PgConnection>,
    admin: TestApp,
    uniq: Cell<u32>,
}

impl Ctx {
    /// A text from the test database (the query names it `s`).
    fn text(&self, sql: &str) -> String {
        #[derive(QueryableByName)]
        struct S {
            #[diesel(sql_type = diesel::sql_types::Text)]
            s: String,
        }
        diesel::sql_query(sql)
            .get_result::<S>(&mut *self.conn.borrow_mut())
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .s
    }

    fn next(&self) -> u32 {
        self.uniq.set(self.uniq.get() + 1);
        self.uniq.get()
    }

    async fn fill(&self, s: &str, form: Option<&(String, String)>) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find('{') {
            let end = start + rest[start..].find('}').expect("closed placeholder");
            out.push_str(&rest[..start]);
            out.push_str(&self.value(&rest[start + 1..end], form).await);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// `form` is the page's HTML and the form's action, for `form:…`.
    async fn value(&self, name: &str, form: Option<&(String, String)>) -> String {
        let sql = |sql: &str| self.text(sql);
        let mine = |col: &str, statuses: &str| {
            sql(&format!(
                "SELECT {col} AS s FROM issues i JOIN users u ON u.id = i.created_by_id \
                 WHERE u.email = 'customer1@example.com' AND i.status IN ({statuses}) \
                 ORDER BY i.number LIMIT 1"
            ))
        };
        match name {
            "issue" => mine("i.number::text", "'open', 'in_progress'"),
            "issue_ref" => mine(
                "i.id::text || '.' || i.lock_version::text",
                "'open', 'in_progress'",
            ),
            "resolved" => mine("i.number::text", "'resolved'"),
            "uniq" => self.next().to_string(),
            "agent" => sql("SELECT id::text AS s FROM users WHERE email = 'agent1@example.com'"),
            "user" => sql("SELECT id::text AS s FROM users WHERE email = 'agent2@example.com'"),
            "customer" => sql(
                "SELECT customer_id::text AS s FROM users WHERE email = 'customer1@example.com'",
            ),
            "env" | "env_prod" => sql(&format!(
                "SELECT e.id::text AS s FROM environments e JOIN users u \
                 ON u.customer_id = e.customer_id WHERE u.email = 'customer1@example.com' \
                 AND e.env_type {} 'production' ORDER BY e.created_at, e.id LIMIT 1",
                if name == "env" { "<>" } else { "=" }
            )),
            "doc" => sql("SELECT id::text AS s FROM docs WHERE is_active ORDER BY url LIMIT 1"),
            "field" | "select" => sql(&format!(
                "SELECT c.id::text AS s FROM plane_contexts c JOIN planes p ON p.id = c.plane_id \
                 WHERE p.slug = 'app-cicd' AND {} ORDER BY c.created_at DESC LIMIT 1",
                // The newest field is the sweep's own (no issue uses it,
                // so its key may change).
                if name == "field" {
                    "true"
                } else {
                    "c.context_key = 'runner_type'"
                }
            )),
            "option" => sql("SELECT o.id::text AS s FROM plane_context_options o \
                 JOIN plane_contexts c ON c.id = o.plane_context_id \
                 JOIN planes p ON p.id = c.plane_id \
                 WHERE p.slug = 'app-cicd' AND c.context_key = 'runner_type' \
                 ORDER BY o.display_order DESC LIMIT 1"),
            "invite" | "reset" => self.link(name == "invite").await,
            _ => {
                let field = name.strip_prefix("form:").expect("known placeholder");
                let (page, action) = form.expect("a page for form values");
                let doc = html::parse(page);
                html::attrs(
                    &doc,
                    &format!("form[action=\"{action}\"] [name=\"{field}\"]"),
                    "value",
                )
                .into_iter()
                .chain(html::attrs(&doc, &format!("[name=\"{field}\"]"), "value"))
                .next()
                .unwrap_or_else(|| panic!("no {field} in the form of {action}"))
            }
        }
    }

    /// The token of a fresh invitation or password-reset link (single use).
    async fn link(&self, invite: bool) -> String {
        let token = self.admin.form_token("/admin/invitations").await;
        let email = format!("invited{}@example.com", self.next());
        let (path, email) = match invite {
            true => ("/admin/invitations", email.as_str()),
            false => ("/admin/password-resets", "customer3@example.com"),
        };
        let fields = [("email", email), ("role", "agent"), ("csrf_token", &token)];
        let res = self.admin.post_form(path, &fields).await;
        let doc = html::parse(&res.text().await.unwrap());
        let link = html::attrs(&doc, "#created-link", "value").remove(0);
        link.rsplit('/').next().unwrap().to_owned()
    }
}

/// Routes whose valid request signs in (or anew, after a password change):
/// the session's CSRF token changes, so each request gets a new browser.
const SIGNS_IN: &[&str] = &[
    "/login",
    "/invitations/{invite}",
    "/password-reset/{reset}",
    "/account/password",
];

/// What the database holds that a refused request must leave alone.
const FINGERPRINT: &str = "SELECT concat_ws(',', \
    (SELECT count(*) FROM issues), (SELECT sum(lock_version) FROM issues), \
    (SELECT max(updated_at) FROM issues), (SELECT count(*) FROM comments), \
    (SELECT count(*) FROM resolutions), (SELECT count(*) FROM issue_activities), \
    (SELECT count(*) FROM users), (SELECT max(updated_at) FROM users), \
    (SELECT md5(string_agg(coalesce(password_hash, ''), ',' ORDER BY id)) FROM users), \
    (SELECT count(*) FROM verification_tokens WHERE used_at IS NULL), \
    (SELECT count(*) FROM doc_feedback), (SELECT count(*) FROM customers), \
    (SELECT max(updated_at) FROM customers), (SELECT count(*) FROM customer_domains), \
    (SELECT count(*) FROM environments), (SELECT max(updated_at) FROM environments), \
    (SELECT count(*) FROM docs), (SELECT max(updated_at) FROM docs), \
    (SELECT count(*) FROM doc_planes), (SELECT max(updated_at) FROM planes), \
    (SELECT count(*) FROM plane_contexts), (SELECT max(updated_at) FROM plane_contexts), \
    (SELECT md5(string_agg(value || label || is_active::text, ',' ORDER BY id)) \
     FROM plane_context_options), \
    (SELECT max(updated_at) FROM notification_preferences), \
    (SELECT count(*) FROM admin_audit)) AS s";

/// One request and its answer.
struct Outcome {
    route: &'static str,
    field: &'static str,
    variant: Variant,
    what: String,
    want: u16,
    got: u16,
    /// A refusal that changed the database.
    wrote: bool,
    /// What the page said, when it refused.
    said: String,
}

/// Sends one variant of one field of `route` (None: the whole request, as
/// `variant` Valid, Unknown or Huge says).
async fn send(
    ctx: &Ctx,
    browser: &TestApp,
    token: &str,
    route: &Route,
    field: Option<&Field>,
    variant: Variant,
) -> Outcome {
    let path = ctx.fill(route.path, None).await;
    let form = if route.valid.iter().any(|(_, v)| v.contains("{form:")) {
        let page = ctx.fill(route.page, None).await;
        let body = browser.get(&page).await.text().await.unwrap();
        Some((body, path.clone()))
    } else {
        None
    };
    let mut pairs: Vec<(String, Value)> = Vec::new();
    if route.method == "POST" {
        pairs.push(("csrf_token".into(), Value::Text(token.into())));
    }
    for (k, v) in route.valid {
        if field.is_none_or(|f| f.name != *k) {
            pairs.push((k.to_string(), Value::Text(ctx.fill(v, form.as_ref()).await)));
        }
    }
    let a = route.answers;
    let (value, (want, refusal)) = match (field, variant) {
        (None, Variant::Valid) => (None, (a.ok, false)),
        (None, Variant::Unknown) => (
            Some(("zz_unknown", Value::Text("1".into()))),
            (a.unknown, a.unknown != a.ok && !a.records),
        ),
        (None, _) => {
            let name = route.fields[0].name;
            pairs.retain(|(k, _)| k != name);
            let huge = Value::Text("x".repeat(1024 * 1024));
            (Some((name, huge)), (a.huge, true))
        }
        (Some(f), v) => {
            let valid = route.valid.iter().find(|(k, _)| *k == f.name);
            let valid = ctx.fill(valid.map_or("x", |(_, v)| v), form.as_ref()).await;
            let ok = if f.ok == 0 { a.ok } else { f.ok };
            let bad = |route_answer: u16| match f.bad {
                Bad::Refused => (route_answer, true),
                Bad::RefusedWith(status) => (status, true),
                Bad::Ignored => (ok, false),
                Bad::Noted => (route_answer, false),
            };
            let (value, want) = match (v, f.kind) {
                (Variant::Empty, Kind::Text { required, .. }) => (
                    Value::Text(String::new()),
                    if required { bad(a.length) } else { (ok, false) },
                ),
                (Variant::Longest, Kind::Text { max, shape, .. }) => {
                    (Value::Text(longest(max, shape, ctx.next())), (ok, false))
                }
                (Variant::TooLong, Kind::Text { max, shape, .. }) => {
                    let value = match shape {
                        Shape::Domains => "k".repeat(max + 1),
                        _ => longest(max + 1, shape, ctx.next()),
                    };
                    (Value::Text(value), bad(a.length))
                }
                (Variant::TooLong, _) => (Value::Text("k".repeat(10_000)), bad(a.length)),
                (Variant::Nul, _) => (Value::Text(format!("{valid}\0")), bad(a.refused)),
                (Variant::Control, _) => (Value::Text(format!("{valid}\u{1b}")), bad(a.refused)),
                // `routes::form::Form` refuses such a body whole.
                (Variant::NotUtf8, _) if a.damaged == 400 => {
                    (Value::Encoded("bad%FF%FEvalue"), (400, true))
                }
                (Variant::NotUtf8, _) => (Value::Encoded("bad%FF%FEvalue"), bad(a.damaged)),
                (Variant::Repeated, Kind::Many) => {
                    pairs.push((f.name.into(), Value::Text(valid.clone())));
                    (Value::Text(valid), (ok, false))
                }
                (Variant::Repeated, _) => {
                    pairs.push((f.name.into(), Value::Text(valid.clone())));
                    let refusal = a.repeated != a.ok && !matches!(f.bad, Bad::Noted);
                    (Value::Text(valid), (a.repeated, refusal))
                }
                _ => unreachable!("variant {v:?} of {}", f.name),
            };
            (Some((f.name, value)), want)
        }
    };
    let what = match (field, &value) {
        (Some(f), _) => format!("{} {variant:?}", f.name),
        (None, _) => format!("{variant:?}"),
    };
    if let Some((name, value)) = value {
        pairs.push((name.into(), value));
    }
    let before = refusal.then(|| ctx.text(FINGERPRINT));
    let body = encode(&pairs);
    let res = match route.method {
        "GET" => {
            let sep = if body.is_empty() { "" } else { "?" };
            let url = browser.url(&format!("{path}{sep}{body}"));
            browser.client.get(url).send().await
        }
        _ => {
            browser
                .client
                .post(browser.url(&path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
        }
    };
    let (got, said) = match res {
        Ok(res) => {
            let status = res.status().as_u16();
            let page = html::parse(&res.text().await.unwrap_or_default());
            (status, html::text(&page, ".error-summary"))
        }
        Err(_) => (CLOSED, String::new()),
    };
    let wrote = before.is_some_and(|before| ctx.text(FINGERPRINT) != before);
    Outcome {
        route: route.path,
        field: field.map_or("", |f| f.name),
        variant,
        what: format!("{} {} {what}", route.method, route.path),
        want,
        got,
        wrote,
        said,
    }
}

#[tokio::test]
async fn every_field_and_parameter_answers_hostile_values_as_designed() {
    let app = TestApp::spawn().await;
    // Resolved issues of customer1 to reopen (the valid requests).
    app.exec(
        "UPDATE issues SET status = 'resolved', resolved_at = now() WHERE id IN ( \
         SELECT i.id FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com' AND i.status IN ('open', 'in_progress') \
         ORDER BY i.number DESC LIMIT 3)",
    );
    let admin = app.other_browser();
    admin.sign_in("admin@example.com").await;
    let ctx = Ctx {
        conn: RefCell::new(app.db.conn()),
        admin,
        uniq: Cell::new(0),
    };
    let mut outcomes = Vec::new();
    for route in ROUTES {
        let mut browser = app.other_browser();
        let mut token = String::new();
        let mut fresh = true;
        let cases = std::iter::once((None, Variant::Valid))
            .chain(route.fields.iter().flat_map(|f| {
                [
                    Variant::TooLong,
                    Variant::Nul,
                    Variant::Control,
                    Variant::NotUtf8,
                    Variant::Repeated,
                ]
                .map(|v| (Some(f), v))
            }))
            .chain([(None, Variant::Huge)])
            // What is saved last: it may move versions.
            .chain(
                route
                    .fields
                    .iter()
                    .filter(|f| matches!(f.kind, Kind::Text { .. }))
                    .flat_map(|f| [Variant::Empty, Variant::Longest].map(|v| (Some(f), v))),
            )
            .chain([(None, Variant::Unknown)]);
        for (field, variant) in cases {
            if fresh {
                browser = app.other_browser();
                if let Some(email) = route.role {
                    browser.sign_in(email).await;
                }
                let page = if route.role.is_some() {
                    "/account"
                } else {
                    "/login"
                };
                token = browser.form_token(page).await;
                fresh = SIGNS_IN.contains(&route.path);
            }
            outcomes.push(send(&ctx, &browser, &token, route, field, variant).await);
        }
    }
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| o.got != o.want || o.got >= 500 || o.wrote)
        .filter(|o| !known(o) || o.got >= 500 || o.got == CLOSED)
        .map(|o| {
            let wrote = if o.wrote { " and it wrote" } else { "" };
            format!(
                "{}: want {} got {}{wrote} {}",
                o.what, o.want, o.got, o.said
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} answers were wrong:\n{}",
        wrong.len(),
        outcomes.len(),
        wrong.join("\n")
    );
}
