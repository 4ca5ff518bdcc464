//! The sweep's tables: each route with its role, a valid request, its
//! fields (with their limits, from the app's own constants) and the answers
//! the design gives.

use supportdesk::auth::password;
use supportdesk::domain::{
    admin_customers as customers, admin_docs as docs, admin_planes as planes,
    admin_planes::fields as plane_fields, admin_users as users, issue_form, text,
};

use super::*;

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
    choice("category").optional(),
    words("ctx.eks.namespace", issue_form::CONTEXT_TEXT_MAX, false),
    choice("ctx.eks.cluster_version"),
    // Missing, a new form session and submit token are made.
    choice("form_session_id").optional(),
    choice("submit_token").optional(),
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

pub(super) const ROUTES: &[Route] = &[
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
            // Empty: unassigned, and the others unchanged.
            choice("assignee_id").optional(),
            choice("status").optional(),
            choice("priority").optional(),
            choice("category").optional(),
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
            // Only customers belong to one.
            choice("customer_id").optional(),
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
            choice("customer_id").optional(),
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
        // A table the page does not have downloads nothing: the page says
        // why, as for any parameter it cannot read.
        fields: TICKETS_ANALYTICS_PARAMS,
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

pub(super) const OAUTH_ROUTES: &[Route] = &[
    Route {
        method: "POST",
        path: "/auth/testid/start",
        role: None,
        page: "/login",
        valid: &[("next", "/account")],
        // A `next` that is no path here is not followed.
        fields: &[choice("next").ignored()],
        answers: SERDE_FORM,
    },
    Route {
        method: "GET",
        path: "/auth/testid/start",
        role: None,
        page: "/login",
        valid: &[("next", "/account")],
        fields: &[choice("next").ignored()],
        answers: SERDE_LIST.ok(303),
    },
    Route {
        method: "GET",
        path: "/auth/testid/callback",
        role: None,
        page: "/login",
        valid: &[("code", "a-code"), ("state", "a-state")],
        fields: &[choice("code"), choice("state"), choice("error")],
        answers: answers(403, 403, 403, 400, CLOSED),
    },
];
