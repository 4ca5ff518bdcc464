//! Bytes PostgreSQL cannot store (NUL) and other hostile values in every
//! text a visitor can send: each gets the answer of the check that refuses
//! it (so the value reached that check), never a 500, and nothing is
//! written. tests/it/sweep.rs tries every field with every such value.

use crate::helpers::{TestApp, html};

const NUL: &str = "bad\u{0}value";
/// The same, as it appears in a URL.
const NUL_Q: &str = "bad%00value";

/// Posts `fields` with the session's CSRF token taken from `page`.
async fn post(app: &TestApp, page: &str, path: &str, fields: &[(&str, &str)]) -> u16 {
    let token = app.form_token(page).await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    app.post_form(path, &all).await.status().as_u16()
}

fn expect(what: &str, status: u16, want: u16) {
    assert_eq!(status, want, "{what}");
}

#[tokio::test]
async fn nul_bytes_in_any_input_never_cause_a_500() {
    let app = TestApp::spawn().await;
    let rows = |app: &TestApp| {
        app.count(
            "SELECT (SELECT count(*) FROM issues) + (SELECT count(*) FROM comments) \
             + (SELECT count(*) FROM resolutions) + (SELECT count(*) FROM issue_activities) \
             + (SELECT count(*) FROM users) + (SELECT count(*) FROM verification_tokens) \
             + (SELECT count(*) FROM doc_feedback) AS n",
        )
    };
    let before = rows(&app);

    // Signed out: a `next` that is no path here is dropped; an issue asks
    // to sign in first; a link that is no token is not found.
    for (path, want) in [
        (format!("/login?next={NUL_Q}"), 200),
        (format!("/issues/{NUL_Q}"), 303),
        (format!("/invitations/{NUL_Q}"), 404),
        (format!("/password-reset/{NUL_Q}"), 404),
    ] {
        expect(&path, app.get(&path).await.status().as_u16(), want);
    }
    for fields in [
        [("email", NUL), ("password", "supportdesk-demo")],
        [
            ("email", "customer1@example.com\0"),
            ("password", "supportdesk-demo"),
        ],
        [("email", "customer1@example.com"), ("password", NUL)],
    ] {
        // Wrong credentials, whatever is wrong with them.
        expect(
            "POST /login",
            post(&app, "/login", "/login", &fields).await,
            401,
        );
    }

    // A customer.
    let customer = app.other_browser();
    customer.sign_in("customer1@example.com").await;
    let own = customer.count(
        "SELECT min(i.number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com' AND i.status IN ('open', 'in_progress')",
    );
    // Lists and pre-filled forms drop what they cannot read.
    for query in ["q", "status", "before"] {
        let path = format!("/issues?{query}={NUL_Q}");
        expect(&path, customer.get(&path).await.status().as_u16(), 200);
    }
    for query in [
        "title",
        "primary_plane",
        "environment_id",
        "ctx.eks.cluster_name",
    ] {
        let path = format!("/issues/new?{query}={NUL_Q}");
        expect(&path, customer.get(&path).await.status().as_u16(), 200);
        // "Update fields" shows the form again, saying what is wrong.
        let fields = [(query, NUL)];
        let status = post(&customer, "/issues/new", "/issues/new/fields", &fields).await;
        expect(&format!("POST /issues/new/fields {query}"), status, 422);
    }
    let ticket = format!("/issues/{own}");
    // A damaged version or feedback click is a damaged form (400); text
    // is checked (422).
    for (path, fields, want) in [
        (format!("{ticket}/comments"), vec![("body", NUL)], 422),
        (
            format!("{ticket}/reopen"),
            vec![("reason", NUL), ("version", "1")],
            422,
        ),
        (format!("{ticket}/close"), vec![("version", NUL)], 400),
        (
            "/issues/new/feedback".to_owned(),
            vec![("feedback", NUL), ("title", NUL)],
            400,
        ),
        (
            "/account/password".to_owned(),
            vec![
                ("current_password", NUL),
                ("new_password", NUL),
                ("confirm_password", NUL),
            ],
            422,
        ),
    ] {
        expect(&path, post(&customer, &ticket, &path, &fields).await, want);
    }

    // An agent.
    let agent = app.other_browser();
    agent.sign_in("agent1@example.com").await;
    for query in [
        "q",
        "view",
        "status",
        "priority",
        "category",
        "plane",
        "any_plane",
        "customer",
        "env_type",
        "assignee",
        "from",
        "to",
        "sort",
        "after",
    ] {
        let path = format!("/queue?{query}={NUL_Q}");
        expect(&path, agent.get(&path).await.status().as_u16(), 200);
    }
    let doc = html::parse(&agent.get(&ticket).await.text().await.unwrap());
    let version = html::attrs(&doc, "#ticket-form input[name=version]", "value").remove(0);
    let loaded_at = html::attrs(&doc, "#ticket-form input[name=loaded_at]", "value").remove(0);
    for fields in [
        vec![("status", "resolved"), ("resolution_notes", NUL)],
        vec![("assignee_id", NUL)],
        vec![("priority", NUL), ("category", NUL)],
        vec![("status", NUL)],
    ] {
        let mut fields = fields;
        fields.extend([
            ("version", version.as_str()),
            ("loaded_at", loaded_at.as_str()),
        ]);
        let status = post(&agent, &ticket, &format!("{ticket}/update"), &fields).await;
        assert_eq!(status, 422, "ticket form with {fields:?}");
    }
    // Back to the queue, with a flash saying nothing was selected.
    expect(
        "POST /queue/bulk",
        post(
            &agent,
            "/queue",
            "/queue/bulk",
            &[
                ("action", "assign"),
                ("assignee_id", NUL),
                ("ids", NUL),
                ("return_to", NUL),
            ],
        )
        .await,
        303,
    );

    // An admin.
    let admin = app.other_browser();
    admin.sign_in("admin@example.com").await;
    for (path, fields) in [
        (
            "/admin/invitations",
            vec![("email", NUL), ("role", "agent")],
        ),
        (
            "/admin/invitations",
            vec![("email", "a\0b@example.com"), ("role", "agent")],
        ),
        (
            "/admin/invitations",
            vec![("email", "x@example.com"), ("role", NUL)],
        ),
        (
            "/admin/invitations",
            vec![
                ("email", "x@example.com"),
                ("role", "customer"),
                ("customer_id", NUL),
            ],
        ),
        ("/admin/password-resets", vec![("email", NUL)]),
        (
            "/admin/password-resets",
            vec![("email", "customer1@example.com\0")],
        ),
    ] {
        expect(
            path,
            post(&admin, "/admin/invitations", path, &fields).await,
            422,
        );
    }

    assert_eq!(rows(&app), before, "a refused input wrote rows");

    // An invitee naming themselves.
    let token = admin.form_token("/admin/invitations").await;
    let res = admin
        .post_form(
            "/admin/invitations",
            &[
                ("email", "new.agent@example.com"),
                ("role", "agent"),
                ("csrf_token", &token),
            ],
        )
        .await;
    let doc = html::parse(&res.text().await.unwrap());
    let link = html::attrs(&doc, "#created-link", "value").remove(0);
    let path = link.strip_prefix(&app.address).unwrap().to_owned();
    let invitee = app.other_browser();
    let fields = [
        ("name", NUL),
        ("password", "a long enough password"),
        ("confirm_password", "a long enough password"),
    ];
    assert_eq!(post(&invitee, &path, &path, &fields).await, 422);
    let users = app.count("SELECT count(*) AS n FROM users WHERE email = 'new.agent@example.com'");
    assert_eq!(users, 0);
}

#[tokio::test]
async fn refused_resolution_notes_say_why_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.sign_in("agent1@example.com").await;
    let number = app.count("SELECT min(number) AS n FROM issues WHERE status = 'open'");
    let ticket = format!("/issues/{number}");
    let doc = html::parse(&app.get(&ticket).await.text().await.unwrap());
    let version = html::attrs(&doc, "#ticket-form input[name=version]", "value").remove(0);
    let token = html::attrs(&doc, "#ticket-form input[name=csrf_token]", "value").remove(0);
    let res = app
        .post_form(
            &format!("{ticket}/update"),
            &[
                ("csrf_token", token.as_str()),
                ("version", version.as_str()),
                ("status", "resolved"),
                ("resolution_notes", "Fixed\0 by a restart"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("control characters"));
    let kept = html::text(&doc, "#t-notes");
    assert!(
        kept.starts_with("Fixed") && kept.ends_with("by a restart"),
        "{kept}"
    );
    let status = app.text(&format!(
        "SELECT status::text AS s FROM issues WHERE number = {number}"
    ));
    assert_eq!(status, "open");
}
