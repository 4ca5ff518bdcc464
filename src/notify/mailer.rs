//! The SMTP connection, from `SUPPORTDESK_SMTP_URL` and
//! `SUPPORTDESK_MAIL_FROM` (lettre's URL forms: `smtp://` plain,
//! `smtp://…?tls=required` STARTTLS, `smtps://` TLS), and sending one
//! message with the server's answer sorted into "try again later" and
//! "refused for good".

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;

/// Why a message was not sent, in the words kept on its outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// The server refused it (a 5xx answer) or it cannot be written: trying
    /// again will not help.
    pub permanent: bool,
    pub reason: String,
}

impl SendFailure {
    pub fn permanent(reason: impl Into<String>) -> Self {
        Self {
            permanent: true,
            reason: reason.into(),
        }
    }

    pub fn transient(reason: impl Into<String>) -> Self {
        Self {
            permanent: false,
            reason: reason.into(),
        }
    }
}

/// Sends e-mail through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub from: Mailbox,
    timeout: Duration,
}

const BOTH: &str = "SUPPORTDESK_SMTP_URL and SUPPORTDESK_MAIL_FROM go together: set both to send e-mail, or neither";

impl Mailer {
    /// The mailer the settings ask for: `None` when e-mail is off (neither
    /// setting given); an error for half a configuration, a URL lettre
    /// cannot use, or credentials that would cross the network in clear.
    pub fn from_settings(settings: &Settings) -> Result<Option<Self>, String> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (url, from) = match (given(&settings.smtp_url), given(&settings.mail_from)) {
            (None, None) => return Ok(None),
            (Some(url), Some(from)) => (url, from),
            _ => return Err(BOTH.to_owned()),
        };
        check_url(&url)?;
        let timeout = settings.mail_tuning.send_timeout;
        // lettre's error can quote the URL, password and all: not repeated.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|_| {
                "SUPPORTDESK_SMTP_URL is not an SMTP URL lettre can use: smtp://host:25, \
                 smtp://user:pass@host:587?tls=required or smtps://user:pass@host:465"
                    .to_owned()
            })?
            .timeout(Some(timeout))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("SUPPORTDESK_MAIL_FROM is not an e-mail address: {e}"))?;
        Ok(Some(Self {
            transport,
            from,
            timeout,
        }))
    }

    /// The domain of the sender's address: it names the messages
    /// (`Message-ID`) and the threads they belong to.
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// Sends one message, within the send timeout.
    pub async fn send(&self, message: Message) -> Result<(), SendFailure> {
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Err(_) => Err(SendFailure::transient(format!(
                "no answer from the SMTP server within {} s",
                self.timeout.as_secs()
            ))),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(SendFailure::permanent(e.to_string())),
            Ok(Err(e)) => Err(SendFailure::transient(e.to_string())),
        }
    }
}

/// Refuses a plain `smtp://` URL with a password: the password would cross
/// the network unencrypted. (Plain SMTP without one is for a relay on this
/// machine or network, and for tests.)
fn check_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| {
        "SUPPORTDESK_SMTP_URL is not a URL: smtp://host:25, \
         smtp://user:pass@host:587?tls=required or smtps://user:pass@host:465"
            .to_owned()
    })?;
    let tls = parsed.query_pairs().any(|(k, _)| k == "tls");
    if parsed.scheme() == "smtp" && parsed.password().is_some() && !tls {
        return Err(
            "SUPPORTDESK_SMTP_URL sends a password over plain SMTP: add ?tls=required \
             (STARTTLS) or use smtps://"
                .to_owned(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: Option<&str>, from: Option<&str>) -> Settings {
        let mut s = Settings::for_database("postgres://x/y");
        s.smtp_url = url.map(str::to_owned);
        s.mail_from = from.map(str::to_owned);
        s
    }

    #[test]
    fn mail_is_on_with_both_settings_and_off_with_neither() {
        assert!(
            Mailer::from_settings(&settings(None, None))
                .unwrap()
                .is_none()
        );
        assert!(
            Mailer::from_settings(&settings(Some(" "), Some("")))
                .unwrap()
                .is_none()
        );
        let on = Mailer::from_settings(&settings(
            Some("smtp://127.0.0.1:2525"),
            Some("Support <support@desk.example>"),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(on.domain(), "desk.example");
        for url in [
            "smtp://user:pass@mail.example:587?tls=required",
            "smtp://user:pass@mail.example:587?tls=opportunistic",
            "smtps://user:pass@mail.example",
        ] {
            assert!(
                Mailer::from_settings(&settings(Some(url), Some("a@b.example"))).is_ok(),
                "{url}"
            );
        }
    }

    #[test]
    fn half_a_configuration_or_a_bad_one_is_refused() {
        for (url, from) in [
            (Some("smtp://127.0.0.1:2525"), None),
            (None, Some("a@b.example")),
            (Some("http://mail.example"), Some("a@b.example")),
            (Some("not a url"), Some("a@b.example")),
            (Some("smtp://127.0.0.1"), Some("not an address")),
            // The password would travel in clear.
            (
                Some("smtp://user:secret@mail.example:587"),
                Some("a@b.example"),
            ),
        ] {
            let refused = Mailer::from_settings(&settings(url, from));
            assert!(refused.is_err(), "{url:?} {from:?}");
            assert!(!refused.err().unwrap().contains("secret"));
        }
    }
}
