//! Sign-in and access: sessions, CSRF, redirects, throttling.

use crate::helpers::{DEMO_PASSWORD, TestApp, html};
use diesel::prelude::*;

fn cookie_value(res: &reqwest::Response, name: &str) -> Option<String> {
    res.cookies()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

#[tokio::test]
async fn each_demo_role_signs_in_and_out() {
    let app = TestApp::spawn().await;
    for (email, role) in [
        ("admin@example.com", "Admin"),
        ("agent1@example.com", "Agent"),
        ("customer1@example.com", "Customer"),
    ] {
        app.sign_in(email).await;
        let doc = html::parse(&app.get("/account").await.text().await.unwrap());
        assert_eq!(html::text(&doc, ".user-menu .role-badge"), role);
        assert!(html::texts(&doc, ".ticket-meta dd").contains(&email.to_owned()));
        let token = html::attrs(
            &doc,
            "form[action='/logout'] input[name=csrf_token]",
            "value",
        )
        .remove(0);
        let res = app.post_form("/logout", &[("csrf_token", &token)]).await;
        assert_eq!(res.status(), 303);
        let res = app.get("/account").await;
        assert_eq!(res.status(), 303, "signed out: /account redirects");
        assert_eq!(res.headers()["location"], "/login?next=%2Faccount");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = app
        .try_sign_in("customer1@example.com", "nope-nope-nope")
        .await;
    assert_eq!(wrong.status(), 401);
    let wrong = html::text(&html::parse(&wrong.text().await.unwrap()), ".error-summary");
    let unknown = app
        .try_sign_in("nobody@example.com", "nope-nope-nope")
        .await;
    assert_eq!(unknown.status(), 401);
    let unknown_doc = html::parse(&unknown.text().await.unwrap());
    assert_eq!(html::text(&unknown_doc, ".error-summary"), wrong);
    assert_eq!(
        html::attrs(&unknown_doc, "input[name=email]", "value"),
        vec!["nobody@example.com"]
    );
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_and_lose_their_sessions() {
    let app = TestApp::spawn().await;
    app.sign_in("customer2@example.com").await;
    assert_eq!(app.get("/account").await.status(), 200);
    let mut conn = app.db.conn();
    diesel::sql_query("UPDATE users SET disabled_at = now() WHERE email = 'customer2@example.com'")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        app.get("/account").await.status(),
        303,
        "disabled: session no longer counts"
    );
    let res = app
        .try_sign_in("customer2@example.com", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn the_session_key_changes_at_sign_in_and_dies_at_sign_out() {
    let app = TestApp::spawn().await;
    let res = app.try_sign_in("agent1@example.com", DEMO_PASSWORD).await;
    let signed_in_key = cookie_value(&res, "sd_session").expect("session cookie set at sign-in");

    // Replaying the signed-in cookie from another client works until sign-out.
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let replay = |key: String| {
        thief
            .get(app.url("/account"))
            .header("cookie", format!("sd_session={key}"))
            .send()
    };
    assert_eq!(replay(signed_in_key.clone()).await.unwrap().status(), 200);

    let token = app.form_token("/account").await;
    app.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(
        replay(signed_in_key).await.unwrap().status(),
        303,
        "the old cookie is anonymous after sign-out"
    );
    let rows: i64 = {
        use supportdesk::db::schema::sessions::dsl::*;
        sessions.count().get_result(&mut app.db.conn()).unwrap()
    };
    assert_eq!(rows, 0, "sign-out deletes the session row");
}

/// Session fixation: an attacker plants their own session cookie in the
/// victim's browser; the victim signs in. The planted key must not become
/// the victim's session (sign-in renews the key and drops the old state).
#[tokio::test]
async fn a_planted_session_cookie_never_becomes_the_victims_session() {
    let app = TestApp::spawn().await;
    let attacker = app.other_browser();
    let res = attacker
        .try_sign_in("customer3@example.com", DEMO_PASSWORD)
        .await;
    let planted = cookie_value(&res, "sd_session").expect("attacker's session cookie");
    let token = attacker.form_token("/account").await;
    assert_eq!(attacker.get("/account").await.status(), 200);

    // The victim's browser carries the planted cookie when signing in.
    let victim = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = victim
        .post(app.url("/login"))
        .header("cookie", format!("sd_session={planted}"))
        .form(&[
            ("email", "customer1@example.com"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let issued = cookie_value(&res, "sd_session").expect("a new session cookie");
    assert_ne!(issued, planted);

    // The planted key is no one's session now; the issued one is the victim's.
    assert_eq!(attacker.get("/account").await.status(), 303);
    let page = victim
        .get(app.url("/account"))
        .header("cookie", format!("sd_session={issued}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("customer1@example.com"));
}

#[tokio::test]
async fn a_session_cookie_from_before_sign_in_is_not_the_one_after() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let first = app.client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(first.status(), 200);
    // Signing in again (same browser) issues a fresh key.
    let token = app.form_token("/account").await;
    let _ = app.post_form("/logout", &[("csrf_token", &token)]).await;
    let res = app
        .try_sign_in("customer1@example.com", DEMO_PASSWORD)
        .await;
    let key_a = cookie_value(&res, "sd_session").unwrap();
    let token = app.form_token("/account").await;
    let _ = app.post_form("/logout", &[("csrf_token", &token)]).await;
    let res = app
        .try_sign_in("customer1@example.com", DEMO_PASSWORD)
        .await;
    let key_b = cookie_value(&res, "sd_session").unwrap();
    assert_ne!(key_a, key_b);
}

#[tokio::test]
async fn csrf_failures_answer_403_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let good = app.form_token("/account").await;
    let hash_before: String = {
        use supportdesk::db::schema::users::dsl::*;
        users
            .filter(email.eq("customer1@example.com"))
            .select(password_hash)
            .first::<Option<String>>(&mut app.db.conn())
            .unwrap()
            .unwrap()
    };
    let change = |token: Option<String>| {
        let mut fields = vec![
            ("current_password", DEMO_PASSWORD.to_owned()),
            ("new_password", "a-brand-new-password".to_owned()),
            ("confirm_password", "a-brand-new-password".to_owned()),
        ];
        if let Some(t) = token {
            fields.push(("csrf_token", t));
        }
        app.client
            .post(app.url("/account/password"))
            .form(&fields)
            .send()
    };
    // Missing token.
    let res = change(None).await.unwrap();
    assert_eq!(res.status(), 403);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "main").contains("nothing was saved"));
    // Another session's token.
    let other = app.other_browser();
    other.sign_in("customer2@example.com").await;
    let foreign = other.form_token("/account").await;
    assert_ne!(foreign, good);
    assert_eq!(change(Some(foreign)).await.unwrap().status(), 403);
    // A token from before sign-in.
    let fresh = app.other_browser();
    let pre_login = fresh.form_token("/login").await;
    fresh.sign_in("customer3@example.com").await;
    let res = fresh
        .post_form(
            "/account/sign-out-everywhere",
            &[("csrf_token", &pre_login)],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(fresh.get("/account").await.status(), 200, "still signed in");
    // A cross-site origin, even with the right token.
    let res = app
        .client
        .post(app.url("/account/password"))
        .header("origin", "https://evil.example")
        .form(&[
            ("csrf_token", good.as_str()),
            ("current_password", DEMO_PASSWORD),
            ("new_password", "a-brand-new-password"),
            ("confirm_password", "a-brand-new-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Naming the attacker's site as the forwarded host does not make it
    // ours: the header counts only from a trusted proxy (none here).
    let res = app
        .client
        .post(app.url("/account/sign-out-everywhere"))
        .header("origin", "https://evil.example")
        .header("x-forwarded-host", "evil.example")
        .header("forwarded", "host=evil.example;proto=https")
        .form(&[("csrf_token", good.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(app.url("/account/sign-out-everywhere"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", good.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let hash_after: String = {
        use supportdesk::db::schema::users::dsl::*;
        users
            .filter(email.eq("customer1@example.com"))
            .select(password_hash)
            .first::<Option<String>>(&mut app.db.conn())
            .unwrap()
            .unwrap()
    };
    assert_eq!(hash_before, hash_after, "nothing stored");
    assert_eq!(app.get("/account").await.status(), 200, "still signed in");
}

#[tokio::test]
async fn next_only_accepts_local_paths() {
    let app = TestApp::spawn().await;
    for (next, expected) in [
        ("/account", "/account"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https:%2F%2Fevil.example", "/"),
    ] {
        let browser = app.other_browser();
        let token = browser.form_token("/login").await;
        let res = browser
            .post_form(
                "/login",
                &[
                    ("email", "customer1@example.com"),
                    ("password", DEMO_PASSWORD),
                    ("csrf_token", &token),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], expected, "next={next}");
    }
}

/// A user without a password (they sign in with a provider) sets a first
/// one only soon after signing in: an old session cookie is not enough.
#[tokio::test]
async fn a_first_password_needs_a_recent_sign_in() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let drop_password =
        || app.exec("UPDATE users SET password_hash = NULL WHERE email = 'customer1@example.com'");
    let has_password = || {
        app.count(
            "SELECT count(*) AS n FROM users \
             WHERE email = 'customer1@example.com' AND password_hash IS NOT NULL",
        )
    };
    async fn set_first(browser: &TestApp) -> reqwest::Response {
        let token = browser.form_token("/account").await;
        browser
            .post_form(
                "/account/password",
                &[
                    ("csrf_token", &token),
                    ("new_password", "a-first-password-1"),
                    ("confirm_password", "a-first-password-1"),
                ],
            )
            .await
    }

    // This session signed in an hour ago.
    drop_password();
    app.exec(
        "UPDATE sessions SET state = jsonb_set(state, '{signed_in_at}', \
         to_jsonb((extract(epoch FROM now())::bigint - 3600)::text)) WHERE user_id IS NOT NULL",
    );
    let res = set_first(&app).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("needs a recent sign-in"), "{body}");
    assert_eq!(has_password(), 0, "no password was set");

    // A browser that has just signed in may.
    app.exec(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users \
         WHERE email = 'customer2@example.com') WHERE email = 'customer1@example.com'",
    );
    let fresh = app.other_browser();
    fresh.sign_in("customer1@example.com").await;
    drop_password();
    assert_eq!(set_first(&fresh).await.status(), 303);
    assert_eq!(has_password(), 1);
}

#[tokio::test]
async fn password_change_checks_and_signs_out_other_devices() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let laptop = app.other_browser();
    laptop.sign_in("customer1@example.com").await;

    let token = app.form_token("/account").await;
    let res = app
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", "wrong-password-1"),
                ("new_password", "short"),
                ("confirm_password", "different"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::texts(&doc, ".field-error").len(), 3);

    let res = app
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", DEMO_PASSWORD),
                ("new_password", "a-much-better-password"),
                ("confirm_password", "a-much-better-password"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.get("/account").await.status(),
        200,
        "this device stays signed in"
    );
    assert_eq!(
        laptop.get("/account").await.status(),
        303,
        "the other device is signed out"
    );
    let fresh = app.other_browser();
    assert_eq!(
        fresh
            .try_sign_in("customer1@example.com", DEMO_PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        fresh
            .try_sign_in("customer1@example.com", "a-much-better-password")
            .await
            .status(),
        303
    );
}

/// The per-address limit counts the client behind a trusted proxy, and
/// the peer when the header comes from anyone else.
#[tokio::test]
async fn addresses_come_from_trusted_proxies_only() {
    let addresses = |app: &TestApp| {
        app.text(
            "SELECT string_agg(subject, ',' ORDER BY subject) AS s FROM login_attempts \
             WHERE scope = 'address'",
        )
    };
    async fn fail(app: &TestApp) {
        let token = app.form_token("/login").await;
        let res = app
            .client
            .post(app.url("/login"))
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.9")
            .form(&[
                ("email", "customer1@example.com"),
                ("password", "wrong-password-1"),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }

    // Not configured: the header is ignored.
    let app = TestApp::spawn().await;
    fail(&app).await;
    assert_eq!(addresses(&app), "127.0.0.1");

    // The app behind a proxy on 127.0.0.1: the client it saw counts.
    let db = crate::helpers::TestDb::new();
    let mut settings = supportdesk::config::Settings::for_database(&db.url);
    settings.trusted_proxies = vec!["127.0.0.0/8".into()];
    let app = TestApp::spawn_with(db, settings).await;
    fail(&app).await;
    assert_eq!(addresses(&app), "203.0.113.9");
    // The host a trusted proxy forwards is the one the browser's Origin names.
    let token = app.form_token("/login").await;
    let res = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://support.example.com")
        .header("x-forwarded-host", "support.example.com")
        .form(&[
            ("email", "customer1@example.com"),
            ("password", "wrong-password-1"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "past the origin check");
}

#[tokio::test]
async fn parallel_wrong_passwords_are_held_to_the_limit() {
    let app = TestApp::spawn().await;
    let token = app.form_token("/login").await;
    let mut attempts = Vec::new();
    for _ in 0..50 {
        let client = app.client.clone();
        let url = app.url("/login");
        let token = token.clone();
        attempts.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("email", "agent2@example.com"),
                    ("password", "wrong-wrong-wrong"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let refused = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    // The documented limit: 10 tries per account from one address in 15
    // minutes (written out, so a changed constant fails here).
    assert_eq!(refused, 10, "{statuses:?}");
    assert_eq!(supportdesk::auth::throttle::PER_ACCOUNT_ADDRESS, 10);
    assert_eq!(refused + limited, 50);
    // Even the right password waits now, from this address; Retry-After
    // says how long.
    let res = app.try_sign_in("agent2@example.com", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // Another account from the same address still gets in.
    let other = app.other_browser();
    assert_eq!(
        other
            .try_sign_in("agent1@example.com", DEMO_PASSWORD)
            .await
            .status(),
        303
    );
}

/// Signs in from `address` (the app trusts a proxy on 127.0.0.1, which
/// names the client in X-Forwarded-For); returns the status.
async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> u16 {
    let browser = app.other_browser();
    let token = browser.form_token("/login").await;
    browser
        .client
        .post(app.url("/login"))
        .header("x-forwarded-for", address)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Nobody can lock an owner out by guessing from one place: the guesser's
/// address is limited, the owner elsewhere is not. Only guessing spread over
/// many addresses reaches the much higher per-account limit (100).
#[tokio::test]
async fn a_guesser_from_one_address_does_not_lock_the_owner_out() {
    let db = crate::helpers::TestDb::new();
    let mut settings = supportdesk::config::Settings::for_database(&db.url);
    settings.trusted_proxies = vec!["127.0.0.0/8".into()];
    let app = TestApp::spawn_with(db, settings).await;
    let mut statuses = Vec::new();
    for _ in 0..50 {
        statuses.push(sign_in_from(&app, "198.51.100.7", "agent2@example.com", "guess").await);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 10);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 40);
    let right = |address| sign_in_from(&app, address, "agent2@example.com", DEMO_PASSWORD);
    assert_eq!(
        right("198.51.100.7").await,
        429,
        "the guesser's address waits"
    );
    assert_eq!(right("203.0.113.20").await, 303, "the owner gets in");
    // An IPv6 guesser is one guesser across its /64.
    for host in 1..=10 {
        let address = format!("2001:db8:5:6::{host:x}");
        assert_eq!(
            sign_in_from(&app, &address, "agent1@example.com", "guess").await,
            401
        );
    }
    let neighbour = "2001:db8:5:6:ffff::1";
    assert_eq!(
        sign_in_from(&app, neighbour, "agent1@example.com", DEMO_PASSWORD).await,
        429
    );
    assert_eq!(
        sign_in_from(&app, "2001:db8:7::1", "agent1@example.com", DEMO_PASSWORD).await,
        303
    );

    // Guessing spread over many addresses: the account's own limit.
    app.exec(
        "INSERT INTO login_attempts (scope, subject) \
         SELECT 'account', 'customer2@example.com' FROM generate_series(1, 100)",
    );
    assert_eq!(
        sign_in_from(&app, "192.0.2.50", "customer2@example.com", DEMO_PASSWORD).await,
        429
    );
    assert_eq!(supportdesk::auth::throttle::PER_ACCOUNT, 100);
}

#[tokio::test]
async fn cookies_are_host_prefixed_and_secure_under_https() {
    let db = crate::helpers::TestDb::new();
    let mut settings = supportdesk::config::Settings::for_database(&db.url);
    settings.base_url = Some("https://support.example.com".into());
    let app = TestApp::spawn_with(db, settings).await;
    let res = app.get("/login").await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-sd_csrf="))
        .expect("__Host- prefixed cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(
        !cookie.contains("Domain="),
        "__Host- cookies carry no Domain"
    );

    // The one-time message cookie too ("You are signed out."). The client
    // keeps no Secure cookies over plain http, so the form's cookie is
    // sent by hand.
    let body = res.text().await.unwrap();
    let token = html::attrs(&html::parse(&body), "input[name=csrf_token]", "value").remove(0);
    let pair = cookie.split(';').next().unwrap().to_owned();
    let res = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &pair)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let flash = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-sd_flash="))
        .expect("__Host- prefixed flash cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(flash.contains(attribute), "{flash} lacks {attribute}");
    }
}

/// A success takes its own attempt off the address's count, never a
/// failure that happened to be recorded after it.
#[test]
fn a_success_forgets_only_its_own_attempt() {
    use supportdesk::auth::throttle;
    let db = crate::helpers::TestDb::new();
    let mut conn = db.conn();
    let ours = throttle::admit(&mut conn, "customer1@example.com", "203.0.113.9").unwrap();
    throttle::admit(&mut conn, "customer2@example.com", "203.0.113.9").unwrap();
    throttle::forget_success(&mut conn, "customer1@example.com", "203.0.113.9", ours).unwrap();
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        subject: String,
    }
    let left: Vec<String> = diesel::sql_query("SELECT subject FROM login_attempts ORDER BY id")
        .load::<Row>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| r.subject)
        .collect();
    assert_eq!(
        left,
        vec![
            "customer2@example.com 203.0.113.9",
            "customer2@example.com",
            "203.0.113.9"
        ]
    );
}

/// An account without a password (it signs in with a provider) cannot be
/// signed into with the password behind the timing-equaliser hash.
#[tokio::test]
async fn an_account_without_a_password_refuses_every_password() {
    let app = TestApp::spawn().await;
    app.exec("UPDATE users SET password_hash = NULL WHERE email = 'customer1@example.com'");
    for guess in ["not a real password", "", DEMO_PASSWORD] {
        let res = app.try_sign_in("customer1@example.com", guess).await;
        assert_eq!(res.status(), 401, "{guess:?}");
    }
}

/// An address longer than any account's (the columns hold 320 characters)
/// is refused like a wrong password, before the throttle's log or the
/// users table is asked: it answered 500 when the log's insert failed.
#[tokio::test]
async fn an_overlong_email_at_sign_in_is_refused_not_a_500() {
    let app = TestApp::spawn().await;
    let attempts = || app.count("SELECT count(*) AS n FROM login_attempts");
    let before = attempts();
    for email in [
        format!("{}@example.com", "a".repeat(320)),
        "x".repeat(20_000),
    ] {
        let res = app.try_sign_in(&email, "wrong-password").await;
        assert_eq!(res.status(), 401, "{} characters", email.len());
        let body = res.text().await.unwrap();
        assert!(body.contains("do not match an active account"));
    }
    // A megabyte is over the form's body limit before anything reads it.
    let res = app
        .try_sign_in(&"x".repeat(1 << 20), "wrong-password")
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(attempts(), before);
}
