//! What hostile volume costs: every form's body has a limit that fits it,
//! the issue form counts its fields before it looks at any, and doc
//! feedback keeps only what the form's definitions know.

use crate::helpers::issue_form::{Fields, fresh_form, post, set};
use crate::helpers::{TestApp, html};

/// Rows a refused request must not have written.
fn rows(app: &TestApp) -> i64 {
    app.count(
        "SELECT (SELECT count(*) FROM issues) + (SELECT count(*) FROM comments) \
         + (SELECT count(*) FROM doc_feedback) + (SELECT count(*) FROM issue_activities) AS n",
    )
}

/// `fields` urlencoded, then `extra` appended as is.
fn body(fields: &Fields, extra: &str) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    body.push_str(extra);
    body
}

async fn post_raw(app: &TestApp, path: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The review's request: 1 MB of fields with a control character each.
fn control_flood(bytes: usize) -> String {
    "&ctx.eks.f=%01".repeat(bytes / 14)
}

#[tokio::test]
async fn a_megabyte_of_bad_fields_is_refused_unread_and_the_server_stays_responsive() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut fields = fresh_form(&app).await;
    set(&mut fields, "primary_plane", "eks");
    let before = rows(&app);

    for path in ["/issues", "/issues/new/fields", "/issues/new/feedback"] {
        let res = post_raw(&app, path, body(&fields, &control_flood(1024 * 1024))).await;
        assert_eq!(res.status(), 413, "{path}");
        let doc = html::parse(&res.text().await.unwrap());
        assert_eq!(html::text(&doc, "h1"), "Too large");
    }

    // 100,000 fields within the issue form's body limit: one message about
    // the form, no per-field work, a page of ordinary size.
    let flood = "&a".repeat(100_000);
    let res = post_raw(&app, "/issues", body(&fields, &flood)).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.len() < 100_000,
        "the error page is {} bytes",
        page.len()
    );
    let doc = html::parse(&page);
    assert!(html::text(&doc, "#error-summary").contains("more than 400 values"));

    // Ten at once, and the health check still answers meanwhile.
    let floods: Vec<_> = (0..10)
        .map(|i| {
            let client = app.client.clone();
            let url = app.url(if i % 2 == 0 {
                "/issues"
            } else {
                "/issues/new/fields"
            });
            let body = body(&fields, &flood);
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    assert_eq!(app.get("/healthz").await.status(), 200);
    for flood in floods {
        assert_eq!(flood.await.unwrap(), 422);
    }
    assert_eq!(rows(&app), before);
}

#[tokio::test]
async fn each_form_takes_the_body_it_needs_and_no_more() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let number = app.count(
        "SELECT min(i.number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com' AND i.status IN ('open', 'in_progress')",
    );
    let ticket = format!("/issues/{number}");
    let token = app.form_token(&ticket).await;
    let before = rows(&app);
    let reply = |text: String| {
        let fields: Fields = vec![("csrf_token".into(), token.clone()), ("body".into(), text)];
        body(&fields, "")
    };

    // The longest reply allowed, in the widest characters a browser sends
    // (four bytes each, twelve percent-encoded), fits its form.
    let res = post_raw(
        &app,
        &format!("{ticket}/comments"),
        reply("😀".repeat(20_000)),
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(rows(&app), before + 2, "the reply and its activity row");

    // A 300 KB reply is more than any reply needs.
    let before = rows(&app);
    let res = post_raw(
        &app,
        &format!("{ticket}/comments"),
        reply("a".repeat(300_000)),
    )
    .await;
    assert_eq!(res.status(), 413);
    assert_eq!(rows(&app), before);

    // A form of short fields (reopening) takes the default 64 KiB.
    let fields: Fields = vec![
        ("csrf_token".into(), token.clone()),
        ("reason".into(), "r".repeat(100_000)),
    ];
    let res = post_raw(&app, &format!("{ticket}/reopen"), body(&fields, "")).await;
    assert_eq!(res.status(), 413);
    assert_eq!(rows(&app), before);
}

#[tokio::test]
async fn doc_feedback_keeps_only_known_values_and_nothing_from_a_refused_form() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut fields = fresh_form(&app).await;
    set(&mut fields, "primary_plane", "eks");
    set(&mut fields, "title", "Pods pending after scale down");
    set(&mut fields, "description", "karpenter does not add nodes");
    let res = post(&app, "/issues/new/fields", &fields).await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    let helpful = html::attrs(&doc, "button[name=feedback]", "value")
        .into_iter()
        .find(|v| v.starts_with("helpful:"))
        .expect("an EKS doc is suggested");
    set(&mut fields, "feedback", &helpful);
    set(&mut fields, "ctx.eks.cluster_version", "1.31");

    let session = fields
        .iter()
        .find(|(k, _)| k == "form_session_id")
        .unwrap()
        .1
        .clone();
    let mine =
        format!("SELECT count(*) AS n FROM doc_feedback WHERE form_session_id = '{session}'");

    // A control character in the title: the form comes back with the
    // reason and the click is not kept.
    let mut refused = fields.clone();
    set(&mut refused, "title", "nul\u{0}byte");
    let res = post(&app, "/issues/new/feedback", &refused).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#title-error").contains("control characters"));
    assert_eq!(app.count(&mine), 0);

    // Made-up fields and planes, a text far over any field's length and a
    // value that is not one of its field's options: the click is kept with
    // only what the form's definitions know.
    fields.push(("ctx.eks.made_up".into(), "x".repeat(200_000)));
    fields.push(("ctx.nosuchplane.key".into(), "y".into()));
    fields.push(("planes".into(), "nosuchplane".into()));
    set(&mut fields, "ctx.eks.node_group", "not-an-option");
    let res = post(&app, "/issues/new/feedback", &fields).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.count(&mine), 1);
    let snapshot = app.text(&format!(
        "SELECT issue_context::text AS s FROM doc_feedback WHERE form_session_id = '{session}'"
    ));
    assert!(snapshot.len() < 1000, "{snapshot}");
    let snapshot: serde_json::Value = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(snapshot["planes"], serde_json::json!(["eks"]));
    assert_eq!(
        snapshot["contexts"],
        serde_json::json!({"eks.cluster_version": "1.31"})
    );
    assert_eq!(snapshot["title"], "Pods pending after scale down");
}

/// Puts `email`'s count of `action` at `count` for this hour and the next
/// (so a test running across the hour still meets it).
fn set_count(app: &TestApp, email: &str, action: &str, count: i32) {
    app.exec(&format!(
        "INSERT INTO write_counts (user_id, action, window_start, count) \
         SELECT u.id, '{action}', w, {count} FROM users u, \
           (VALUES (date_trunc('hour', now())), (date_trunc('hour', now()) + interval '1 hour')) AS v(w) \
         WHERE u.email = '{email}' \
         ON CONFLICT (user_id, action, window_start) DO UPDATE SET count = EXCLUDED.count"
    ));
}

/// `email`'s count of `action` this hour (0 when none was counted).
fn write_count(app: &TestApp, email: &str, action: &str) -> i64 {
    app.count(&format!(
        "SELECT coalesce(sum(count), 0)::bigint AS n FROM write_counts w \
         JOIN users u ON u.id = w.user_id WHERE u.email = '{email}' \
           AND w.action = '{action}' AND w.window_start = date_trunc('hour', now())"
    ))
}

fn assert_limited(res: &reqwest::Response) {
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "Retry-After {wait}");
}

#[tokio::test]
async fn issues_replies_and_feedback_clicks_are_limited_per_user_per_hour() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let me = "customer1@example.com";

    // Replies: 200 an hour. At the limit the next is refused and not written.
    let number = app.count(
        "SELECT min(i.number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com' AND i.status IN ('open', 'in_progress')",
    );
    let ticket = format!("/issues/{number}");
    let comments = |app: &TestApp| app.count("SELECT count(*) AS n FROM comments");
    let before = comments(&app);
    set_count(&app, me, "reply", 199);
    let token = app.form_token(&ticket).await;
    let reply = [("csrf_token", token.as_str()), ("body", "One more reply")];
    let res = app.post_form(&format!("{ticket}/comments"), &reply).await;
    assert_eq!(res.status(), 303, "the 200th reply is accepted");
    let res = app.post_form(&format!("{ticket}/comments"), &reply).await;
    assert_limited(&res);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::text(&doc, "h1"), "Too many attempts");
    assert_eq!(comments(&app), before + 1);
    // A refused write is not counted.
    assert_eq!(write_count(&app, me, "reply"), 200);

    // Ten at once with five left: five are written, five refused, none
    // slips past (each count returns its own total, before its write).
    set_count(&app, me, "reply", 195);
    let before = comments(&app);
    let path = format!("{ticket}/comments");
    let sent = (0..10).map(|_| app.post_form(&path, &reply));
    let statuses: Vec<u16> = futures_util::future::join_all(sent)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(comments(&app), before + 5);
    assert_eq!(write_count(&app, me, "reply"), 200);

    // Someone else's count is their own.
    let other = app.other_browser();
    other.sign_in("customer2@example.com").await;
    let theirs = other.count(
        "SELECT min(i.number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer2@example.com' AND i.status IN ('open', 'in_progress')",
    );
    let token = other.form_token(&format!("/issues/{theirs}")).await;
    let res = other
        .post_form(
            &format!("/issues/{theirs}/comments"),
            &[("csrf_token", token.as_str()), ("body", "Mine")],
        )
        .await;
    assert_eq!(res.status(), 303);
    // A write that fails is not counted: a reply to another customer's
    // ticket (customer3 is of another organisation).
    let stranger = app.other_browser();
    stranger.sign_in("customer3@example.com").await;
    let token = stranger.form_token("/issues").await;
    let res = stranger
        .post_form(
            &format!("{ticket}/comments"),
            &[("csrf_token", token.as_str()), ("body", "Not mine")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(write_count(&app, "customer3@example.com", "reply"), 0);

    // Issues: 30 an hour.
    let issues = |app: &TestApp| app.count("SELECT count(*) AS n FROM issues");
    let before = issues(&app);
    set_count(&app, me, "issue", 30);
    let mut fields = fresh_form(&app).await;
    for (name, value) in [
        ("primary_plane", "eks"),
        ("title", "Pods stuck in Pending"),
        ("description", "Since the node group change."),
        ("submitter_handle", "@casey"),
        ("ctx.eks.cluster_version", "1.31"),
    ] {
        set(&mut fields, name, value);
    }
    let res = post(&app, "/issues", &fields).await;
    assert_limited(&res);
    assert_eq!(issues(&app), before);
    set_count(&app, me, "issue", 29);
    let res = post(&app, "/issues", &fields).await;
    assert_eq!(res.status(), 303, "the 30th issue is filed");
    assert_eq!(issues(&app), before + 1);

    // Feedback clicks: 300 an hour.
    let feedback = |app: &TestApp| app.count("SELECT count(*) AS n FROM doc_feedback");
    let mut fields = fresh_form(&app).await;
    set(&mut fields, "primary_plane", "eks");
    set(&mut fields, "title", "Pods pending after scale down");
    let doc = html::parse(
        &post(&app, "/issues/new/fields", &fields)
            .await
            .text()
            .await
            .unwrap(),
    );
    let click = html::attrs(&doc, "button[name=feedback]", "value").remove(0);
    set(&mut fields, "feedback", &click);
    let before = feedback(&app);
    set_count(&app, me, "feedback", 300);
    assert_limited(&post(&app, "/issues/new/feedback", &fields).await);
    assert_eq!(feedback(&app), before);
}

#[tokio::test]
async fn a_long_conversation_is_read_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let number = app.count(
        "SELECT min(i.number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com' AND i.status IN ('open', 'in_progress')",
    );
    // 130 replies a minute apart, numbered, and every fifth of 30 more an
    // internal note the customer must not see on any page; 150 changes.
    app.exec(&format!(
        "WITH i AS (SELECT id, created_by_id FROM issues WHERE number = {number}) \
         INSERT INTO comments (id, issue_id, author_id, body, is_internal, created_at, updated_at) \
         SELECT gen_random_uuid(), i.id, i.created_by_id, 'reply ' || n, false, \
                now() + n * interval '1 minute', now() FROM i, generate_series(1, 130) n"
    ));
    app.exec(&format!(
        "WITH i AS (SELECT id FROM issues WHERE number = {number}), \
              a AS (SELECT id FROM users WHERE email = 'agent1@example.com') \
         INSERT INTO comments (id, issue_id, author_id, body, is_internal, created_at, updated_at) \
         SELECT gen_random_uuid(), i.id, a.id, 'secret note ' || n, true, \
                now() + n * interval '1 minute' + interval '1 second', now() \
         FROM i, a, generate_series(100, 129) n"
    ));
    app.exec(&format!(
        "INSERT INTO issue_activities (id, issue_id, action, description, created_at) \
         SELECT gen_random_uuid(), id, 'commented', 'Change ' || n, now() + n * interval '1 minute' \
         FROM issues, generate_series(1, 150) n WHERE number = {number}"
    ));

    let mut path = format!("/issues/{number}");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 200, "{path}");
        let doc = html::parse(&res.text().await.unwrap());
        let bodies = html::texts(&doc, ".conversation .comment-body");
        assert!(bodies.len() <= 50, "{} replies on one page", bodies.len());
        assert!(bodies.iter().all(|b| !b.contains("secret")), "{bodies:?}");
        if pages == 0 {
            assert_eq!(bodies.last().map(String::as_str), Some("reply 130"));
            let activity = html::texts(&doc, ".timeline li span");
            assert!(activity.len() <= 100 && activity.contains(&"Change 150".to_owned()));
            assert!(!activity.contains(&"Change 1".to_owned()));
        }
        seen.splice(0..0, bodies);
        pages += 1;
        match html::attrs(&doc, "a[href*='?before=']", "href").pop() {
            Some(earlier) => path = earlier.split('#').next().unwrap().to_owned(),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=130).map(|n| format!("reply {n}")).collect();
    let replies: Vec<String> = seen
        .into_iter()
        .filter(|b| b.starts_with("reply"))
        .collect();
    assert_eq!(
        replies, expected,
        "every reply once, in order, over the pages"
    );
    assert_eq!(pages, 3);

    // Staff see the notes in the pages too.
    let agent = app.other_browser();
    agent.sign_in("agent1@example.com").await;
    let doc = html::parse(
        &agent
            .get(&format!("/issues/{number}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(html::text(&doc, ".conversation").contains("secret note 129"));

    let res = app.get(&format!("/issues/{number}?before=nonsense")).await;
    assert_eq!(res.status(), 400);
}
