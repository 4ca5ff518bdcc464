//! The issue form as the tests fill it: its fields as sent, a fresh form's
//! hidden fields, and posting them (one copy for every test file).

use super::{TestApp, html};

pub type Fields = Vec<(String, String)>;

/// Sets `name` to `value`, replacing any value it had.
pub fn set(fields: &mut Fields, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.into(), value.into()));
}

pub async fn post(app: &TestApp, path: &str, fields: &Fields) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The hidden fields of a fresh form and the customer's production environment.
pub async fn fresh_form(app: &TestApp) -> Fields {
    let doc = html::parse(&app.get("/issues/new").await.text().await.unwrap());
    let hidden = |name: &str| {
        html::attrs(&doc, &format!("#issue-form input[name={name}]"), "value")
            .pop()
            .unwrap_or_default()
    };
    let env = html::attrs(&doc, "#environment_id option", "value")
        .into_iter()
        .zip(html::texts(&doc, "#environment_id option"))
        .find(|(_, label)| label.contains("prod"))
        .map(|(v, _)| v)
        .expect("a production environment");
    vec![
        ("csrf_token".into(), hidden("csrf_token")),
        ("form_session_id".into(), hidden("form_session_id")),
        ("submit_token".into(), hidden("submit_token")),
        ("environment_id".into(), env),
    ]
}
