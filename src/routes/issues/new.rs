//! The new-issue form: `GET /issues/new` (pre-filled from the query),
//! "Update fields" and doc feedback (full page without JavaScript,
//! fragments with it), and `POST /issues` that files the issue.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::new_view::{
    Choice, ChooseCustomerPage, FormView, NewIssueFragment, NewIssuePage, SuggestionView,
    env_groups, plane_fields,
};
use crate::auth::extractors::CurrentUser;
use crate::auth::flash::FlashKind;
use crate::db::models::customers::{self, Customer};
use crate::db::models::enums::IssueCategory;
use crate::db::models::users::User;
use crate::db::queries::portal::{self, Viewer};
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::form_pairs;
use crate::domain::issue_form::{self, Definitions, Draft};
use crate::error::AppError;
use crate::routes::page::Page;

/// Context values in the draft that are real options or text, for ranking.
fn chosen_values(defs: &Definitions, draft: &Draft) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for slug in draft.chosen_planes() {
        let Some(plane) = defs.plane(&slug) else {
            continue;
        };
        for context in defs.contexts_of(plane.id) {
            for value in draft.values(&slug, &context.context_key) {
                out.push((context.id, value.clone()));
            }
        }
    }
    out
}

/// The snapshot kept with doc feedback: what the form said at the time.
fn snapshot(defs: &Definitions, draft: &Draft) -> serde_json::Value {
    let environment_type = uuid::Uuid::parse_str(&draft.environment_id)
        .ok()
        .and_then(|id| defs.environments.iter().find(|e| e.id == id))
        .map(|e| e.env_type.as_str());
    let mut contexts = serde_json::Map::new();
    for (key, values) in &draft.contexts {
        let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
        let value = match values.as_slice() {
            [] => continue,
            [one] => serde_json::json!(one),
            many => serde_json::json!(many),
        };
        contexts.insert(key.clone(), value);
    }
    serde_json::json!({
        "environment_type": environment_type,
        "planes": draft.chosen_planes(),
        "contexts": contexts,
        "title": draft.title.chars().take(200).collect::<String>(),
        "form_session_id": draft.form_session_id,
    })
}

/// Whose issue this is: a customer's own customer, or for staff the
/// customer they chose (checked to exist).
async fn customer_for(
    pool: &PgPool,
    user: &User,
    draft: &Draft,
) -> Result<Option<Customer>, AppError> {
    let id = if user.is_staff() {
        match Uuid::parse_str(draft.customer_id.trim()) {
            Ok(id) => id,
            Err(_) => return Ok(None),
        }
    } else {
        user.customer_id.ok_or(AppError::Forbidden)?
    };
    let found = db::run(pool, move |conn| customers::find(conn, id)).await;
    match found {
        Ok(customer) => Ok(Some(customer)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Loads the definitions (unless the caller already has them) and the
/// suggestions, and assembles the view.
async fn form_view(
    pool: &PgPool,
    page: &Page,
    user: &User,
    customer: &Customer,
    draft: Draft,
    errors: FormErrors,
    defs: Option<Definitions>,
) -> Result<FormView, AppError> {
    let customer_id = customer.id;
    let chosen = draft.chosen_planes();
    let title_and_text = format!("{} {}", draft.title, draft.description);
    let session_id = Uuid::parse_str(&draft.form_session_id).ok();
    let user_id = user.id;
    let draft_for_query = draft.clone();
    let (defs, suggestions, resolved, answered) = db::run(pool, move |conn| {
        let defs = match defs {
            Some(defs) => defs,
            None => portal::definitions(conn, customer_id, &chosen)?,
        };
        let plane_ids: Vec<Uuid> = chosen
            .iter()
            .filter_map(|s| defs.plane(s))
            .map(|p| p.id)
            .collect();
        let query = portal::or_query(&title_and_text);
        let values = chosen_values(&defs, &draft_for_query);
        let docs = portal::suggest_docs(conn, &plane_ids, &values, &query, 5)?;
        let resolved = if plane_ids.is_empty() {
            Vec::new()
        } else {
            portal::suggest_resolved(conn, customer_id, &plane_ids, &query)?
        };
        let answered = match session_id {
            Some(id) => portal::feedback_of_session(conn, user_id, id)?,
            None => Vec::new(),
        };
        // Docs already answered stay in view even when the ranking moves on.
        let missing: Vec<Uuid> = answered
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !docs.iter().any(|d| d.id == *id))
            .collect();
        let mut docs = docs;
        if !missing.is_empty() {
            docs.extend(portal::docs_as_suggestions(conn, &missing)?);
        }
        Ok::<_, AppError>((defs, docs, resolved, answered))
    })
    .await?;
    let verdict = |doc_id: Uuid| {
        answered
            .iter()
            .rev()
            .find(|(id, _)| *id == doc_id)
            .map(|(_, h)| *h)
    };
    let suggestions: Vec<SuggestionView> = suggestions
        .into_iter()
        .map(|doc| SuggestionView {
            verdict: verdict(doc.id),
            doc,
        })
        .collect();
    let solved = suggestions.iter().any(|s| s.verdict == Some(true));
    let primary_choices = defs
        .planes
        .iter()
        .map(|p| Choice {
            value: p.slug.clone(),
            label: p.name.clone(),
            selected: p.slug == draft.primary_plane,
        })
        .collect();
    let secondary_choices = defs
        .planes
        .iter()
        .map(|p| Choice {
            value: p.slug.clone(),
            label: p.name.clone(),
            selected: draft.planes.contains(&p.slug),
        })
        .collect();
    let categories = IssueCategory::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().into(),
            label: c.label().into(),
            selected: c.as_str() == draft.category
                || (draft.category.is_empty() && *c == IssueCategory::TechnicalIssue),
        })
        .collect();
    Ok(FormView {
        csrf_token: page.csrf_token.clone(),
        on_behalf: user
            .is_staff()
            .then(|| (customer.id, customer.name.clone())),
        env_groups: env_groups(&defs, &draft.environment_id),
        plane_fields: plane_fields(&defs, &draft),
        primary_choices,
        secondary_choices,
        categories,
        draft,
        errors,
        suggestions,
        resolved,
        solved,
    })
}

fn fresh_ids(draft: &mut Draft) {
    if Uuid::parse_str(&draft.form_session_id).is_err() {
        draft.form_session_id = Uuid::new_v4().to_string();
    }
    if Uuid::parse_str(&draft.submit_token).is_err() {
        draft.submit_token = Uuid::new_v4().to_string();
    }
}

/// Reads a posted form body into a draft (refusing unknown fields and
/// invalid text) and works out whose issue it is.
fn read_body(
    body: &[u8],
    user: &User,
    extra: &[&str],
) -> (Draft, FormErrors, Vec<(String, String)>) {
    let mut errors = FormErrors::default();
    let (pairs, invalid) = form_pairs::decode(body);
    for name in invalid {
        errors.add(
            name,
            "This field contains bytes that are not valid text (UTF-8).",
        );
    }
    let mut draft = issue_form::parse(&pairs, extra, &mut errors);
    if !user.is_staff() && !draft.customer_id.is_empty() {
        errors.add_form("The form cannot set these fields: customer_id.");
        draft.customer_id.clear();
    }
    (draft, errors, pairs)
}

fn wants_fragment(req: &HttpRequest) -> bool {
    req.headers()
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes() == b"fetch")
}

/// The form (or its fragment): 200, or 422 when `errors` has any.
async fn respond(
    page: &Page,
    pool: &PgPool,
    user: &User,
    customer: &Customer,
    draft: Draft,
    errors: FormErrors,
    defs: Option<Definitions>,
) -> Result<HttpResponse, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = form_view(pool, page, user, customer, draft, errors, defs).await?;
    if wants_fragment(page.request()) {
        return page.render_status(status, &NewIssueFragment { form });
    }
    page.render_status(
        status,
        &NewIssuePage {
            layout: page.layout("New issue"),
            form,
        },
    )
}

async fn choose_customer(page: &Page, pool: &PgPool) -> Result<HttpResponse, AppError> {
    let customers = db::run(pool, customers::list).await?;
    page.render(&ChooseCustomerPage {
        layout: page.layout("New issue: choose the customer"),
        customers,
    })
}

/// GET /issues/new — customers (and staff on a customer's behalf). Query
/// parameters named like the fields pre-fill the form.
pub async fn new_issue_form(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (mut draft, _, _) = read_body(req.query_string().as_bytes(), &user, &[]);
    let Some(customer) = customer_for(&pool, &user, &draft).await? else {
        return choose_customer(&page, &pool).await;
    };
    // A new form gets its own ids, whatever a link says.
    draft.form_session_id.clear();
    draft.submit_token.clear();
    fresh_ids(&mut draft);
    // A fresh form from a link: unknown or wrong pre-fill values are simply
    // not applied, and nothing is flagged until the customer submits.
    if draft.submitter_handle.is_empty() && !user.is_staff() {
        draft.submitter_handle = user.chat_handle.clone().unwrap_or_default();
    }
    respond(
        &page,
        &pool,
        &user,
        &customer,
        draft,
        FormErrors::default(),
        None,
    )
    .await
}

/// POST /issues/new/fields — the "Update fields" button, and the fragment
/// JavaScript asks for when planes change or text is typed.
pub async fn update_issue_form(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (mut draft, errors, _) = read_body(&body, &user, &[]);
    let Some(customer) = customer_for(&pool, &user, &draft).await? else {
        return choose_customer(&page, &pool).await;
    };
    fresh_ids(&mut draft);
    respond(&page, &pool, &user, &customer, draft, errors, None).await
}

/// POST /issues/new/feedback — "This solved my problem" / "Not relevant"
/// on a suggested doc; the form comes back as it was.
pub async fn record_doc_feedback(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (mut draft, errors, pairs) = read_body(&body, &user, &["feedback"]);
    let Some(customer) = customer_for(&pool, &user, &draft).await? else {
        return choose_customer(&page, &pool).await;
    };
    fresh_ids(&mut draft);
    let feedback = pairs
        .iter()
        .find(|(k, _)| k == "feedback")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (verdict, doc) = feedback.split_once(':').unwrap_or_default();
    let helpful = match verdict {
        "helpful" => true,
        "dismissed" => false,
        _ => return Err(AppError::BadRequest("Unknown feedback.".into())),
    };
    let doc_id =
        Uuid::parse_str(doc).map_err(|_| AppError::BadRequest("Unknown document.".into()))?;
    let session_id = Uuid::parse_str(&draft.form_session_id)
        .map_err(|_| AppError::BadRequest("The form is damaged; reload it.".into()))?;
    let viewer = Viewer::of(&user);
    let customer_id = customer.id;
    let snapshot_draft = draft.clone();
    let defs = db::run(&pool, move |conn| {
        let defs = portal::definitions(conn, customer_id, &snapshot_draft.chosen_planes())?;
        let primary = defs.plane(&snapshot_draft.primary_plane).map(|p| p.id);
        let feedback = portal::Feedback {
            customer_id,
            doc_id,
            helpful,
            primary_plane_id: primary,
            form_session_id: session_id,
            snapshot: snapshot(&defs, &snapshot_draft),
        };
        portal::record_feedback(conn, viewer, &feedback)?;
        Ok::<_, AppError>(defs)
    })
    .await?;
    respond(&page, &pool, &user, &customer, draft, errors, Some(defs)).await
}

/// POST /issues — files the issue, or shows the form again with what is wrong.
pub async fn create_issue(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (mut draft, mut errors, _) = read_body(&body, &user, &[]);
    let Some(customer) = customer_for(&pool, &user, &draft).await? else {
        if user.is_staff() {
            return choose_customer(&page, &pool).await;
        }
        return Err(AppError::Forbidden);
    };
    let customer_id = customer.id;
    let chosen = draft.chosen_planes();
    let defs = db::run(&pool, move |conn| {
        portal::definitions(conn, customer_id, &chosen)
    })
    .await?;
    let valid = issue_form::validate(&draft, &defs, &mut errors);
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        fresh_ids(&mut draft);
        return respond(&page, &pool, &user, &customer, draft, errors, Some(defs)).await;
    };
    let creator = user.clone();
    let issue = db::run(&pool, move |conn| {
        portal::file_issue(conn, &creator, customer_id, &valid)
    })
    .await?;
    tracing::info!(number = issue.number, "issue filed");
    Ok(page.redirect_with(
        &format!("/issues/{}", issue.number),
        FlashKind::Success,
        &format!("Issue #{} filed. We will reply here.", issue.number),
    ))
}
