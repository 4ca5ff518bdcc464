//! A real OpenID Connect provider on localhost for the sign-in tests:
//! authorize, token (checks the PKCE verifier), userinfo and JWKS endpoints.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "supportdesk-test";
pub const CLIENT_SECRET: &str = "test-client-secret";

/// Who the provider says the user is.
#[derive(Debug, Clone)]
pub struct FakeIdentity {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    /// As Microsoft: user info says nothing of verification; the ID token
    /// carries `xms_edov` instead.
    pub verified_only_in_id_token: bool,
}

#[derive(Default)]
struct State {
    identity: Option<FakeIdentity>,
    /// code → (PKCE challenge, nonce)
    grants: HashMap<String, (String, Option<String>)>,
    /// Token requests whose PKCE verifier matched the challenge.
    pub verified_exchanges: usize,
    /// Token requests refused for a wrong or missing verifier.
    pub refused_exchanges: usize,
    /// Put into ID tokens instead of the nonce the app sent.
    forced_nonce: Option<String>,
    /// A Microsoft-style directory: ID tokens carry `tid` and an issuer
    /// naming it (`<issuer>/<tid>`).
    tenant: Option<String>,
}

#[derive(Clone)]
pub struct FakeProvider {
    pub address: String,
    state: Arc<Mutex<State>>,
}

impl FakeProvider {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let data = web::Data::new(Shared {
            state: state.clone(),
            issuer: address.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
                .route("/userinfo", web::get().to(userinfo))
                .route("/jwks", web::get().to(jwks))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self { address, state }
    }

    /// The `--oauth` setting that points the app here.
    pub fn setting(&self) -> String {
        let a = &self.address;
        format!(
            "name=testid,preset=oidc,display_name=Test ID,client_id={CLIENT_ID},\
             client_secret={CLIENT_SECRET},auth_url={a}/authorize,token_url={a}/token,\
             userinfo_url={a}/userinfo,jwks_url={a}/jwks,issuer={a}"
        )
    }

    pub fn set_identity(&self, identity: FakeIdentity) {
        self.state.lock().unwrap().identity = Some(identity);
    }

    /// The setting for a provider whose issuer names each tenant, trusted
    /// with `extra` (e.g. `tenants=t-1,staff=true`).
    pub fn setting_with(&self, extra: &str) -> String {
        let a = &self.address;
        let base = self.setting();
        let base = if extra.contains("tenants=") {
            base.replace(&format!("issuer={a}"), &format!("issuer={a}/{{tenantid}}"))
        } else {
            base
        };
        format!("{base},{extra}")
    }

    /// ID tokens from now on come from directory `tenant`.
    pub fn set_tenant(&self, tenant: &str) {
        self.state.lock().unwrap().tenant = Some(tenant.to_owned());
    }

    pub fn force_nonce(&self, nonce: &str) {
        self.state.lock().unwrap().forced_nonce = Some(nonce.to_owned());
    }

    pub fn verified_exchanges(&self) -> usize {
        self.state.lock().unwrap().verified_exchanges
    }

    pub fn refused_exchanges(&self) -> usize {
        self.state.lock().unwrap().refused_exchanges
    }
}

struct Shared {
    state: Arc<Mutex<State>>,
    issuer: String,
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect()
}

async fn authorize(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let q = query(&req);
    assert_eq!(q.get("client_id").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(
        q.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    shared.state.lock().unwrap().grants.insert(
        code.clone(),
        (
            q.get("code_challenge").cloned().unwrap_or_default(),
            q.get("nonce").cloned(),
        ),
    );
    let state = q.get("state").cloned().unwrap_or_default();
    let location = format!(
        "{}?code={code}&state={}",
        q.get("redirect_uri").cloned().unwrap_or_default(),
        url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>()
    );
    HttpResponse::Found()
        .insert_header(("location", location))
        .finish()
}

async fn token(
    shared: web::Data<Shared>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let mut state = shared.state.lock().unwrap();
    let code = form.get("code").cloned().unwrap_or_default();
    let Some((challenge, nonce)) = state.grants.remove(&code) else {
        return HttpResponse::BadRequest().json(serde_json::json!({"error": "invalid_grant"}));
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if verifier.is_empty() || computed != challenge {
        state.refused_exchanges += 1;
        return HttpResponse::BadRequest().json(serde_json::json!({"error": "invalid_grant"}));
    }
    state.verified_exchanges += 1;
    let identity = state.identity.clone().expect("identity set");
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": shared.issuer,
        "aud": CLIENT_ID,
        "sub": identity.sub,
        "iat": now,
        "exp": now + 300,
        "nonce": state.forced_nonce.clone().or(nonce),
    });
    let mut claims = claims;
    if let Some(tenant) = &state.tenant {
        claims["tid"] = serde_json::json!(tenant);
        claims["iss"] = serde_json::json!(format!("{}/{tenant}", shared.issuer));
    }
    if identity.verified_only_in_id_token {
        claims["xms_edov"] = serde_json::json!(identity.email_verified);
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key".into());
    let key = EncodingKey::from_rsa_der(include_bytes!("../fixtures/oidc-test-key.der"));
    let id_token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    HttpResponse::Ok().json(serde_json::json!({
        "access_token": format!("access-{code}"),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
}

async fn userinfo(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !auth.starts_with("Bearer access-") {
        return HttpResponse::Unauthorized().finish();
    }
    let identity = shared
        .state
        .lock()
        .unwrap()
        .identity
        .clone()
        .expect("identity set");
    let mut info = serde_json::json!({
        "sub": identity.sub,
        "email": identity.email,
        "name": identity.name,
    });
    if !identity.verified_only_in_id_token {
        info["email_verified"] = serde_json::json!(identity.email_verified);
    }
    HttpResponse::Ok().json(info)
}

async fn jwks() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("../fixtures/oidc-test-jwks.json"))
}
