//! OAuth / OpenID Connect sign-in against a real provider on localhost.

use diesel::prelude::*;

use crate::helpers::oauth_provider::{FakeIdentity, FakeProvider};
use crate::helpers::{TestApp, TestDb, html};
use supportdesk::config::Settings;

async fn app_with_provider() -> (TestApp, FakeProvider) {
    app_with(|provider| provider.setting()).await
}

/// The app with the provider configured as `setting` says.
async fn app_with(setting: impl Fn(&FakeProvider) -> String) -> (TestApp, FakeProvider) {
    let provider = FakeProvider::start().await;
    let db = TestDb::new();
    let mut settings = Settings::for_database(&db.url);
    settings.oauth = vec![setting(&provider)];
    (TestApp::spawn_with(db, settings).await, provider)
}

fn identity(sub: &str, email: &str, verified: bool) -> FakeIdentity {
    FakeIdentity {
        sub: sub.into(),
        email: email.into(),
        email_verified: verified,
        name: "Pat Example".into(),
        verified_only_in_id_token: false,
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// Starts at the app, visits the provider, and returns the callback URL
/// the provider sends the browser back to.
async fn start(app: &TestApp, next: &str) -> String {
    let authorize = authorize_url(app, next).await;
    let res = app.client.get(&authorize).send().await.unwrap();
    assert_eq!(res.status(), 302);
    location(&res)
}

/// Presses the provider's button on the sign-in page; returns where the
/// app sends the browser (the provider's authorize URL).
async fn authorize_url(app: &TestApp, next: &str) -> String {
    let token = app.form_token("/login").await;
    let res = app
        .post_form(
            "/auth/testid/start",
            &[("csrf_token", &token), ("next", next)],
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res)
}

async fn finish(app: &TestApp, callback: &str) -> reqwest::Response {
    app.client.get(callback).send().await.unwrap()
}

#[tokio::test]
async fn the_sign_in_page_offers_each_provider() {
    let (app, _provider) = app_with_provider().await;
    let doc = html::parse(&app.get("/login").await.text().await.unwrap());
    assert_eq!(
        html::texts(&doc, ".oauth-buttons button"),
        vec!["Sign in with Test ID"]
    );
}

#[tokio::test]
async fn a_verified_email_at_a_customer_domain_signs_up_as_that_customer() {
    let (app, provider) = app_with_provider().await;
    provider.set_identity(identity("sub-new-1", "pat@acme.example", true));
    let callback = start(&app, "/account").await;
    let res = finish(&app, &callback).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account");
    assert_eq!(
        provider.verified_exchanges(),
        1,
        "the provider checked the PKCE verifier"
    );
    let doc = html::parse(&app.get("/account").await.text().await.unwrap());
    assert_eq!(html::text(&doc, ".user-menu .role-badge"), "Customer");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users u JOIN customers c ON c.id = u.customer_id \
             JOIN accounts a ON a.user_id = u.id WHERE u.email = 'pat@acme.example' \
             AND c.name = 'Acme Payments' AND a.provider = 'testid' AND a.provider_account_id = 'sub-new-1'"
        ),
        1
    );
    // Next time the linked identity signs the same user in.
    let again = app.other_browser();
    let callback = start(&again, "/").await;
    assert_eq!(finish(&again, &callback).await.status(), 303);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE email = 'pat@acme.example'"),
        1
    );
}

#[tokio::test]
async fn a_verified_email_links_to_the_existing_user() {
    let (app, provider) = app_with(|p| p.setting_with("staff=true")).await;
    provider.set_identity(identity("sub-agent", "agent1@example.com", true));
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 303);
    let doc = html::parse(&app.get("/account").await.text().await.unwrap());
    assert_eq!(html::text(&doc, ".user-menu .role-badge"), "Agent");
    assert!(html::texts(&doc, "aside li").contains(&"testid".to_owned()));
}

#[tokio::test]
async fn an_unverified_email_is_not_linked_to_an_existing_agent() {
    let (app, provider) = app_with_provider().await;
    provider.set_identity(identity("sub-attacker", "agent1@example.com", false));
    let callback = start(&app, "/").await;
    let res = finish(&app, &callback).await;
    assert_eq!(res.status(), 403);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, ".error-summary").contains("not verified"));
    assert_eq!(app.count("SELECT count(*) AS n FROM accounts"), 0);
    assert_eq!(app.get("/account").await.status(), 303, "not signed in");
}

/// Microsoft's user info says nothing of verification; its ID token's
/// `xms_edov` claim does, and is believed only when true.
#[tokio::test]
async fn verification_may_come_from_the_id_token_as_with_microsoft() {
    for (verified, status) in [(false, 403), (true, 303)] {
        let (app, provider) = app_with_provider().await;
        provider.set_identity(FakeIdentity {
            verified_only_in_id_token: true,
            ..identity("sub-ms", "customer2@example.com", verified)
        });
        let callback = start(&app, "/").await;
        assert_eq!(
            finish(&app, &callback).await.status(),
            status,
            "xms_edov {verified}"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM accounts"),
            i64::from(verified)
        );
    }
}

#[tokio::test]
async fn an_unknown_domain_is_refused() {
    let (app, provider) = app_with_provider().await;
    provider.set_identity(identity("sub-x", "someone@elsewhere.example", true));
    let callback = start(&app, "/").await;
    let res = finish(&app, &callback).await;
    assert_eq!(res.status(), 403);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, ".error-summary").contains("belongs to no customer"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE email = 'someone@elsewhere.example'"),
        0
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM sessions"),
        0,
        "no session is left"
    );
}

#[tokio::test]
async fn bad_state_is_refused_and_leaves_no_session() {
    let (app, provider) = app_with_provider().await;
    provider.set_identity(identity("sub-s", "customer1@example.com", true));

    // Missing state.
    let callback = start(&app, "/").await;
    let without_state = callback.split("&state=").next().unwrap().to_owned();
    assert_eq!(finish(&app, &without_state).await.status(), 403);

    // Wrong state.
    let callback = start(&app, "/").await;
    let wrong = format!("{}&state=forged", callback.split("&state=").next().unwrap());
    assert_eq!(finish(&app, &wrong).await.status(), 403);

    // Replayed: the right callback, used a second time.
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 303);
    let token = app.form_token("/account").await;
    app.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(finish(&app, &callback).await.status(), 403);

    // Another browser's state.
    let victim = app.other_browser();
    let callback = start(&app, "/").await;
    let res = finish(&victim, &callback).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        victim.get("/account").await.status(),
        303,
        "victim not signed in"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM sessions WHERE user_id IS NOT NULL"),
        0,
        "no signed-in session from refused attempts"
    );
}

#[tokio::test]
async fn a_tampered_pkce_challenge_fails_the_exchange() {
    let (app, provider) = app_with_provider().await;
    provider.set_identity(identity("sub-p", "customer1@example.com", true));
    let authorize = authorize_url(&app, "/").await;
    assert!(authorize.contains("code_challenge="));
    // An attacker who swaps the challenge cannot complete the exchange.
    let tampered = authorize.replace("code_challenge=", "code_challenge=x");
    let res = app.client.get(&tampered).send().await.unwrap();
    let res = finish(&app, &location(&res)).await;
    assert_eq!(res.status(), 403);
    assert_eq!(provider.refused_exchanges(), 1);
    assert_eq!(app.get("/account").await.status(), 303);
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    let (app, provider) = app_with_provider().await;
    provider.set_identity(identity("sub-n", "customer1@example.com", true));
    provider.force_nonce("not-the-one-we-sent");
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 403);
    assert_eq!(app.get("/account").await.status(), 303);
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_with_oauth() {
    let (app, provider) = app_with_provider().await;
    diesel::sql_query("UPDATE users SET disabled_at = now() WHERE email = 'customer1@example.com'")
        .execute(&mut app.db.conn())
        .unwrap();
    provider.set_identity(identity("sub-d", "customer1@example.com", true));
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 403);
    // Refused before anything is written: no link to the identity, no session.
    assert_eq!(
        app.count(
            "SELECT (SELECT count(*) FROM accounts WHERE provider_account_id = 'sub-d') \
               + (SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id \
                  WHERE u.email = 'customer1@example.com') AS n"
        ),
        0
    );
    assert_eq!(app.get("/account").await.status(), 303);
}

/// Starting a sign-in takes the sign-in page's button (a CSRF-checked
/// POST): a link, an `<img>` or a crawler only reaches the sign-in page.
/// A started sign-in lives in a 10-minute encrypted cookie, so visitors
/// who never finish leave no session rows behind.
#[tokio::test]
async fn starting_a_sign_in_takes_a_post_and_writes_no_session_row() {
    let (app, provider) = app_with_provider().await;
    let res = app.get("/auth/testid/start?next=/account").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login?next=%2Faccount");
    assert!(
        res.headers()
            .get("set-cookie")
            .is_none_or(|c| { !c.to_str().unwrap().starts_with("sd_oauth") })
    );
    // Without the page's token, nothing starts.
    let res = app.post_form("/auth/testid/start", &[("next", "/")]).await;
    assert_eq!(res.status(), 403);

    for _ in 0..20 {
        let visitor = app.other_browser();
        let token = visitor.form_token("/login").await;
        let res = visitor
            .post_form("/auth/testid/start", &[("csrf_token", &token)])
            .await;
        assert_eq!(res.status(), 303);
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("sd_oauth="))
            .expect("pending sign-in cookie");
        assert!(cookie.contains("Max-Age=600"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM sessions"), 0);

    // A finished sign-in removes the cookie; the state cannot be replayed.
    provider.set_identity(identity("sub-once", "customer1@example.com", true));
    let callback = start(&app, "/account").await;
    let res = finish(&app, &callback).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("sd_oauth=") && c.contains("Max-Age=0")
    }));
}

/// A provider may sign in agents and admins only when its setting says so
/// (`staff=true`): a public provider's account with a staff member's
/// verified e-mail opens nothing, not even when it was linked before.
#[tokio::test]
async fn staff_sign_in_needs_a_provider_trusted_with_staff() {
    let (app, provider) = app_with_provider().await;
    for (sub, email) in [
        ("sub-a", "agent1@example.com"),
        ("sub-b", "admin@example.com"),
    ] {
        provider.set_identity(identity(sub, email, true));
        let callback = start(&app, "/").await;
        let res = finish(&app, &callback).await;
        assert_eq!(res.status(), 403, "{email}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(html::text(&doc, ".error-summary").contains("sign in with your password"));
        assert_eq!(app.get("/account").await.status(), 303, "not signed in");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM accounts"), 0);

    // An account linked earlier (before the setting) is refused as well.
    app.exec(
        "INSERT INTO accounts (user_id, provider, provider_account_id) \
         SELECT id, 'testid', 'sub-old' FROM users WHERE email = 'agent2@example.com'",
    );
    provider.set_identity(identity("sub-old", "agent2@example.com", true));
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 403);

    // Customers still sign in.
    provider.set_identity(identity("sub-c", "customer1@example.com", true));
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 303);
}

/// A multi-tenant issuer (Microsoft's `common` endpoint): an ID token is
/// believed only from an allowed tenant, with the issuer naming that tenant.
#[tokio::test]
async fn a_multi_tenant_provider_admits_only_its_allowed_tenants() {
    let (app, provider) = app_with(|p| p.setting_with("tenants=t-ours t-partner")).await;
    provider.set_identity(identity("sub-t", "customer1@example.com", true));
    provider.set_tenant("t-stranger");
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 403);
    assert_eq!(app.get("/account").await.status(), 303);

    provider.set_tenant("t-partner");
    let callback = start(&app, "/").await;
    assert_eq!(finish(&app, &callback).await.status(), 303);
    assert_eq!(app.get("/account").await.status(), 200);
}
