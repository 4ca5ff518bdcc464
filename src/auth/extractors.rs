//! Who is asking: extractors that load the signed-in user (once per
//! request) and enforce the role a handler names. Access is denied by
//! default: a handler without one of these serves anonymous visitors only
//! public things.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::auth::session;
use crate::db::models::enums::UserRole;
use crate::db::models::users::{self, User};
use crate::db::{self, PgPool};
use crate::error::AppError;

/// The user loaded for this request, cached in its extensions.
#[derive(Clone)]
struct LoadedUser(Option<User>);

/// Loads the session's user (active ones only), once per request.
pub async fn load_user(req: &HttpRequest) -> Result<Option<User>, AppError> {
    if let Some(LoadedUser(user)) = req.extensions().get::<LoadedUser>() {
        return Ok(user.clone());
    }
    let session = req.get_session();
    let user = match session::user_id(&session) {
        None => None,
        Some(id) => {
            let pool = req
                .app_data::<web::Data<PgPool>>()
                .cloned()
                .ok_or_else(|| AppError::Internal("pool missing".into()))?;
            let found = db::run(&pool, move |conn| {
                users::find(conn, id).map(Some).or_else(|e| {
                    if e == diesel::result::Error::NotFound {
                        Ok(None)
                    } else {
                        Err(e)
                    }
                })
            })
            .await?;
            match found {
                Some(user) if !user.is_disabled() => Some(user),
                // Deleted or disabled since sign-in: the session is worthless.
                _ => {
                    session::sign_out(&session);
                    None
                }
            }
        }
    };
    req.extensions_mut().insert(LoadedUser(user.clone()));
    Ok(user)
}

/// The user an earlier extractor loaded for this request, if any (error
/// pages use it to keep the signed-in header without a query).
pub fn cached_user(req: &HttpRequest) -> Option<User> {
    req.extensions()
        .get::<LoadedUser>()
        .and_then(|LoadedUser(user)| user.clone())
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
