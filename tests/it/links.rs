//! Invitations and password resets through one-time links, session expiry,
//! sessions shared by instances, and disabling users.

use diesel::prelude::*;

use crate::helpers::{DEMO_PASSWORD, TestApp, html};

/// As the admin, posts a form on the invitations page; returns the page.
async fn admin_post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.form_token("/admin/invitations").await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    app.post_form(path, &all).await
}

fn created_link(body: &str) -> String {
    let doc = html::parse(body);
    html::attrs(&doc, "#created-link", "value").remove(0)
}

fn acme_id(app: &TestApp) -> String {
    use supportdesk::db::schema::customers::dsl::*;
    customers
        .filter(name.eq("Acme Payments"))
        .select(id)
        .first::<uuid::Uuid>(&mut app.db.conn())
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_invitation_link_makes_an_account_once() {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    let acme = acme_id(&app);
    let res = admin_post(
        &app,
        "/admin/invitations",
        &[
            ("email", "New.Person@Acme.example"),
            ("role", "customer"),
            ("customer_id", &acme),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let link = created_link(&res.text().await.unwrap());
    let path = link
        .strip_prefix(&app.address)
        .expect("link on this site")
        .to_owned();
    assert!(path.starts_with("/invitations/"));

    let invitee = app.other_browser();
    let doc = html::parse(&invitee.get(&path).await.text().await.unwrap());
    assert!(html::text(&doc, "main").contains("new.person@acme.example"));

    // A bad form keeps the name and says what is wrong.
    let token = invitee.form_token(&path).await;
    let res = invitee
        .post_form(
            &path,
            &[
                ("csrf_token", &token),
                ("name", "New Person"),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::attrs(&doc, "#name", "value"), vec!["New Person"]);
    assert!(html::text(&doc, "#password-error").contains("at least 12"));

    let res = invitee
        .post_form(
            &path,
            &[
                ("csrf_token", &token),
                ("name", "New Person"),
                ("password", "a-good-long-password"),
                ("confirm_password", "a-good-long-password"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let doc = html::parse(&invitee.get("/account").await.text().await.unwrap());
    assert_eq!(html::text(&doc, ".user-menu .role-badge"), "Customer");
    let customer_of_new_user: String = {
        use supportdesk::db::schema::users::dsl::*;
        users
            .filter(email.eq("new.person@acme.example"))
            .select(customer_id)
            .first::<Option<uuid::Uuid>>(&mut app.db.conn())
            .unwrap()
            .unwrap()
            .to_string()
    };
    assert_eq!(customer_of_new_user, acme);

    // The link is used up.
    let again = app.other_browser();
    assert_eq!(again.get(&path).await.status(), 404);
}

#[tokio::test]
async fn invitations_are_checked() {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    let acme = acme_id(&app);
    for (fields, message) in [
        (
            vec![
                ("email", "x@acme.example"),
                ("role", "customer"),
                ("customer_id", ""),
            ],
            "need a customer",
        ),
        (
            vec![
                ("email", "x@acme.example"),
                ("role", "agent"),
                ("customer_id", acme.as_str()),
            ],
            "have none",
        ),
        (
            vec![
                ("email", "customer1@example.com"),
                ("role", "customer"),
                ("customer_id", acme.as_str()),
            ],
            "already an account",
        ),
        (
            vec![
                ("email", "not-an-email"),
                ("role", "agent"),
                ("customer_id", ""),
            ],
            "e-mail address",
        ),
        (
            vec![
                ("email", "x@acme.example"),
                ("role", "superuser"),
                ("customer_id", ""),
            ],
            "Choose a role",
        ),
        (
            vec![
                ("email", "x@acme.example"),
                ("role", "customer"),
                ("customer_id", "not-a-uuid"),
            ],
            "Choose a customer",
        ),
        (
            vec![
                ("email", "x@acme.example"),
                ("role", "customer"),
                ("customer_id", "00000000-0000-0000-0000-000000000000"),
            ],
            "Choose a customer",
        ),
    ] {
        let res = admin_post(&app, "/admin/invitations", &fields).await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            html::text(&doc, ".error-summary").contains(message),
            "{fields:?}"
        );
    }
    let count: i64 = {
        use supportdesk::db::schema::verification_tokens::dsl::*;
        verification_tokens
            .count()
            .get_result(&mut app.db.conn())
            .unwrap()
    };
    assert_eq!(count, 0, "nothing stored");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_and_ends_sessions() {
    let app = TestApp::spawn().await;
    let victim = app.other_browser();
    victim.sign_in("customer2@example.com").await;
    app.sign_in("admin@example.com").await;
    let res = admin_post(
        &app,
        "/admin/password-resets",
        &[("email", "customer2@example.com")],
    )
    .await;
    let link = created_link(&res.text().await.unwrap());
    let path = link.strip_prefix(&app.address).unwrap().to_owned();

    let owner = app.other_browser();
    let token = owner.form_token(&path).await;
    let res = owner
        .post_form(
            &path,
            &[
                ("csrf_token", &token),
                ("password", "fresh-password-123"),
                ("confirm_password", "fresh-password-123"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");
    assert_eq!(
        victim.get("/account").await.status(),
        303,
        "old sessions ended"
    );
    assert_eq!(
        owner
            .try_sign_in("customer2@example.com", DEMO_PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        owner
            .try_sign_in("customer2@example.com", "fresh-password-123")
            .await
            .status(),
        303
    );
    // Used once only.
    assert_eq!(app.other_browser().get(&path).await.status(), 404);
}

/// The path of a fresh reset link for `email`, made by the signed-in admin.
async fn reset_path(app: &TestApp, email: &str) -> String {
    let res = admin_post(app, "/admin/password-resets", &[("email", email)]).await;
    let link = created_link(&res.text().await.unwrap());
    link.strip_prefix(&app.address).unwrap().to_owned()
}

/// A reset link is for the latest request only: a newer link, a reset
/// through another link, or a password changed on the account page ends it.
#[tokio::test]
async fn older_reset_links_end_when_a_newer_one_is_made_or_the_password_changes() {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    let visitor = app.other_browser();

    let first = reset_path(&app, "customer2@example.com").await;
    assert_eq!(visitor.get(&first).await.status(), 200);
    let second = reset_path(&app, "customer2@example.com").await;
    assert_eq!(
        visitor.get(&first).await.status(),
        404,
        "a newer link was made"
    );
    assert_eq!(visitor.get(&second).await.status(), 200);

    // The owner changes the password on the account page: the link dies.
    let owner = app.other_browser();
    owner.sign_in("customer2@example.com").await;
    let token = owner.form_token("/account").await;
    let res = owner
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", DEMO_PASSWORD),
                ("new_password", "fresh-password-123"),
                ("confirm_password", "fresh-password-123"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        visitor.get(&second).await.status(),
        404,
        "the password changed"
    );

    // Two links at once cannot exist; nothing outstanding is left.
    let third = reset_path(&app, "customer2@example.com").await;
    assert_eq!(visitor.get(&third).await.status(), 200);
    let outstanding = app.count(
        "SELECT count(*) AS n FROM verification_tokens t JOIN users u ON u.id = t.user_id \
         WHERE u.email = 'customer2@example.com' AND t.purpose = 'password_reset' \
         AND t.used_at IS NULL",
    );
    assert_eq!(outstanding, 1);
}

#[tokio::test]
async fn a_reset_for_an_unknown_email_says_so() {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    // Neither a link nor a mail is made for an address nobody has.
    let written = || {
        app.count(
            "SELECT (SELECT count(*) FROM verification_tokens) \
               + (SELECT count(*) FROM notification_outbox) AS n",
        )
    };
    let before = written();
    for send in ["", "yes"] {
        let res = admin_post(
            &app,
            "/admin/password-resets",
            &[("email", "ghost@example.com"), ("send_email", send)],
        )
        .await;
        assert_eq!(res.status(), 422, "send_email={send:?}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(html::text(&doc, "#reset-email-error").contains("no account"));
        assert!(html::attrs(&doc, "#created-link", "value").is_empty());
    }
    assert_eq!(written(), before);
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let app = TestApp::spawn().await;
    app.sign_in("agent1@example.com").await;
    assert_eq!(app.get("/account").await.status(), 200);
    diesel::sql_query("UPDATE sessions SET idle_expires_at = now() - interval '1 second'")
        .execute(&mut app.db.conn())
        .unwrap();
    assert_eq!(app.get("/account").await.status(), 303, "idle timeout");

    app.sign_in("agent1@example.com").await;
    diesel::sql_query("UPDATE sessions SET absolute_expires_at = now() - interval '1 second'")
        .execute(&mut app.db.conn())
        .unwrap();
    assert_eq!(app.get("/account").await.status(), 303, "absolute timeout");

    let swept = supportdesk::auth::sweeper::sweep(&app.pool).await.unwrap();
    assert!(swept.sessions >= 1);
}

#[tokio::test]
async fn sessions_work_across_instances_sharing_the_database() {
    let app = TestApp::spawn().await;
    let res = app
        .try_sign_in("customer3@example.com", DEMO_PASSWORD)
        .await;
    let cookie = res
        .cookies()
        .find(|c| c.name() == "sd_session")
        .unwrap()
        .value()
        .to_owned();
    let other = app.another_instance().await;
    let res = other
        .client
        .get(other.url("/account"))
        .header("cookie", format!("sd_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn one_time_links_stay_out_of_the_log_and_never_fail_with_500() {
    let app = TestApp::spawn().await;
    app.sign_in("admin@example.com").await;
    let mut paths = Vec::new();
    for _ in 0..2 {
        let res = admin_post(
            &app,
            "/admin/invitations",
            &[
                ("email", "twice@example.com"),
                ("role", "agent"),
                ("customer_id", ""),
            ],
        )
        .await;
        let link = created_link(&res.text().await.unwrap());
        paths.push(link.strip_prefix(&app.address).unwrap().to_owned());
    }
    let token = paths[0].rsplit('/').next().unwrap().to_owned();
    let accept = |path: String| {
        let browser = app.other_browser();
        async move {
            let t = browser.form_token(&path).await;
            browser
                .post_form(
                    &path,
                    &[
                        ("csrf_token", &t),
                        ("name", "Twice"),
                        ("password", "a-good-long-password"),
                        ("confirm_password", "a-good-long-password"),
                    ],
                )
                .await
                .status()
        }
    };
    assert_eq!(accept(paths[0].clone()).await, 303);
    // The second invitation for the same e-mail: used up, not a 500.
    assert_eq!(accept(paths[1].clone()).await, 404);
    assert!(
        !crate::helpers::logs::captured().contains(&token),
        "the token is not logged"
    );
}
