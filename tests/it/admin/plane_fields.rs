//! A plane's context fields and their options over HTTP: adding and
//! editing fields (a used field keeps its key and type), adding, editing,
//! moving, retiring and restoring options (a chosen option keeps its
//! value), each with its audit row; 422 with the values kept, 409 when
//! stale (option forms carry the field's version), agents and customers
//! refused; a retired option or field gone from the issue form's next load
//! and still shown on old issues; and a used option that no request and
//! no SQL statement can delete.

use diesel::prelude::*;
use serde_json::json;
use supportdesk::db::models::enums::AuditKind;
use uuid::Uuid;

use super::planes::{admin_app, audit_of, audit_rows, location, page, plane, post, switch_to};
use crate::helpers::{TestApp, html};

/// (id, is_active, is_required, field_type, label, key) of a field of `slug`.
fn field(app: &TestApp, slug: &str, key: &str) -> (Uuid, bool, bool, String, String, String) {
    use supportdesk::db::schema::plane_contexts as pc;
    let (plane_id, _, _) = plane(app, slug);
    let (id, active, required, field_type, label, key): (
        Uuid,
        bool,
        bool,
        supportdesk::db::models::enums::FieldType,
        String,
        String,
    ) = pc::table
        .filter(pc::plane_id.eq(plane_id))
        .filter(pc::context_key.eq(key))
        .select((
            pc::id,
            pc::is_active,
            pc::is_required,
            pc::field_type,
            pc::label,
            pc::context_key,
        ))
        .first(&mut app.db.conn())
        .unwrap_or_else(|e| panic!("field {slug}.{key}: {e}"));
    (
        id,
        active,
        required,
        field_type.as_str().to_owned(),
        label,
        key,
    )
}

/// The options of a field in the issue form's order: (id, value, label, active).
fn options_of(app: &TestApp, field: Uuid) -> Vec<(Uuid, String, String, bool)> {
    use supportdesk::db::schema::plane_context_options as o;
    o::table
        .filter(o::plane_context_id.eq(field))
        .order((o::display_order.asc(), o::label.asc(), o::id.asc()))
        .select((o::id, o::value, o::label, o::is_active))
        .load(&mut app.db.conn())
        .unwrap()
}

fn field_path(slug: &str, id: Uuid) -> String {
    format!("/admin/planes/{slug}/fields/{id}")
}

/// The field's version as its page carries it.
async fn version(app: &TestApp, slug: &str, id: Uuid) -> String {
    let doc = page(app, &field_path(slug, id)).await;
    html::attrs(&doc, "#field-form input[name=version]", "value").remove(0)
}

/// The issue form of the EKS plane as the demo customer sees it.
async fn eks_form(app: &TestApp) -> scraper::Html {
    switch_to(app, "customer1@example.com").await;
    let doc = page(app, "/issues/new?primary_plane=eks").await;
    switch_to(app, "admin@example.com").await;
    doc
}

/// A field of EKS that issues answered, and one of its options that
/// issues chose (from the demo data).
fn used_option(app: &TestApp) -> (Uuid, Uuid, String) {
    let field = app.text(
        "SELECT c.id::text AS s FROM plane_contexts c JOIN planes p ON p.id = c.plane_id \
         WHERE p.slug = 'eks' AND c.context_key = 'node_group'",
    );
    let option = app.text(&format!(
        "SELECT o.id::text AS s FROM plane_context_options o \
         WHERE o.plane_context_id = '{field}' AND EXISTS (SELECT 1 FROM issue_plane_contexts i \
         WHERE i.plane_context_id = o.plane_context_id AND i.value = o.value) \
         ORDER BY o.value LIMIT 1"
    ));
    let value = app.text(&format!(
        "SELECT value AS s FROM plane_context_options WHERE id = '{option}'"
    ));
    (
        Uuid::parse_str(&field).unwrap(),
        Uuid::parse_str(&option).unwrap(),
        value,
    )
}

#[tokio::test]
async fn a_text_field_is_asked_at_once_and_a_choice_field_once_it_has_options() {
    let app = admin_app().await;
    let res = post(
        &app,
        "/admin/planes/eks/fields",
        &[
            ("label", "Pod name"),
            ("context_key", "pod_name"),
            ("field_type", "text"),
            ("help_text", "kubectl get pods shows it."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/planes/eks#fields");
    let (pod, active, required, kind, _, _) = field(&app, "eks", "pod_name");
    assert!(active && !required);
    assert_eq!(kind, "text");
    let audit = audit_of(&app, pod);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::Field);
    assert_eq!(audit[0].action, "created");
    assert_eq!(audit[0].before, None);
    assert_eq!(audit[0].object_label, "EKS / Pod name");
    let after = audit[0].after.clone().unwrap();
    assert_eq!(after["context_key"], json!("pod_name"));
    assert_eq!(after["help_text"], json!("kubectl get pods shows it."));
    // Last on the plane's page, first on the next load of the issue form.
    let doc = page(&app, "/admin/planes/eks").await;
    assert!(
        html::texts(&doc, "li.field-row")
            .last()
            .unwrap()
            .contains("pod_name")
    );
    let form = eks_form(&app).await;
    assert_eq!(
        html::attrs(&form, "#ctx-eks-pod_name", "name"),
        ["ctx.eks.pod_name"]
    );

    // A required choice: retired until it has options.
    let res = post(
        &app,
        "/admin/planes/eks/fields",
        &[
            ("label", "Region"),
            ("context_key", "region"),
            ("field_type", "single_select"),
            ("is_required", "true"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (region, active, required, _, _, _) = field(&app, "eks", "region");
    assert_eq!(
        location(&res),
        format!("{}#options", field_path("eks", region))
    );
    assert!(!active && required);
    let doc = page(&app, &field_path("eks", region)).await;
    assert!(html::text(&doc, "#field-facts").contains("Retired"));
    assert!(!html::text(&doc, "#no-options").is_empty());
    assert!(html::attrs(&eks_form(&app).await, "#ctx-eks-region", "name").is_empty());

    // Restoring it without options is refused: the form would offer nothing.
    let v = version(&app, "eks", region).await;
    let res = post(
        &app,
        &format!("{}/restore", field_path("eks", region)),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("no options"));
    assert!(!field(&app, "eks", "region").1);

    for (value, label) in [("eu-west-1", "Europe (Ireland)"), ("us-east-1", "")] {
        let v = version(&app, "eks", region).await;
        let res = post(
            &app,
            &format!("{}/options", field_path("eks", region)),
            &[("value", value), ("label", label), ("version", &v)],
        )
        .await;
        assert_eq!(res.status(), 303, "{value}");
        assert_eq!(
            location(&res),
            format!("{}#options", field_path("eks", region))
        );
    }
    let options = options_of(&app, region);
    assert_eq!(options.len(), 2);
    assert_eq!(options[1].2, "us-east-1", "an empty label is the value");
    let audit = audit_of(&app, options[0].0);
    assert_eq!(audit[0].kind, AuditKind::Option);
    assert_eq!(audit[0].action, "created");
    assert_eq!(audit[0].object_label, "EKS / Region / Europe (Ireland)");

    let v = version(&app, "eks", region).await;
    let res = post(
        &app,
        &format!("{}/restore", field_path("eks", region)),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let form = eks_form(&app).await;
    assert_eq!(
        html::attrs(&form, "#ctx-eks-region option", "value"),
        ["", "eu-west-1", "us-east-1"]
    );
    assert!(html::text(&form, "label[for=ctx-eks-region]").contains("(required)"));
}

#[tokio::test]
async fn an_invalid_or_taken_new_field_is_422_with_the_values_kept() {
    let app = admin_app().await;
    let audit = audit_rows(&app);
    let fields_before = app.count("SELECT count(*) AS n FROM plane_contexts");
    let long = "x".repeat(256);
    for (label, key, kind, field) in [
        ("", "pool", "text", "label"),
        (long.as_str(), "pool", "text", "label"),
        ("Pool", "Pool-Name", "text", "context_key"),
        ("Pool", "", "text", "context_key"),
        ("Pool", "pool", "", "field_type"),
        ("Pool", "pool", "dropdown", "field_type"),
        // A key the plane has (a retired field's too).
        ("Pool", "node_group", "text", "context_key"),
    ] {
        let res = post(
            &app,
            "/admin/planes/eks/fields",
            &[
                ("label", label),
                ("context_key", key),
                ("field_type", kind),
                ("help_text", "kept help"),
                ("is_required", "true"),
            ],
        )
        .await;
        assert_eq!(res.status(), 422, "{label:?} {key:?} {kind:?}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            !html::text(&doc, &format!("#new-field-{field}-error")).is_empty(),
            "no message beside {field}"
        );
        assert_eq!(html::attrs(&doc, "#new-field-label", "value"), [label]);
        assert_eq!(html::attrs(&doc, "#new-field-context_key", "value"), [key]);
        assert_eq!(
            html::attrs(&doc, "#new-field-help_text", "value"),
            ["kept help"]
        );
        assert_eq!(
            html::attrs(&doc, "#new-field-is_required", "checked").len(),
            1
        );
        if kind == "text" {
            assert_eq!(
                html::attrs(&doc, "#new-field-field_type option[selected]", "value"),
                ["text"]
            );
        }
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM plane_contexts"),
        fields_before
    );
    assert_eq!(audit_rows(&app), audit);
}

#[tokio::test]
async fn a_field_edit_saves_with_its_audit_row_and_a_used_field_keeps_key_and_type() {
    let app = admin_app().await;
    // An unused field: everything changes.
    let res = post(
        &app,
        "/admin/planes/eks/fields",
        &[
            ("label", "Pod"),
            ("context_key", "pod"),
            ("field_type", "text"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (pod, ..) = field(&app, "eks", "pod");
    // A text field the form asks becomes a choice only once retired.
    let v = version(&app, "eks", pod).await;
    let edit = |label: &'static str, key: &'static str, kind: &'static str, v: String| {
        vec![
            ("label", label.to_owned()),
            ("context_key", key.to_owned()),
            ("field_type", kind.to_owned()),
            ("is_required", "true".to_owned()),
            ("help_text", "Which pod".to_owned()),
            ("version", v),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, &field_path("eks", pod), &refs).await
        }
    };
    let res = send(edit("Pod", "pod", "multi_select", v.clone())).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#field_type-error").contains("retire"));
    assert_eq!(
        html::attrs(&doc, "#field_type option[selected]", "value"),
        ["multi_select"]
    );

    let res = send(edit("Pod name", "pod_name", "text", v)).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), field_path("eks", pod));
    let (_, _, required, _, label, key) = field(&app, "eks", "pod_name");
    assert!(required);
    assert_eq!((label.as_str(), key.as_str()), ("Pod name", "pod_name"));
    let audit = audit_of(&app, pod);
    let last = audit.last().unwrap();
    assert_eq!(
        (last.kind, last.action.as_str()),
        (AuditKind::Field, "updated")
    );
    assert_eq!(last.before.as_ref().unwrap()["context_key"], json!("pod"));
    assert_eq!(
        last.after.as_ref().unwrap()["context_key"],
        json!("pod_name")
    );
    assert_eq!(last.after.as_ref().unwrap()["is_required"], json!(true));
    // The same values again: nothing written.
    let v = version(&app, "eks", pod).await;
    let res = send(edit("Pod name", "pod_name", "text", v.clone())).await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_of(&app, pod).len(), audit.len());
    // Another field's key is taken.
    let res = send(edit("Pod name", "namespace", "text", v)).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#context_key-error").contains("Another field"));
    assert_eq!(html::attrs(&doc, "#context_key", "value"), ["namespace"]);

    // A field issues answered: its key and type stay, its label changes.
    let (used, ..) = field(&app, "eks", "node_group");
    let v = version(&app, "eks", used).await;
    let doc = page(&app, &field_path("eks", used)).await;
    assert!(html::text(&doc, "#field-facts").contains("Yes"));
    let audit = audit_rows(&app);
    for (key, kind, error) in [
        ("pool", "single_select", "#context_key-error"),
        ("node_group", "multi_select", "#field_type-error"),
    ] {
        let res = post(
            &app,
            &field_path("eks", used),
            &[
                ("label", "Typed label"),
                ("context_key", key),
                ("field_type", kind),
                ("version", &v),
            ],
        )
        .await;
        assert_eq!(res.status(), 422, "{key} {kind}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(
            html::text(&doc, error).contains("Issues answered"),
            "{error}"
        );
        assert_eq!(html::attrs(&doc, "#label", "value"), ["Typed label"]);
    }
    assert_eq!(audit_rows(&app), audit);
    assert_eq!(field(&app, "eks", "node_group").4, "Node group");
    let res = post(
        &app,
        &field_path("eks", used),
        &[
            ("label", "Node pool"),
            ("context_key", "node_group"),
            ("field_type", "single_select"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(field(&app, "eks", "node_group").4, "Node pool");
}

#[tokio::test]
async fn a_stale_or_damaged_field_edit_changes_nothing() {
    let app = admin_app().await;
    let (id, ..) = field(&app, "eks", "namespace");
    let v = version(&app, "eks", id).await;
    app.exec(&format!(
        "UPDATE plane_contexts SET label = 'Namespace by another admin' WHERE id = '{id}'"
    ));
    let audit = audit_rows(&app);
    let fields = [
        ("label", "Mine"),
        ("context_key", "namespace"),
        ("field_type", "text"),
    ];
    let mut stale = fields.to_vec();
    stale.push(("version", &v));
    let res = post(&app, &field_path("eks", id), &stale).await;
    assert_eq!(res.status(), 409);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(
        html::attrs(&doc, "#label", "value"),
        ["Namespace by another admin"]
    );
    assert!(html::text(&doc, "#error-summary").contains("Another admin changed"));
    let mut damaged = fields.to_vec();
    damaged.push(("version", "x"));
    let res = post(&app, &field_path("eks", id), &damaged).await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert_eq!(html::attrs(&doc, "#label", "value"), ["Mine"]);
    assert_eq!(
        field(&app, "eks", "namespace").4,
        "Namespace by another admin"
    );
    assert_eq!(audit_rows(&app), audit);
    // With the 409 page's version the edit goes through.
    let current = html::attrs(
        &html::parse(&app.get(&field_path("eks", id)).await.text().await.unwrap()),
        "#field-form input[name=version]",
        "value",
    )
    .remove(0);
    let mut fresh = fields.to_vec();
    fresh.push(("version", &current));
    assert_eq!(
        post(&app, &field_path("eks", id), &fresh).await.status(),
        303
    );
    assert_eq!(field(&app, "eks", "namespace").4, "Mine");
}

#[tokio::test]
async fn options_are_added_edited_moved_retired_and_restored_with_audit_rows() {
    let app = admin_app().await;
    let (field_id, used, used_value) = used_option(&app);
    let path = field_path("eks", field_id);
    let before = options_of(&app, field_id);

    // Add: last, with its audit row; the field's version moves.
    let v = version(&app, "eks", field_id).await;
    let res = post(
        &app,
        &format!("{path}/options"),
        &[
            ("value", "arm"),
            ("label", "Graviton (ARM)"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let now = options_of(&app, field_id);
    assert_eq!(now.len(), before.len() + 1);
    let (arm, ..) = now.last().unwrap().clone();
    assert_eq!(now.last().unwrap().1, "arm");
    assert_eq!(audit_of(&app, arm)[0].action, "created");
    let old = v;
    let v = version(&app, "eks", field_id).await;
    assert_ne!(old, v, "an option change moves the field's version");

    // The old version is stale for every option form: 409, nothing written.
    let audit = audit_rows(&app);
    for (target, fields) in [
        (
            format!("{path}/options"),
            vec![("value", "x86"), ("version", old.as_str())],
        ),
        (
            format!("{path}/options/{arm}"),
            vec![
                ("value", "arm64"),
                ("label", "ARM"),
                ("version", old.as_str()),
            ],
        ),
        (
            format!("{path}/options/{arm}/up"),
            vec![("version", old.as_str())],
        ),
        (
            format!("{path}/options/{arm}/retire"),
            vec![("version", old.as_str())],
        ),
    ] {
        let res = post(&app, &target, &fields).await;
        assert_eq!(res.status(), 409, "{target}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(html::text(&doc, "main").contains("Another admin changed this field"));
    }
    assert_eq!(options_of(&app, field_id), now);
    assert_eq!(audit_rows(&app), audit);

    // A value the field has, or none: 422 beside the value, typed values kept.
    for value in [used_value.as_str(), " "] {
        let res = post(
            &app,
            &format!("{path}/options"),
            &[("value", value), ("label", "Typed"), ("version", &v)],
        )
        .await;
        assert_eq!(res.status(), 422, "{value:?}");
        let doc = html::parse(&res.text().await.unwrap());
        assert!(!html::text(&doc, "#new-option-value-error").is_empty());
        assert_eq!(html::attrs(&doc, "#new-option-label", "value"), ["Typed"]);
    }

    // Edit: an unused option's value changes; a chosen one's label only.
    let res = post(
        &app,
        &format!("{path}/options/{arm}"),
        &[("value", "arm64"), ("label", "ARM"), ("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let audit = audit_of(&app, arm);
    assert_eq!(audit.last().unwrap().action, "updated");
    assert_eq!(
        audit.last().unwrap().before.as_ref().unwrap()["value"],
        json!("arm")
    );
    assert_eq!(
        audit.last().unwrap().after.as_ref().unwrap()["value"],
        json!("arm64")
    );
    let v = version(&app, "eks", field_id).await;
    let res = post(
        &app,
        &format!("{path}/options/{used}"),
        &[
            ("value", "renamed"),
            ("label", "Typed label"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, &format!("#option-{used}-value-error")).contains("Issues chose"));
    assert_eq!(
        html::attrs(&doc, &format!("#option-{used}-label"), "value"),
        ["Typed label"]
    );
    let res = post(
        &app,
        &format!("{path}/options/{used}"),
        &[
            ("value", &used_value),
            ("label", "Relabelled"),
            ("version", &v),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let row = options_of(&app, field_id)
        .into_iter()
        .find(|o| o.0 == used)
        .unwrap();
    assert_eq!(
        (row.1.as_str(), row.2.as_str()),
        (used_value.as_str(), "Relabelled")
    );

    // Move up: it and the one before change places.
    let order: Vec<Uuid> = options_of(&app, field_id).iter().map(|o| o.0).collect();
    let v = version(&app, "eks", field_id).await;
    let res = post(
        &app,
        &format!("{path}/options/{arm}/up"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let moved: Vec<Uuid> = options_of(&app, field_id).iter().map(|o| o.0).collect();
    let n = order.len();
    assert_eq!(moved[n - 2], arm);
    assert_eq!(moved[n - 1], order[n - 2]);
    assert_eq!(audit_of(&app, arm).last().unwrap().action, "moved");
    let doc = page(&app, &path).await;
    assert_eq!(html::texts(&doc, "li.option-row strong")[n - 2], "ARM");
    // Down from the bottom: nothing changes.
    let v = version(&app, "eks", field_id).await;
    let last = moved[n - 1];
    let res = post(
        &app,
        &format!("{path}/options/{last}/down"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        options_of(&app, field_id)
            .iter()
            .map(|o| o.0)
            .collect::<Vec<_>>(),
        moved
    );

    // Retire and restore.
    let res = post(
        &app,
        &format!("{path}/options/{arm}/retire"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(
        !options_of(&app, field_id)
            .iter()
            .find(|o| o.0 == arm)
            .unwrap()
            .3
    );
    let doc = page(&app, &path).await;
    assert!(html::texts(&doc, "li.option-row")[n - 2].contains("(retired)"));
    let v = version(&app, "eks", field_id).await;
    let res = post(
        &app,
        &format!("{path}/options/{arm}/restore"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let actions: Vec<String> = audit_of(&app, arm).into_iter().map(|a| a.action).collect();
    assert_eq!(
        actions,
        ["created", "updated", "moved", "retired", "restored"]
    );
    assert!(
        audit_of(&app, arm)
            .iter()
            .all(|a| a.kind == AuditKind::Option)
    );

    // An unknown action, an option of another field, a malformed id: 404.
    let (other_field, ..) = field(&app, "eks", "cluster_version");
    let foreign = options_of(&app, other_field)[0].0;
    let v = version(&app, "eks", field_id).await;
    for target in [
        format!("{path}/options/{arm}/delete"),
        format!("{path}/options/{foreign}/retire"),
        format!("{path}/options/{}/retire", arm.simple()),
        format!("{path}/options/{}", Uuid::new_v4()),
        format!("/admin/planes/app-cicd/fields/{field_id}/options"),
    ] {
        let res = post(&app, &target, &[("version", &v), ("value", "v")]).await;
        assert_eq!(res.status(), 404, "{target}");
    }
}

#[tokio::test]
async fn the_last_option_of_an_asked_field_stays_and_text_fields_take_none() {
    let app = admin_app().await;
    post(
        &app,
        "/admin/planes/eks/fields",
        &[
            ("label", "Zone"),
            ("context_key", "zone"),
            ("field_type", "multi_select"),
        ],
    )
    .await;
    let (zone, ..) = field(&app, "eks", "zone");
    let path = field_path("eks", zone);
    let v = version(&app, "eks", zone).await;
    post(
        &app,
        &format!("{path}/options"),
        &[("value", "a"), ("version", &v)],
    )
    .await;
    let v = version(&app, "eks", zone).await;
    assert_eq!(
        post(&app, &format!("{path}/restore"), &[("version", &v)])
            .await
            .status(),
        303
    );
    let (only, ..) = options_of(&app, zone)[0].clone();
    let v = version(&app, "eks", zone).await;
    let res = post(
        &app,
        &format!("{path}/options/{only}/retire"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 422);
    let doc = html::parse(&res.text().await.unwrap());
    assert!(html::text(&doc, "#error-summary").contains("last option"));
    assert!(options_of(&app, zone)[0].3);

    // A text field offers no option form, and a crafted one is refused.
    let (text_field, ..) = field(&app, "eks", "namespace");
    let path = field_path("eks", text_field);
    let doc = page(&app, &path).await;
    assert!(html::attrs(&doc, "#new-option-form", "action").is_empty());
    let v = version(&app, "eks", text_field).await;
    let res = post(
        &app,
        &format!("{path}/options"),
        &[("value", "x"), ("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(options_of(&app, text_field).is_empty());
}

#[tokio::test]
async fn retired_options_and_fields_leave_the_form_and_stay_on_old_issues() {
    let app = admin_app().await;
    let (field_id, used, value) = used_option(&app);
    let label = options_of(&app, field_id)
        .into_iter()
        .find(|o| o.0 == used)
        .unwrap()
        .2;
    let number = app.count(&format!(
        "SELECT min(i.number) AS n FROM issues i JOIN issue_plane_contexts c ON c.issue_id = i.id \
         WHERE c.plane_context_id = '{field_id}' AND c.value = '{value}'"
    ));
    let issue = format!("/issues/{number}");
    let select = format!("#ctx-eks-node_group option[value=\"{value}\"]");
    assert_eq!(
        html::attrs(&eks_form(&app).await, &select, "value").len(),
        1
    );

    let v = version(&app, "eks", field_id).await;
    let path = format!("{}/options/{used}/retire", field_path("eks", field_id));
    assert_eq!(post(&app, &path, &[("version", &v)]).await.status(), 303);
    assert!(html::attrs(&eks_form(&app).await, &select, "value").is_empty());
    let shown = |doc: &scraper::Html| html::texts(doc, ".ticket-meta dd");
    let doc = page(&app, &issue).await;
    assert!(shown(&doc).contains(&label), "{:?}", shown(&doc));

    // The field retired too: still on the issue, with its label.
    let v = version(&app, "eks", field_id).await;
    let path = format!("{}/retire", field_path("eks", field_id));
    assert_eq!(post(&app, &path, &[("version", &v)]).await.status(), 303);
    assert!(html::attrs(&eks_form(&app).await, "#ctx-eks-node_group", "name").is_empty());
    let doc = page(&app, &issue).await;
    assert!(shown(&doc).contains(&label));
    assert!(
        html::texts(&doc, ".ticket-meta dt")
            .iter()
            .any(|t| t.starts_with("Node group"))
    );
}

/// The database's own refusal, whatever the app does.
fn refused(app: &TestApp, sql: &str) -> String {
    match diesel::sql_query(sql).execute(&mut app.db.conn()) {
        Ok(n) => panic!("accepted ({n} rows): {sql}"),
        Err(diesel::result::Error::DatabaseError(_, info)) => info
            .constraint_name()
            .map(str::to_owned)
            .unwrap_or_else(|| info.message().to_owned()),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[tokio::test]
async fn no_request_and_no_statement_deletes_a_used_option() {
    let app = admin_app().await;
    let (field_id, used, value) = used_option(&app);
    let options = app.count("SELECT count(*) AS n FROM plane_context_options");

    // The database: delete, re-value or move a chosen option, delete a used field.
    for sql in [
        format!("DELETE FROM plane_context_options WHERE id = '{used}'"),
        format!("UPDATE plane_context_options SET value = value || '-x' WHERE id = '{used}'"),
        format!(
            "UPDATE plane_context_options SET plane_context_id = \
             (SELECT id FROM plane_contexts WHERE id <> '{field_id}' LIMIT 1) WHERE id = '{used}'"
        ),
        format!("DELETE FROM plane_context_options WHERE plane_context_id = '{field_id}'"),
    ] {
        assert_eq!(
            refused(&app, &sql),
            "plane_context_options_used_by_issues",
            "{sql}"
        );
    }
    // The field's own delete would cascade to its options: whichever of
    // the foreign key and the trigger speaks first, it is refused.
    let why = refused(
        &app,
        &format!("DELETE FROM plane_contexts WHERE id = '{field_id}'"),
    );
    assert!(
        [
            "issue_plane_contexts_plane_context_id_fkey",
            "plane_context_options_used_by_issues"
        ]
        .contains(&why.as_str()),
        "{why}"
    );
    // Its label may change; an unused option may go.
    app.exec(&format!(
        "UPDATE plane_context_options SET label = 'Relabelled in SQL' WHERE id = '{used}'"
    ));
    app.exec(&format!(
        "INSERT INTO plane_context_options (plane_context_id, value, label) \
         VALUES ('{field_id}', 'spare', 'Spare')"
    ));
    app.exec("DELETE FROM plane_context_options WHERE value = 'spare'");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM plane_context_options"),
        options
    );

    // The pages: no route deletes it, whatever the method or path.
    let v = version(&app, "eks", field_id).await;
    let base = field_path("eks", field_id);
    for target in [
        format!("{base}/options/{used}/delete"),
        format!("{base}/options/{used}/remove"),
        format!("{base}/delete"),
    ] {
        let res = post(&app, &target, &[("version", &v)]).await;
        assert_eq!(res.status(), 404, "{target}");
    }
    let token = app.form_token(&base).await;
    for method in [reqwest::Method::DELETE, reqwest::Method::PUT] {
        let res = app
            .client
            .request(method.clone(), app.url(&format!("{base}/options/{used}")))
            .form(&[("csrf_token", token.as_str()), ("version", v.as_str())])
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 404 | 405),
            "{method} answered {}",
            res.status()
        );
    }
    // Changing its value through the edit form is refused (422 above);
    // retiring keeps the row.
    let res = post(
        &app,
        &format!("{base}/options/{used}/retire"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM plane_context_options WHERE id = '{used}' AND value = '{value}'"
        )),
        1
    );
}

#[tokio::test]
async fn agents_and_customers_are_refused_on_fields_and_options() {
    let app = TestApp::spawn().await;
    let (field_id, used, _) = used_option(&app);
    let audit = audit_rows(&app);
    let base = field_path("eks", field_id);
    app.sign_in("agent1@example.com").await;
    for who in ["agent1@example.com", "customer1@example.com"] {
        switch_to(&app, who).await;
        assert_eq!(app.get(&base).await.status(), 403, "{who}");
        let token = app.form_token("/").await;
        for target in [
            "/admin/planes/eks/fields".to_owned(),
            base.clone(),
            format!("{base}/options"),
            format!("{base}/options/{used}"),
            format!("{base}/options/{used}/retire"),
        ] {
            let res = app
                .post_form(
                    &target,
                    &[
                        ("label", "Hacked"),
                        ("context_key", "hacked"),
                        ("field_type", "text"),
                        ("value", "hacked"),
                        ("version", "1"),
                        ("csrf_token", &token),
                    ],
                )
                .await;
            assert_eq!(res.status(), 403, "{who} {target}");
        }
    }
    assert_eq!(audit_rows(&app), audit);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM plane_contexts WHERE context_key = 'hacked'"),
        0
    );
}

#[tokio::test]
async fn the_field_page_runs_a_fixed_number_of_statements() {
    let app = admin_app().await;
    let (field_id, ..) = used_option(&app);
    let path = field_path("eks", field_id);
    let few = app.statements_for(&path).await;
    app.exec(&format!(
        "INSERT INTO plane_context_options (plane_context_id, value, label, display_order) \
         SELECT '{field_id}', 'bulk-' || g, 'Bulk ' || g, 100 + g FROM generate_series(1, 60) g"
    ));
    let many = app.statements_for(&path).await;
    assert_eq!(few, many, "statements grow with the options");
    assert!(many <= 5, "{path} ran {many} statements");
    let doc = page(&app, &path).await;
    assert!(html::texts(&doc, "li.option-row").len() >= 60);
}

/// axe-core's WCAG 2.1 A/AA rules in Chromium on a field's page, as is and
/// with each of its forms refused.
#[tokio::test]
async fn the_field_page_passes_the_accessibility_checks() {
    use crate::helpers::browser::Browser;
    let app = TestApp::spawn().await;
    let (field_id, used, _) = used_option(&app);
    let browser = Browser::start().await;
    browser.sign_in(&app.address, "admin@example.com").await;
    let path = field_path("eks", field_id);
    let mut failures = Vec::new();
    let mut check = |what: &str, found: Vec<String>| {
        failures.extend(found.into_iter().map(|v| format!("{what}: {v}")));
    };
    browser.goto(&app.url(&path)).await;
    browser.wait_for("main h1").await;
    check("field page", browser.accessibility_violations().await);
    // The browser's own checks are lifted so the server's answer.
    let option_form = format!("#option-{used}-form");
    let option_value = format!("#option-{used}-value");
    for (form, field, value) in [
        ("#field-form", "#context_key", "Bad Key"),
        ("#new-option-form", "#new-option-value", ""),
        (option_form.as_str(), option_value.as_str(), "renamed"),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.wait_for("main h1").await;
        browser
            .execute(&format!(
                "document.querySelectorAll('details').forEach(d => d.open = true); \
                 const f = document.querySelector('{field}'); \
                 f.removeAttribute('required'); f.value = '{value}'; \
                 document.querySelector('{form}').requestSubmit(); return true;"
            ))
            .await;
        browser.wait_for("#error-summary").await;
        check(form, browser.accessibility_violations().await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    browser.close().await;
}
