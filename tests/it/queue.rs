//! The agent workspace: queue views, filters, search, sorts, keyset pages,
//! bulk actions. (A ticket's page and its form are tested in `issues`.)

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::helpers::{TestApp, html};

/// Ticket numbers on a queue page, in order.
fn numbers(body: &str) -> Vec<i64> {
    let doc = html::parse(body);
    html::texts(&doc, "tbody td.num a")
        .iter()
        .map(|t| t.trim_start_matches('#').parse().unwrap())
        .collect()
}

async fn queue(app: &TestApp, query: &str) -> String {
    let res = app.get(&format!("/queue?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    res.text().await.unwrap()
}

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

#[tokio::test]
async fn each_view_shows_its_tickets_with_counts() {
    let app = agent_app().await;
    let me = agent_id(&app, "agent1@example.com");
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let expect = |sql: &str| {
        let mut v: Vec<i64> =
            diesel::sql_query(format!("SELECT number AS n FROM issues WHERE {sql}"))
                .load::<N>(&mut app.db.conn())
                .unwrap()
                .into_iter()
                .map(|r| r.n)
                .collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    };
    for (view, sql) in [
        (
            "unassigned",
            "assignee_id IS NULL AND status IN ('open','in_progress')".to_owned(),
        ),
        (
            "mine",
            format!("assignee_id = '{me}' AND status IN ('open','in_progress')"),
        ),
        ("open", "status IN ('open','in_progress')".to_owned()),
        (
            "resolved",
            "status = 'resolved' AND resolved_at > now() - interval '7 days'".to_owned(),
        ),
        ("all", "true".to_owned()),
    ] {
        let body = queue(&app, &format!("view={view}")).await;
        let mut got = numbers(&body);
        got.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(got, expect(&sql), "view {view}");
        let doc = html::parse(&body);
        let current = html::text(&doc, ".view-tabs a[aria-current=page] .count");
        assert_eq!(current, expect(&sql).len().to_string(), "count of {view}");
    }
}

/// Counts and names are cached per process, but a write anywhere (here by
/// another instance, and by plain SQL as an import would) shows on the very
/// next load; an unchanged queue is served without recounting.
#[tokio::test]
async fn cached_counts_and_names_follow_every_write() {
    let app = agent_app().await;
    let mine_count = |body: &str| {
        let doc = html::parse(body);
        html::texts(&doc, ".view-tabs a .count")[1].clone()
    };
    // As on a database nothing has been written to since migrating: the
    // very first write must move the counters too.
    app.exec("ALTER SEQUENCE issue_changes RESTART");
    app.exec("ALTER SEQUENCE directory_changes RESTART");
    let before = queue(&app, "view=mine").await;
    let mine = app.count(&format!(
        "SELECT count(*) AS n FROM issues WHERE assignee_id = '{}' \
         AND status IN ('open','in_progress')",
        agent_id(&app, "agent1@example.com")
    ));
    assert_eq!(mine_count(&before), mine.to_string());
    // Served from the cache: session, user, change counters, the page and
    // its secondary planes.
    assert!(app.statements_for("/queue?view=mine").await <= 5);

    // Another instance assigns an unassigned ticket to agent1.
    let other = app.another_instance().await;
    other.sign_in("agent1@example.com").await;
    let (id, number) = ids_of(
        &app,
        "assignee_id IS NULL AND status IN ('open','in_progress')",
    )
    .remove(0);
    let res = bulk(
        &other,
        &[(id, number)],
        &[("action", "assign"), ("assignee_id", "me")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let after = queue(&app, "view=mine").await;
    assert_eq!(mine_count(&after), (mine + 1).to_string());
    assert!(numbers(&after).contains(&number));

    // A customer renamed and an agent added outside the app.
    app.exec("UPDATE customers SET name = 'Acme Renamed' WHERE name = 'Acme Payments'");
    app.exec(
        "INSERT INTO users (email, name, role) VALUES ('agent9@example.com', 'Nina New', 'agent'), \
         ('nameless@example.com', '', 'agent')",
    );
    let body = queue(&app, "view=all").await;
    let doc = html::parse(&body);
    assert!(
        html::texts(&doc, "tbody td")
            .iter()
            .any(|t| t == "Acme Renamed")
    );
    assert!(!body.contains("Acme Payments"));
    assert!(html::texts(&doc, "#f-customer option").contains(&"Acme Renamed".to_owned()));
    let assignees = html::texts(&doc, "#f-assignee option");
    assert!(assignees.contains(&"Nina New".to_owned()));
    // Someone without a name is listed by e-mail, as everywhere else.
    assert!(
        assignees.contains(&"nameless@example.com".to_owned()),
        "{assignees:?}"
    );
}

#[tokio::test]
async fn filters_and_search_narrow_the_queue() {
    let app = agent_app().await;
    let globex = app.text("SELECT id::text AS s FROM customers WHERE name = 'Globex Logistics'");
    let eks = app.text("SELECT id::text AS s FROM planes WHERE slug = 'eks'");
    let cases = [
        (
            format!("view=all&customer={globex}"),
            format!("customer_id = '{globex}'"),
        ),
        (
            "view=all&status=closed".to_owned(),
            "status = 'closed'".to_owned(),
        ),
        (
            "view=all&priority=high".to_owned(),
            "priority = 'high'".to_owned(),
        ),
        (
            "view=all&category=billing".to_owned(),
            "category = 'billing'".to_owned(),
        ),
        (
            format!("view=all&plane={eks}"),
            format!("primary_plane_id = '{eks}'"),
        ),
        (
            format!("view=all&any_plane={eks}"),
            format!("id IN (SELECT issue_id FROM issue_planes WHERE plane_id = '{eks}')"),
        ),
        (
            "view=all&env_type=production".to_owned(),
            "environment_id IN (SELECT id FROM environments WHERE env_type = 'production')"
                .to_owned(),
        ),
        (
            "view=all&assignee=none".to_owned(),
            "assignee_id IS NULL".to_owned(),
        ),
        (
            "view=all&from=2000-01-01&to=2999-12-31".to_owned(),
            "true".to_owned(),
        ),
        ("view=all&to=2000-01-01".to_owned(), "false".to_owned()),
    ];
    for (query, sql) in cases {
        let got = numbers(&queue(&app, &query).await);
        let want = app.count(&format!("SELECT count(*) AS n FROM issues WHERE {sql}"));
        assert_eq!(got.len() as i64, want, "{query}");
    }
    // Rows show every plane of a ticket, the primary one first.
    let (number, secondary) = {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = BigInt)]
            number: i64,
            #[diesel(sql_type = Text)]
            name: String,
        }
        let row: Row = diesel::sql_query(
            "SELECT i.number, p.name FROM issues i JOIN issue_planes ip ON ip.issue_id = i.id \
             AND NOT ip.is_primary JOIN planes p ON p.id = ip.plane_id ORDER BY i.number LIMIT 1",
        )
        .get_result(&mut app.db.conn())
        .unwrap();
        (row.number, row.name)
    };
    let doc = html::parse(&queue(&app, "view=all").await);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let row = doc
        .select(&sel("tbody tr"))
        .find(|tr| {
            tr.select(&sel(&format!("#select-{number}")))
                .next()
                .is_some()
        })
        .expect("the ticket's row");
    let badges: Vec<String> = row
        .select(&sel(".badge-plane-secondary"))
        .map(|b| b.text().collect())
        .collect();
    assert_eq!(badges, vec![secondary]);
    // A word that only appears in a comment finds its ticket.
    let number = app.count("SELECT min(number) AS n FROM issues");
    let issue_id = app.text(&format!(
        "SELECT id::text AS s FROM issues WHERE number = {number}"
    ));
    let author = agent_id(&app, "agent1@example.com");
    app.exec(&format!(
            "INSERT INTO comments (issue_id, author_id, body) VALUES ('{issue_id}', '{author}', 'the flux capacitor overheated')"
        ),
    );
    assert_eq!(
        numbers(&queue(&app, "view=all&q=capacitor").await),
        vec![number]
    );
    // And one from the title.
    let title_word = app.text(&format!(
        "SELECT split_part(title, ' ', 1) AS s FROM issues WHERE number = {number}"
    ));
    assert!(numbers(&queue(&app, &format!("view=all&q={title_word}")).await).contains(&number));
    // Comments written outside the app (an import, with their own dates)
    // are searchable too, and adding words is not an edit of the ticket.
    let updated = || {
        app.text(&format!(
            "SELECT updated_at::text AS s FROM issues WHERE number = {number}"
        ))
    };
    let before = updated();
    app.exec(&format!(
        "INSERT INTO comments (issue_id, author_id, body, created_at) VALUES \
         ('{issue_id}', '{author}', 'the gyroscope drifted', '2020-01-01'), \
         ('{issue_id}', '{author}', 'the quasar flickered', '2020-01-02')"
    ));
    assert_eq!(updated(), before);
    for word in ["gyroscope", "quasar", "capacitor"] {
        assert_eq!(
            numbers(&queue(&app, &format!("view=all&q={word}")).await),
            vec![number],
            "{word}"
        );
    }
    // A deleted comment's words go with it.
    app.exec("DELETE FROM comments WHERE body = 'the gyroscope drifted'");
    assert!(numbers(&queue(&app, "view=all&q=gyroscope").await).is_empty());
    assert_eq!(
        numbers(&queue(&app, "view=all&q=quasar").await),
        vec![number]
    );
}

#[tokio::test]
async fn sorts_order_by_priority_and_by_update() {
    let app = agent_app().await;
    let body = queue(&app, "view=all&sort=priority").await;
    let doc = html::parse(&body);
    let priorities: Vec<String> = html::texts(&doc, "tbody td:nth-child(8)");
    let rank = |p: &str| match p {
        "High" => 0,
        "Medium" => 1,
        _ => 2,
    };
    assert!(
        priorities.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
        "{priorities:?}"
    );

    let number = app.count("SELECT max(number) AS n FROM issues WHERE status = 'closed'");
    app.exec(&format!(
        "UPDATE issues SET updated_at = now() + interval '1 day' WHERE number = {number}"
    ));
    assert_eq!(
        numbers(&queue(&app, "view=all&sort=updated").await)[0],
        number
    );
}

#[tokio::test]
async fn keyset_pages_cover_every_ticket_once_even_with_ties() {
    let app = agent_app().await;
    // 130 tickets filed at the very same instant, plus the demo ones.
    app.exec("INSERT INTO issues (customer_id, environment_id, created_by_id, submitter_handle, \
         primary_plane_id, title, description, priority, created_at, updated_at) \
         SELECT customer_id, environment_id, created_by_id, submitter_handle, primary_plane_id, \
           'Tie ' || g, 'same instant', (ARRAY['low','medium','high']::issue_priority[])[1 + g % 3], \
           '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' \
         FROM issues, generate_series(1, 130) g WHERE number = (SELECT min(number) FROM issues)",
    );
    let total = app.count("SELECT count(*) AS n FROM issues");
    for sort in ["created", "updated", "priority"] {
        let mut seen = Vec::new();
        let mut next = Some(format!("/queue?view=all&sort={sort}"));
        let mut pages = 0;
        while let Some(url) = next {
            let res = app.get(&url).await;
            assert_eq!(res.status(), 200);
            let body = res.text().await.unwrap();
            seen.extend(numbers(&body));
            next = html::attrs(&html::parse(&body), "nav.pagination a", "href").pop();
            pages += 1;
            assert!(pages < 20, "runaway pagination");
        }
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort}: no ticket twice");
        assert_eq!(seen.len() as i64, total, "{sort}: every ticket once");
        assert!(pages >= 3, "{sort}: several pages");
    }
    // Searched pages too reach the last match, each match once: repeats
    // are counted, not deduplicated away.
    let mut shown = std::collections::HashMap::<i64, usize>::new();
    let mut next = Some("/queue?view=all&q=%22same+instant%22".to_owned());
    let mut pages = 0;
    while let Some(url) = next {
        let res = app.get(&url).await;
        assert_eq!(res.status(), 200, "{url}");
        let body = res.text().await.unwrap();
        for number in numbers(&body) {
            *shown.entry(number).or_default() += 1;
        }
        next = html::attrs(&html::parse(&body), "nav.pagination a", "href").pop();
        pages += 1;
        assert!(pages < 20, "runaway pagination");
    }
    let repeated: Vec<_> = shown.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "shown more than once: {repeated:?}");
    assert_eq!(shown.len(), 130, "every tie found by search");
    assert!(pages >= 3, "search: several pages");
}

#[tokio::test]
async fn odd_parameters_are_ignored_with_a_notice_never_an_error() {
    let app = agent_app().await;
    for query in [
        "view=everything",
        "sort=drop table issues",
        "status=done&priority=urgent&category=x&env_type=moon",
        "customer=not-a-uuid&plane=1&any_plane=%00&assignee=-1",
        "from=yesterday&to=2026-13-45",
        "after=-1",
        "after=99999999999999999999999999",
        "after=high.1.not-a-uuid",
        "after=%FF%FE",
        "q=%27%3B%20DROP%20TABLE%20issues%3B--",
        "q=%22unbalanced&q2=x",
    ] {
        let res = app.get(&format!("/queue?{query}")).await;
        assert_eq!(res.status(), 200, "{query}");
        let doc = html::parse(&res.text().await.unwrap());
        if !query.starts_with("q=") {
            assert!(
                !html::texts(&doc, ".flash-warning").is_empty(),
                "{query}: a notice"
            );
        }
    }
    assert!(app.count("SELECT count(*) AS n FROM issues") > 0);
}

/// Issue ids of the first `n` tickets of a view.
fn ids_of(app: &TestApp, sql: &str) -> Vec<(String, i64)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        id: String,
        #[diesel(sql_type = BigInt)]
        number: i64,
    }
    diesel::sql_query(format!(
        "SELECT id::text AS id, number FROM issues WHERE {sql} ORDER BY number"
    ))
    .load::<Row>(&mut app.db.conn())
    .unwrap()
    .into_iter()
    .map(|r| (r.id, r.number))
    .collect()
}

/// Posts a bulk action on tickets as the queue lists them now: each with
/// its current version (a ticket unknown to the database gets version 0).
async fn bulk(app: &TestApp, ids: &[(String, i64)], fields: &[(&str, &str)]) -> reqwest::Response {
    let selection = ids
        .iter()
        .map(|(id, _)| {
            let version = app.count(&format!(
                "SELECT coalesce((SELECT lock_version::bigint FROM issues WHERE id::text = '{id}'), 0) AS n"
            ));
            format!("{id}.{version}")
        })
        .collect::<Vec<_>>();
    bulk_selection(app, &selection, fields).await
}

/// Posts a bulk action on `<id>.<version>` selections as given.
async fn bulk_selection(
    app: &TestApp,
    selection: &[String],
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.form_token("/queue").await;
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), token),
        ("return_to".into(), "/queue?view=all".into()),
    ];
    form.extend(selection.iter().map(|s| ("issue".to_owned(), s.clone())));
    form.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    app.client
        .post(app.url("/queue/bulk"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn bulk_actions_change_all_selected_tickets_with_activity_or_none() {
    let app = agent_app().await;
    let agent2 = agent_id(&app, "agent2@example.com");
    let targets = ids_of(
        &app,
        &format!(
            "status IN ('open', 'in_progress') AND assignee_id IS DISTINCT FROM '{agent2}' AND priority <> 'high'"
        ),
    );
    assert!(targets.len() >= 3);
    let targets = &targets[..3];
    let activity_before = app.count("SELECT count(*) AS n FROM issue_activities");
    let res = bulk(
        &app,
        targets,
        &[("action", "assign"), ("assignee_id", &agent2)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/queue?view=all");
    let list = targets
        .iter()
        .map(|(id, _)| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM issues WHERE id IN ({list}) AND assignee_id = '{agent2}'"
        )),
        3
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM issue_activities") - activity_before,
        3
    );

    let res = bulk(
        &app,
        targets,
        &[("action", "priority"), ("priority", "high")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM issues WHERE id IN ({list}) AND priority = 'high'"
        )),
        3
    );

    // Resolving in bulk is refused (each needs notes)...
    let res = bulk(
        &app,
        targets,
        &[("action", "status"), ("status", "resolved")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = html::parse(&app.get("/queue?view=all").await.text().await.unwrap());
    assert!(html::text(&page, ".flash").contains("one at a time"));
    // ...and a batch with one ticket that cannot change changes none.
    let mut mixed = targets.to_vec();
    mixed.push((uuid::Uuid::new_v4().to_string(), 0));
    let before = app.count("SELECT count(*) AS n FROM issue_activities");
    let res = bulk(&app, &mixed, &[("action", "status"), ("status", "closed")]).await;
    assert_eq!(res.status(), 303);
    let page = html::parse(&app.get("/queue?view=all").await.text().await.unwrap());
    assert!(html::text(&page, ".flash").contains("Nothing was changed"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM issue_activities"),
        before,
        "all or nothing"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM issues WHERE id IN ({list}) AND status = 'closed'"
        )),
        0
    );

    // A selection listed before someone else changed a ticket is a
    // conflict: nothing is overwritten. The same ticket twice is one.
    let (id, number) = &targets[0];
    let listed = app.count(&format!(
        "SELECT lock_version::bigint AS n FROM issues WHERE id = '{id}'"
    ));
    app.exec(&format!(
        "UPDATE issues SET priority = 'low', lock_version = lock_version + 1 WHERE id = '{id}'"
    ));
    let res = bulk_selection(
        &app,
        &[format!("{id}.{listed}"), format!("{id}.{listed}")],
        &[("action", "priority"), ("priority", "medium")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = html::parse(&app.get("/queue?view=all").await.text().await.unwrap());
    let flash = html::text(&page, ".flash");
    assert!(
        flash.contains(&format!("Ticket #{number} changed after you opened it")),
        "{flash}"
    );
    assert_eq!(
        app.text(&format!(
            "SELECT priority::text AS s FROM issues WHERE id = '{id}'"
        )),
        "low"
    );
    app.exec(&format!(
        "UPDATE issues SET priority = 'high' WHERE id = '{id}'"
    ));
    let res = bulk(
        &app,
        &[targets[0].clone(), targets[0].clone()],
        &[("action", "priority"), ("priority", "medium")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = html::parse(&app.get("/queue?view=all").await.text().await.unwrap());
    assert_eq!(html::text(&page, ".flash"), "1 ticket(s) updated.");
    app.exec(&format!(
        "UPDATE issues SET priority = 'high' WHERE id = '{id}'"
    ));

    // A return address with a line break is not followed (and is no 500).
    let token = app.form_token("/queue").await;
    let res = app
        .post_form(
            "/queue/bulk",
            &[
                ("csrf_token", &token),
                ("return_to", "/queue?view=all\r\nSet-Cookie: x=1"),
                ("action", "priority"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/queue");

    // Customers cannot use it at all.
    let customer = app.other_browser();
    customer.sign_in("customer1@example.com").await;
    let token = customer.form_token("/account").await;
    let res = customer
        .post_form(
            "/queue/bulk",
            &[
                ("csrf_token", &token),
                ("issue", &format!("{}.0", targets[0].0)),
                ("action", "priority"),
                ("priority", "low"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM issues WHERE id IN ({list}) AND priority = 'high'"
        )),
        3
    );
}

/// Pages run a handful of statements whatever the number of rows (no N+1):
/// counted by PostgreSQL itself.
#[tokio::test]
async fn pages_run_a_handful_of_statements() {
    let app = agent_app().await;
    for (path, most) in [
        ("/status".to_owned(), 3),
        ("/queue?view=all".to_owned(), 5),
        ("/queue?view=all&q=pods&sort=priority".to_owned(), 5),
    ] {
        let n = app.statements_for(&path).await;
        assert!(n <= most, "{path} ran {n} statements (at most {most})");
        assert!(n >= 2, "{path}: counting works ({n})");
    }
}

#[tokio::test]
async fn out_of_range_dates_and_cursors_are_notices_not_errors() {
    let app = agent_app().await;
    for path in [
        "/queue?from=-5000-01-01",
        "/queue?after=high.-300000000000000000.00000000-0000-0000-0000-000000000000",
        "/queue?to=99999-01-01",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
}
