//! E-mail notifications end to end: the real app writes an event in the
//! transaction of each change, its fan-out makes the outbox rows and its
//! delivery worker sends them over SMTP to a real server (aiosmtpd,
//! `helpers::smtp`). Each event reaches exactly the
//! right people with subject, threading headers and link; internal notes
//! never leave; an SMTP outage, a refused address, a dead instance's claim,
//! two instances at once and a shutdown mid-send lose and double nothing;
//! a request with 50 followers only writes rows; unsubscribe links and
//! account choices; `/admin/notifications` and e-mailed invitations.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::Connection;
use supportdesk::config::{MailTuning, Settings};
use supportdesk::db::models::notification_events;
use supportdesk::db::queries::notifications::{self, FannedOut};
use supportdesk::startup::Application;

use crate::helpers::smtp::{Mail, SmtpServer, free_port};
use crate::helpers::{TestApp, TestDb, client, html};

const FROM: &str = "Support <support@desk.example>";

fn mail_settings(db_url: &str, smtp_url: &str) -> Settings {
    let mut settings = Settings::for_database(db_url);
    settings.smtp_url = Some(smtp_url.to_owned());
    settings.mail_from = Some(FROM.to_owned());
    settings.mail_tuning = MailTuning {
        poll: Duration::from_millis(100),
        fan_out: Some(Duration::from_millis(50)),
        claim_hold: Duration::from_secs(60),
        send_timeout: Duration::from_secs(5),
        batch: 20,
        retry_base: Duration::from_millis(200),
        retry_max: Duration::from_secs(1),
        max_attempts: 50,
    };
    settings
}

/// One app instance with the handles a test needs to stop it.
struct Instance {
    app: TestApp,
    handle: actix_web::dev::ServerHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn instance(db: Arc<TestDb>, settings: Settings) -> Instance {
    let key = settings.secret_key.clone().unwrap_or_default().into_bytes();
    let application = Application::build(&settings, key).expect("build app");
    let address = format!("http://127.0.0.1:{}", application.port());
    let pool = application.pool();
    let handle = application.server_handle();
    let task = tokio::spawn(application.run_until_stopped());
    Instance {
        app: TestApp {
            address,
            client: client(),
            pool,
            db,
        },
        handle,
        task,
    }
}

/// An app that e-mails through `smtp` on a fresh database.
async fn mailing_app(smtp: &SmtpServer) -> Instance {
    let db = Arc::new(TestDb::new());
    let settings = mail_settings(&db.url, &smtp.url());
    instance(db, settings).await
}

/// Signed in as `email` on `app`.
async fn browser(app: &TestApp, email: &str) -> TestApp {
    let b = app.other_browser();
    b.sign_in(email).await;
    b
}

/// Files an EKS issue as the signed-in customer; returns its number.
async fn file_issue(customer: &TestApp, title: &str) -> i64 {
    let doc = html::parse(&customer.get("/issues/new").await.text().await.unwrap());
    let hidden = |name: &str| {
        html::attrs(&doc, &format!("#issue-form input[name={name}]"), "value")
            .pop()
            .unwrap_or_default()
    };
    let env = html::attrs(&doc, "#environment_id option", "value")
        .into_iter()
        .find(|v| !v.is_empty())
        .expect("an environment");
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), hidden("csrf_token")),
        ("form_session_id".into(), hidden("form_session_id")),
        ("submit_token".into(), hidden("submit_token")),
        ("environment_id".into(), env),
    ];
    for (k, v) in [
        ("primary_plane", "eks"),
        ("title", title),
        (
            "description",
            "Pods stay Pending since the node group change.",
        ),
        ("pipeline_url", "https://ci.example.com/acme/p/1"),
        ("submitter_handle", "@casey"),
        ("category", "technical_issue"),
        ("ctx.eks.addons", "karpenter"),
        ("ctx.eks.cluster_version", "1.31"),
        ("ctx.eks.node_group", "spot"),
        ("ctx.eks.namespace", "payments"),
    ] {
        fields.push((k.into(), v.into()));
    }
    let res = customer
        .client
        .post(customer.url("/issues"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "filing failed");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    location
        .strip_prefix("/issues/")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("filed to {location}"))
}

async fn comment(b: &TestApp, number: i64, body: &str, internal: bool) {
    let token = b.form_token(&format!("/issues/{number}")).await;
    let internal = if internal { "true" } else { "" };
    let res = b
        .post_form(
            &format!("/issues/{number}/comments"),
            &[
                ("csrf_token", &token),
                ("body", body),
                ("internal", internal),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "comment on #{number}");
}

/// Sends the agent's ticket form of `number` with `fields`.
async fn update(agent: &TestApp, number: i64, fields: &[(&str, &str)]) {
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
    let (token, version, loaded_at) = (get("csrf_token"), get("version"), get("loaded_at"));
    let mut all = vec![
        ("csrf_token", token.as_str()),
        ("version", version.as_str()),
        ("loaded_at", loaded_at.as_str()),
    ];
    all.extend_from_slice(fields);
    let res = agent
        .post_form(&format!("/issues/{number}/update"), &all)
        .await;
    assert_eq!(res.status(), 303, "update of #{number}: {fields:?}");
}

/// Ticks exactly `topics` on the account page of `b`.
async fn choose(b: &TestApp, topics: &[&str]) {
    let token = b.form_token("/account").await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(topics.iter().map(|t| ("topics", *t)));
    let res = b.post_form("/account/notifications", &fields).await;
    assert_eq!(res.status(), 303);
}

fn user_id(app: &TestApp, email: &str) -> String {
    app.text(&format!(
        "SELECT id::text AS s FROM users WHERE email = '{email}'"
    ))
}

fn issue_id(app: &TestApp, number: i64) -> String {
    app.text(&format!(
        "SELECT id::text AS s FROM issues WHERE number = {number}"
    ))
}

/// (recipient, subject) of each message, sorted.
fn who_and_what(mails: &[Mail]) -> Vec<(String, String)> {
    let mut v: Vec<_> = mails
        .iter()
        .map(|m| (m.to().to_owned(), m.subject().to_owned()))
        .collect();
    v.sort();
    v
}

/// Every issue message: from the desk, one Message-ID each, threaded on
/// the issue, linking to it, with an unsubscribe link.
fn assert_issue_mail(app: &TestApp, mail: &Mail, number: i64) {
    let thread = format!("<issue-{}@desk.example>", issue_id(app, number));
    assert!(
        mail.header("From")
            .unwrap()
            .contains("support@desk.example")
    );
    assert!(
        mail.subject().starts_with(&format!("[#{number}] ")),
        "{}",
        mail.subject()
    );
    assert_eq!(mail.header("In-Reply-To"), Some(thread.as_str()));
    assert_eq!(mail.header("References"), Some(thread.as_str()));
    let id = mail.header("Message-ID").unwrap();
    assert!(
        id.starts_with('<') && id.ends_with("@desk.example>"),
        "{id}"
    );
    let link = format!("{}/issues/{number}", app.address);
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(
        mail.html.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html
    );
    let unsubscribe = mail.header("List-Unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with(&format!("<{}/unsubscribe/", app.address)),
        "{unsubscribe}"
    );
    assert_eq!(mail.header("Auto-Submitted"), Some("auto-generated"));
}

/// Waits for `n` messages, checks each, then forgets them.
async fn expect(app: &TestApp, smtp: &SmtpServer, number: i64, n: usize) -> Vec<Mail> {
    let mails = smtp.wait_for(n, Duration::from_secs(15)).await;
    assert_eq!(mails.len(), n, "{:#?}", who_and_what(&mails));
    for mail in &mails {
        assert_issue_mail(app, mail, number);
    }
    let ids: BTreeSet<&str> = mails
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), n, "Message-IDs repeat");
    smtp.clear();
    mails
}

/// Polls the database until `sql` (naming `n`) reaches `want`.
async fn until(app: &TestApp, sql: &str, want: impl Fn(i64) -> bool, within: Duration) -> i64 {
    let deadline = Instant::now() + within;
    loop {
        let n = app.count(sql);
        if want(n) {
            return n;
        }
        assert!(Instant::now() < deadline, "{sql}: still {n}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn each_event_reaches_exactly_the_right_people() {
    let smtp = SmtpServer::start();
    let Instance { app, .. } = mailing_app(&smtp).await;
    let customer1 = browser(&app, "customer1@example.com").await;
    let customer2 = browser(&app, "customer2@example.com").await;
    let customer3 = browser(&app, "customer3@example.com").await;
    let agent1 = browser(&app, "agent1@example.com").await;
    let agent2 = browser(&app, "agent2@example.com").await;
    let admin = browser(&app, "admin@example.com").await;
    // agent2 asks for new issues; agent1 and the admin keep the defaults.
    choose(&agent2, &["assigned", "customer_replies", "unassigned"]).await;

    // A new issue: the agents who opted in.
    let number = file_issue(&customer1, "Pods stuck in Pending").await;
    let title = "Pods stuck in Pending";
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(
        who_and_what(&mails),
        vec![(
            "agent2@example.com".into(),
            format!("[#{number}] New issue: {title}")
        )]
    );
    assert!(
        mails[0]
            .text
            .contains("Pods stay Pending since the node group change.")
    );

    // A customer's reply while unassigned: the agents who opted in.
    comment(&customer2, number, "Same for our staging cluster.", false).await;
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(mails[0].to(), "agent2@example.com");
    assert!(mails[0].subject().contains("New reply from"));
    assert!(mails[0].text.contains("Same for our staging cluster."));

    // Assignment: the assignee, not the admin who assigned.
    let agent1_id = user_id(&app, "agent1@example.com");
    update(&admin, number, &[("assignee_id", &agent1_id)]).await;
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(
        who_and_what(&mails),
        vec![(
            "agent1@example.com".into(),
            format!("[#{number}] Assigned to you: {title}")
        )]
    );

    // An internal note: nobody, ever.
    comment(
        &agent1,
        number,
        "secret-note-7c1f: customer is on a legacy plan",
        true,
    )
    .await;
    // A public reply: the customer followers (submitter, replier), never
    // a customer of another organisation, never the author.
    comment(&agent1, number, "We rolled back the node group.", false).await;
    let mails = expect(&app, &smtp, number, 2).await;
    let agent1_name = app.text("SELECT name AS s FROM users WHERE email = 'agent1@example.com'");
    let reply_subject = format!("[#{number}] New reply from {agent1_name}: {title}");
    assert_eq!(
        who_and_what(&mails),
        vec![
            ("customer1@example.com".into(), reply_subject.clone()),
            ("customer2@example.com".into(), reply_subject),
        ]
    );
    assert!(
        mails
            .iter()
            .all(|m| m.text.contains("We rolled back the node group."))
    );

    // A customer's reply on an assigned ticket: the assignee only.
    comment(&customer1, number, "Works again, thanks.", false).await;
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(mails[0].to(), "agent1@example.com");

    // Resolved: the followers, with the resolution notes.
    update(
        &agent1,
        number,
        &[
            ("status", "resolved"),
            ("resolution_notes", "Rolled back the spot node group."),
        ],
    )
    .await;
    let mails = expect(&app, &smtp, number, 2).await;
    assert_eq!(
        who_and_what(&mails),
        vec![
            (
                "customer1@example.com".into(),
                format!("[#{number}] Resolved: {title}")
            ),
            (
                "customer2@example.com".into(),
                format!("[#{number}] Resolved: {title}")
            ),
        ]
    );
    assert!(mails[0].text.contains("Rolled back the spot node group."));

    // Closed by the submitter: the other follower only.
    let doc = html::parse(
        &customer1
            .get(&format!("/issues/{number}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let close = format!("/issues/{number}/close");
    let field = |name: &str| {
        html::attrs(
            &doc,
            &format!("form[action=\"{close}\"] input[name={name}]"),
            "value",
        )
        .remove(0)
    };
    let (token, version) = (field("csrf_token"), field("version"));
    let res = customer1
        .post_form(&close, &[("csrf_token", &token), ("version", &version)])
        .await;
    assert_eq!(res.status(), 303);
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(
        who_and_what(&mails),
        vec![(
            "customer2@example.com".into(),
            format!("[#{number}] Closed: {title}")
        )]
    );

    // The other organisation's user never got anything, and the internal
    // note's text is in no row of the outbox.
    drop(customer3);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM notification_outbox \
             WHERE email = 'customer3@example.com' OR detail LIKE '%secret-note-7c1f%'"
        ),
        0
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_outbox WHERE status <> 'sent'"),
        0
    );
    // The threading header is the same for every message of the issue.
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_outbox"),
        9,
        "one row per message sent"
    );
}

#[tokio::test]
async fn messages_wait_while_smtp_is_down_and_go_out_when_it_is_back() {
    let port = free_port();
    let db = Arc::new(TestDb::new());
    let settings = mail_settings(&db.url, &format!("smtp://127.0.0.1:{port}"));
    let Instance { app, .. } = instance(db, settings).await;
    let customer = browser(&app, "customer1@example.com").await;
    let agent = browser(&app, "agent1@example.com").await;
    let number = file_issue(&customer, "Dashboards empty").await;
    comment(&agent, number, "Looking into it.", false).await;

    // No row until the fan-out has run: count that as no attempt.
    let sql = "SELECT coalesce(max(attempts), 0)::bigint AS n FROM notification_outbox \
               WHERE email = 'customer1@example.com'";
    until(&app, sql, |n| n >= 3, Duration::from_secs(20)).await;
    assert_eq!(
        app.text(
            "SELECT status::text AS s FROM notification_outbox WHERE email = 'customer1@example.com'"
        ),
        "queued"
    );
    assert!(
        !app.text(
            "SELECT last_error AS s FROM notification_outbox WHERE email = 'customer1@example.com'"
        )
        .is_empty()
    );

    let smtp = SmtpServer::start_on(port, 0.0);
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(mails[0].to(), "customer1@example.com");
    let attempts = app.count(sql);
    assert!(attempts >= 3, "attempts counted: {attempts}");
    assert_eq!(
        app.text(
            "SELECT status::text || coalesce(last_error, '') AS s FROM notification_outbox \
             WHERE email = 'customer1@example.com'"
        ),
        "sent"
    );
}

#[tokio::test]
async fn a_permanently_refused_address_ends_failed_with_the_servers_reason() {
    let smtp = SmtpServer::start();
    let Instance { app, .. } = mailing_app(&smtp).await;
    let customer = browser(&app, "customer1@example.com").await;
    let number = file_issue(&customer, "Alerts silent").await;
    // A second follower whose mailbox the server does not know.
    app.exec(&format!(
        "INSERT INTO users (email, name, role, customer_id) \
         SELECT 'refused-bob@example.com', 'Bob', 'customer', customer_id FROM issues WHERE number = {number}"
    ));
    app.exec(&format!(
        "INSERT INTO comments (issue_id, author_id, body, is_internal) \
         SELECT i.id, u.id, 'me too', false FROM issues i, users u \
         WHERE i.number = {number} AND u.email = 'refused-bob@example.com'"
    ));
    let agent = browser(&app, "agent1@example.com").await;
    comment(&agent, number, "Fixed the alert route.", false).await;

    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(mails[0].to(), "customer1@example.com");
    until(
        &app,
        "SELECT count(*) AS n FROM notification_outbox WHERE status = 'failed'",
        |n| n == 1,
        Duration::from_secs(10),
    )
    .await;
    let reason = app.text(
        "SELECT last_error AS s FROM notification_outbox WHERE email = 'refused-bob@example.com'",
    );
    assert!(reason.contains("550"), "{reason}");
    assert!(reason.contains("Recipient address rejected"), "{reason}");
    assert_eq!(
        app.count(
            "SELECT attempts::bigint AS n FROM notification_outbox WHERE email = 'refused-bob@example.com'"
        ),
        1,
        "a permanent refusal is not retried"
    );
}

#[tokio::test]
async fn a_row_claimed_by_a_dead_instance_is_sent_once_its_claim_expires() {
    // An instance without e-mail writes the events; the fan-out, which any
    // instance runs, makes them rows.
    let quiet = TestApp::spawn().await;
    let customer = browser(&quiet, "customer1@example.com").await;
    let agent = browser(&quiet, "agent1@example.com").await;
    let number = file_issue(&customer, "Runner offline").await;
    comment(&agent, number, "Restarted the runner.", false).await;
    comment(&agent, number, "Cleared the cache too.", false).await;
    assert_eq!(fan_out(&quiet).messages, 2);
    let smtp = SmtpServer::start();
    let settings = mail_settings(&quiet.db.url, &smtp.url());
    // An instance that died mid-send holds the first reply's message; its
    // claim runs for an hour, so no timing decides what this test sees.
    quiet.exec(
        "UPDATE notification_outbox SET claimed_by = '00000000-0000-4000-8000-00000000dead', \
         attempts = 1, claim_expires_at = now() + interval '1 hour' \
         WHERE id = (SELECT id FROM notification_outbox ORDER BY created_at LIMIT 1)",
    );
    let Instance { app, .. } = instance(quiet.db.clone(), settings).await;
    // The free message arriving shows the worker has run past the held one.
    let mails = expect(&app, &smtp, number, 1).await;
    assert!(
        mails[0].text.contains("Cleared the cache too."),
        "{}",
        mails[0].text
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        smtp.messages().is_empty(),
        "sent while another instance held it"
    );
    assert_eq!(
        app.text("SELECT status::text || ' ' || attempts AS s FROM notification_outbox ORDER BY created_at LIMIT 1"),
        "queued 1"
    );
    // The claim runs out: the message goes, counted as a second attempt.
    app.exec("UPDATE notification_outbox SET claim_expires_at = now() - interval '1 second' WHERE status = 'queued'");
    let mails = expect(&app, &smtp, number, 1).await;
    assert_eq!(mails[0].to(), "customer1@example.com");
    assert!(
        mails[0].text.contains("Restarted the runner."),
        "{}",
        mails[0].text
    );
    assert_eq!(
        app.text("SELECT string_agg(status::text || ' ' || attempts, ', ' ORDER BY created_at) AS s FROM notification_outbox"),
        "sent 2, sent 1"
    );
}

/// Turns the waiting events into outbox rows, as an instance's fan-out
/// does (the instances of these tests that do not send run none).
fn fan_out(app: &TestApp) -> FannedOut {
    notifications::fan_out(&mut app.db.conn(), 1000).expect("fan out")
}

/// The outbox's messages as "event e-mail", oldest first.
fn outbox_events(app: &TestApp) -> String {
    app.text(
        "SELECT string_agg(event::text || ' ' || email, ', ' ORDER BY created_at) AS s \
         FROM notification_outbox",
    )
}

#[tokio::test]
async fn an_event_becomes_its_messages_once_even_with_two_fan_outs_at_it() {
    let app = TestApp::spawn().await;
    let customer = browser(&app, "customer1@example.com").await;
    let agent = browser(&app, "agent1@example.com").await;
    app.exec(
        "INSERT INTO notification_preferences (user_id, topic, enabled) \
         SELECT id, 'unassigned', true FROM users WHERE email = 'agent2@example.com'",
    );
    let number = file_issue(&customer, "Two fan-outs").await;
    comment(&agent, number, "One answer.", false).await;
    let mut holder = app.db.conn();
    let outcome: Result<(), diesel::result::Error> = holder.transaction(|holder| {
        // One fan-out holds the oldest event (the filing) mid-transaction;
        // the other skips it and does the reply alone.
        let held = notification_events::lock_oldest(holder, 1)?;
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].event.as_str(), "new_issue");
        assert_eq!(
            fan_out(&app),
            FannedOut {
                events: 1,
                messages: 1
            }
        );
        assert_eq!(fan_out(&app), FannedOut::default());
        // The holder dies before it commits.
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(outcome.is_err());
    // Its event was left whole, and now goes once.
    assert_eq!(
        fan_out(&app),
        FannedOut {
            events: 1,
            messages: 1
        }
    );
    assert_eq!(fan_out(&app), FannedOut::default());
    assert_eq!(
        outbox_events(&app),
        "new_issue agent2@example.com, agent_reply customer1@example.com"
    );
}

#[tokio::test]
async fn a_deleted_issue_takes_its_messages_and_waiting_events_along() {
    let app = TestApp::spawn().await;
    let customer = browser(&app, "customer1@example.com").await;
    let agent = browser(&app, "agent1@example.com").await;
    let gone = file_issue(&customer, "Deleted soon").await;
    let kept = file_issue(&customer, "Kept").await;
    for number in [gone, kept] {
        comment(&agent, number, "Written out.", false).await;
    }
    assert_eq!(fan_out(&app).messages, 2);
    for number in [gone, kept] {
        comment(&agent, number, "Still waiting.", false).await;
    }
    app.exec(&format!("DELETE FROM issues WHERE number = {gone}"));
    let kept_id = issue_id(&app, kept);
    assert_eq!(
        app.text(
            "SELECT (SELECT string_agg(DISTINCT issue_id::text, ',') FROM notification_outbox) \
             || ' ' || (SELECT string_agg(DISTINCT issue_id::text, ',') FROM notification_events) \
             AS s"
        ),
        format!("{kept_id} {kept_id}")
    );
}

#[tokio::test]
async fn each_event_is_told_as_the_issue_was_when_it_happened() {
    let app = TestApp::spawn().await;
    let customer = browser(&app, "customer1@example.com").await;
    let admin = browser(&app, "admin@example.com").await;
    let number = file_issue(&customer, "Handed over").await;
    // Assigned to one agent, then to another, before any fan-out ran: each
    // hears of their own assignment.
    let agent1 = user_id(&app, "agent1@example.com");
    let agent2 = user_id(&app, "agent2@example.com");
    update(&admin, number, &[("assignee_id", &agent1)]).await;
    update(&admin, number, &[("assignee_id", &agent2)]).await;
    fan_out(&app);
    assert_eq!(
        outbox_events(&app),
        "assigned agent1@example.com, assigned agent2@example.com"
    );
}

/// Adds `n` customer users of the issue's customer who replied on it.
fn add_followers(app: &TestApp, number: i64, n: usize, prefix: &str) {
    app.exec(&format!(
        "INSERT INTO users (email, name, role, customer_id) \
         SELECT '{prefix}' || g || '@example.com', 'Follower ' || g, 'customer', i.customer_id \
         FROM issues i, generate_series(1, {n}) g WHERE i.number = {number}"
    ));
    app.exec(&format!(
        "INSERT INTO comments (issue_id, author_id, body, is_internal) \
         SELECT i.id, u.id, 'me too', false FROM issues i, users u \
         WHERE i.number = {number} AND u.email LIKE '{prefix}%@example.com'"
    ));
}

#[tokio::test]
async fn two_instances_sending_at_once_never_deliver_a_message_twice() {
    let smtp = SmtpServer::start();
    let db = Arc::new(TestDb::new());
    let mut settings = mail_settings(&db.url, &smtp.url());
    settings.mail_tuning.batch = 3;
    let one = instance(db.clone(), settings.clone()).await;
    let two = instance(db, settings).await;
    let customer = browser(&one.app, "customer1@example.com").await;
    let number = file_issue(&customer, "Two senders").await;
    add_followers(&one.app, number, 30, "pair");
    let agent_one = browser(&one.app, "agent1@example.com").await;
    let agent_two = browser(&two.app, "agent2@example.com").await;
    comment(&agent_one, number, "First answer.", false).await;
    comment(&agent_two, number, "Second answer.", false).await;

    // Each instance links to its own address here (no shared public URL),
    // so only what they share is checked.
    let mails = smtp.wait_for(62, Duration::from_secs(30)).await;
    assert_eq!(mails.len(), 62);
    let thread = format!("<issue-{}@desk.example>", issue_id(&one.app, number));
    assert!(
        mails
            .iter()
            .all(|m| m.header("References") == Some(thread.as_str()))
    );
    let mut per_person: BTreeMap<String, usize> = BTreeMap::new();
    for mail in &mails {
        *per_person.entry(mail.to().to_owned()).or_default() += 1;
    }
    assert_eq!(per_person.len(), 31);
    assert!(per_person.values().all(|n| *n == 2), "{per_person:?}");
    let sent_ids: BTreeSet<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap().to_owned())
        .collect();
    assert_eq!(sent_ids.len(), 62);
    assert_eq!(
        one.app.count(
            "SELECT count(*) AS n FROM notification_outbox WHERE status = 'sent' AND attempts = 1"
        ),
        62
    );
}

/// Statements the app sent while `run` went on (top-level ones, counted by
/// pg_stat_statements in this test's database, less the reading itself;
/// the foreign-key checks PostgreSQL runs per row inside one statement
/// are not statements the app sends).
async fn statements_during<F: std::future::Future<Output = ()>>(app: &TestApp, run: F) -> i64 {
    let read = || {
        app.count(
            "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements \
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND toplevel AND query NOT ILIKE 'SET %' AND query NOT LIKE '%FROM \"pg_type\"%'",
        )
    };
    let before = read();
    run.await;
    read() - before - 1
}

#[tokio::test]
async fn a_reply_to_fifty_followers_only_writes_one_event() {
    // No e-mail and no fan-out on this instance: the request cannot be
    // sending anything, and only its own statements are counted.
    let app = TestApp::spawn().await;
    let customer = browser(&app, "customer1@example.com").await;
    let agent = browser(&app, "agent1@example.com").await;
    let number = file_issue(&customer, "Fifty followers").await;
    let path = format!("/issues/{number}/comments");
    let token = agent.form_token(&format!("/issues/{number}")).await;
    let reply = |body: &'static str| {
        let (agent, path, token) = (&agent, &path, &token);
        async move {
            let res = agent
                .post_form(path, &[("csrf_token", token), ("body", body)])
                .await;
            assert_eq!(res.status(), 303);
        }
    };
    // Warm up the pool's connections, then measure with one follower.
    for _ in 0..3 {
        reply("warming up").await;
    }
    let one = statements_during(&app, reply("To one follower.")).await;
    add_followers(&app, number, 50, "fifty");
    let fifty = statements_during(&app, reply("To fifty-one followers.")).await;
    assert_eq!(one, fifty, "statements grow with the followers");
    // The request wrote one event; the fan-out makes it 51 messages.
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM notification_events WHERE detail = 'To fifty-one followers.'"
        ),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_outbox"),
        0
    );
    fan_out(&app);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_events"),
        0
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM notification_outbox WHERE detail = 'To fifty-one followers.' \
             AND status = 'queued' AND attempts = 0"
        ),
        51
    );

    // An instance with e-mail sends the 51 messages.
    let smtp = SmtpServer::start();
    let settings = mail_settings(&app.db.url, &smtp.url());
    let mailing = instance(app.db.clone(), settings).await;
    let all = app.count("SELECT count(*) AS n FROM notification_outbox") as usize;
    let mails = expect(&mailing.app, &smtp, number, all).await;
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.text.contains("To fifty-one followers."))
            .count(),
        51
    );
}

#[tokio::test]
async fn shutdown_finishes_the_send_in_progress_and_gives_the_rest_back() {
    let port = free_port();
    let smtp = SmtpServer::start_on(port, 1.5);
    let db = Arc::new(TestDb::new());
    let settings = mail_settings(&db.url, &smtp.url());
    let Instance { app, handle, task } = instance(db, settings).await;
    let customer = browser(&app, "customer1@example.com").await;
    let number = file_issue(&customer, "Shutdown drill").await;
    add_followers(&app, number, 5, "drill");
    let agent = browser(&app, "agent1@example.com").await;
    comment(&agent, number, "Rolling out a fix.", false).await;
    until(
        &app,
        "SELECT count(*) AS n FROM notification_outbox WHERE claimed_by IS NOT NULL",
        |n| n > 0,
        Duration::from_secs(10),
    )
    .await;
    handle.stop(true).await;
    tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .expect("the instance stops")
        .unwrap()
        .unwrap();

    let sent = app.count("SELECT count(*) AS n FROM notification_outbox WHERE status = 'sent'");
    assert!(sent >= 1, "the send in progress finished");
    assert_eq!(smtp.messages().len() as i64, sent);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_outbox WHERE claimed_by IS NOT NULL"),
        0,
        "claims are given back"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM notification_outbox WHERE status = 'queued' AND attempts = 0"
        ),
        6 - sent,
        "untried messages wait, their attempt not counted"
    );
}

#[tokio::test]
async fn the_unsubscribe_link_works_signed_out_and_turns_off_only_its_topic() {
    let smtp = SmtpServer::start();
    let Instance { app, .. } = mailing_app(&smtp).await;
    let customer = browser(&app, "customer1@example.com").await;
    let agent = browser(&app, "agent1@example.com").await;
    let number = file_issue(&customer, "Unsubscribe me").await;
    comment(&agent, number, "A first answer.", false).await;
    let mails = expect(&app, &smtp, number, 1).await;
    let header = mails[0].header("List-Unsubscribe").unwrap();
    let link = header
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let path = link.strip_prefix(&app.address).unwrap().to_owned();
    assert!(mails[0].text.contains(&link));

    // Nobody signed in; a link scanner's GET changes nothing.
    let stranger = app.other_browser();
    let res = stranger.get(&path).await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "main").contains("customer1@example.com"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_preferences"),
        0
    );
    let token = stranger.form_token(&path).await;
    let res = stranger.post_form(&path, &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    let customer_id = user_id(&app, "customer1@example.com");
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(topic::text || '=' || enabled, ',') AS s \
             FROM notification_preferences WHERE user_id = '{customer_id}'"
        )),
        "replies=false"
    );
    let doc = html::parse(&stranger.get(&path).await.text().await.unwrap());
    assert!(html::text(&doc, "main").contains("are off"));

    // Replies no longer reach them; a status change still does.
    comment(&agent, number, "A second answer.", false).await;
    update(
        &agent,
        number,
        &[("status", "resolved"), ("resolution_notes", "Done.")],
    )
    .await;
    let mails = expect(&app, &smtp, number, 1).await;
    assert!(
        mails[0].subject().contains("Resolved"),
        "{}",
        mails[0].subject()
    );

    // A token for another topic or person, or damaged, is no page.
    let signature = path.rsplit('.').next().unwrap();
    let simple = customer_id.replace('-', "");
    for forged in [
        format!("/unsubscribe/{simple}.status.{signature}"),
        format!(
            "/unsubscribe/{}.replies.{signature}",
            user_id(&app, "customer2@example.com").replace('-', "")
        ),
        format!("{path}x"),
        "/unsubscribe/nothing".to_owned(),
    ] {
        assert_eq!(stranger.get(&forged).await.status(), 404, "{forged}");
    }
}

/// The topics on `b`'s account page: (value, ticked).
async fn account_topics(b: &TestApp) -> Vec<(String, bool)> {
    let doc = html::parse(&b.get("/account").await.text().await.unwrap());
    let values = html::attrs(&doc, "input[name=topics]", "value");
    let ticked = html::attrs(&doc, "input[name=topics][checked]", "value");
    values
        .into_iter()
        .map(|v| {
            let on = ticked.contains(&v);
            (v, on)
        })
        .collect()
}

#[tokio::test]
async fn people_choose_their_e_mails_on_the_account_page() {
    let app = TestApp::spawn().await;
    let customer = browser(&app, "customer1@example.com").await;
    let agent = browser(&app, "agent1@example.com").await;
    let t = |v: &str, on| (v.to_owned(), on);
    assert_eq!(
        account_topics(&customer).await,
        vec![t("replies", true), t("status", true)]
    );
    assert_eq!(
        account_topics(&agent).await,
        vec![
            t("assigned", true),
            t("customer_replies", true),
            t("unassigned", false)
        ]
    );
    // Only the role's topics are stored; unknown words are ignored.
    choose(&customer, &["status", "unassigned", "bogus"]).await;
    assert_eq!(
        account_topics(&customer).await,
        vec![t("replies", false), t("status", true)]
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_preferences WHERE topic = 'unassigned'"),
        0
    );
    choose(&agent, &["unassigned"]).await;
    assert_eq!(
        account_topics(&agent).await,
        vec![
            t("assigned", false),
            t("customer_replies", false),
            t("unassigned", true)
        ]
    );
    // E-mail is off on this desk: the page says so.
    let doc = html::parse(&agent.get("/account").await.text().await.unwrap());
    assert!(html::text(&doc, "main").contains("sends no e-mail yet"));
}

#[tokio::test]
async fn admins_see_the_outbox_filter_it_page_it_and_retry_a_failed_message() {
    let app = TestApp::spawn().await;
    let admin = browser(&app, "admin@example.com").await;
    app.exec(
        "INSERT INTO notification_outbox (event, topic, recipient_id, email, issue_id, created_at) \
         SELECT 'agent_reply', 'replies', u.id, u.email, i.id, now() - g * interval '1 minute' \
         FROM users u, (SELECT id FROM issues ORDER BY number LIMIT 1) i, generate_series(1, 119) g \
         WHERE u.email = 'customer1@example.com'",
    );
    app.exec(
        "INSERT INTO notification_outbox (event, email, status, attempts, last_error, link) \
         VALUES ('invitation', 'gone@example.com', 'failed', 1, \
                 'permanent error (550): 5.1.1 <gone@example.com>: User unknown', 'http://x/invitations/t')",
    );
    let res = admin.get("/admin/notifications").await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "main").contains("E-mail is off"));
    assert!(html::attrs(&doc, "#waiting", "id").is_empty());
    let mut seen = html::attrs(&doc, "tr.message", "data-id").len();
    assert_eq!(seen, 50);
    let mut next = html::attrs(&doc, "a[rel=next]", "href").pop();
    while let Some(href) = next {
        let doc = html::parse(&admin.get(&href).await.text().await.unwrap());
        seen += html::attrs(&doc, "tr.message", "data-id").len();
        next = html::attrs(&doc, "a[rel=next]", "href").pop();
    }
    assert_eq!(seen, 120, "every message once across the pages");

    // A change whose messages are not written yet (this instance runs no
    // fan-out) is counted, until a fan-out writes them.
    let customer = browser(&app, "customer1@example.com").await;
    file_issue(&customer, "Waiting for the fan-out").await;
    let doc = html::parse(
        &admin
            .get("/admin/notifications")
            .await
            .text()
            .await
            .unwrap(),
    );
    let waiting = html::text(&doc, "#waiting");
    assert!(
        waiting.starts_with("1 change waits for its messages"),
        "{waiting}"
    );
    fan_out(&app);
    let doc = html::parse(
        &admin
            .get("/admin/notifications")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(html::attrs(&doc, "#waiting", "id").is_empty());

    // Filters, and notices for what they do not know.
    let doc = html::parse(
        &admin
            .get("/admin/notifications?status=failed")
            .await
            .text()
            .await
            .unwrap(),
    );
    let failed = html::attrs(&doc, "tr.message", "data-id");
    assert_eq!(failed.len(), 1);
    assert!(html::text(&doc, ".reason").contains("User unknown"));
    let doc = html::parse(
        &admin
            .get("/admin/notifications?event=invitation&status=queued")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(html::attrs(&doc, "tr.message", "data-id").is_empty());
    for bad in ["status=lost", "event=party", "before=garbage"] {
        let res = admin.get(&format!("/admin/notifications?{bad}")).await;
        assert_eq!(res.status(), 200, "{bad}");
        let doc = html::parse(&res.text().await.unwrap());
        assert_eq!(
            html::attrs(&doc, "tr.message", "data-id").len(),
            50,
            "{bad}"
        );
        assert!(!html::texts(&doc, ".flash-warning").is_empty());
    }

    // Retry: queued again with a fresh count, audited.
    let id = &failed[0];
    let token = admin.form_token("/admin/notifications?status=failed").await;
    let retry = format!("/admin/notifications/{id}/retry");
    let res = admin.post_form(&retry, &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.text(&format!(
            "SELECT status::text || ' ' || attempts AS s FROM notification_outbox WHERE id = '{id}'"
        )),
        "queued 0"
    );
    assert_eq!(
        app.text(
            "SELECT action || ' ' || (before->>'status') || '>' || (after->>'status') AS s \
             FROM admin_audit WHERE kind = 'notification'"
        ),
        "retried failed>queued"
    );
    // Again: not failed any more, nothing changes.
    let res = admin.post_form(&retry, &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM admin_audit WHERE kind = 'notification'"),
        1
    );
    for missing in [
        "/admin/notifications/00000000-0000-4000-8000-000000000000/retry",
        "/admin/notifications/not-an-id/retry",
    ] {
        let res = admin.post_form(missing, &[("csrf_token", &token)]).await;
        assert_eq!(res.status(), 404, "{missing}");
    }
}

#[tokio::test]
async fn the_sweep_removes_messages_done_long_ago_and_keeps_the_rest() {
    let app = TestApp::spawn().await;
    app.exec(
        "INSERT INTO notification_outbox \
           (event, email, status, attempts, sent_at, created_at, next_attempt_at) \
         SELECT 'invitation', e, s::outbox_status, 1, now() - sent * interval '1 day', \
                now() - made * interval '1 day', now() - tried * interval '1 day' \
         FROM (VALUES ('old-sent@example.com', 'sent', 91, 91, 91), \
                      ('old-failed@example.com', 'failed', NULL, 93, 91), \
                      ('old-queued@example.com', 'queued', NULL, 91, 91), \
                      ('recent-sent@example.com', 'sent', 89, 89, 89), \
                      ('late-sent@example.com', 'sent', 1, 100, 1)) \
              AS v (e, s, sent, made, tried)",
    );
    let swept = supportdesk::auth::sweeper::sweep(&app.pool).await.unwrap();
    assert_eq!(swept.messages, 2);
    // Kept: queued, however old; and sent recently, whenever it happened.
    assert_eq!(
        app.text("SELECT string_agg(email, ', ' ORDER BY email) AS s FROM notification_outbox"),
        "late-sent@example.com, old-queued@example.com, recent-sent@example.com"
    );
}

#[tokio::test]
async fn invitations_and_reset_links_can_be_e_mailed() {
    let smtp = SmtpServer::start();
    let Instance { app, .. } = mailing_app(&smtp).await;
    let admin = browser(&app, "admin@example.com").await;
    let doc = html::parse(&admin.get("/admin/invitations").await.text().await.unwrap());
    assert_eq!(
        html::attrs(&doc, "input[name=send_email][checked]", "value").len(),
        2,
        "both forms offer e-mail, ticked"
    );
    let token = admin.form_token("/admin/invitations").await;
    let res = admin
        .post_form(
            "/admin/invitations",
            &[
                ("csrf_token", &token),
                ("email", "new.agent@example.com"),
                ("role", "agent"),
                ("customer_id", ""),
                ("send_email", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(
        html::attrs(&doc, "#created-link", "value").is_empty(),
        "the link is not shown"
    );
    assert!(html::text(&doc, "main").contains("on its way"));

    let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to(), "new.agent@example.com");
    assert_eq!(mails[0].subject(), "Your invitation to the support desk");
    let prefix = format!("{}/invitations/", app.address);
    let link = mails[0]
        .text
        .split_whitespace()
        .find(|w| w.starts_with(&prefix))
        .expect("the invitation link")
        .to_owned();
    assert!(mails[0].header("List-Unsubscribe").is_none());
    let visitor = app.other_browser();
    assert_eq!(
        visitor
            .get(link.strip_prefix(&app.address).unwrap())
            .await
            .status(),
        200
    );
    smtp.clear();

    let res = admin
        .post_form(
            "/admin/password-resets",
            &[
                ("csrf_token", &token),
                ("email", "customer2@example.com"),
                ("send_email", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(mails[0].to(), "customer2@example.com");
    assert!(
        mails[0]
            .text
            .contains(&format!("{}/password-reset/", app.address))
    );
    until(
        &app,
        "SELECT count(*) AS n FROM notification_outbox WHERE status = 'sent' AND link IS NULL",
        |n| n == 2,
        Duration::from_secs(5),
    )
    .await;
}
