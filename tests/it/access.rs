//! The route × role matrix: every route the app registers, requested by a
//! signed-out visitor and each role, answers exactly as DESIGN.md allows.
//! A route added without an entry here fails the test.

use crate::helpers::TestApp;

/// What a role gets from a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Reaches the handler (2xx, a redirect elsewhere than sign-in, or a
    /// form answer such as 401/422). A 5xx is no outcome: it fails the test.
    Served,
    /// Sent to /login?next=….
    SignIn,
    Forbidden,
    NotFound,
}

use Outcome::*;

struct Entry {
    method: &'static str,
    pattern: &'static str,
    /// A concrete path to request.
    path: &'static str,
    /// Signed out, customer, agent, admin.
    expect: [Outcome; 4],
}

const fn e(
    method: &'static str,
    pattern: &'static str,
    path: &'static str,
    expect: [Outcome; 4],
) -> Entry {
    Entry {
        method,
        pattern,
        path,
        expect,
    }
}

const MATRIX: &[Entry] = &[
    e("GET", "/", "/", [SignIn, Served, Served, Served]),
    e("GET", "/healthz", "/healthz", [Served; 4]),
    e("GET", "/readyz", "/readyz", [Served; 4]),
    e("GET", "/status", "/status", [Served; 4]),
    e(
        "GET",
        "/static/{path:.*}",
        "/static/css/app.css",
        [Served; 4],
    ),
    e("GET", "/favicon.ico", "/favicon.ico", [Served; 4]),
    e("GET", "/login", "/login", [Served; 4]),
    e("POST", "/login", "/login", [Served; 4]),
    e("POST", "/logout", "/logout", [Served; 4]),
    // No provider is configured here: an unknown provider is not found.
    e(
        "GET",
        "/auth/{provider}/start",
        "/auth/nope/start",
        [NotFound; 4],
    ),
    e(
        "POST",
        "/auth/{provider}/start",
        "/auth/nope/start",
        [NotFound; 4],
    ),
    e(
        "GET",
        "/auth/{provider}/callback",
        "/auth/nope/callback",
        [NotFound; 4],
    ),
    e(
        "GET",
        "/account",
        "/account",
        [SignIn, Served, Served, Served],
    ),
    e(
        "POST",
        "/account/password",
        "/account/password",
        [SignIn, Served, Served, Served],
    ),
    e(
        "POST",
        "/account/notifications",
        "/account/notifications",
        [SignIn, Served, Served, Served],
    ),
    // A link that is not signed by this app answers 404 to everyone.
    e(
        "GET",
        "/unsubscribe/{token}",
        "/unsubscribe/bogus",
        [NotFound; 4],
    ),
    e(
        "POST",
        "/unsubscribe/{token}",
        "/unsubscribe/bogus",
        [NotFound; 4],
    ),
    e(
        "GET",
        "/admin/notifications",
        "/admin/notifications",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    // A message nobody has: the admin gets 404 too.
    e(
        "POST",
        "/admin/notifications/{id}/retry",
        "/admin/notifications/00000000-0000-4000-8000-000000000000/retry",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/account/sign-out-everywhere",
        "/account/sign-out-everywhere",
        [SignIn, Served, Served, Served],
    ),
    e(
        "GET",
        "/admin",
        "/admin",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/audit",
        "/admin/audit",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/analytics",
        "/admin/analytics",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/analytics/docs",
        "/admin/analytics/docs",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/analytics/tickets",
        "/admin/analytics/tickets",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/analytics/tickets.csv",
        "/admin/analytics/tickets.csv",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/analytics/docs.csv",
        "/admin/analytics/docs.csv",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/invitations",
        "/admin/invitations",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "POST",
        "/admin/invitations",
        "/admin/invitations",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "POST",
        "/admin/password-resets",
        "/admin/password-resets",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/users",
        "/admin/users",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    // A user nobody has: not found, for the admin too.
    e(
        "GET",
        "/admin/users/{id}",
        "/admin/users/00000000-0000-0000-0000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/users/{id}",
        "/admin/users/00000000-0000-0000-0000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/users/{id}/disable",
        "/admin/users/00000000-0000-0000-0000-000000000000/disable",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/users/{id}/enable",
        "/admin/users/00000000-0000-0000-0000-000000000000/enable",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "GET",
        "/admin/customers",
        "/admin/customers",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/customers/new",
        "/admin/customers/new",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "POST",
        "/admin/customers/new",
        "/admin/customers/new",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    // A customer id nobody has: the admin gets 404 too.
    e(
        "GET",
        "/admin/customers/{id}",
        "/admin/customers/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/customers/{id}",
        "/admin/customers/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/customers/{id}/environments",
        "/admin/customers/00000000-0000-4000-8000-000000000000/environments",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/customers/{id}/environments/{env_id}",
        "/admin/customers/00000000-0000-4000-8000-000000000000/environments/00000000-0000-4000-8000-000000000001",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "GET",
        "/admin/docs",
        "/admin/docs",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/docs/new",
        "/admin/docs/new",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "POST",
        "/admin/docs/new",
        "/admin/docs/new",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    e(
        "GET",
        "/admin/docs/import",
        "/admin/docs/import",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    // A plain form post (no file) is answered 422 by the page.
    e(
        "POST",
        "/admin/docs/import",
        "/admin/docs/import",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    // A doc id nobody has: the admin gets 404 too.
    e(
        "GET",
        "/admin/docs/{id}",
        "/admin/docs/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/docs/{id}",
        "/admin/docs/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/docs/{id}/active",
        "/admin/docs/00000000-0000-4000-8000-000000000000/active",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "GET",
        "/admin/planes",
        "/admin/planes",
        [SignIn, Forbidden, Forbidden, Served],
    ),
    // A slug no plane has: the admin gets 404 too.
    e(
        "GET",
        "/admin/planes/{slug}",
        "/admin/planes/no-such-plane",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}",
        "/admin/planes/no-such-plane",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}/fields/{id}/{action}",
        "/admin/planes/no-such-plane/fields/00000000-0000-4000-8000-000000000000/retire",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}/fields",
        "/admin/planes/no-such-plane/fields",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "GET",
        "/admin/planes/{slug}/fields/{id}",
        "/admin/planes/no-such-plane/fields/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}/fields/{id}",
        "/admin/planes/no-such-plane/fields/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}/fields/{id}/options",
        "/admin/planes/no-such-plane/fields/00000000-0000-4000-8000-000000000000/options",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}/fields/{id}/options/{option_id}",
        "/admin/planes/no-such-plane/fields/00000000-0000-4000-8000-000000000000/options/00000000-0000-4000-8000-000000000000",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    e(
        "POST",
        "/admin/planes/{slug}/fields/{id}/options/{option_id}/{action}",
        "/admin/planes/no-such-plane/fields/00000000-0000-4000-8000-000000000000/options/00000000-0000-4000-8000-000000000000/retire",
        [SignIn, Forbidden, Forbidden, NotFound],
    ),
    // A link that is not (or no longer) valid answers 404 to everyone.
    e(
        "GET",
        "/invitations/{token}",
        "/invitations/bogus",
        [NotFound; 4],
    ),
    e(
        "POST",
        "/invitations/{token}",
        "/invitations/bogus",
        [NotFound; 4],
    ),
    e(
        "GET",
        "/password-reset/{token}",
        "/password-reset/bogus",
        [NotFound; 4],
    ),
    e(
        "POST",
        "/password-reset/{token}",
        "/password-reset/bogus",
        [NotFound; 4],
    ),
    e(
        "GET",
        "/issues/new",
        "/issues/new",
        [SignIn, Served, Served, Served],
    ),
    e(
        "POST",
        "/issues/new/fields",
        "/issues/new/fields",
        [SignIn, Served, Served, Served],
    ),
    e(
        "POST",
        "/issues/new/feedback",
        "/issues/new/feedback",
        [SignIn, Served, Served, Served],
    ),
    e(
        "POST",
        "/issues",
        "/issues",
        [SignIn, Served, Served, Served],
    ),
    e(
        "GET",
        "/issues",
        "/issues",
        [SignIn, Served, Served, Served],
    ),
    // A number nobody has: 404 to everyone signed in.
    e(
        "GET",
        "/issues/{number}",
        "/issues/999999",
        [SignIn, NotFound, NotFound, NotFound],
    ),
    e(
        "POST",
        "/issues/{number}/comments",
        "/issues/999999/comments",
        [SignIn, NotFound, NotFound, NotFound],
    ),
    e(
        "POST",
        "/issues/{number}/close",
        "/issues/999999/close",
        [SignIn, NotFound, NotFound, NotFound],
    ),
    e(
        "POST",
        "/issues/{number}/reopen",
        "/issues/999999/reopen",
        [SignIn, NotFound, NotFound, NotFound],
    ),
    e(
        "POST",
        "/issues/{number}/update",
        "/issues/999999/update",
        [SignIn, Forbidden, NotFound, NotFound],
    ),
    // A real issue of another customer than the one asking (see
    // `other_issue`): the same 404 for a customer, the ticket for staff.
    e(
        "GET",
        "/issues/{number}",
        "/issues/OTHER",
        [SignIn, NotFound, Served, Served],
    ),
    e(
        "POST",
        "/issues/{number}/comments",
        "/issues/OTHER/comments",
        [SignIn, NotFound, Served, Served],
    ),
    e(
        "POST",
        "/issues/{number}/close",
        "/issues/OTHER/close",
        [SignIn, NotFound, Served, Served],
    ),
    e(
        "POST",
        "/issues/{number}/reopen",
        "/issues/OTHER/reopen",
        [SignIn, NotFound, Served, Served],
    ),
    e(
        "POST",
        "/issues/{number}/update",
        "/issues/OTHER/update",
        [SignIn, Forbidden, Served, Served],
    ),
    e(
        "GET",
        "/queue",
        "/queue",
        [SignIn, Forbidden, Served, Served],
    ),
    e(
        "POST",
        "/queue/bulk",
        "/queue/bulk",
        [SignIn, Forbidden, Served, Served],
    ),
];

/// Who asks, and the column of `Entry::expect` that says what they get:
/// each customer answers to the customer column.
const ROLES: [(Option<&str>, usize); 5] = [
    (None, 0),
    (Some("customer1@example.com"), 1),
    (Some("customer2@example.com"), 1),
    (Some("agent1@example.com"), 2),
    (Some("admin@example.com"), 3),
];

/// A real issue number outside the customer of `email` (any issue for
/// staff and visitors), for the paths with `OTHER`: a number nobody has
/// cannot tell a scoped query from an unscoped one.
fn other_issue(app: &TestApp, email: Option<&str>) -> i64 {
    let email = email.unwrap_or("");
    let number = app.count(&format!(
        "SELECT min(number) AS n FROM issues WHERE customer_id IS DISTINCT FROM \
         (SELECT customer_id FROM users WHERE email = '{email}')"
    ));
    // Another customer's indeed, when the asker is a customer.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM issues i JOIN users u ON u.customer_id = i.customer_id \
             WHERE i.number = {number} AND u.email = '{email}'"
        )),
        0
    );
    number
}

fn classify(status: u16, location: Option<&str>) -> Outcome {
    match status {
        403 => Forbidden,
        404 => NotFound,
        303 | 302 if location.is_some_and(|l| l.starts_with("/login?next=")) => SignIn,
        _ => Served,
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_designed() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);

    // Completeness: each registered route has an entry, and no entry is stale.
    let registered = supportdesk::routes::registered();
    for (method, pattern) in &registered {
        assert!(
            MATRIX
                .iter()
                .any(|m| m.method == *method && m.pattern == *pattern),
            "route {method} {pattern} has no entry in the access matrix"
        );
    }
    for m in MATRIX {
        assert!(
            registered.contains(&(m.method, m.pattern)),
            "matrix entry {} {} is not a route",
            m.method,
            m.pattern
        );
    }

    for (role, column) in ROLES {
        let other = other_issue(&app, role).to_string();
        for m in MATRIX {
            let path = m.path.replace("OTHER", &other);
            // A fresh browser per request: some routes sign out.
            let browser = app.other_browser();
            if let Some(email) = role {
                browser.sign_in(email).await;
            }
            let token = browser
                .form_token(if role.is_some() { "/account" } else { "/login" })
                .await;
            let res = match m.method {
                "GET" => browser.get(&path).await,
                _ => browser.post_form(&path, &[("csrf_token", &token)]).await,
            };
            let location = res.headers().get("location").and_then(|l| l.to_str().ok());
            let status = res.status().as_u16();
            assert!(
                status < 500,
                "{} {path} as {role:?}: server error {status}",
                m.method
            );
            let got = classify(status, location);
            assert_eq!(
                got, m.expect[column],
                "{} {path} as {role:?}: status {status} location {location:?}",
                m.method,
            );
        }
    }
}

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_forged_token() {
    let app = TestApp::spawn().await;
    let number = app.count("SELECT min(number) AS n FROM issues WHERE status = 'open'");
    let stranger = app.other_browser();
    stranger.sign_in("agent2@example.com").await;
    let forged = stranger.form_token("/account").await;
    for (role, _) in ROLES {
        let browser = app.other_browser();
        if let Some(email) = role {
            browser.sign_in(email).await;
        }
        for m in MATRIX.iter().filter(|m| m.method == "POST") {
            let path = (m.path.replace("999999", &number.to_string()))
                .replace("OTHER", &number.to_string());
            for token in [None, Some(forged.as_str()), Some("not-a-token")] {
                let mut fields = vec![("version", "1"), ("body", "hello")];
                if let Some(token) = token {
                    fields.push(("csrf_token", token));
                }
                let res = browser.post_form(&path, &fields).await;
                assert_eq!(
                    res.status(),
                    403,
                    "POST {path} as {role:?} with token {token:?}"
                );
            }
        }
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM comments c JOIN issues i ON i.id = c.issue_id \
             WHERE i.number = {number} AND c.body = 'hello'"
        )),
        0
    );
}
