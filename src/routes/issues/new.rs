//! The new-issue form: `GET /issues/new` (pre-filled from the query),
//! "Update fields" and doc feedback (full page without JavaScript,
//! fragments with it), and `POST /issues` that files the issue. Each
//! handler reads the form into the domain once (`issue_form::read`),
//! loads the customer's definitions, checks it once
//! (`Submission::check`), and shows or files what comes back.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::new_view::{ChooseCustomerPage, FormView, NewIssueFragment, NewIssuePage};
use crate::auth::extractors::CurrentUser;
use crate::auth::flash::FlashKind;
use crate::auth::write_limits::{self, WriteAction};
use crate::config::AppConfig;
use crate::db::models::customers::{self, Customer};
use crate::db::models::users::User;
use crate::db::queries::issues::{self, Suggestions, Viewer};
use crate::db::{self, PgPool};
use crate::domain::issue_form::{self, Checked, Definitions, Filer, Intent, Submission};
use crate::error::AppError;
use crate::routes::page::Page;

/// The user as the form's rules see them.
fn filer(user: &User) -> Filer {
    Filer {
        staff: user.is_staff(),
        chat_handle: user.chat_handle.clone().unwrap_or_default(),
    }
}

/// Whose issue this is: a customer's own customer, or for staff the
/// customer they chose (checked to exist).
async fn customer_for(
    pool: &PgPool,
    user: &User,
    draft: &issue_form::Draft,
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
        // Staff chose a customer that is not there: let them choose again.
        // A customer user never sees the list of customers.
        Err(AppError::NotFound) if user.is_staff() => Ok(None),
        Err(AppError::NotFound) => Err(AppError::Forbidden),
        Err(e) => Err(e),
    }
}

/// Loads the definitions `form` needs, checks it against them and finds
/// its suggestions, in one trip to the database.
async fn check_and_suggest(
    pool: &PgPool,
    customer_id: Uuid,
    user_id: Uuid,
    form: Submission,
) -> Result<(Definitions, Checked, Suggestions), AppError> {
    db::run(pool, move |conn| {
        let defs = issues::definitions(conn, customer_id, &form.draft.chosen_planes())?;
        let form = form.check(&defs);
        let suggestions = issues::suggestions(conn, customer_id, user_id, &defs, &form)?;
        Ok::<_, AppError>((defs, form, suggestions))
    })
    .await
}

fn wants_fragment(req: &HttpRequest) -> bool {
    req.headers()
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes() == b"fetch")
}

/// The form (or its fragment): 200, or 422 when the form has errors.
fn respond(
    page: &Page,
    user: &User,
    customer: &Customer,
    defs: &Definitions,
    form: Checked,
    suggestions: Suggestions,
) -> Result<HttpResponse, AppError> {
    let status = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let on_behalf = user
        .is_staff()
        .then(|| (customer.id, customer.name.clone()));
    let form = FormView::new(page.csrf_token.clone(), on_behalf, defs, form, suggestions);
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
    let query = req.query_string().as_bytes();
    let form = issue_form::read(query, &[], &filer(&user), Intent::Start);
    let Some(customer) = customer_for(&pool, &user, &form.draft).await? else {
        return choose_customer(&page, &pool).await;
    };
    let (defs, form, suggestions) = check_and_suggest(&pool, customer.id, user.id, form).await?;
    respond(&page, &user, &customer, &defs, form, suggestions)
}

/// POST /issues/new/fields — the "Update fields" button, and the fragment
/// JavaScript asks for when planes change or text is typed.
pub async fn update_issue_form(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = issue_form::read(&body, &[], &filer(&user), Intent::Refresh);
    let Some(customer) = customer_for(&pool, &user, &form.draft).await? else {
        return choose_customer(&page, &pool).await;
    };
    let (defs, form, suggestions) = check_and_suggest(&pool, customer.id, user.id, form).await?;
    respond(&page, &user, &customer, &defs, form, suggestions)
}

/// POST /issues/new/feedback — "This solved my problem" / "Not relevant"
/// on a suggested doc; the form comes back as it was.
pub async fn record_doc_feedback(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = issue_form::read(&body, &["feedback"], &filer(&user), Intent::Refresh);
    let Some(customer) = customer_for(&pool, &user, &form.draft).await? else {
        return choose_customer(&page, &pool).await;
    };
    let (verdict, doc) = form.extra("feedback").split_once(':').unwrap_or_default();
    let helpful = match verdict {
        "helpful" => true,
        "dismissed" => false,
        _ => return Err(AppError::BadRequest("Unknown feedback.".into())),
    };
    let doc_id =
        Uuid::parse_str(doc).map_err(|_| AppError::BadRequest("Unknown document.".into()))?;
    let session_id = Uuid::parse_str(&form.draft.form_session_id)
        .map_err(|_| AppError::BadRequest("The form is damaged; reload it.".into()))?;
    let viewer = Viewer::of(&user);
    let (customer_id, user_id) = (customer.id, user.id);
    let limits = config.write_limits;
    let (defs, form, suggestions) = db::run(&pool, move |conn| {
        let defs = issues::definitions(conn, customer_id, &form.draft.chosen_planes())?;
        let form = form.check(&defs);
        // A form with something wrong (bytes that are not text, unknown
        // or repeated fields) comes back with its errors; nothing is kept.
        if form.errors.is_empty() {
            let feedback = issues::Feedback {
                customer_id,
                doc_id,
                helpful,
                primary_plane_id: defs.plane(&form.draft.primary_plane).map(|p| p.id),
                form_session_id: session_id,
                snapshot: form.snapshot.clone(),
            };
            write_limits::within(
                conn,
                &limits,
                viewer.user_id,
                WriteAction::Feedback,
                |conn| issues::record_feedback(conn, viewer, &feedback),
            )?;
        }
        // Read after the feedback is stored, so the form shows the answer.
        let suggestions = issues::suggestions(conn, customer_id, user_id, &defs, &form)?;
        Ok::<_, AppError>((defs, form, suggestions))
    })
    .await?;
    respond(&page, &user, &customer, &defs, form, suggestions)
}

/// POST /issues — files the issue, or shows the form again with what is wrong.
pub async fn create_issue(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = issue_form::read(&body, &[], &filer(&user), Intent::File);
    let Some(customer) = customer_for(&pool, &user, &form.draft).await? else {
        if user.is_staff() {
            return choose_customer(&page, &pool).await;
        }
        return Err(AppError::Forbidden);
    };
    let (customer_id, user_id) = (customer.id, user.id);
    let (defs, mut form) = db::run(&pool, move |conn| {
        let defs = issues::definitions(conn, customer_id, &form.draft.chosen_planes())?;
        let form = form.check(&defs);
        Ok::<_, AppError>((defs, form))
    })
    .await?;
    let Some(valid) = form.valid.take() else {
        let (defs, form, suggestions) = db::run(&pool, move |conn| {
            let suggestions = issues::suggestions(conn, customer_id, user_id, &defs, &form)?;
            Ok::<_, AppError>((defs, form, suggestions))
        })
        .await?;
        return respond(&page, &user, &customer, &defs, form, suggestions);
    };
    let creator = user.clone();
    let limits = config.write_limits;
    let issue = db::run(&pool, move |conn| {
        write_limits::within(conn, &limits, creator.id, WriteAction::Issue, |conn| {
            issues::file_issue(conn, &creator, customer_id, &valid)
        })
    })
    .await?;
    tracing::info!(number = issue.number, "issue filed");
    Ok(page.redirect_with(
        &format!("/issues/{}", issue.number),
        FlashKind::Success,
        &format!("Issue #{} filed. We will reply here.", issue.number),
    ))
}
