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
use supportdesk::config::Settings;
use supportdesk::domain::{admin_customers as customers, text};

use crate::helpers::oauth_provider::FakeProvider;
use crate::helpers::{TestApp, TestDb, html};

mod routes;

use routes::{OAUTH_ROUTES, ROUTES};

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
    /// A choice that may be left empty.
    optional: bool,
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
        optional: false,
    }
}

const fn choice(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Choice,
        bad: Bad::Refused,
        ok: 0,
        optional: false,
    }
}

const fn many(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Many,
        bad: Bad::Refused,
        ok: 0,
        optional: false,
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
    const fn optional(mut self) -> Self {
        self.optional = true;
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
                (Variant::Empty, _) if f.optional => (Value::Text(String::new()), (ok, false)),
                (Variant::Empty, _) => (Value::Text(String::new()), bad(a.length)),
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
            // What a refusal said, for the failure message; not every
            // answer has a summary.
            (status, html::texts(&page, ".error-summary").join(" "))
        }
        Err(_) => (CLOSED, String::new()),
    };
    let wrote = before.is_some_and(|before| ctx.text(FINGERPRINT) != before);
    Outcome {
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
    check(sweep(&app, ROUTES).await);
}

/// The OAuth routes, with a provider configured. Without a sign-in started
/// in the same browser a callback is refused (403) before its values are
/// used; tests/it/oauth.rs follows real ones.
#[tokio::test]
async fn oauth_parameters_answer_hostile_values_as_designed() {
    let provider = FakeProvider::start().await;
    let db = TestDb::new();
    let mut settings = Settings::for_database(&db.url);
    settings.oauth = vec![provider.setting()];
    let app = TestApp::spawn_with(db, settings).await;
    check(sweep(&app, OAUTH_ROUTES).await);
}

/// Sends every case of every route; the outcomes in order.
async fn sweep(app: &TestApp, routes: &[Route]) -> Vec<Outcome> {
    let admin = app.other_browser();
    admin.sign_in("admin@example.com").await;
    let ctx = Ctx {
        conn: RefCell::new(app.db.conn()),
        admin,
        uniq: Cell::new(0),
    };
    let mut outcomes = Vec::new();
    for route in routes {
        let mut browser = app.other_browser();
        let mut token = String::new();
        let mut fresh = true;
        let cases = std::iter::once((None, Variant::Valid))
            .chain(route.fields.iter().flat_map(|f| {
                let empty = match f.kind {
                    // Text may be saved empty: with what is saved, below.
                    Kind::Text { .. } => None,
                    _ => Some((Some(f), Variant::Empty)),
                };
                [
                    Variant::TooLong,
                    Variant::Nul,
                    Variant::Control,
                    Variant::NotUtf8,
                    Variant::Repeated,
                ]
                .map(|v| (Some(f), v))
                .into_iter()
                .chain(empty)
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
    outcomes
}

/// Fails listing every wrong answer.
fn check(outcomes: Vec<Outcome>) {
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| o.got != o.want || o.got >= 500 || o.wrote)
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
