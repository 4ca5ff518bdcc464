//! The data model: migrations run up, down and up again; the database itself
//! rejects bad rows; `schema.rs` matches the migrations; the demo seed.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::MigrationHarness;
use supportdesk::db::{self, MIGRATIONS};
use supportdesk::devdata::seed;

use crate::helpers::{TestDb, count};

const OUR_OBJECTS: &str = "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' \
     AND tablename <> '__diesel_schema_migrations') + (SELECT count(*) FROM pg_type t JOIN \
     pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e') AS n";

#[test]
fn migrations_run_up_down_and_up_again() {
    let test_db = TestDb::empty();
    let mut conn = test_db.conn();
    let applied = db::migrate(&mut conn).unwrap();
    assert!(applied >= 2);
    assert!(count(&mut conn, OUR_OBJECTS) > 20);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM planes"), 4);

    conn.revert_all_migrations(MIGRATIONS).unwrap();
    assert_eq!(
        count(&mut conn, OUR_OBJECTS),
        0,
        "down.sql leaves nothing behind"
    );

    assert_eq!(db::migrate(&mut conn).unwrap(), applied);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM planes"), 4);
}

/// Runs one statement and returns the constraint PostgreSQL names on refusal.
fn refused_by(conn: &mut PgConnection, sql: &str) -> String {
    match diesel::sql_query(sql).execute(conn) {
        Ok(_) => panic!("accepted: {sql}"),
        Err(diesel::result::Error::DatabaseError(_, info)) => info
            .constraint_name()
            .map(str::to_owned)
            .unwrap_or_else(|| info.message().to_owned()),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn the_database_rejects_bad_rows() {
    let test_db = TestDb::new();
    let mut conn = test_db.conn();
    let insert_customer_user = "INSERT INTO users (email, role) VALUES ('c@x.example', 'customer')";
    assert_eq!(
        refused_by(&mut conn, insert_customer_user),
        "users_customer_matches_role"
    );
    let agent_with_customer = "INSERT INTO users (email, role, customer_id) \
         SELECT 'a@x.example', 'agent', id FROM customers LIMIT 1";
    assert_eq!(
        refused_by(&mut conn, agent_with_customer),
        "users_customer_matches_role"
    );
    let duplicate_slug = "INSERT INTO planes (name, slug) VALUES ('Again', 'eks')";
    assert_eq!(refused_by(&mut conn, duplicate_slug), "planes_slug_key");
    let duplicate_option = "INSERT INTO plane_context_options (plane_context_id, value, label) \
         SELECT plane_context_id, value, 'dup' FROM plane_context_options LIMIT 1";
    assert_eq!(
        refused_by(&mut conn, duplicate_option),
        "plane_context_options_plane_context_id_value_key"
    );
    let unknown_customer = "INSERT INTO environments (customer_id, name, env_type) \
         VALUES (gen_random_uuid(), 'ghost', 'dev')";
    assert_eq!(
        refused_by(&mut conn, unknown_customer),
        "environments_customer_id_fkey"
    );
    let foreign_environment = "INSERT INTO issues (customer_id, environment_id, created_by_id, \
         submitter_handle, primary_plane_id, title, description) \
         SELECT c.id, e.id, u.id, 'h', p.id, 't', 'd' FROM customers c \
         JOIN environments e ON e.customer_id <> c.id, users u, planes p LIMIT 1";
    assert_eq!(
        refused_by(&mut conn, foreign_environment),
        "issues_environment_id_customer_id_fkey"
    );
    let rewrite_history = "UPDATE issue_activities SET description = 'rewritten'";
    assert!(refused_by(&mut conn, rewrite_history).contains("append-only"));
}

/// `src/db/schema.rs` is what `diesel print-schema` makes of the migrations.
#[test]
fn schema_rs_matches_the_migrations() {
    let test_db = TestDb::new();
    let out = std::process::Command::new("diesel")
        .args(["print-schema", "--database-url", &test_db.url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("diesel CLI not found: install it with `cargo install diesel_cli --no-default-features --features postgres` (scripts/test does)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    assert!(
        generated == committed,
        "src/db/schema.rs is stale: run `diesel print-schema --database-url <db> > src/db/schema.rs`"
    );
}

/// `issues_set_updated_at` names the columns whose change bumps
/// `updated_at` (all but the search vectors, migration 000006): a column
/// added to `issues` must be added there too, or its updates go unnoticed.
#[test]
fn the_updated_at_trigger_names_every_issue_column_but_the_search_vectors() {
    let test_db = TestDb::new();
    let mut conn = test_db.conn();
    let missing: Vec<String> = diesel::sql_query(
        "SELECT a.attname::text AS name FROM pg_attribute a \
         WHERE a.attrelid = 'issues'::regclass AND a.attnum > 0 AND NOT a.attisdropped \
         AND a.attname NOT IN ('search', 'comment_search') \
         AND a.attnum <> ALL (coalesce((SELECT t.tgattr::int2[] FROM pg_trigger t \
              WHERE t.tgrelid = 'issues'::regclass AND t.tgname = 'issues_set_updated_at'), '{}')) \
         ORDER BY a.attnum",
    )
    .load::<Name>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect();
    assert!(
        missing.is_empty(),
        "add to issues_set_updated_at: {missing:?}"
    );
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[test]
fn demo_seed_is_complete_and_idempotent() {
    let test_db = TestDb::new();
    let mut conn = test_db.conn();
    let emails: Vec<String> = diesel::sql_query("SELECT email AS name FROM users ORDER BY email")
        .load::<Name>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
    for email in [
        "admin@example.com",
        "agent1@example.com",
        "agent2@example.com",
        "customer1@example.com",
        "customer2@example.com",
        "customer3@example.com",
    ] {
        assert!(emails.contains(&email.to_owned()), "{email} missing");
    }
    for status in ["open", "in_progress", "resolved", "closed"] {
        let n = count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM issues WHERE status = '{status}'"),
        );
        assert!(n > 0, "no {status} issue");
    }
    for env in ["dev", "qa", "staging", "production"] {
        let n = count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM environments WHERE env_type = '{env}'"),
        );
        assert!(n > 0, "no {env} environment");
    }
    for doc_type in ["how-to", "explanation", "reference", "tutorial"] {
        let n = count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM docs WHERE doc_type = '{doc_type}'"),
        );
        assert!(n > 0, "no {doc_type} doc");
    }
    for table in [
        "comments",
        "issue_activities",
        "resolutions",
        "doc_feedback",
        "plane_contexts",
        "plane_context_options",
        "issue_plane_contexts",
    ] {
        assert!(
            count(&mut conn, &format!("SELECT count(*) AS n FROM {table}")) > 0,
            "{table} empty"
        );
    }
    assert!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM comments WHERE is_internal"
        ) > 0
    );
    let customers_of_demo_users = count(
        &mut conn,
        "SELECT count(DISTINCT customer_id) AS n FROM users WHERE email LIKE 'customer%'",
    );
    assert_eq!(customers_of_demo_users, 2);

    let before = count(&mut conn, "SELECT count(*) AS n FROM issues");
    let summary = seed::seed_demo(&mut conn).unwrap();
    assert!(!summary.created);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM issues"), before);
}

/// The demo accounts count as open while they have the demo password and
/// are not disabled: the banner prints the password only while it opens
/// the demo admin, and serving beyond loopback is refused while any is open.
#[test]
fn demo_accounts_are_open_until_changed_or_disabled() {
    let test_db = TestDb::new();
    let mut conn = test_db.conn();
    let all = [
        "admin@example.com",
        "agent1@example.com",
        "agent2@example.com",
        "customer1@example.com",
        "customer2@example.com",
        "customer3@example.com",
    ];
    assert_eq!(seed::demo_accounts_open(&mut conn).unwrap(), all);

    let changed = supportdesk::auth::password::hash_password("a password of their own").unwrap();
    diesel::sql_query("UPDATE users SET password_hash = $1 WHERE email = 'admin@example.com'")
        .bind::<Text, _>(&changed)
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query("UPDATE users SET disabled_at = now() WHERE email LIKE 'agent%'")
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query(
        "UPDATE users SET email = 'casey@example.com' WHERE email = 'customer1@example.com'",
    )
    .execute(&mut conn)
    .unwrap();
    assert_eq!(
        seed::demo_accounts_open(&mut conn).unwrap(),
        ["customer2@example.com", "customer3@example.com"]
    );
}

/// `serve` on an address beyond this machine refuses to start while a demo
/// account still opens with the published password (unless `--demo`).
#[test]
fn serving_beyond_loopback_with_open_demo_accounts_is_refused() {
    use supportdesk::cli::{Cli, Command};
    let test_db = TestDb::new();
    let mut settings = supportdesk::config::Settings::for_database(&test_db.url);
    settings.bind = "0.0.0.0:0".into();
    let refused = supportdesk::cli::run(Cli {
        settings,
        command: Some(Command::Serve),
    })
    .unwrap_err();
    assert!(
        refused.contains("refusing to listen on 0.0.0.0:0"),
        "{refused}"
    );
    assert!(refused.contains("admin@example.com"), "{refused}");
}

#[test]
fn the_admin_audit_log_is_append_only_and_outlives_its_admin() {
    use supportdesk::db::models::admin_audit::{self, Change};
    use supportdesk::db::models::enums::{AuditKind, UserRole};
    use supportdesk::db::models::users::{self, NewUser};

    let test_db = TestDb::new();
    let mut conn = test_db.conn();
    let admin = users::insert(
        &mut conn,
        &NewUser {
            email: "auditor@example.com",
            name: "Audrey Auditor",
            role: UserRole::Admin,
            customer_id: None,
            chat_handle: None,
            password_hash: None,
            email_verified_at: None,
            image_url: None,
        },
    )
    .unwrap();
    admin_audit::record(
        &mut conn,
        &admin,
        &Change {
            kind: AuditKind::Customer,
            action: "updated",
            object_id: None,
            object_label: "Acme Payments",
            before: Some(serde_json::json!({"name": "Acme"})),
            after: Some(serde_json::json!({"name": "Acme Payments"})),
        },
    )
    .unwrap();
    assert_eq!(
        refused_by(&mut conn, "UPDATE admin_audit SET object_label = 'x'"),
        "admin_audit is append-only: UPDATE is not allowed"
    );

    // Deleting the admin keeps the row, with the name it was written under.
    diesel::sql_query(format!("DELETE FROM users WHERE id = '{}'", admin.id))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM admin_audit WHERE actor_id IS NULL \
             AND actor_name = 'Audrey Auditor' AND after->>'name' = 'Acme Payments'"
        ),
        1
    );
}
