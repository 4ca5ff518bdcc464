//! E-mail notifications: the SMTP connection ([`mailer`]), the messages
//! rendered from `templates/mail/` ([`message`]) and the delivery worker
//! each instance runs ([`worker`]), which sends what the outbox holds.
//! What goes into the outbox, and for whom, is decided where the changes
//! are written (`db::queries::notifications`, with the rules in
//! `domain::notifications`); this module only delivers.

pub mod mailer;
pub mod message;
pub mod worker;
