//! [`Form`]: `web::Form` (its body limit, content type and serde reading)
//! that also refuses a body whose fields are not UTF-8. `web::Form` reads
//! such bytes as U+FFFD, so a name typed with them was saved mangled; no
//! browser sends them, so the answer is the 400 of any damaged form body.

use std::cell::RefCell;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::domain::form_pairs;
use crate::error::AppError;

/// A form body read into `T`, every field valid UTF-8.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T> Form<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Form<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

type Chunks = Pin<Box<dyn Stream<Item = Result<web::Bytes, PayloadError>>>>;

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Keep a copy of the bytes `web::Form` reads (it stops at its own
        // limit, so the copy is bounded too); the app decompresses nothing,
        // so they are the form as sent.
        let seen = Rc::new(RefCell::new(Vec::new()));
        let copy = Rc::clone(&seen);
        let chunks: Chunks = Box::pin(payload.take().inspect(move |chunk| {
            if let Ok(bytes) = chunk {
                copy.borrow_mut().extend_from_slice(bytes);
            }
        }));
        let read = web::Form::<T>::from_request(req, &mut Payload::from(chunks));
        Box::pin(async move {
            let form = read.await?;
            if !form_pairs::all_utf8(&seen.borrow()) {
                let why = "The form holds bytes that are not text; reload the page.";
                return Err(AppError::BadRequest(why.into()).into());
            }
            Ok(Form(form.into_inner()))
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::test::TestRequest;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Named {
        name: String,
    }

    async fn read(body: &'static [u8], limit: usize) -> Result<Form<Named>, actix_web::Error> {
        let (req, mut payload) = TestRequest::post()
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .app_data(web::FormConfig::default().limit(limit))
            .set_payload(body)
            .to_http_parts();
        Form::<Named>::from_request(&req, &mut payload).await
    }

    #[actix_web::test]
    async fn reads_a_form_as_web_form_does() {
        let form = read(b"name=J%C3%BCrgen+K", 1024).await.unwrap();
        assert_eq!(form.name, "Jürgen K");
    }

    #[actix_web::test]
    async fn refuses_bytes_that_are_not_utf8() {
        let err = read(b"name=bad%FF%FEvalue", 1024).await.unwrap_err();
        assert_eq!(
            err.as_response_error().status_code(),
            StatusCode::BAD_REQUEST
        );
    }

    #[actix_web::test]
    async fn keeps_the_limit_of_form_config() {
        let err = read(b"name=longer-than-the-limit", 8).await.unwrap_err();
        assert_eq!(
            err.as_response_error().status_code(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
