//! The doc analytics' rollups computed again from the raw tables, in the
//! tests' own words (not the app's SQL), to hold the rollups against.

use diesel::pg::PgConnection;

const NIL: &str = "'00000000-0000-0000-0000-000000000000'::uuid";

/// The rows of a query as sorted text, to compare two computations.
fn rows(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct S {
        #[diesel(sql_type = diesel::sql_types::Text)]
        s: String,
    }
    use diesel::RunQueryDsl;
    let all = diesel::sql_query(format!(
        "SELECT coalesce(string_agg(x::text, chr(10) ORDER BY x::text), '') AS s FROM ({sql}) x"
    ))
    .get_result::<S>(conn)
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
    .s;
    all.lines().map(str::to_owned).collect()
}

/// The form sessions, computed from the raw tables in the test's own
/// words, per customer and over all (nil).
fn raw_sessions() -> String {
    let facts = "SELECT s.customer_id, (s.started_at AT TIME ZONE 'UTC')::date AS day,
                        coalesce(s.primary_plane_id, NIL) AS plane_id,
                        EXISTS (SELECT 1 FROM doc_impressions i WHERE i.form_session_id = s.id) AS shown,
                        s.issue_id IS NULL AND EXISTS (
                            SELECT 1 FROM doc_impressions i JOIN doc_feedback f
                              ON f.form_session_id = i.form_session_id AND f.doc_id = i.doc_id
                            WHERE i.form_session_id = s.id AND f.marked_helpful) AS deflected,
                        s.issue_id IS NOT NULL AS filed
                 FROM form_sessions s";
    let sums = "count(*)::int AS sessions, count(*) FILTER (WHERE shown)::int AS shown,
                count(*) FILTER (WHERE deflected)::int AS deflected,
                count(*) FILTER (WHERE filed)::int AS filed";
    format!(
        "SELECT customer_id, day, plane_id, {sums} FROM ({facts}) f GROUP BY 1, 2, 3
         UNION ALL
         SELECT NIL, day, plane_id, {sums} FROM ({facts}) f GROUP BY 2, 3"
    )
    .replace("NIL", NIL)
}

fn raw_docs() -> String {
    let facts = "SELECT s.customer_id, (s.started_at AT TIME ZONE 'UTC')::date AS day,
                        coalesce(s.primary_plane_id, NIL) AS plane_id, i.doc_id,
                        EXISTS (SELECT 1 FROM doc_feedback f WHERE f.form_session_id = s.id
                                AND f.doc_id = i.doc_id AND f.marked_helpful) AS helpful,
                        EXISTS (SELECT 1 FROM doc_feedback f WHERE f.form_session_id = s.id
                                AND f.doc_id = i.doc_id AND f.dismissed) AS dismissed,
                        s.issue_id IS NOT NULL AS filed
                 FROM doc_impressions i JOIN form_sessions s ON s.id = i.form_session_id";
    let sums = "count(*)::int, count(*) FILTER (WHERE helpful)::int,
                count(*) FILTER (WHERE dismissed)::int,
                count(*) FILTER (WHERE helpful AND filed)::int";
    format!(
        "SELECT customer_id, day, plane_id, doc_id, {sums} FROM ({facts}) f GROUP BY 1, 2, 3, 4
         UNION ALL
         SELECT NIL, day, plane_id, doc_id, {sums} FROM ({facts}) f GROUP BY 2, 3, 4"
    )
    .replace("NIL", NIL)
}

fn raw_contexts() -> String {
    // Deflected sessions' values from the snapshot of their latest helpful
    // click; filed sessions' from their issue. Options only.
    let facts = "
        WITH helped AS (
            SELECT DISTINCT i.form_session_id AS id FROM doc_impressions i
            JOIN doc_feedback f ON f.form_session_id = i.form_session_id AND f.doc_id = i.doc_id
            WHERE f.marked_helpful
        ), latest AS (
            SELECT DISTINCT ON (f.form_session_id) f.form_session_id AS id,
                   f.issue_context -> 'contexts' AS contexts
            FROM doc_feedback f
            WHERE f.marked_helpful AND f.doc_id IS NOT NULL
            ORDER BY f.form_session_id, f.created_at DESC, f.id DESC
        ), snapshot_values AS (
            SELECT l.id, e.key, e.value FROM latest l, jsonb_each_text(l.contexts) e
            WHERE jsonb_typeof(l.contexts -> e.key) = 'string'
            UNION
            SELECT l.id, e.key, a.value FROM latest l, jsonb_each(l.contexts) e,
                   jsonb_array_elements_text(e.value) a
            WHERE jsonb_typeof(e.value) = 'array'
        ), deflected AS (
            SELECT s.id, o.plane_context_id AS context_id, o.value
            FROM form_sessions s JOIN helped h ON h.id = s.id
            JOIN snapshot_values v ON v.id = s.id
            JOIN planes p ON starts_with(v.key, p.slug || '.')
            JOIN plane_contexts pc ON pc.plane_id = p.id
                                   AND p.slug || '.' || pc.context_key = v.key
            JOIN plane_context_options o ON o.plane_context_id = pc.id AND o.value = v.value
            WHERE s.issue_id IS NULL
        ), facts AS (
            SELECT s.id, s.customer_id, (s.started_at AT TIME ZONE 'UTC')::date AS day,
                   coalesce(s.primary_plane_id, NIL) AS plane_id, d.context_id, d.value,
                   1 AS deflected, 0 AS filed, 0 AS unhelped
            FROM deflected d JOIN form_sessions s ON s.id = d.id
            UNION ALL
            SELECT s.id, s.customer_id, (s.started_at AT TIME ZONE 'UTC')::date,
                   coalesce(s.primary_plane_id, NIL), x.plane_context_id, x.value,
                   0, 1, CASE WHEN h.id IS NULL THEN 1 ELSE 0 END
            FROM form_sessions s
            JOIN issue_plane_contexts x ON x.issue_id = s.issue_id
            JOIN plane_context_options o ON o.plane_context_id = x.plane_context_id
                                        AND o.value = x.value
            LEFT JOIN helped h ON h.id = s.id
        )";
    let sums = "sum(deflected)::int, sum(filed)::int, sum(unhelped)::int";
    format!(
        "{facts}
         SELECT customer_id, day, plane_id, context_id, value, {sums} FROM facts GROUP BY 1, 2, 3, 4, 5
         UNION ALL
         SELECT NIL, day, plane_id, context_id, value, {sums} FROM facts GROUP BY 2, 3, 4, 5"
    )
    .replace("NIL", NIL)
}

/// Every rollup equals its computation from the raw tables, which has rows.
pub fn assert_rollups_equal_raw(conn: &mut PgConnection, when: &str) {
    for (rollup, raw) in [
        (
            "SELECT customer_id, day, plane_id, sessions, shown, deflected, filed FROM doc_rollup_sessions",
            raw_sessions(),
        ),
        (
            "SELECT customer_id, day, plane_id, doc_id, shown, helpful, dismissed, filed_after_helpful
             FROM doc_rollup_docs",
            raw_docs(),
        ),
        (
            "SELECT customer_id, day, plane_id, context_id, value, deflected, filed, filed_unhelped
             FROM doc_rollup_contexts",
            raw_contexts(),
        ),
    ] {
        let (rolled, raw) = (rows(conn, rollup), rows(conn, &raw));
        assert!(!raw.is_empty(), "{when}: raw figures exist for {rollup}");
        assert_eq!(rolled, raw, "{when}: {rollup}");
    }
}
