//! Who is asking: extractors that load the signed-in user (once per
//! request) and enforce the role a handler names. Access is denied by
//! default: a handler without one of these serves anonymous visitors only
//! public things.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use diesel::OptionalExtension;
use tokio::sync::OnceCell;

use crate::auth::session;
use crate::db::models::enums::UserRole;
use crate::db::models::users::{self, User};
use crate::db::{self, PgPool};
use crate::error::AppError;

/// The user of this request, loaded at most once: a handler's extractors
/// run concurrently (e.g. `CurrentUser` and `Page`), and all of them wait
/// for the one query.
#[derive(Clone, Default)]
struct LoadedUser(Rc<OnceCell<Option<User>>>);

/// Loads the session's user (active ones only), once per request.
pub async fn load_user(req: &HttpRequest) -> Result<Option<User>, AppError> {
    let cell = {
        let mut extensions = req.extensions_mut();
        if !extensions.contains::<LoadedUser>() {
            extensions.insert(LoadedUser::default());
        }
        extensions
            .get::<LoadedUser>()
            .map(|l| l.0.clone())
            .unwrap_or_default()
    };
    cell.get_or_try_init(|| fetch_user(req)).await.cloned()
}

async fn fetch_user(req: &HttpRequest) -> Result<Option<User>, AppError> {
    let session = req.get_session();
    let Some(id) = session::user_id(&session) else {
        return Ok(None);
    };
    let pool = req
        .app_data::<web::Data<PgPool>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("pool missing".into()))?;
    let found = db::run(&pool, move |conn| users::find(conn, id).optional()).await?;
    match found {
        Some(user) if !user.is_disabled() => Ok(Some(user)),
        // Deleted or disabled since sign-in: the session is worthless.
        _ => {
            session::sign_out(&session);
            Ok(None)
        }
    }
}

/// The user an earlier extractor loaded for this request, if any (error
/// pages use it to keep the signed-in header without a query).
pub fn cached_user(req: &HttpRequest) -> Option<User> {
    req.extensions()
        .get::<LoadedUser>()
        .and_then(|LoadedUser(cell)| cell.get().cloned().flatten())
}

/// Where to come back to after signing in.
fn next_of(req: &HttpRequest) -> String {
    match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    }
}

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Any signed-in user; signed-out visitors are sent to `/login?next=…`.
pub struct CurrentUser(pub User);

/// The signed-in user if there is one.
pub struct MaybeUser(pub Option<User>);

/// An agent or an admin.
pub struct RequireAgent(pub User);

/// An admin.
pub struct RequireAdmin(pub User);

async fn require(req: HttpRequest, allowed: &'static [UserRole]) -> Result<User, AppError> {
    match load_user(&req).await? {
        None => Err(AppError::Unauthenticated {
            next: next_of(&req),
        }),
        Some(user) if allowed.contains(&user.role) => Ok(user),
        Some(_) => Err(AppError::Forbidden),
    }
}

const ANYONE: &[UserRole] = &[UserRole::Customer, UserRole::Agent, UserRole::Admin];
const STAFF: &[UserRole] = &[UserRole::Agent, UserRole::Admin];
const ADMINS: &[UserRole] = &[UserRole::Admin];

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { require(req, ANYONE).await.map(CurrentUser) })
    }
}

impl FromRequest for RequireAgent {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { require(req, STAFF).await.map(RequireAgent) })
    }
}

impl FromRequest for RequireAdmin {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { require(req, ADMINS).await.map(RequireAdmin) })
    }
}

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load_user(&req).await.map(MaybeUser) })
    }
}
