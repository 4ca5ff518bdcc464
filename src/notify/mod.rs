//! E-mail notifications: the fan-out each instance runs ([`fan_out`]),
//! which turns the events changes wrote into one outbox row per
//! recipient; the SMTP connection ([`mailer`]), the messages rendered from
//! `templates/mail/` ([`message`]) and the delivery worker each instance
//! with e-mail runs ([`worker`]), which sends what the outbox holds. Who
//! hears of what is decided in `db::queries::notifications`, with the
//! rules in `domain::notifications`.

pub mod fan_out;
pub mod mailer;
pub mod message;
pub mod worker;
