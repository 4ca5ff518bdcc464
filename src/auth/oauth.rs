//! OAuth 2.0 / OpenID Connect providers: configuration (with presets for
//! Google, GitHub, Microsoft and a generic OIDC provider), the authorization
//! request (code + PKCE S256 + state, and a nonce for OIDC), the code
//! exchange, ID-token checks and the identity the provider asserts.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// One configured provider, as parsed from `--oauth` / `SUPPORTDESK_OAUTH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// URL slug: `/auth/{name}/start`.
    pub name: String,
    pub display_name: String,
    pub client_id: String,
    pub client_secret: String,
    pub auth_url: String,
    pub token_url: String,
    pub userinfo_url: String,
    /// GitHub-style list of the user's addresses with their verification.
    pub emails_url: Option<String>,
    /// Set for OpenID Connect: ID tokens are required and checked.
    pub jwks_url: Option<String>,
    /// Expected `iss` of ID tokens, required for OpenID Connect. It may
    /// hold [`TENANT`] (Microsoft's multi-tenant endpoint names each
    /// tenant in its issuer): then the token's `tid` must be in `tenants`.
    pub issuer: Option<String>,
    /// The directory tenants allowed to sign in through an issuer with
    /// [`TENANT`] in it.
    pub tenants: Vec<String>,
    /// Whether this provider may sign in agents and admins. Off unless
    /// set (`staff=true`): an account at a public provider (GitHub,
    /// Google) with a staff member's verified e-mail must not open staff
    /// rights; a company's own identity provider can be trusted with them.
    pub staff: bool,
    pub scopes: Vec<String>,
}

/// The placeholder for the tenant in a multi-tenant issuer.
pub const TENANT: &str = "{tenantid}";

impl ProviderConfig {
    pub fn is_oidc(&self) -> bool {
        self.jwks_url.is_some()
    }
}

/// Parses `name=google,client_id=…,client_secret=…` (keys: name, preset,
/// display_name, client_id, client_secret, auth_url, token_url,
/// userinfo_url, emails_url, jwks_url, issuer, tenants, staff, scopes). `preset` (google,
/// github, microsoft, oidc) fills the URLs a provider is known by; `name`
/// defaults to the preset.
pub fn parse_provider(spec: &str) -> Result<ProviderConfig, String> {
    let mut fields = std::collections::HashMap::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("OAuth setting `{part}` is not key=value"))?;
        fields.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    let get = |k: &str| fields.get(k).cloned();
    let preset = get("preset").or_else(|| get("name")).unwrap_or_default();
    let defaults: [(&str, &str); 7] = match preset.as_str() {
        "google" => [
            ("display_name", "Google"),
            ("auth_url", "https://accounts.google.com/o/oauth2/v2/auth"),
            ("token_url", "https://oauth2.googleapis.com/token"),
            (
                "userinfo_url",
                "https://openidconnect.googleapis.com/v1/userinfo",
            ),
            ("jwks_url", "https://www.googleapis.com/oauth2/v3/certs"),
            ("issuer", "https://accounts.google.com"),
            ("scopes", "openid email profile"),
        ],
        "github" => [
            ("display_name", "GitHub"),
            ("auth_url", "https://github.com/login/oauth/authorize"),
            ("token_url", "https://github.com/login/oauth/access_token"),
            ("userinfo_url", "https://api.github.com/user"),
            ("emails_url", "https://api.github.com/user/emails"),
            ("scopes", "read:user user:email"),
            ("", ""),
        ],
        "microsoft" => [
            ("display_name", "Microsoft"),
            (
                "auth_url",
                "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            ),
            (
                "token_url",
                "https://login.microsoftonline.com/common/oauth2/v2.0/token",
            ),
            ("userinfo_url", "https://graph.microsoft.com/oidc/userinfo"),
            (
                "jwks_url",
                "https://login.microsoftonline.com/common/discovery/v2.0/keys",
            ),
            ("scopes", "openid email profile"),
            (
                "issuer",
                "https://login.microsoftonline.com/{tenantid}/v2.0",
            ),
        ],
        _ => [
            ("display_name", "Single sign-on"),
            ("scopes", "openid email profile"),
            ("", ""),
            ("", ""),
            ("", ""),
            ("", ""),
            ("", ""),
        ],
    };
    let pick = |k: &str| {
        get(k).or_else(|| {
            defaults
                .iter()
                .find(|(dk, _)| *dk == k)
                .map(|(_, v)| (*v).to_owned())
        })
    };
    let name = get("name").unwrap_or(preset.clone());
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "OAuth provider name `{name}` must be lower-case letters, digits and dashes"
        ));
    }
    let required = |k: &str| {
        pick(k)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("OAuth provider `{name}` needs `{k}`"))
    };
    let jwks_url = pick("jwks_url").filter(|v| !v.is_empty());
    let issuer = pick("issuer").filter(|v| !v.is_empty());
    if jwks_url.is_some() && issuer.is_none() {
        return Err(format!(
            "OAuth provider `{name}` needs `issuer`: an ID token is believed only from its issuer"
        ));
    }
    let tenants: Vec<String> = get("tenants")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if issuer.as_deref().is_some_and(|i| i.contains(TENANT)) && tenants.is_empty() {
        return Err(format!(
            "OAuth provider `{name}` needs `tenants`: the directory (tenant) ids allowed to \
             sign in, separated by spaces; any organisation's directory could sign in otherwise"
        ));
    }
    let staff = match get("staff").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(format!(
                "OAuth provider `{name}`: `staff` is true or false, not `{other}`"
            ));
        }
    };
    Ok(ProviderConfig {
        display_name: required("display_name")?,
        client_id: required("client_id")?,
        client_secret: required("client_secret")?,
        auth_url: required("auth_url")?,
        token_url: required("token_url")?,
        userinfo_url: required("userinfo_url")?,
        emails_url: pick("emails_url").filter(|v| !v.is_empty()),
        jwks_url,
        issuer,
        tenants,
        staff,
        scopes: required("scopes")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        name,
    })
}

/// The token response with OpenID Connect's `id_token`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type TokenResp = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResp,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A provider ready to use: its client and an HTTP client for its APIs.
#[derive(Clone)]
pub struct Provider {
    pub config: ProviderConfig,
    client: OAuthClient,
    http: oauth2::reqwest::Client,
}

/// Everything configured, for the sign-in page and the routes.
#[derive(Clone, Default)]
pub struct Providers(pub Vec<Provider>);

impl Providers {
    pub fn build(configs: &[ProviderConfig], base_url: &str) -> Result<Self, String> {
        let http = oauth2::reqwest::Client::builder()
            // Following redirects from a token endpoint invites SSRF.
            .redirect(oauth2::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("OAuth HTTP client: {e}"))?;
        let mut providers = Vec::new();
        for config in configs {
            let url = |u: &str| format!("OAuth provider `{}`: bad URL `{u}`", config.name);
            let client = oauth2::Client::new(ClientId::new(config.client_id.clone()))
                .set_client_secret(ClientSecret::new(config.client_secret.clone()))
                .set_auth_uri(
                    AuthUrl::new(config.auth_url.clone()).map_err(|_| url(&config.auth_url))?,
                )
                .set_token_uri(
                    TokenUrl::new(config.token_url.clone()).map_err(|_| url(&config.token_url))?,
                )
                .set_redirect_uri(
                    RedirectUrl::new(format!("{base_url}/auth/{}/callback", config.name))
                        .map_err(|_| url(base_url))?,
                );
            providers.push(Provider {
                config: config.clone(),
                client,
                http: http.clone(),
            });
        }
        Ok(Self(providers))
    }

    pub fn find(&self, name: &str) -> Option<&Provider> {
        self.0.iter().find(|p| p.config.name == name)
    }
}

/// What the start of a sign-in keeps in the session for its callback.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub provider: String,
    pub state: String,
    pub verifier: String,
    pub nonce: String,
    pub next: String,
}

/// The identity a provider vouches for.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("the provider refused the code: {0}")]
    Exchange(String),
    #[error("the provider's answer could not be used: {0}")]
    Provider(String),
    #[error("the ID token failed its checks: {0}")]
    IdToken(String),
}

impl Provider {
    /// The URL to send the browser to, and what to remember for the callback.
    pub fn authorize(&self, next: String) -> (String, PendingSignIn) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = crate::auth::tokens::random_token(24);
        let mut request = self
            .client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if self.config.is_oidc() {
            request = request.add_extra_param("nonce", nonce.clone());
        }
        let (url, state) = request.url();
        let pending = PendingSignIn {
            provider: self.config.name.clone(),
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
            nonce,
            next,
        };
        (url.to_string(), pending)
    }

    /// Exchanges the code (with the PKCE verifier), checks the ID token for
    /// OIDC providers and reads the user's identity.
    pub async fn identify(
        &self,
        code: String,
        pending: &PendingSignIn,
    ) -> Result<Identity, OAuthError> {
        let token = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OAuthError::Exchange(e.to_string()))?;
        let id_claims = match &self.config.jwks_url {
            Some(jwks_url) => {
                let id_token = token
                    .extra_fields()
                    .id_token
                    .as_deref()
                    .ok_or_else(|| OAuthError::IdToken("missing".into()))?;
                Some(
                    self.check_id_token(id_token, jwks_url, &pending.nonce)
                        .await?,
                )
            }
            None => None,
        };
        let access = token.access_token().secret().clone();
        let info: serde_json::Value = self.get_json(&self.config.userinfo_url, &access).await?;
        let subject = info
            .get("sub")
            .and_then(|v| v.as_str().map(str::to_owned))
            .or_else(|| {
                info.get("id")
                    .map(|v| v.to_string().trim_matches('"').to_owned())
            })
            .filter(|s| !s.is_empty())
            .ok_or_else(|| OAuthError::Provider("no subject in user info".into()))?;
        if let Some(id) = &id_claims
            && id.sub != subject
        {
            return Err(OAuthError::IdToken("subject differs from user info".into()));
        }
        let mut email = info
            .get("email")
            .and_then(|v| v.as_str())
            .map(str::to_lowercase);
        // User info's word, else the ID token's (Microsoft says it only
        // there, as xms_edov), else unverified.
        let mut email_verified = info
            .get("email_verified")
            .and_then(claim_bool)
            .or(id_claims.as_ref().and_then(|id| id.email_verified))
            .unwrap_or(false);
        if let Some(emails_url) = &self.config.emails_url {
            #[derive(Deserialize)]
            struct Address {
                email: String,
                primary: bool,
                verified: bool,
            }
            let list: Vec<Address> =
                serde_json::from_value(self.get_json(emails_url, &access).await?)
                    .map_err(|e| OAuthError::Provider(format!("e-mail list: {e}")))?;
            if let Some(primary) = list.into_iter().find(|a| a.primary) {
                email = Some(primary.email.to_lowercase());
                email_verified = primary.verified;
            }
        }
        let name = info.get("name").and_then(|v| v.as_str()).map(str::to_owned);
        Ok(Identity {
            subject,
            email,
            email_verified,
            name,
        })
    }

    async fn get_json(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<serde_json::Value, OAuthError> {
        let res = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header("accept", "application/json")
            .header("user-agent", "supportdesk")
            .send()
            .await
            .map_err(|e| OAuthError::Provider(e.to_string()))?;
        if !res.status().is_success() {
            return Err(OAuthError::Provider(format!(
                "{url} answered {}",
                res.status()
            )));
        }
        let body = res
            .bytes()
            .await
            .map_err(|e| OAuthError::Provider(e.to_string()))?;
        serde_json::from_slice(&body).map_err(|e| OAuthError::Provider(e.to_string()))
    }

    /// Signature (RS256 from the provider's JWKS), issuer, audience,
    /// expiry and nonce; returns what the token says of the user.
    async fn check_id_token(
        &self,
        id_token: &str,
        jwks_url: &str,
        nonce: &str,
    ) -> Result<IdClaims, OAuthError> {
        #[derive(Deserialize)]
        struct Jwk {
            kid: Option<String>,
            n: Option<String>,
            e: Option<String>,
        }
        #[derive(Deserialize)]
        struct Jwks {
            keys: Vec<Jwk>,
        }
        #[derive(Deserialize)]
        struct Claims {
            sub: String,
            iss: String,
            /// Microsoft: the directory (tenant) the user belongs to.
            tid: Option<String>,
            nonce: Option<String>,
            email_verified: Option<serde_json::Value>,
            /// Microsoft: the e-mail's domain is verified by its owner (an
            /// optional claim the app registration must ask for).
            xms_edov: Option<serde_json::Value>,
        }
        let header = decode_header(id_token).map_err(|e| OAuthError::IdToken(e.to_string()))?;
        if header.alg != Algorithm::RS256 {
            return Err(OAuthError::IdToken(format!(
                "algorithm {:?} not accepted",
                header.alg
            )));
        }
        let body = self
            .http
            .get(jwks_url)
            .send()
            .await
            .map_err(|e| OAuthError::IdToken(format!("keys: {e}")))?
            .bytes()
            .await
            .map_err(|e| OAuthError::IdToken(format!("keys: {e}")))?;
        let jwks: Jwks =
            serde_json::from_slice(&body).map_err(|e| OAuthError::IdToken(format!("keys: {e}")))?;
        let key = jwks
            .keys
            .iter()
            .find(|k| header.kid.is_none() || k.kid == header.kid)
            .and_then(|k| Some((k.n.as_deref()?, k.e.as_deref()?)))
            .ok_or_else(|| OAuthError::IdToken("no matching key".into()))?;
        let key = DecodingKey::from_rsa_components(key.0, key.1)
            .map_err(|e| OAuthError::IdToken(e.to_string()))?;
        let issuer = (self.config.issuer.as_deref())
            .ok_or_else(|| OAuthError::IdToken("no issuer configured".into()))?;
        let per_tenant = issuer.contains(TENANT);
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[&self.config.client_id]);
        if per_tenant {
            // Checked below, once the tenant is known.
            validation.iss = None;
        } else {
            validation.set_issuer(&[issuer]);
        }
        validation.set_required_spec_claims(&["exp", "aud", "sub", "iss"]);
        let claims = decode::<Claims>(id_token, &key, &validation)
            .map_err(|e| OAuthError::IdToken(e.to_string()))?
            .claims;
        if per_tenant {
            let tenant = (claims.tid.as_deref())
                .filter(|t| self.config.tenants.iter().any(|allowed| allowed == t))
                .ok_or_else(|| OAuthError::IdToken("tenant not allowed".into()))?;
            if claims.iss != issuer.replace(TENANT, tenant) {
                return Err(OAuthError::IdToken("issuer is not the tenant's".into()));
            }
        }
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(OAuthError::IdToken(
                "nonce does not match this sign-in".into(),
            ));
        }
        Ok(IdClaims {
            email_verified: claims
                .email_verified
                .as_ref()
                .or(claims.xms_edov.as_ref())
                .and_then(claim_bool),
            sub: claims.sub,
        })
    }
}

/// What a verified ID token says of the user.
struct IdClaims {
    sub: String,
    email_verified: Option<bool>,
}

/// A yes/no claim, as providers write it: `true`, `"true"` or `"1"`.
fn claim_bool(value: &serde_json::Value) -> Option<bool> {
    match value {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => Some(s == "true" || s == "1"),
        serde_json::Value::Number(n) => Some(n.as_i64() == Some(1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_provider;

    #[test]
    fn presets_fill_in_the_provider_urls() {
        let google = parse_provider("name=google,client_id=a,client_secret=b").unwrap();
        assert!(google.is_oidc());
        assert_eq!(
            google.issuer.as_deref(),
            Some("https://accounts.google.com")
        );
        let github = parse_provider("name=github,client_id=a,client_secret=b").unwrap();
        assert!(!github.is_oidc());
        assert!(github.emails_url.is_some());
        let err =
            parse_provider("preset=microsoft,name=work,client_id=a,client_secret=b").unwrap_err();
        assert!(err.contains("tenants"), "{err}");
        let ms = parse_provider(
            "preset=microsoft,name=work,client_id=a,client_secret=b,tenants=t-1 t-2,staff=true",
        )
        .unwrap();
        assert_eq!(ms.name, "work");
        assert!(
            ms.is_oidc()
                && ms
                    .issuer
                    .as_deref()
                    .is_some_and(|i| i.contains("{tenantid}"))
        );
        assert_eq!(ms.tenants, ["t-1", "t-2"]);
        assert!(ms.staff && !github.staff && !google.staff);
        let err = parse_provider(
            "preset=oidc,name=corp,client_id=a,client_secret=b,auth_url=x,token_url=y,\
             userinfo_url=z,jwks_url=k",
        )
        .unwrap_err();
        assert!(err.contains("issuer"), "{err}");
        assert!(parse_provider("name=google,client_id=a,client_secret=b,staff=yes").is_err());
        let err = parse_provider("preset=oidc,name=corp,client_id=a,client_secret=b").unwrap_err();
        assert!(err.contains("auth_url"), "{err}");
        assert!(parse_provider("name=Bad Name,client_id=a,client_secret=b").is_err());
        assert!(parse_provider("name=google,client_id").is_err());
    }
}
