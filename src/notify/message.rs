//! One outbox row as an e-mail: subject with the issue number, plain-text
//! and HTML bodies from `templates/mail/`, a link to the issue, the
//! headers that thread one issue's messages together in mail clients
//! (`Message-ID` per message, `In-Reply-To` and `References` naming the
//! issue), and `List-Unsubscribe` with the signed link that turns the
//! message's topic off.

use askama::Template;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use crate::auth::invitations::{INVITATION_LIFETIME, RESET_LIFETIME};
use crate::auth::unsubscribe;
use crate::db::models::enums::{NotificationEvent, NotificationTopic};
use crate::db::models::notification_outbox::Claimed;
use crate::domain::notifications::subject;

/// What every message needs besides its row.
#[derive(Clone)]
pub struct Composer {
    /// The app's public URL, without a trailing slash.
    pub base_url: String,
    pub unsubscribe_key: [u8; 32],
    pub from: Mailbox,
    /// Names messages and threads (`<…@domain>`).
    pub domain: String,
}

/// An issue's message as its templates show it.
struct IssueMail {
    heading: String,
    /// Public text quoted: a reply, resolution notes, a new issue's
    /// description.
    quote: Option<String>,
    number: i64,
    link: String,
    reason: &'static str,
    unsubscribe: Option<String>,
    account: String,
}

#[derive(Template)]
#[template(path = "mail/issue.txt", whitespace = "preserve")]
struct IssueText<'a> {
    m: &'a IssueMail,
}

#[derive(Template)]
#[template(path = "mail/issue.html")]
struct IssueHtml<'a> {
    m: &'a IssueMail,
}

/// An invitation's or reset's message.
struct LinkMail {
    heading: String,
    action: &'static str,
    link: String,
    expiry: String,
    after: &'static str,
}

#[derive(Template)]
#[template(path = "mail/link.txt", whitespace = "preserve")]
struct LinkText<'a> {
    m: &'a LinkMail,
}

#[derive(Template)]
#[template(path = "mail/link.html")]
struct LinkHtml<'a> {
    m: &'a LinkMail,
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

/// Why a person gets messages of a topic, for the message's footer.
fn reason(topic: Option<NotificationTopic>) -> &'static str {
    match topic {
        Some(NotificationTopic::Replies | NotificationTopic::Status) => {
            "you follow this issue: you filed it or replied on it"
        }
        Some(NotificationTopic::Assigned | NotificationTopic::CustomerReplies) => {
            "this ticket is assigned to you"
        }
        Some(NotificationTopic::Unassigned) => {
            "you chose to hear about new issues and unassigned tickets"
        }
        None => "of your account at this support desk",
    }
}

fn hours(d: chrono::Duration) -> String {
    match d.num_hours() {
        h if h >= 48 => format!("{} days", h / 24),
        h => format!("{h} hours"),
    }
}

impl Composer {
    /// The e-mail of a claimed row; `Err` when it cannot be written (an
    /// address the server would never take), which no retry mends.
    pub fn compose(&self, row: &Claimed) -> Result<Message, String> {
        let to: Mailbox = row
            .email
            .parse()
            .map_err(|e| format!("not an e-mail address: {e}"))?;
        let unsubscribe = self.unsubscribe_url(row);
        let (subject_line, text, html) = match row.event {
            NotificationEvent::Invitation | NotificationEvent::PasswordReset => {
                self.link_mail(row)?
            }
            _ => self.issue_mail(row, unsubscribe.clone())?,
        };
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject_line)
            .message_id(Some(format!("<{}@{}>", row.id, self.domain)))
            // RFC 3834: out-of-office replies are not sent back to us.
            .raw_header(header("Auto-Submitted", "auto-generated".into()));
        if let Some(issue_id) = row.issue_id {
            let thread = format!("<issue-{issue_id}@{}>", self.domain);
            builder = builder.in_reply_to(thread.clone()).references(thread);
        }
        if let Some(url) = unsubscribe {
            builder = builder.raw_header(header("List-Unsubscribe", format!("<{url}>")));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| format!("cannot write the message: {e}"))
    }

    /// The row's unsubscribe link: a signed token for its person and topic
    /// (none for invitations and resets, which are no subscription).
    fn unsubscribe_url(&self, row: &Claimed) -> Option<String> {
        let (user_id, topic) = row.recipient_id.zip(row.topic)?;
        let token = unsubscribe::token(&self.unsubscribe_key, user_id, topic);
        Some(format!("{}/unsubscribe/{token}", self.base_url))
    }

    fn issue_mail(
        &self,
        row: &Claimed,
        unsubscribe: Option<String>,
    ) -> Result<(String, String, String), String> {
        let (Some(number), Some(title)) = (row.number, row.title.as_deref()) else {
            return Err("the issue is gone".into());
        };
        let actor = if row.actor_name.is_empty() {
            "Someone"
        } else {
            row.actor_name.as_str()
        };
        use NotificationEvent as E;
        let heading = match row.event {
            E::AgentReply | E::CustomerReply => format!("{actor} replied on #{number} “{title}”:"),
            E::Resolved => format!("{actor} resolved #{number} “{title}”."),
            E::Closed => format!("{actor} closed #{number} “{title}”."),
            E::NewIssue => format!("{actor} filed #{number} “{title}”:"),
            E::Assigned => format!("{actor} assigned #{number} “{title}” to you."),
            E::Invitation | E::PasswordReset => return Err("not an issue's message".into()),
        };
        let quote = match row.event {
            E::NewIssue => row.description.clone(),
            _ => row.detail.clone(),
        }
        .filter(|q| !q.trim().is_empty());
        let mail = IssueMail {
            heading,
            quote,
            number,
            link: format!("{}/issues/{number}", self.base_url),
            reason: reason(row.topic),
            unsubscribe,
            account: format!("{}/account", self.base_url),
        };
        let text = IssueText { m: &mail }.render().map_err(|e| e.to_string())?;
        let html = IssueHtml { m: &mail }.render().map_err(|e| e.to_string())?;
        Ok((subject(row.event, number, title, actor), text, html))
    }

    fn link_mail(&self, row: &Claimed) -> Result<(String, String, String), String> {
        let Some(link) = row.link.clone() else {
            return Err("the link was already sent or is gone".into());
        };
        let invitation = row.event == NotificationEvent::Invitation;
        let mail = LinkMail {
            heading: if invitation {
                format!(
                    "{} invited you to the support desk at {}.",
                    row.actor_name, self.base_url
                )
            } else {
                format!(
                    "A password reset was asked for your account at {}.",
                    self.base_url
                )
            },
            action: if invitation {
                "Choose your name and password"
            } else {
                "Choose a new password"
            },
            link,
            expiry: hours(if invitation {
                INVITATION_LIFETIME
            } else {
                RESET_LIFETIME
            }),
            after: if invitation {
                "If you did not expect this invitation, ignore this e-mail."
            } else {
                "If you did not ask for it, ignore this e-mail: your password stays as it is."
            },
        };
        let subject = if invitation {
            "Your invitation to the support desk"
        } else {
            "Reset your support desk password"
        };
        let text = LinkText { m: &mail }.render().map_err(|e| e.to_string())?;
        let html = LinkHtml { m: &mail }.render().map_err(|e| e.to_string())?;
        Ok((subject.to_owned(), text, html))
    }
}
