//! Every `/issues*` page over plain HTTP (no JavaScript): the issue form
//! with plane-driven fields, doc feedback, filing, bad input, scoping,
//! escaping, the issue list, and an issue's page with its replies, closing
//! and reopening, and the agent's ticket form (lifecycle rules and
//! stale-form conflicts).

use crate::helpers::issue_form::{Fields, fresh_form, post, set};
use crate::helpers::{TestApp, html};

async fn agent_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.sign_in("agent1@example.com").await;
    app
}

fn agent_id(app: &TestApp, email: &str) -> String {
    app.text(&format!(
        "SELECT id::text AS s FROM users WHERE email = '{email}'"
    ))
}

/// Row counts that a refused form must leave as they were.
fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.count("SELECT count(*) AS n FROM issues"),
        app.count("SELECT count(*) AS n FROM issue_planes"),
        app.count("SELECT count(*) AS n FROM issue_plane_contexts"),
        app.count("SELECT count(*) AS n FROM issue_activities"),
    ]
}

/// A complete, valid EKS issue.
async fn valid_form(app: &TestApp) -> Fields {
    let mut f = fresh_form(app).await;
    for (k, v) in [
        ("primary_plane", "eks"),
        ("title", "Pods stuck in Pending after node group change"),
        (
            "description",
            "Since this morning pods stay Pending.\nKarpenter logs show errors.",
        ),
        ("pipeline_url", "https://ci.example.com/acme/p/1"),
        ("submitter_handle", "@casey"),
        ("category", "technical_issue"),
        ("ctx.eks.cluster_version", "1.31"),
        ("ctx.eks.node_group", "spot"),
        ("ctx.eks.namespace", "payments"),
    ] {
        f.push((k.into(), v.into()));
    }
    f.push(("ctx.eks.addons".into(), "karpenter".into()));
    f.push(("ctx.eks.addons".into(), "cluster-autoscaler".into()));
    f
}

#[tokio::test]
async fn the_no_javascript_journey_files_an_issue_with_contexts_and_feedback() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut fields = fresh_form(&app).await;
    set(&mut fields, "primary_plane", "eks");
    set(&mut fields, "title", "Pods pending after scale down");
    set(
        &mut fields,
        "description",
        "Pods stay Pending; karpenter does not add nodes",
    );

    // "Update fields": the EKS fields appear and what was typed stays.
    let res = post(&app, "/issues/new/fields", &fields).await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::text(&doc, "#plane-fields legend"), "EKS details");
    assert!(html::text(&doc, "label[for=ctx-eks-cluster_version]").contains("(required)"));
    assert_eq!(
        html::attrs(&doc, "#title", "value"),
        vec!["Pods pending after scale down"]
    );
    let helpful: Vec<String> = html::attrs(&doc, "button[name=feedback]", "value")
        .into_iter()
        .filter(|v| v.starts_with("helpful:"))
        .collect();
    assert!(!helpful.is_empty(), "EKS docs are suggested");
    let suggested_title = html::texts(&doc, ".suggestion h3").remove(0);

    // "This solved my problem" keeps the form and offers to leave.
    let mut with_feedback = fields.clone();
    with_feedback.push(("feedback".into(), helpful[0].clone()));
    set(&mut with_feedback, "ctx.eks.cluster_version", "1.31");
    let res = post(&app, "/issues/new/feedback", &with_feedback).await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#suggestions").contains("Leave without filing"));
    assert_eq!(
        html::attrs(&doc, "#title", "value"),
        vec!["Pods pending after scale down"]
    );
    assert_eq!(
        html::attrs(&doc, "#ctx-eks-cluster_version option[selected]", "value"),
        vec!["1.31"]
    );

    // Later refreshes of the form still show the answer.
    let res = post(&app, "/issues/new/fields", &fields).await;
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(
        html::texts(&doc, ".suggestion.is-helpful").len(),
        1,
        "the answer is remembered"
    );

    // File it anyway.
    set(&mut fields, "submitter_handle", "@casey");
    set(&mut fields, "ctx.eks.cluster_version", "1.31");
    fields.push(("ctx.eks.addons".into(), "karpenter".into()));
    let res = post(&app, "/issues", &fields).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/issues/"));
    let doc = html::parse(&app.get(&location).await.text().await.unwrap());
    assert!(html::text(&doc, ".flash").contains("filed"));
    let details = html::text(&doc, ".ticket-meta");
    assert!(
        details.contains("Kubernetes version") && details.contains("1.31"),
        "{details}"
    );
    assert!(details.contains("Karpenter"), "{details}");

    let number: i64 = location.trim_start_matches("/issues/").parse().unwrap();
    let feedback_issue = app.count(&format!(
            "SELECT count(*) AS n FROM doc_feedback f JOIN issues i ON i.id = f.issue_id \
             WHERE i.number = {number} AND f.marked_helpful AND f.issue_context->'planes' = '[\"eks\"]' \
             AND f.issue_context->'contexts'->>'eks.cluster_version' = '1.31' \
             AND f.issue_context->>'environment_type' = 'production'"
        ),
    );
    assert_eq!(
        feedback_issue, 1,
        "the feedback row carries the issue id and the snapshot"
    );
    let doc_title = app.text(&format!(
        "SELECT d.title AS s FROM doc_feedback f JOIN docs d ON d.id = f.doc_id \
             JOIN issues i ON i.id = f.issue_id WHERE i.number = {number}"
    ));
    assert_eq!(doc_title, suggested_title);
    assert_eq!(
        app.count(&format!(
                "SELECT count(*) AS n FROM issue_activities a JOIN issues i ON i.id = a.issue_id WHERE i.number = {number} AND a.action = 'created'"
            )
        ),
        1
    );
}

#[tokio::test]
async fn a_double_submit_makes_one_issue() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let fields = valid_form(&app).await;
    let before = counts(&app);
    let first = post(&app, "/issues", &fields).await;
    let second = post(&app, "/issues", &fields).await;
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(first.headers()["location"], second.headers()["location"]);
    assert_eq!(counts(&app)[0], before[0] + 1);
}

#[tokio::test]
async fn query_parameters_prefill_the_form() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let res = app
        .get("/issues/new?primary_plane=app-cicd&title=Build%20fails&ctx.app-cicd.pipeline_stage=deploy&pipeline_url=https%3A%2F%2Fci.example.com%2F1")
        .await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::attrs(&doc, "#title", "value"), vec!["Build fails"]);
    assert_eq!(
        html::attrs(&doc, "#pipeline_url", "value"),
        vec!["https://ci.example.com/1"]
    );
    assert_eq!(
        html::attrs(&doc, "#primary_plane option[selected]", "value"),
        vec!["app-cicd"]
    );
    assert_eq!(
        html::attrs(
            &doc,
            "#ctx-app-cicd-pipeline_stage option[selected]",
            "value"
        ),
        vec!["deploy"]
    );
    assert_eq!(html::attrs(&doc, "#submitter_handle", "value").len(), 1);
}

/// Posts a broken variant of a valid form: 422, the message beside the
/// field, the typed title kept, nothing stored.
async fn refused(app: &TestApp, fields: &Fields, field_id: &str, message: &str) {
    let before = counts(app);
    let res = post(app, "/issues", fields).await;
    assert_eq!(res.status(), 422, "{field_id}");
    let doc = html::parse(&res.text().await.unwrap());
    // A form-wide message ("issue-form") is in the summary only.
    let shown = html::texts(&doc, &format!("#{field_id}-error")).concat();
    let summary = html::text(&doc, "#error-summary");
    assert!(
        shown.contains(message) || summary.contains(message),
        "{field_id}: wanted {message:?}, field says {shown:?}, summary {summary:?}"
    );
    let typed_title = fields
        .iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if typed_title.chars().count() <= 200 && !typed_title.contains('\0') {
        assert_eq!(
            html::attrs(&doc, "#title", "value"),
            vec![typed_title],
            "{field_id}: title kept"
        );
    }
    assert_eq!(counts(app), before, "{field_id}: nothing stored");
}

#[tokio::test]
async fn bad_input_is_refused_beside_its_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let valid = valid_form(&app).await;

    let mut f = valid.clone();
    f.retain(|(k, _)| k != "ctx.eks.cluster_version");
    refused(&app, &f, "ctx-eks-cluster_version", "required").await;

    let mut f = valid.clone();
    set(&mut f, "ctx.eks.node_group", "self-hosted"); // an App CI/CD runner type
    refused(&app, &f, "ctx-eks-node_group", "from its list").await;

    let mut f = valid.clone();
    set(&mut f, "ctx.eks.cluster_version", "1.99");
    refused(&app, &f, "ctx-eks-cluster_version", "from its list").await;

    let mut f = valid.clone();
    f.push(("ctx.eks.addons".into(), "karpenter".into()));
    refused(&app, &f, "ctx-eks-addons", "more than once").await;

    let mut f = valid.clone();
    for _ in 0..1000 {
        f.push(("ctx.eks.addons".into(), "karpenter".into()));
    }
    refused(&app, &f, "issue-form", "more than 400 values").await;

    let mut f = valid.clone();
    f.push(("ctx.eks.cluster_version".into(), "1.30".into()));
    refused(&app, &f, "ctx-eks-cluster_version", "one option").await;

    let mut f = valid.clone();
    f.push(("title".into(), "a second title".into()));
    refused(&app, &f, "title", "more than once").await;

    let globex_env = app.text(
        "SELECT e.id::text AS s FROM environments e JOIN customers c ON c.id = e.customer_id \
         WHERE c.name = 'Globex Logistics' LIMIT 1",
    );
    let mut f = valid.clone();
    set(&mut f, "environment_id", &globex_env);
    refused(&app, &f, "environment_id", "your environments").await;

    let mut f = valid.clone();
    set(&mut f, "environment_id", "not-a-uuid");
    refused(&app, &f, "environment_id", "your environments").await;

    for (url, message) in [
        ("javascript:alert(1)", "Only http"),
        ("data:text/html,<b>x</b>", "Only http"),
        (
            "https://user:secret@ci.example.com/",
            "user name or password",
        ),
    ] {
        let mut f = valid.clone();
        set(&mut f, "pipeline_url", url);
        refused(&app, &f, "pipeline_url", message).await;
    }
    let mut f = valid.clone();
    set(
        &mut f,
        "pipeline_url",
        &format!("https://ci.example.com/{}", "a".repeat(4000)),
    );
    refused(&app, &f, "pipeline_url", "at most 2000").await;

    let mut f = valid.clone();
    set(&mut f, "title", &"t".repeat(10_000));
    refused(&app, &f, "title", "at most 200 characters").await;

    let mut f = valid.clone();
    set(&mut f, "title", "nul\0byte");
    refused(&app, &f, "title", "control characters").await;

    // Agent-only fields, with values an agent could send, are refused.
    let agent = app.text("SELECT id::text AS s FROM users WHERE email = 'agent1@example.com'");
    let globex = app.text("SELECT id::text AS s FROM customers WHERE name = 'Globex Logistics'");
    for (forbidden, value) in [
        ("status", "closed"),
        ("priority", "high"),
        ("assignee_id", agent.as_str()),
        ("customer_id", globex.as_str()),
    ] {
        let mut f = valid.clone();
        f.push((forbidden.into(), value.into()));
        refused(&app, &f, "issue-form", forbidden).await;
    }
}

#[tokio::test]
async fn invalid_utf8_and_huge_bodies_are_refused() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let valid = valid_form(&app).await;
    let before = counts(&app);
    let mut body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(valid.iter().filter(|(k, _)| k != "description"))
        .finish()
        .into_bytes();
    body.extend_from_slice(b"&description=bad%FF%FEbytes");
    let res = app
        .client
        .post(app.url("/issues"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#description-error").contains("UTF-8"));
    assert_eq!(counts(&app), before);

    let token = valid
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .unwrap()
        .1
        .clone();
    let huge = format!(
        "csrf_token={token}&description={}",
        "a".repeat(5 * 1024 * 1024)
    );
    let res = app
        .client
        .post(app.url("/issues"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::text(&doc, "h1"), "Too large");
    assert_eq!(counts(&app), before);
}

#[tokio::test]
async fn a_customer_never_sees_another_customers_issue() {
    let app = TestApp::spawn().await;
    let acme_number = app.count(
        "SELECT min(i.number) AS n FROM issues i JOIN customers c ON c.id = i.customer_id \
         WHERE c.name = 'Acme Payments' AND i.status IN ('resolved', 'closed')",
    );
    let acme_title = app.text(&format!(
        "SELECT title AS s FROM issues WHERE number = {acme_number}"
    ));
    app.sign_in("customer3@example.com").await;

    let foreign = app.get(&format!("/issues/{acme_number}")).await;
    let missing = app.get("/issues/987654").await;
    assert_eq!(foreign.status(), 404);
    assert_eq!(missing.status(), 404);
    let foreign = html::parse(&foreign.text().await.unwrap());
    let missing = html::parse(&missing.text().await.unwrap());
    assert_eq!(
        html::text(&foreign, "main h1"),
        html::text(&missing, "main h1")
    );
    assert_eq!(
        html::text(&foreign, "main p"),
        html::text(&missing, "main p")
    );

    for path in [
        "/issues".to_owned(),
        format!("/issues?q={}", acme_title.replace(' ', "+")),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 200, "{path}");
        let doc = html::parse(&res.text().await.unwrap());
        // The page shows a list (or says none matched), so the absence
        // below is the list's, not a missing page's.
        assert_eq!(
            html::texts(&doc, "table.table, .empty-state").len(),
            1,
            "{path}"
        );
        assert!(
            !html::texts(&doc, "td a").contains(&format!("#{acme_number}")),
            "{path}"
        );
    }
    // Nor in the resolved-issue suggestions, even with its exact words.
    let mut f = fresh_form(&app).await;
    let acme_plane = app.text(&format!(
            "SELECT p.slug AS s FROM issues i JOIN planes p ON p.id = i.primary_plane_id WHERE i.number = {acme_number}"
        ),
    );
    set(&mut f, "primary_plane", &acme_plane);
    set(&mut f, "title", &acme_title);
    let res = post(&app, "/issues/new/fields", &f).await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(!html::text(&doc, "#suggestions").contains(&format!("#{acme_number}")));

    // Replies and status changes to it are 404 as well, even with its
    // current version, and change nothing.
    let token = f[0].1.clone();
    let state = || {
        app.text(&format!(
            "SELECT concat_ws(' ', status, lock_version, \
                 (SELECT count(*) FROM comments c WHERE c.issue_id = i.id), \
                 (SELECT count(*) FROM issue_activities a WHERE a.issue_id = i.id)) AS s \
             FROM issues i WHERE number = {acme_number}"
        ))
    };
    let before = state();
    let version = app.count(&format!(
        "SELECT lock_version::bigint AS n FROM issues WHERE number = {acme_number}"
    ));
    let version = version.to_string();
    for (action, extra) in [
        ("comments", vec![("body", "hi")]),
        ("close", vec![]),
        ("reopen", vec![("reason", "Still broken")]),
    ] {
        let mut fields = vec![
            ("csrf_token", token.as_str()),
            ("version", version.as_str()),
        ];
        fields.extend(extra);
        let res = app
            .post_form(&format!("/issues/{acme_number}/{action}"), &fields)
            .await;
        assert_eq!(res.status(), 404, "{action}");
    }
    assert_eq!(state(), before);
}

#[tokio::test]
async fn markup_is_shown_as_text_everywhere_it_is_echoed() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let mut f = valid_form(&app).await;
    set(&mut f, "title", "<b>bold</b> title");
    set(&mut f, "description", evil);
    set(&mut f, "ctx.eks.namespace", "<i>ns</i>");
    // Echoed on a refused form too.
    let mut broken = f.clone();
    broken.retain(|(k, _)| k != "ctx.eks.cluster_version");
    let body = post(&app, "/issues", &broken).await.text().await.unwrap();
    assert!(!body.contains("<script>alert"), "refused form escapes");
    let doc = html::parse(&body);
    assert!(
        html::text(&doc, "#description").contains("<script>alert"),
        "shown as typed text"
    );

    let res = post(&app, "/issues", &f).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let token = f[0].1.clone();
    app.post_form(
        &format!("{location}/comments"),
        &[("csrf_token", &token), ("body", evil)],
    )
    .await;
    for path in [location.as_str(), "/issues"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        // The title is on both pages, as text: what is checked below is there.
        assert!(
            html::text(&html::parse(&body), "main").contains("<b>bold</b> title"),
            "{path}"
        );
        assert!(!body.contains("<script>alert"), "{path}");
        assert!(!body.contains("<img src=x"), "{path}");
        assert!(!body.contains("<b>bold</b>"), "{path}");
        assert!(!body.contains("<i>ns</i>"), "{path}");
    }
    let doc = html::parse(&app.get(&location).await.text().await.unwrap());
    assert!(html::text(&doc, "h1").contains("<b>bold</b> title"));
    assert!(
        html::texts(&doc, ".comment-body")
            .iter()
            .any(|t| t.contains("<script>"))
    );
}

#[tokio::test]
async fn customers_reply_close_and_reopen_with_a_reason() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let f = valid_form(&app).await;
    let location = post(&app, "/issues", &f).await.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let token = f[0].1.clone();
    let number: i64 = location.trim_start_matches("/issues/").parse().unwrap();
    let replies = || {
        app.count(&format!(
            "SELECT count(*) AS n FROM comments c JOIN issues i ON i.id = c.issue_id \
             WHERE i.number = {number}"
        ))
    };

    let res = app
        .post_form(
            &format!("{location}/comments"),
            &[("csrf_token", &token), ("body", "  ")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(replies(), 0, "a blank reply is not saved");
    let res = app
        .post_form(
            &format!("{location}/comments"),
            &[("csrf_token", &token), ("body", "More detail here")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = app
        .post_form(
            &format!("{location}/comments"),
            &[
                ("csrf_token", &token),
                ("body", "sneaky"),
                ("internal", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400, "customers cannot write internal notes");
    assert_eq!(replies(), 1, "nor a refused internal note");

    let page = html::parse(&app.get(&location).await.text().await.unwrap());
    let version =
        html::attrs(&page, "form[action$='/close'] input[name=version]", "value").remove(0);
    let res = app
        .post_form(
            &format!("{location}/close"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 303);
    // The same (now stale) form again: 409, nothing changes, and the page
    // says why.
    let res = app
        .post_form(
            &format!("{location}/close"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#status-error").contains("Nothing was changed"));

    let page = html::parse(&app.get(&location).await.text().await.unwrap());
    assert_eq!(html::text(&page, ".page-header .badge"), "Closed");
    let version = html::attrs(
        &page,
        "form[action$='/reopen'] input[name=version]",
        "value",
    )
    .remove(0);
    let res = app
        .post_form(
            &format!("{location}/reopen"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(
            &format!("{location}/reopen"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("reason", "Still failing today"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // A second, stale reopen form: refused on the page, its reason kept.
    let res = app
        .post_form(
            &format!("{location}/reopen"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("reason", "Typed in another tab"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#status-error").contains("changed after you opened it"));
    let page = html::parse(&app.get(&location).await.text().await.unwrap());
    assert_eq!(html::text(&page, ".page-header .badge"), "Open");
    assert!(
        html::texts(&page, ".comment-body")
            .iter()
            .any(|t| t.contains("Still failing today"))
    );
    assert_eq!(
        app.count(&format!(
                "SELECT count(*) AS n FROM issues WHERE number = {number} AND closed_at IS NULL AND resolved_at IS NULL"
            )
        ),
        1
    );

    // Reopening the open issue again (an old tab, a double click with a
    // fresh version) says why nothing happens instead of "Issue reopened.".
    let writes = format!(
        "SELECT (SELECT count(*) FROM comments c JOIN issues i ON i.id = c.issue_id \
         WHERE i.number = {number}) + (SELECT count(*) FROM issue_activities a \
         JOIN issues i ON i.id = a.issue_id WHERE i.number = {number}) AS n"
    );
    let before = app.count(&writes);
    let version =
        html::attrs(&page, "form[action$='/close'] input[name=version]", "value").remove(0);
    let res = app
        .post_form(
            &format!("{location}/reopen"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("reason", "Clicked twice"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#status-error").contains("nothing to reopen"));
    assert_eq!(app.count(&writes), before, "nothing written");
}

/// A ticket's searchable words are capped (PostgreSQL's tsvector holds
/// 1 MB); replies past that are still saved, never a 500.
#[tokio::test]
async fn replies_beyond_the_search_limit_are_still_saved() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let f = valid_form(&app).await;
    let location = post(&app, "/issues", &f).await.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let token = f[0].1.clone();
    // 70 replies of ~20,000 characters of distinct words: about 1.4 MB of words.
    for k in 0..70 {
        let body: String = (0..2_200).map(|i| format!("k{k}w{i} ")).collect();
        let body = &body[..body.len().min(20_000)];
        let res = app
            .post_form(
                &format!("{location}/comments"),
                &[("csrf_token", &token), ("body", body)],
            )
            .await;
        assert_eq!(res.status(), 303, "reply {k}");
    }
    let number: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM comments c JOIN issues i ON i.id = c.issue_id \
             WHERE i.number = {number}"
        )),
        70
    );
    assert_eq!(app.get(&location).await.status(), 200);
}

#[tokio::test]
async fn internal_notes_never_reach_the_customer() {
    let app = TestApp::spawn().await;
    let number = app.count("SELECT min(i.number) AS n FROM issues i JOIN comments c ON c.issue_id = i.id WHERE c.is_internal \
         AND i.customer_id = (SELECT customer_id FROM users WHERE email = 'customer1@example.com')",
    );
    let note = app.text(&format!(
            "SELECT c.body AS s FROM comments c JOIN issues i ON i.id = c.issue_id WHERE i.number = {number} AND c.is_internal LIMIT 1"
        ),
    );
    app.sign_in("customer1@example.com").await;
    let res = app.get(&format!("/issues/{number}")).await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    // The thread is shown (the issue has public replies), without the note.
    assert!(!html::texts(&doc, ".comment-body").is_empty());
    assert!(!html::text(&doc, "main").contains(&note));
    assert!(html::texts(&doc, ".badge-internal").is_empty());

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
    assert!(html::text(&doc, "main").contains(&note));
}

#[tokio::test]
async fn agents_file_on_behalf_of_a_customer_they_choose() {
    let app = TestApp::spawn().await;
    app.sign_in("agent1@example.com").await;
    let doc = html::parse(&app.get("/issues/new").await.text().await.unwrap());
    assert_eq!(
        html::text(&doc, "#choose-heading"),
        "Which customer is the issue for?"
    );
    let globex = app.text("SELECT id::text AS s FROM customers WHERE name = 'Globex Logistics'");
    let doc = html::parse(
        &app.get(&format!("/issues/new?customer_id={globex}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(html::text(&doc, ".page-header").contains("Globex Logistics"));
    let env = html::attrs(&doc, "#environment_id option", "value")
        .into_iter()
        .find(|v| !v.is_empty())
        .unwrap();
    let token = html::attrs(&doc, "#issue-form input[name=csrf_token]", "value").remove(0);
    let fields: Fields = vec![
        ("csrf_token".into(), token),
        ("customer_id".into(), globex.clone()),
        ("environment_id".into(), env),
        ("primary_plane".into(), "observability".into()),
        ("ctx.observability.signal_type".into(), "logs".into()),
        ("title".into(), "Logs missing".into()),
        ("description".into(), "Reported by phone".into()),
        ("submitter_handle".into(), "@globex.ops".into()),
    ];
    let res = post(&app, "/issues", &fields).await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_eq!(
        app.count(&format!(
                "SELECT count(*) AS n FROM issues WHERE title = 'Logs missing' AND customer_id = '{globex}'"
            )
        ),
        1
    );
}

#[tokio::test]
async fn the_fragment_endpoint_returns_only_the_swappable_parts() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let mut f = fresh_form(&app).await;
    set(&mut f, "primary_plane", "infra-cicd");
    let res = app
        .client
        .post(app.url("/issues/new/fields"))
        .header("x-requested-with", "fetch")
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains("<html"));
    let doc = html::parse(&body);
    assert_eq!(
        html::text(&doc, "#plane-fields legend"),
        "Infrastructure CI/CD details"
    );
    assert!(!html::texts(&doc, "#suggestions .suggestion").is_empty());
}

#[tokio::test]
async fn the_issue_list_filters_searches_and_pages() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    // Enough issues for two pages.
    for i in 0..27 {
        let mut f = valid_form(&app).await;
        set(&mut f, "title", &format!("Paging check number {i}"));
        assert_eq!(post(&app, "/issues", &f).await.status(), 303);
    }
    let doc = html::parse(&app.get("/issues").await.text().await.unwrap());
    let first_page = html::texts(&doc, "tbody tr td:nth-child(1)");
    assert_eq!(first_page.len(), 25);
    let next = html::attrs(&doc, "nav.pagination a", "href").remove(0);
    let doc = html::parse(&app.get(&next).await.text().await.unwrap());
    let second_page = html::texts(&doc, "tbody tr td:nth-child(1)");
    assert!(!second_page.is_empty());
    assert!(
        second_page.iter().all(|n| !first_page.contains(n)),
        "pages do not overlap"
    );

    let doc = html::parse(
        &app.get("/issues?q=Paging+check+number+7")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        html::texts(&doc, "tbody td:nth-child(2)")
            .iter()
            .any(|t| t == "Paging check number 7")
    );
    let doc = html::parse(&app.get("/issues?status=closed").await.text().await.unwrap());
    let badges = html::texts(&doc, "tbody .badge");
    assert!(
        !badges.is_empty() && badges.iter().all(|b| b == "Closed"),
        "{badges:?}"
    );
    let res = app.get("/issues?status=bogus&before=garbage").await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(!html::text(&doc, ".flash-warning").is_empty());
}

#[tokio::test]
async fn customers_do_not_see_agent_only_changes_in_the_activity() {
    let app = TestApp::spawn().await;
    let number = app.count(
        "SELECT min(i.number) AS n FROM issues i WHERE i.status = 'open' AND i.priority <> 'high' \
         AND i.assignee_id IS DISTINCT FROM (SELECT id FROM users WHERE email = 'agent2@example.com') \
         AND i.customer_id = (SELECT customer_id FROM users WHERE email = 'customer1@example.com')",
    );
    let agent = app.other_browser();
    agent.sign_in("agent2@example.com").await;
    let doc = html::parse(
        &agent
            .get(&format!("/issues/{number}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let get = |name: &str| {
        html::attrs(&doc, &format!("#ticket-form input[name={name}]"), "value").remove(0)
    };
    let (token, version) = (get("csrf_token"), get("version"));
    let agent_only = || {
        app.count(&format!(
            "SELECT count(*) AS n FROM issue_activities a JOIN issues i ON i.id = a.issue_id \
             WHERE i.number = {number} AND a.action IN ('priority_changed', 'assigned')"
        ))
    };
    let before = agent_only();
    let res = agent
        .post_form(
            &format!("/issues/{number}/update"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("priority", "high"),
                ("assignee_id", "me"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(agent_only(), before + 2, "both changes were recorded");
    let agent2 = app.text("SELECT name AS s FROM users WHERE email = 'agent2@example.com'");
    app.sign_in("customer1@example.com").await;
    let doc = html::parse(
        &app.get(&format!("/issues/{number}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let timeline = html::text(&doc, ".timeline");
    assert!(!timeline.contains("priority"), "{timeline}");
    assert!(!timeline.contains(&agent2), "{timeline}");
}

#[tokio::test]
async fn two_clicks_at_once_still_make_one_issue() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let fields = valid_form(&app).await;
    let before = counts(&app)[0];
    let (a, b) = tokio::join!(
        post(&app, "/issues", &fields),
        post(&app, "/issues", &fields)
    );
    assert_eq!(a.status(), 303);
    assert_eq!(b.status(), 303);
    assert_eq!(a.headers()["location"], b.headers()["location"]);
    assert_eq!(counts(&app)[0], before + 1);
}

#[tokio::test]
async fn a_form_session_from_a_link_cannot_read_or_take_others_feedback() {
    let app = TestApp::spawn().await;
    let shared = uuid::Uuid::new_v4().to_string();
    app.sign_in("customer1@example.com").await;
    let doc = html::parse(
        &app.get(&format!(
            "/issues/new?primary_plane=eks&form_session_id={shared}"
        ))
        .await
        .text()
        .await
        .unwrap(),
    );
    let own = html::attrs(&doc, "#issue-form input[name=form_session_id]", "value").remove(0);
    assert_ne!(own, shared, "a new form gets its own session id");
}

#[tokio::test]
async fn out_of_range_cursors_are_notices_not_errors() {
    let app = TestApp::spawn().await;
    app.sign_in("agent1@example.com").await;
    for path in [
        "/issues?before=-300000000000000000_00000000-0000-0000-0000-000000000000",
        "/issues?before=high.-300000000000000000.00000000-0000-0000-0000-000000000000",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_customer_cannot_post_the_agent_ticket_form_to_their_own_issue() {
    let app = TestApp::spawn().await;
    app.sign_in("customer1@example.com").await;
    let number = app.count(
        "SELECT min(i.number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com' AND i.status = 'open'",
    );
    let state = || {
        app.text(&format!(
            "SELECT concat_ws(' ', status, priority, assignee_id, lock_version, \
                 (SELECT count(*) FROM issue_activities a WHERE a.issue_id = i.id)) AS s \
             FROM issues i WHERE number = {number}"
        ))
    };
    let before = state();
    let version = app.count(&format!(
        "SELECT lock_version::bigint AS n FROM issues WHERE number = {number}"
    ));
    let token = app.form_token(&format!("/issues/{number}")).await;
    let res = app
        .post_form(
            &format!("/issues/{number}/update"),
            &[
                ("csrf_token", token.as_str()),
                ("version", &version.to_string()),
                ("status", "in_progress"),
                ("priority", "high"),
                ("assignee_id", "me"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(state(), before);
}

/// The hidden fields of the ticket form on an issue page.
async fn ticket_form(app: &TestApp, number: i64) -> (String, String, String) {
    let doc = html::parse(
        &app.get(&format!("/issues/{number}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let get = |name: &str| {
        html::attrs(&doc, &format!("#ticket-form input[name={name}]"), "value").remove(0)
    };
    (get("csrf_token"), get("version"), get("loaded_at"))
}

async fn update(
    app: &TestApp,
    number: i64,
    form: (&str, &str, &str),
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![
        ("csrf_token", form.0),
        ("version", form.1),
        ("loaded_at", form.2),
    ];
    all.extend_from_slice(fields);
    app.post_form(&format!("/issues/{number}/update"), &all)
        .await
}

#[tokio::test]
async fn the_ticket_form_follows_the_lifecycle() {
    let app = agent_app().await;
    let number = app.count("SELECT min(number) AS n FROM issues WHERE status = 'open'");
    let ticket = |extra: &str| {
        app.count(&format!(
            "SELECT count(*) AS n FROM issues WHERE number = {number} AND {extra}"
        ))
    };

    let (t, v, l) = ticket_form(&app, number).await;
    let res = update(
        &app,
        number,
        (&t, &v, &l),
        &[("status", "in_progress"), ("assignee_id", "me")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        ticket("status = 'in_progress' AND assignee_id IS NOT NULL"),
        1
    );

    // Resolving needs notes.
    let (t, v, l) = ticket_form(&app, number).await;
    let res = update(&app, number, (&t, &v, &l), &[("status", "resolved")]).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("resolution notes"));
    assert_eq!(ticket("status = 'in_progress'"), 1);
    let res = update(
        &app,
        number,
        (&t, &v, &l),
        &[
            ("status", "resolved"),
            ("resolution_notes", "Raised the NodePool limit."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(ticket("status = 'resolved' AND resolved_at IS NOT NULL"), 1);
    assert_eq!(
        app.count(&format!(
                "SELECT count(*) AS n FROM resolutions r JOIN issues i ON i.id = r.issue_id WHERE i.number = {number} AND r.resolution_notes = 'Raised the NodePool limit.'"
            )
        ),
        1
    );

    let (t, v, l) = ticket_form(&app, number).await;
    assert_eq!(
        update(&app, number, (&t, &v, &l), &[("status", "closed")])
            .await
            .status(),
        303
    );
    assert_eq!(ticket("status = 'closed' AND closed_at IS NOT NULL"), 1);

    // A closed ticket is reopened before it is resolved again.
    let (t, v, l) = ticket_form(&app, number).await;
    let res = update(
        &app,
        number,
        (&t, &v, &l),
        &[("status", "resolved"), ("resolution_notes", "again")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = update(&app, number, (&t, &v, &l), &[("status", "open")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        ticket("status = 'open' AND closed_at IS NULL AND resolved_at IS NULL"),
        1
    );

    // Unknown values are refused beside the form.
    let (t, v, l) = ticket_form(&app, number).await;
    assert_eq!(
        update(&app, number, (&t, &v, &l), &[("priority", "urgent")])
            .await
            .status(),
        422
    );
    assert_eq!(
        update(&app, number, (&t, &v, &l), &[("assignee_id", "not-a-uuid")])
            .await
            .status(),
        422
    );
    let customer = agent_id(&app, "customer1@example.com");
    assert_eq!(
        update(&app, number, (&t, &v, &l), &[("assignee_id", &customer)])
            .await
            .status(),
        422
    );

    let actions = app.count(&format!(
            "SELECT count(*) AS n FROM issue_activities a JOIN issues i ON i.id = a.issue_id WHERE i.number = {number} AND a.field = 'status'"
        ),
    );
    assert_eq!(actions, 4, "each status change is in the log");
}

#[tokio::test]
async fn a_stale_ticket_form_answers_409_and_overwrites_nothing() {
    let app = agent_app().await;
    let other = app.other_browser();
    other.sign_in("agent2@example.com").await;
    let number = app.count("SELECT min(number) AS n FROM issues WHERE status = 'open'");

    let mine = ticket_form(&app, number).await;
    let theirs = ticket_form(&other, number).await;
    let res = update(
        &other,
        number,
        (&theirs.0, &theirs.1, &theirs.2),
        &[("priority", "high")],
    )
    .await;
    assert_eq!(res.status(), 303);

    let res = update(
        &app,
        number,
        (&mine.0, &mine.1, &mine.2),
        &[("priority", "low")],
    )
    .await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    let summary = html::text(&doc, "#error-summary");
    assert!(summary.contains("changed"), "{summary}");
    assert!(
        summary.contains("priority"),
        "what changed is listed: {summary}"
    );
    assert_eq!(
        html::attrs(&doc, "#t-priority option[selected]", "value"),
        vec!["high"],
        "the form shows the current state"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM issues WHERE number = {number} AND priority = 'high'"
        )),
        1
    );
}

/// Issue pages run a handful of statements whatever the number of rows
/// (no N+1): counted by PostgreSQL itself.
#[tokio::test]
async fn issue_pages_run_a_handful_of_statements() {
    let app = agent_app().await;
    let number = app.count("SELECT min(number) AS n FROM issues");
    for (path, most) in [
        // Session, user, and the issue with everything its page shows.
        (format!("/issues/{number}"), 3),
        ("/issues".to_owned(), 6),
    ] {
        let n = app.statements_for(&path).await;
        assert!(n <= most, "{path} ran {n} statements (at most {most})");
        assert!(n >= 2, "{path}: counting works ({n})");
    }
    let customer = app.other_browser();
    customer.sign_in("customer1@example.com").await;
    let n = customer
        .statements_for("/issues/new?primary_plane=eks")
        .await;
    assert!(n <= 11, "/issues/new ran {n} statements");
    let own = customer.count(
        "SELECT min(number) AS n FROM issues i JOIN users u ON u.id = i.created_by_id \
         WHERE u.email = 'customer1@example.com'",
    );
    let n = customer.statements_for(&format!("/issues/{own}")).await;
    assert!(n <= 3, "a customer's /issues/{own} ran {n} statements");
}

/// The texts `x` of a query's rows in the order of its column `o`,
/// whitespace folded as in [`html::texts`].
fn texts_of(app: &TestApp, sql: &str) -> Vec<String> {
    let joined = app.text(&format!(
        "SELECT coalesce(string_agg(x, chr(31) ORDER BY o), '') AS s FROM ({sql}) q"
    ));
    joined
        .split('\u{1f}')
        .filter(|s| !s.is_empty())
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

async fn ticket_page(app: &TestApp, number: i64) -> scraper::Html {
    let res = app.get(&format!("/issues/{number}")).await;
    assert_eq!(res.status(), 200);
    html::parse(&res.text().await.unwrap())
}

#[tokio::test]
async fn the_ticket_page_shows_each_part_to_whom_it_belongs() {
    let app = agent_app().await;
    // A demo ticket of customer1's with every part: a second plane, a
    // context value with an option label, an internal note, docs shown
    // while filing and a resolution; agent-only activity is added.
    let number = app.count(
        "SELECT min(i.number) AS n FROM issues i \
         WHERE i.customer_id = (SELECT customer_id FROM users WHERE email = 'customer1@example.com') \
         AND (SELECT count(*) FROM issue_planes p WHERE p.issue_id = i.id) = 2 \
         AND EXISTS (SELECT FROM issue_plane_contexts x JOIN plane_context_options o \
                     ON o.plane_context_id = x.plane_context_id AND o.value = x.value \
                     WHERE x.issue_id = i.id) \
         AND EXISTS (SELECT FROM comments c WHERE c.issue_id = i.id AND c.is_internal) \
         AND EXISTS (SELECT FROM doc_feedback f WHERE f.issue_id = i.id) \
         AND EXISTS (SELECT FROM resolutions r WHERE r.issue_id = i.id)",
    );
    let issue = format!("(SELECT id FROM issues WHERE number = {number})");
    app.exec(&format!(
        "INSERT INTO issue_activities (issue_id, action, field, from_value, to_value, description) \
         VALUES ({issue}, 'priority_changed', 'priority', 'low', 'high', 'Priority raised by a test')"
    ));
    let planes = texts_of(
        &app,
        &format!(
            "SELECT p.name || CASE WHEN ip.is_primary THEN ' (primary)' ELSE '' END AS x, \
             row_number() OVER (ORDER BY ip.is_primary DESC, p.display_order) AS o \
             FROM issue_planes ip JOIN planes p ON p.id = ip.plane_id WHERE ip.issue_id = {issue}"
        ),
    );
    let option_labels = texts_of(
        &app,
        &format!(
            "SELECT o.label AS x, 1 AS o FROM issue_plane_contexts c JOIN plane_context_options o \
             ON o.plane_context_id = c.plane_context_id AND o.value = c.value WHERE c.issue_id = {issue}"
        ),
    );
    let authors = |internal: bool| {
        texts_of(
            &app,
            &format!(
                "SELECT CASE WHEN u.name = '' THEN u.email ELSE u.name END AS x, \
                 row_number() OVER (ORDER BY c.created_at, c.id) AS o \
                 FROM comments c JOIN users u ON u.id = c.author_id \
                 WHERE c.issue_id = {issue} AND (NOT c.is_internal OR {internal})"
            ),
        )
    };
    let activity = |all: bool| {
        texts_of(
            &app,
            &format!(
                "SELECT description AS x, row_number() OVER (ORDER BY created_at, id) AS o \
                 FROM issue_activities WHERE issue_id = {issue} AND ({all} OR action IN \
                 ('created', 'status_changed', 'category_changed', 'commented'))"
            ),
        )
    };
    let notes = app.text(&format!(
        "SELECT resolution_notes AS s FROM resolutions WHERE issue_id = {issue} \
         ORDER BY resolved_at DESC, id DESC LIMIT 1"
    ));
    let docs = texts_of(
        &app,
        &format!(
            "SELECT coalesce(d.title, f.doc_url) || ' — ' || CASE WHEN f.marked_helpful \
             THEN 'said it solved the problem' ELSE 'not relevant' END AS x, \
             row_number() OVER (ORDER BY f.created_at, f.id) AS o \
             FROM doc_feedback f LEFT JOIN docs d ON d.id = f.doc_id WHERE f.issue_id = {issue}"
        ),
    );
    let agents = texts_of(
        &app,
        "SELECT CASE WHEN name = '' THEN email ELSE name END AS x, \
         row_number() OVER (ORDER BY name, email) AS o FROM users \
         WHERE role IN ('agent', 'admin') AND disabled_at IS NULL",
    );
    assert!(planes.len() == 2 && !option_labels.is_empty() && !docs.is_empty());

    let notes = notes.split_whitespace().collect::<Vec<_>>().join(" ");
    let notes_shown = |doc: &scraper::Html| {
        html::text(doc, "[aria-labelledby=resolution-heading]").contains(&notes)
    };

    let doc = ticket_page(&app, number).await;
    assert_eq!(html::texts(&doc, ".badge-plane"), planes);
    let details = html::text(&doc, ".ticket-meta");
    assert!(
        option_labels.iter().all(|l| details.contains(l)),
        "{details}"
    );
    assert_eq!(html::texts(&doc, ".comment-header strong"), authors(true));
    assert_eq!(
        html::texts(&doc, ".is-internal").len(),
        authors(true).len() - authors(false).len()
    );
    assert_eq!(html::texts(&doc, ".timeline li > span"), activity(true));
    assert!(activity(true).contains(&"Priority raised by a test".to_owned()));
    assert!(notes_shown(&doc));
    assert_eq!(
        html::texts(&doc, "[aria-labelledby=submitter-heading] li"),
        docs
    );
    let mut options = html::texts(&doc, "#t-assignee option");
    assert_eq!(options.remove(0), "Nobody");
    assert_eq!(options, agents);

    let customer = app.other_browser();
    customer.sign_in("customer1@example.com").await;
    let doc = ticket_page(&customer, number).await;
    assert_eq!(html::texts(&doc, ".badge-plane"), planes);
    assert_eq!(html::texts(&doc, ".comment-header strong"), authors(false));
    assert!(html::texts(&doc, ".is-internal").is_empty());
    let shown = html::texts(&doc, ".timeline li > span");
    assert_eq!(shown, activity(false));
    assert!(!shown.contains(&"Priority raised by a test".to_owned()));
    assert!(notes_shown(&doc));
    for staff_only in ["#submitter-heading", "#t-assignee", "#work-heading"] {
        assert!(html::texts(&doc, staff_only).is_empty(), "{staff_only}");
    }
}
